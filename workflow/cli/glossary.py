"""``workflow glossary``: the project glossary (names to keep, terms to force)."""

from __future__ import annotations

import json

import click

from workflow.cli.common import load_project, out


@click.group()
def glossary() -> None:
    """The project glossary: names engines must keep, terms they must use.

    \b
    Example:
      workflow glossary suggest harbour-rebuilt
    """


@glossary.command()
@click.argument("slug")
@click.pass_context
def suggest(ctx: click.Context, slug: str) -> None:
    """List likely names in an article that glossary.toml does not keep.

    Runs of capitalised words, and words the machine drafts changed (Apertium's
    "Trump" → "Triunfo"), minus what the glossary and the article's own people
    (authors, image credit: kept anyway) already cover.  Ends with a `keep`
    line to paste into glossary.toml.

    \b
    Example:
      workflow glossary suggest harbour-rebuilt
    """
    from rich.markup import escape

    from workflow.names import suggest as run

    project = load_project(ctx)
    found = run(project, slug)
    where = project.config.glossary_path
    if not found:
        out.print(f"{slug}: no likely names missing from {where}")
        return
    out.print(f"{slug}: {len(found)} likely name(s) that {where} does not keep")
    for item in found:
        why = "; ".join(
            f"changed by {engine} ({lang}): {draft[:70]!r}" for lang, engine, draft in item.changed
        )
        count = f"{item.count}×" if item.count else ""
        out.print(f"  {escape(item.name):<28} {count:>4}  {escape(why)}".rstrip())
    names = ", ".join(json.dumps(item.name, ensure_ascii=False) for item in found)
    out.print(f"\nTo keep them, add to `keep` in {where}:\n  {escape(names)}", soft_wrap=True)
