"""Stage 3b commands: an editor approves a language version or sends it back."""

from __future__ import annotations

import click
from rich.markup import escape

from workflow.cli.common import by_or_current, load_project, out


@click.command()
@click.argument("slug")
@click.option("--lang", "language", required=True, help="Language version to approve.")
@click.option(
    "--by",
    help="The approving editor: an editor of the review app or of people.toml "
    "(default: WORKFLOW_USER or your login).",
)
@click.option("--note", default="", help="A note kept in the release.")
@click.pass_context
def approve(ctx: click.Context, slug: str, language: str, by: str | None, note: str) -> None:
    """Approve a language version: compile its catalogue into the release (.mo).

    Refused, with every reason, while a segment is untranslated or fuzzy or has
    a quality error.  Approving the same content again changes nothing.  SLUG
    `site` approves the site's interface strings.

    \b
    Example:
      workflow approve harbour-rebuilt --lang es --by "Marta Soler" --note "Checked figures"
    """
    from workflow.release import approve as run

    project = load_project(ctx)
    action, release = run(project, slug, language, by_or_current(by), note)
    where = project.relative(release.path)
    if action == "unchanged":
        out.print(escape(f"{slug} [{language}]: already approved as is ({where}); nothing to do"))
    else:
        out.print(escape(f"approved {slug} [{language}] by {release.approved_by}: {where}"))


@click.command()
@click.argument("slug")
@click.option("--lang", "language", required=True, help="Language version to send back.")
@click.option("--by", help="The editor, a known one (default: WORKFLOW_USER or your login).")
@click.option("--note", required=True, help="What the translators should change.")
@click.pass_context
def reject(ctx: click.Context, slug: str, language: str, by: str | None, note: str) -> None:
    """Send a language version back to review, with a note for the translators.

    An approved version is withdrawn: its release (.mo) is removed, and the
    next publish replaces its page with a notice sending readers to the
    original, until it is approved again.

    \b
    Example:
      workflow reject harbour-rebuilt --lang ca --note "Use «ajuntament» throughout"
    """
    from workflow.release import reject as run

    withdrawn = run(load_project(ctx), slug, language, by_or_current(by), note)
    out.print(escape(f"sent {slug} [{language}] back to review"))
    if withdrawn:
        out.print(
            escape(
                f"withdrew the approved release of {slug} [{language}]: the next publish "
                "replaces its page with a notice pointing to the original"
            )
        )
