"""``workflow notify``: feeds, the outbox of webhooks and e-mails, and its delivery log."""

from __future__ import annotations

import time

import click
from rich.markup import escape
from rich.table import Table

from workflow.cli.common import by_or_current, err, load_project, out


@click.group()
def notify() -> None:
    """Notifications: a person's feed, webhooks and e-mail, and their delivery.

    Webhooks ([[notify.webhooks]]) and e-mail ([notify.email]) are set in
    workflow.toml; undelivered messages wait in instance/outbox/ and are
    retried with backoff by `workflow serve` or `workflow notify deliver`.

    \b
    Example:
      workflow notify feed --for ana
      workflow notify deliver
      workflow notify log
    """


@notify.command("feed")
@click.option("--for", "person", help="Whose feed (default: WORKFLOW_USER or your login).")
@click.option("--limit", default=20, show_default=True)
@click.pass_context
def feed(ctx: click.Context, person: str | None, limit: int) -> None:
    """Show a person's notifications, newest first.

    \b
    Example:
      workflow notify feed --for marta
    """
    from workflow.team.notifications import feed as read_feed
    from workflow.team.texts import article_title, catalogue, describe, when

    project = load_project(ctx)
    name = by_or_current(person)
    notes, seen = read_feed(project, name, limit)
    if not notes:
        err.print(f"no notifications for {name}")
        return
    zone = project.config.team.zone
    _ = catalogue("en").gettext
    for note in notes:
        mark = "[bold]new[/] " if note.time > seen else ""
        text = describe(note, name, _, "en", zone, article_title(project, note.slug, _))
        out.print(f"{escape(when(note.time, zone, 'en'))}  {mark}{escape(text)}", soft_wrap=True)


@notify.command("deliver")
@click.option("--now", "force", is_flag=True, help="Try every waiting message, due or not.")
@click.option(
    "--wait",
    default=0.0,
    show_default=True,
    help="Keep delivering for this many seconds while messages wait.",
)
@click.pass_context
def deliver(ctx: click.Context, force: bool, wait: float) -> None:
    """Deliver waiting webhooks and e-mails (each failure waits longer before the next try).

    Run it from cron when the review app is not running.

    \b
    Example:
      workflow notify deliver
      workflow notify deliver --now       # the receiver is back: try everything
    """
    from workflow.team.notifications import send
    from workflow.team.outbox import deliver_due, next_due, pending

    project = load_project(ctx)
    deadline = time.monotonic() + wait
    attempts = deliver_due(project, send, force=force)
    while pending(project) and time.monotonic() < deadline:
        due = next_due(project) or time.time()
        time.sleep(max(0.05, min(due - time.time(), deadline - time.monotonic())))
        attempts += deliver_due(project, send)
    for a in attempts:
        colour = {"delivered": "green", "failed": "yellow"}.get(a.result, "red")
        detail = f" ({a.error})" if a.error else ""
        out.print(
            f"[{colour}]{a.result}[/] {escape(a.channel)} {escape(a.target)} "
            f"{escape(a.event)}{escape(detail)}"
        )
    waiting = pending(project)
    out.print(f"{sum(a.result == 'delivered' for a in attempts)} delivered, {len(waiting)} waiting")


@notify.command("log")
@click.option("--limit", default=30, show_default=True)
@click.pass_context
def log(ctx: click.Context, limit: int) -> None:
    """Show the delivery log: every attempt, its result and the next try.

    \b
    Example:
      workflow notify log --limit 10
    """
    from workflow.team.outbox import pending, read_log

    project = load_project(ctx)
    attempts = read_log(project, limit)
    if not attempts:
        err.print("no deliveries yet")
    else:
        table = Table("time", "result", "channel", "to", "event", "try", "detail")
        for a in attempts:
            detail = a.error + (f"; next {a.retry_at}" if a.retry_at else "")
            table.add_row(
                a.time,
                a.result,
                a.channel,
                escape(a.target),
                a.event,
                str(a.attempt),
                escape(detail),
            )
        out.print(table)
    waiting, failed = pending(project), pending(project, failed=True)
    out.print(f"{len(waiting)} waiting in the outbox, {len(failed)} set aside (notify retry)")


@notify.command("retry")
@click.pass_context
def retry(ctx: click.Context) -> None:
    """Queue again every message set aside after its retry period ran out.

    \b
    Example:
      workflow notify retry && workflow notify deliver
    """
    from workflow.team.outbox import requeue_failed

    count = requeue_failed(load_project(ctx))
    out.print(f"{count} message(s) queued again")


@notify.command("test")
@click.option("--by", help="Your name (default: WORKFLOW_USER or your login).")
@click.pass_context
def test(ctx: click.Context, by: str | None) -> None:
    """Send a `ping` event to every webhook, to check the URL and the secret.

    \b
    Example:
      WORKFLOW_WEBHOOK_SECRET=whsec_… workflow notify test
    """
    from workflow.errors import WorkflowError
    from workflow.team.notifications import emit
    from workflow.team.outbox import read_log

    project = load_project(ctx)
    if not project.config.team.webhooks:
        raise WorkflowError("no webhooks in workflow.toml ([[notify.webhooks]])")
    before = len(read_log(project))
    emit(project, "ping", "", "", by_or_current(by), {}, {"message": "workflow notify test"})
    for a in read_log(project)[before:]:
        click.echo(f"{a.result}: {a.target}" + (f" ({a.error})" if a.error else ""))


@notify.command("secret")
def secret() -> None:
    """Print a new webhook signing secret (whsec_…) for the receiver and the environment.

    \b
    Example:
      export WORKFLOW_WEBHOOK_SECRET="$(workflow notify secret)"
    """
    from workflow.team.webhooks import new_secret

    click.echo(new_secret())


@notify.command("email")
@click.argument("name")
@click.argument("address", required=False, default="")
@click.option("--kinds", help="Only these kinds, comma-separated (default: all).")
@click.option("--language", default="en", show_default=True, help="Language of the e-mails.")
@click.pass_context
def email(ctx: click.Context, name: str, address: str, kinds: str | None, language: str) -> None:
    """Set (or, without ADDRESS, clear) where a person's notification e-mails go.

    Kinds: assigned, mention, question, reply, resolved, ready, approved,
    changes-requested, source-changed.

    \b
    Example:
      workflow notify email ana ana@example.org --kinds assigned,mention --language es
      workflow notify email ana                 # no more e-mail
    """
    from workflow.cli.common import split_languages
    from workflow.errors import WorkflowError
    from workflow.languages import parse_language
    from workflow.team.notifications import KINDS, Prefs, set_prefs

    chosen = split_languages(kinds) if kinds else KINDS
    unknown = [k for k in chosen if k not in KINDS]
    if unknown:
        raise WorkflowError(f"unknown kind(s) {', '.join(unknown)} (known: {', '.join(KINDS)})")
    project = load_project(ctx)
    set_prefs(project, name, Prefs(address, tuple(chosen), parse_language(language).tag))
    if address:
        click.echo(f"{name}: e-mail to {address} ({', '.join(chosen)})")
    else:
        click.echo(f"{name}: no e-mail")
    if address and project.config.team.email is None:
        click.echo("note: e-mail is off until [notify.email] is set in workflow.toml", err=True)
