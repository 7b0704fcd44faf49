"""Stage 2 command: machine translation (translate)."""

from __future__ import annotations

import click
from rich.table import Table

from workflow.cli.common import (
    err,
    executor_option,
    load_project,
    out,
    progress_bar,
    split_languages,
)


@click.command()
@click.argument("slugs", nargs=-1)
@click.option("--to", "languages", help="Only these target languages, comma-separated.")
@click.option("--engine", help="Use this engine for every pair (default: from workflow.toml).")
@click.option(
    "--redo",
    is_flag=True,
    help="Also translate again every machine draft nobody has reviewed or edited yet.",
)
@click.option("--dry-run", is_flag=True, help="Count what would be sent; send nothing.")
@executor_option
@click.pass_context
def translate(
    ctx: click.Context,
    slugs: tuple[str, ...],
    languages: str | None,
    engine: str | None,
    redo: bool,
    dry_run: bool,
    executor_spec: str | None,
) -> None:
    """Machine-translate every untranslated or source-changed segment.

    Translation memory is used first, then earlier engine answers, then the
    engine; each distinct text is sent once.  Reviewed segments are never
    touched.  Results are fuzzy, with a note naming the engine and the date.
    Machine drafts nobody has touched yet are translated again when the
    glossary names or terms in them changed, or all of them with --redo.

    \b
    Example:
      workflow translate --dry-run          # what would be sent, and its size
      workflow translate harbour-rebuilt --to es,ca
      workflow translate --engine pseudo    # try layouts without an engine
      workflow translate --redo --engine deepl --to es   # better drafts, same review
      workflow translate --executor local:4  # an archive: engine calls on 4 processes
    """
    from workflow.executor import open_executor
    from workflow.translate import TranslateError, Translation

    translation = Translation(
        load_project(ctx), slugs, split_languages(languages), engine, redo=redo
    )
    report = translation.plan()
    if dry_run:
        translation.close()
    else:
        executor = translation.executor = (
            open_executor(executor_spec) if translation.total else None
        )
        try:
            with progress_bar(translation.total, "translate") as progress:
                task = progress.add_task("translate", total=translation.total, item="segments")
                report = translation.run(lambda n: progress.update(task, advance=n))
        finally:
            if executor is not None:
                executor.close()
    table = Table(title="would be sent to the engines" if dry_run else "sent to the engines")
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
    if report.reopened:
        why = "asked for with --redo" if redo else "their glossary names or terms changed"
        verb = "would be" if dry_run else "were"
        out.print(f"{report.reopened} unreviewed machine draft(s) {verb} translated again ({why})")
    if not dry_run:
        out.print(f"{report.filled} segment(s) filled, saved as fuzzy for review")
    for where in report.attention:
        err.print(f"needs attention (placeholders lost): {where}", markup=False)
    if report.problems:
        raise TranslateError("\n".join(report.problems))
