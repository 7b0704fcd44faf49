"""The desk working together: assign, work, comments, comment, resolve, notify."""

from __future__ import annotations

import json

import click
from rich.markup import escape
from rich.table import Table

from workflow.cli.common import by_or_current, err, load_project, out, split_languages
from workflow.project import Project


def _when(value: object, project: Project) -> str:
    from workflow.team.texts import when

    return when(value, project.config.team.zone, "en")  # type: ignore[arg-type]


@click.command()
@click.argument("slug")
@click.option("--lang", "languages", required=True, help="Language(s), comma-separated.")
@click.option("--to", "translator", help="The translator's user name.")
@click.option("--reviewer", default="", help="Who reviews it (optional).")
@click.option(
    "--due", default="", help='Due time in the project\'s time zone: "2026-12-01 12:00", or +4h.'
)
@click.option("--by", help="The assigning editor (default: WORKFLOW_USER or your login).")
@click.option("--remove", is_flag=True, help="Remove the assignment instead.")
@click.pass_context
def assign(
    ctx: click.Context,
    slug: str,
    languages: str,
    translator: str | None,
    reviewer: str,
    due: str,
    by: str | None,
    remove: bool,
) -> None:
    """Assign an article in a language to a translator, with a due time.

    The due time is read in the project's time zone ([project] timezone in
    workflow.toml); the translator and reviewer are told (feed, e-mail) and
    it shows in their "My work".

    \b
    Example:
      workflow assign harbour-rebuilt --lang es --to ana --due "2026-12-01 12:00"
      workflow assign harbour-rebuilt --lang ca --to bo --reviewer marta --due +4h
      workflow assign harbour-rebuilt --lang ca --remove
    """
    from workflow.errors import WorkflowError
    from workflow.team import assignments, events

    project = load_project(ctx)
    who = by_or_current(by)
    tags = split_languages(languages)
    if remove:
        for tag in tags:
            removed = assignments.unassign(project, slug, tag)
            if removed is None:
                click.echo(f"{slug} [{tag}] was not assigned")
                continue
            events.unassigned(project, removed, who)
            click.echo(f"{slug} [{tag}]: assignment removed")
        return
    if not translator:
        raise WorkflowError("say who translates it: --to NAME (or --remove)")
    now = assignments.now_in(project)
    due_time = assignments.parse_due(due, project.config.team.zone, now)
    for tag in tags:
        made, previous = assignments.assign(
            project, slug, tag, translator, who, reviewer, due_time, now
        )
        events.assigned(project, made, previous)
        line = f"{slug} [{made.language}] assigned to {made.translator}"
        if made.reviewer:
            line += f", reviewer {made.reviewer}"
        if made.due is not None:
            line += f", due {_when(made.due, project)} ({project.config.team.timezone})"
            if made.due <= now:
                line += " — already overdue"
        click.echo(line)


@click.command()
@click.option("--for", "person", help="Whose work (default: WORKFLOW_USER or your login).")
@click.option("--all", "everyone", is_flag=True, help="Everybody's: who has what.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_context
def work(ctx: click.Context, person: str | None, everyone: bool, fmt: str) -> None:
    """Show "My work": assigned versions not yet approved, soonest due first.

    \b
    Example:
      workflow work --for ana
      workflow work --all --format json
    """
    from workflow.team.work import everyone as all_work
    from workflow.team.work import my_work

    project = load_project(ctx)
    name = by_or_current(person)
    items = all_work(project) if everyone else my_work(project, name)
    if fmt == "json":
        rows = [
            {
                "article": i.slug,
                "language": i.language,
                "translator": i.assignment.translator,
                "reviewer": i.assignment.reviewer,
                "role": i.role,
                "due": i.due.isoformat() if i.due else None,
                "urgency": i.urgency,
                "stage": i.stage,
                "reviewed": i.stats.translated,
                "total": i.stats.total,
            }
            for i in items
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not items:
        err.print("nothing assigned" + ("" if everyone else f" to {name}"))
        return
    table = Table("due", "", "article", "lang", "who" if everyone else "as", "stage", "reviewed")
    for i in items:
        mark = {"overdue": "[red]overdue[/]", "due soon": "[yellow]due soon[/]"}.get(i.urgency, "")
        who = i.assignment.translator if everyone else i.role
        table.add_row(
            escape(_when(i.due, project)),
            mark,
            escape(i.slug),
            i.language,
            escape(who),
            i.stage,
            f"{i.stats.translated}/{i.stats.total}",
        )
    out.print(table)


@click.command()
@click.argument("slug")
@click.option("--lang", "language", help="Only threads shown in this language.")
@click.option("--all", "show_all", is_flag=True, help="Resolved threads too.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def comments(ctx: click.Context, slug: str, language: str | None, show_all: bool, fmt: str) -> None:
    """List the comment threads on an article's segments (open ones by default).

    \b
    Example:
      workflow comments harbour-rebuilt
      workflow comments harbour-rebuilt --lang es --all
    """
    from workflow.languages import parse_language
    from workflow.team.comments import threads

    project = load_project(ctx)
    project.article_path(slug)  # checks the slug
    found = threads(project, slug)
    if language:
        tag = parse_language(language).tag
        found = [t for t in found if t.shown_in(tag)]
    if not show_all:
        found = [t for t in found if t.open]
    if fmt == "json":
        data = [
            {
                "id": t.id,
                "open": t.open,
                "resolved_by": t.resolved_by,
                "language": t.root.language,
                "question": t.root.question,
                "segment": t.root.segment,
                "line": t.root.line,
                "source": t.root.source,
                "comments": [
                    {"id": c.id, "who": c.who, "time": c.time, "text": c.text} for c in t.comments
                ],
            }
            for t in found
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if not found:
        err.print(f"no {'' if show_all else 'open '}comments on {slug}")
        return
    for t in found:
        kind = "source question" if t.root.question else t.root.language
        state = "open" if t.open else f"resolved by {t.resolved_by}"
        out.print(
            f"[bold]{escape(t.id)}[/] {escape(kind)} · line {escape(t.root.line)} · {escape(state)}"
        )
        out.print(f"  [dim]{escape(t.root.source)}[/]", soft_wrap=True)
        for c in t.comments:
            said = f"  {escape(c.who)} ({escape(_when(c.time, project))}): {escape(c.text)}"
            out.print(said, soft_wrap=True)


def _known_people(project: Project) -> list[str] | None:
    """Who can be @mentioned: the app's people and people.toml (None: nobody listed yet)."""
    from workflow.people import People

    return sorted(People(project.root).people) or None


@click.command()
@click.argument("slug")
@click.argument("text")
@click.option("--lang", "language", help="Language of the catalogue commented on.")
@click.option("--line", help="Source line of the segment (see `workflow check`).")
@click.option("--question", is_flag=True, help="A question about the source, for the editor.")
@click.option("--reply", "reply_to", default="", help="Reply to this thread id instead.")
@click.option("--by", help="Your name (default: WORKFLOW_USER or your login).")
@click.pass_context
def comment(
    ctx: click.Context,
    slug: str,
    text: str,
    language: str | None,
    line: str | None,
    question: bool,
    reply_to: str,
    by: str | None,
) -> None:
    """Comment on a segment (@name mentions a person), or reply to a thread.

    \b
    Example:
      workflow comment harbour-rebuilt "@marta is this 2019 or 2020?" --lang es --line 26 --question
      workflow comment harbour-rebuilt "2020, fixed in the source" --reply c0192f3a1b2c4d5e6f
    """
    from workflow.errors import WorkflowError
    from workflow.team import comments as model
    from workflow.team import events

    project = load_project(ctx)
    if not reply_to and not (language and line):
        raise WorkflowError("name the segment with --lang and --line (or --reply THREAD)")
    made, parent = model.add_comment(
        project,
        slug,
        language or "",
        line or "",
        text,
        by_or_current(by),
        question=question,
        reply_to=reply_to,
        known_people=_known_people(project),
    )
    events.commented(project, slug, made, parent)
    told = f" (mentions {', '.join(made.mentions)})" if made.mentions else ""
    click.echo(f"{'replied' if parent else 'commented'}: {made.reply_to or made.id}{told}")


@click.command()
@click.argument("slug")
@click.argument("thread")
@click.option("--reopen", is_flag=True, help="Open a resolved thread again.")
@click.option("--by", help="Your name (default: WORKFLOW_USER or your login).")
@click.pass_context
def resolve(ctx: click.Context, slug: str, thread: str, reopen: bool, by: str | None) -> None:
    """Mark a comment thread resolved (or reopen it).

    \b
    Example:
      workflow resolve harbour-rebuilt c0192f3a1b2c4d5e6f
    """
    from workflow.team import comments as model
    from workflow.team import events

    project = load_project(ctx)
    who = by_or_current(by)
    before = model.set_resolved(project, slug, thread, who, resolved=not reopen)
    events.resolved(project, slug, before, who, reopened=reopen)
    click.echo(f"{thread} {'reopened' if reopen else 'resolved'}")
