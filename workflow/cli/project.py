"""Commands that set up a project and show where it stands: init, new, status, log."""

from __future__ import annotations

from pathlib import Path

import click

from workflow.cli.common import (
    err,
    format_option,
    interface_missing_message,
    load_project,
    out,
    print_json,
    print_table,
    split_languages,
)


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="Newsroom", show_default=True, help="Site name.")
@click.option("--base-url", default="https://news.example.org/", show_default=True)
@click.option(
    "--source", default="en", show_default=True, help="Source languages, comma-separated."
)
@click.option(
    "--targets", default="en,es,ca", show_default=True, help="Target languages, comma-separated."
)
@click.option("--git", "use_git", is_flag=True, help="Also make it a git repository, set up.")
def init(
    directory: Path, name: str, base_url: str, source: str, targets: str, use_git: bool
) -> None:
    """Create a new project: workflow.toml, articles/ and locales/.

    \b
    Example:
      workflow init harbour --name "The Harbour Review" --source en,es --targets en,es,ca
      workflow init harbour --git   # a git repository, ready for `workflow sync`
    """
    from workflow.scaffold import init_project

    created = init_project(
        directory, name, base_url, split_languages(source), split_languages(targets)
    )
    for path in created:
        out.print(f"created {path}")
    if use_git:
        from workflow.gitsync import init_repository

        for line in init_repository(directory.resolve()):
            out.print(f"git: {line}", markup=False)


@click.command()
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

    project = load_project(ctx)
    path = new_article(project, slug, language, title, author)
    out.print(
        f"created {project.relative(path)} (status: draft — set `status: ready` to translate)"
    )


@click.command()
@click.argument("slugs", nargs=-1)
@format_option
@click.pass_context
def status(ctx: click.Context, slugs: tuple[str, ...], fmt: str) -> None:
    """Show every article × language with its segment counts and stage.

    Name `site` for the site's own interface strings.

    \b
    Example:
      workflow status
      workflow status harbour-rebuilt site
      workflow status --format json | jq '.rows[] | select(.stage == "reviewed")'
    """
    from workflow.status import status as run
    from workflow.status import untranslated_interfaces

    project = load_project(ctx)
    rows = run(project, list(slugs))
    missing = untranslated_interfaces(project)
    if fmt == "json":
        print_json(
            {
                "rows": [
                    {
                        "article": row.slug,
                        "language": row.language,
                        "stage": row.stage,
                        "total": row.stats.total,
                        "reviewed": row.stats.translated,
                        "fuzzy": row.stats.fuzzy,
                        "todo": row.stats.untranslated,
                        "actions": list(row.actions),
                    }
                    for row in rows
                ],
                "interface_missing": [language.tag for language in missing],
            }
        )
        return
    table = []
    for row in rows:
        s = row.stats
        numbers = [str(s.total), str(s.translated), str(s.fuzzy), str(s.untranslated)]
        if row.stage in ("source", "draft", "not extracted"):
            numbers = ["", "", "", ""]
        table.append([row.slug, row.language, row.stage, *numbers])
    print_table(
        ("article", "lang", "stage", "total", "reviewed", "fuzzy", "todo"),
        table,
        right=("total", "reviewed", "fuzzy", "todo"),
    )
    for language in missing:
        err.print(interface_missing_message(language.tag), markup=False)


@click.command(name="log")
@click.argument("slug", required=False)
@click.option("--limit", default=50, show_default=True, help="Show the last N events.")
@format_option
@click.pass_context
def log_command(ctx: click.Context, slug: str | None, limit: int, fmt: str) -> None:
    """Show the audit log: who did what, when.

    \b
    Example:
      workflow log
      workflow log harbour-rebuilt --limit 10
      workflow log --format json > events.json
    """
    from dataclasses import asdict

    from workflow.audit import read_log

    events = list(read_log(load_project(ctx).root, slug))[-limit:]
    if fmt == "json":
        print_json([asdict(event) for event in events])
        return
    rows = [
        [
            event.time,
            event.who,
            event.event,
            event.slug,
            event.language,
            ", ".join(f"{k}={v}" for k, v in sorted(event.detail.items())),
        ]
        for event in events
    ]
    if events:
        print_table(("time", "who", "event", "article", "lang", "detail"), rows)
    else:
        err.print("no events yet")
