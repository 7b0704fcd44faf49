"""The ``workflow`` command line: thin commands that parse, load and call one stage.

Errors are :class:`workflow.errors.WorkflowError` (a ``ClickException``), so the
user sees ``Error: …`` and an exit code, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from workflow import __version__
from workflow.project import Project

err = Console(stderr=True)
out = Console()


def _project(ctx: click.Context) -> Project:
    start = ctx.obj.get("project") if ctx.obj else None
    return Project.load(Path(start) if start else None)


def _languages(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _progress(total: int, label: str) -> Progress:
    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[item]}"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=total < 2 or not err.is_terminal,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="workflow")
@click.option(
    "--project",
    "-C",
    metavar="DIR",
    envvar="WORKFLOW_PROJECT",
    help="Project folder (default: the folder with workflow.toml at or above this one).",
)
@click.pass_context
def cli(ctx: click.Context, project: str | None) -> None:
    """A newsroom's translation and publishing workflow.

    \b
    Example, from a new project to catalogues:
      workflow init harbour && cd harbour
      workflow new council-vote --lang en
      workflow extract
      workflow status
    """
    ctx.ensure_object(dict)
    ctx.obj["project"] = project


@cli.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="Newsroom", show_default=True, help="Site name.")
@click.option("--base-url", default="https://news.example.org/", show_default=True)
@click.option(
    "--source", default="en", show_default=True, help="Source languages, comma-separated."
)
@click.option(
    "--targets", default="en,es,ca", show_default=True, help="Target languages, comma-separated."
)
def init(directory: Path, name: str, base_url: str, source: str, targets: str) -> None:
    """Create a new project: workflow.toml, articles/ and locales/.

    \b
    Example:
      workflow init harbour --name "The Harbour Review" --source en,es --targets en,es,ca
    """
    from workflow.scaffold import init_project

    created = init_project(directory, name, base_url, _languages(source), _languages(targets))
    for path in created:
        out.print(f"created {path}")


@cli.command()
@click.argument("slug")
@click.option("--lang", "language", required=True, help="Language the article is written in.")
@click.option("--title", help="Title (default: from the slug).")
@click.option("--author", help="Author's name.")
@click.pass_context
def new(
    ctx: click.Context, slug: str, language: str, title: str | None, author: str | None
) -> None:
    """Start articles/SLUG.md from a template, as a draft.

    \b
    Example:
      workflow new harbour-rebuilt --lang en --title "How the harbour was rebuilt"
    """
    from workflow.scaffold import new_article

    project = _project(ctx)
    path = new_article(project, slug, language, title, author)
    out.print(
        f"created {project.relative(path)} (status: draft — set `status: ready` to translate)"
    )


@cli.command()
@click.argument("slugs", nargs=-1)
@click.option("--lang", "languages", help="Only these target languages, comma-separated.")
@click.option("--force", is_flag=True, help="Re-segment even articles whose source is unchanged.")
@click.pass_context
def extract(ctx: click.Context, slugs: tuple[str, ...], languages: str | None, force: bool) -> None:
    """Cut articles into segments and merge them into their PO catalogues.

    Unchanged sentences keep their translation; changed ones get the closest
    old translation marked fuzzy; removed ones become obsolete.

    \b
    Example:
      workflow extract                 # every article, every target language
      workflow extract harbour-rebuilt --lang es,ca
    """
    from workflow.extract import ExtractError
    from workflow.extract import extract as run

    project = _project(ctx)
    selected = project.select(list(slugs))
    failure: ExtractError | None = None
    with _progress(len(selected), "extract") as progress:
        task = progress.add_task("extract", total=len(selected), item="")
        try:
            results = run(
                project,
                selected,
                _languages(languages),
                force,
                advance=lambda slug: progress.update(task, advance=1, item=slug),
            )
        except ExtractError as exc:
            failure, results = exc, exc.results
    counts: dict[str, int] = {}
    for result in results:
        counts[result.action] = counts.get(result.action, 0) + 1
        if result.action in ("created", "updated"):
            s = result.stats
            detail = f" ({s.total} segments, {s.untranslated} untranslated)" if s else ""
            out.print(f"{result.action} {result.language}/{result.slug}{detail}")
    from workflow.publish.strings import update_site_catalogs

    for tag in update_site_catalogs(project):
        out.print(f"updated {tag}/site (the site's interface strings)")
    summary = ", ".join(f"{n} {action}" for action, n in sorted(counts.items()))
    out.print(f"{len(selected)} article(s): {summary or 'nothing to do'}")
    if failure is not None:
        raise failure


@cli.command()
@click.argument("slugs", nargs=-1)
@click.option("--to", "languages", help="Only these target languages, comma-separated.")
@click.option("--engine", help="Use this engine for every pair (default: from workflow.toml).")
@click.option("--dry-run", is_flag=True, help="Count what would be sent; send nothing.")
@click.pass_context
def translate(
    ctx: click.Context,
    slugs: tuple[str, ...],
    languages: str | None,
    engine: str | None,
    dry_run: bool,
) -> None:
    """Machine-translate every untranslated or source-changed segment.

    Translation memory is used first, then earlier engine answers, then the
    engine; each distinct text is sent once.  Reviewed segments are never
    touched.  Results are fuzzy, with a note naming the engine and the date.

    \b
    Example:
      workflow translate --dry-run          # what would be sent, and its size
      workflow translate harbour-rebuilt --to es,ca
      workflow translate --engine pseudo    # try layouts without an engine
    """
    from workflow.translate import TranslateError, Translation

    translation = Translation(_project(ctx), slugs, _languages(languages), engine)
    report = translation.plan()
    if not dry_run:
        with _progress(translation.total, "translate") as progress:
            task = progress.add_task("translate", total=translation.total, item="segments")
            report = translation.run(lambda n: progress.update(task, advance=n))
    table = Table(title="would be sent" if dry_run else "sent")
    for name in ("engine", "pair", "segments", "characters", "memory", "cached", "repeats"):
        table.add_column(name, justify="left" if name in ("engine", "pair") else "right")
    for (name, source, target), cost in sorted(report.costs.items()):
        table.add_row(
            name,
            f"{source}→{target}",
            str(cost.segments),
            f"{cost.characters:,}",
            str(cost.memory),
            str(cost.cached),
            str(cost.repeats),
        )
    out.print(table)
    if not dry_run:
        out.print(f"{report.filled} segment(s) filled, saved as fuzzy for review")
    for where in report.attention:
        err.print(f"needs attention (placeholders lost): {where}", markup=False)
    if report.problems:
        raise TranslateError("\n".join(report.problems))


@cli.command()
@click.argument("slug")
@click.option("--lang", "language", required=True, help="Language to render.")
@click.option("--include-fuzzy", is_flag=True, help="Use fuzzy (unreviewed) translations too.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.pass_context
def render(
    ctx: click.Context, slug: str, language: str, include_fuzzy: bool, output: Path | None
) -> None:
    """Write an article in another language from its catalogue.

    Untranslated segments stay in the source language and are counted.

    \b
    Example:
      workflow render harbour-rebuilt --lang es --include-fuzzy -o /tmp/harbour.es.md
    """
    from workflow.fsutil import write_if_changed
    from workflow.render import render as run

    project = _project(ctx)
    result = run(project, slug, language, include_fuzzy)
    if output is None:
        sys.stdout.write(result.text)
    else:
        write_if_changed(output, result.text)
    err.print(
        f"{slug} [{language}]: {result.translated} translated, "
        f"{result.untranslated} left in the source language"
        + (f", {len(result.broken)} with broken placeholders" if result.broken else "")
    )
    for line in result.broken:
        err.print(f"  broken placeholders, kept source: {line}", markup=False)


@cli.command()
@click.argument("slugs", nargs=-1)
@click.pass_context
def status(ctx: click.Context, slugs: tuple[str, ...]) -> None:
    """Show every article × language with its segment counts and stage.

    \b
    Example:
      workflow status
      workflow status harbour-rebuilt
    """
    from workflow.status import status as run

    rows = run(_project(ctx), list(slugs))
    table = Table()
    table.add_column("article", no_wrap=True)
    for name in ("lang", "stage", "total", "reviewed", "fuzzy", "todo"):
        table.add_column(
            name, no_wrap=True, justify="left" if name in ("lang", "stage") else "right"
        )
    for row in rows:
        s = row.stats
        numbers = [str(s.total), str(s.translated), str(s.fuzzy), str(s.untranslated)]
        if row.stage in ("source", "draft", "not extracted"):
            numbers = ["", "", "", ""]
        table.add_row(row.slug, row.language, row.stage, *numbers)
    out.print(table)


def main() -> None:
    """Console entry point."""
    cli(prog_name="workflow")


# The review and release commands live in their own module; importing it registers them.
from workflow import cli_release, cli_web  # noqa: E402, F401
