"""Exchange commands: the translation memory as TMX, one article's work as XLIFF."""

from __future__ import annotations

from pathlib import Path

import click

from workflow.cli.common import by_or_current, load_project


def _write(path: Path, data: bytes) -> None:
    from workflow.fsutil import atomic_write_bytes

    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        from workflow.errors import ExchangeError

        raise ExchangeError(f"{path}: cannot write ({exc.strerror})") from exc


@click.group()
def tmx() -> None:
    """Translation memory in and out as TMX 1.4b (Trados, memoQ, OmegaT, Phrase…).

    \b
    Example:
      workflow tmx export --from en --to es -o harbour-en-es.tmx
      workflow tmx import agency.tmx              # suggestions, shown with their origin
    """


@tmx.command(name="export")
@click.option("--from", "source", required=True, help="Source language.")
@click.option("--to", "target", required=True, help="Target language.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File.")
@click.pass_context
def tmx_export(ctx: click.Context, source: str, target: str, output: Path | None) -> None:
    """Write every reviewed translation of a language pair as TMX.

    \b
    Example:
      workflow tmx export --from en --to es -o memory-en-es.tmx
    """
    from workflow.exchange.tmx import export_tmx

    data, count = export_tmx(load_project(ctx), source, target)
    path = output or Path(f"memory-{source}-{target}.tmx")
    _write(path, data)
    click.echo(f"{count} unit(s) written to {path}")


@tmx.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--reviewed", is_flag=True, help="Trust the units as reviewed (translate uses them).")
@click.option("--name", help="Keep it as memory/NAME.tmx (default: the file's name).")
@click.option("--by", help="Who imports it, for the audit log (default: you).")
@click.pass_context
def tmx_import(
    ctx: click.Context, file: Path, reviewed: bool, name: str | None, by: str | None
) -> None:
    """Keep an outside TMX in memory/ for suggestions (or as reviewed with --reviewed).

    Imported units are suggestions the review page shows with their origin;
    only with --reviewed does `workflow translate` fill segments from them.

    \b
    Example:
      workflow tmx import agency-2026.tmx
      workflow tmx import our-old-cms.tmx --reviewed
    """
    from workflow.exchange.tmx import import_tmx

    report = import_tmx(load_project(ctx), file, reviewed, name, by_or_current(by))
    kind = "reviewed translations" if reviewed else "suggestions"
    pairs = ", ".join(f"{s}→{t}: {n}" for (s, t), n in sorted(report.pairs.items()))
    click.echo(f"{report.units} unit(s) kept in {report.path} as {kind} ({pairs})")
    for line in report.skipped:
        click.echo(f"skipped: {line}")


@click.group()
def xliff() -> None:
    """One article's work out to a CAT tool and back, as XLIFF 1.2 or 2.x.

    \b
    Example:
      workflow xliff export harbour-rebuilt --lang es
      workflow xliff import harbour-rebuilt.es.xlf
    """


@xliff.command(name="export")
@click.argument("slug")
@click.option("--lang", "language", required=True, help="Target language.")
@click.option(
    "--version",
    "version",
    type=click.Choice(["1.2", "2.0", "2.1"]),
    default="1.2",
    show_default=True,
    help="XLIFF version.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File.")
@click.pass_context
def xliff_export(
    ctx: click.Context, slug: str, language: str, version: str, output: Path | None
) -> None:
    """Write an article's segments in one language as XLIFF for a CAT tool.

    \b
    Example:
      workflow xliff export harbour-rebuilt --lang es -o harbour.es.xlf
      workflow xliff export harbour-rebuilt --lang ca --version 2.0
    """
    from workflow.exchange.xliff import export_xliff

    data = export_xliff(load_project(ctx), slug, language, version)
    path = output or Path(f"{slug}.{language}.xlf")
    _write(path, data)
    click.echo(f"{slug} [{language}] written to {path} (XLIFF {version})")


@xliff.command(name="import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--reviewed", is_flag=True, help="The CAT tool's text is reviewed, not a suggestion.")
@click.option("--by", help="Who reviewed it (with --reviewed; default: you).")
@click.pass_context
def xliff_import(ctx: click.Context, file: Path, reviewed: bool, by: str | None) -> None:
    """Bring a CAT tool's work back: changed segments become fuzzy suggestions.

    A segment changed here since the export, or whose placeholders did not
    survive, is left alone and listed.  With --reviewed the text counts as
    reviewed (by --by).

    \b
    Example:
      workflow xliff import harbour.es.xlf
      workflow xliff import harbour.es.xlf --reviewed --by ana
    """
    from workflow.exchange.xliff import import_xliff

    report = import_xliff(load_project(ctx), file, reviewed, by_or_current(by))
    kind = "reviewed" if reviewed else "fuzzy suggestions for review"
    click.echo(
        f"{report.slug} [{report.language}]: {report.updated} segment(s) updated ({kind}), "
        f"{report.unchanged} unchanged, {len(report.problems)} left alone"
    )
    for problem in report.problems:
        click.echo(f"left alone: {problem}")
