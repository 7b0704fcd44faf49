"""Stage 1 commands: cut articles into catalogues (extract) and write them back (render)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workflow.cli.common import err, load_project, out, progress_bar, split_languages


@click.command()
@click.argument("slugs", nargs=-1)
@click.option("--lang", "languages", help="Only these target languages, comma-separated.")
@click.option("--force", is_flag=True, help="Re-segment even articles whose source is unchanged.")
@click.option(
    "--accept-lost",
    is_flag=True,
    help="Recreate, untranslated, entries a catalogue has lost (refused otherwise).",
)
@click.pass_context
def extract(
    ctx: click.Context,
    slugs: tuple[str, ...],
    languages: str | None,
    force: bool,
    accept_lost: bool,
) -> None:
    """Cut articles into segments and merge them into their PO catalogues.

    Unchanged sentences keep their translation; changed ones get the closest
    old translation marked fuzzy; removed ones become obsolete.

    \b
    Example:
      workflow extract                 # every article, every target language
      workflow extract harbour-rebuilt --lang es,ca
      workflow extract harbour-rebuilt --accept-lost   # after a cut catalogue
    """
    from workflow.extract import ExtractError
    from workflow.extract import extract as run

    project = load_project(ctx)
    selected = project.select(list(slugs))
    failure: ExtractError | None = None
    with progress_bar(len(selected), "extract") as progress:
        task = progress.add_task("extract", total=len(selected), item="")
        try:
            results = run(
                project,
                selected,
                split_languages(languages),
                force,
                advance=lambda slug: progress.update(task, advance=1, item=slug),
                accept_lost=accept_lost,
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
    if summary or failure is None:
        out.print(f"{len(selected)} article(s): {summary or 'nothing to do'}")
    if failure is not None:
        raise failure


@click.command()
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

    Untranslated segments stay in the source language and are counted.  SLUG
    `site` lists the site's strings, one "English<TAB>translation" line each.

    \b
    Example:
      workflow render harbour-rebuilt --lang es --include-fuzzy -o /tmp/harbour.es.md
      workflow render site --lang ca
    """
    from workflow.fsutil import write_if_changed
    from workflow.render import render as run

    project = load_project(ctx)
    result = run(project, slug, language, include_fuzzy)
    if output is None:
        sys.stdout.write(result.text)
    else:
        write_if_changed(output, result.text)
    err.print(
        f"{slug} [{language}]: {result.translated} translated, "
        f"{result.untranslated} left in the source language"
        + (f", {len(result.broken)} with broken placeholders" if result.broken else ""),
        markup=False,  # "[es]" is text, not a style
    )
    for line in result.broken:
        err.print(f"  broken placeholders, kept source: {line}", markup=False)
