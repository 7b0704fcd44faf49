"""The ``workflow`` command group: global options, and every command by stage.

Errors are :class:`workflow.errors.WorkflowError` (a ``ClickException``), so the
user sees ``Error: …`` and an exit code, never a traceback.
"""

from __future__ import annotations

import click

from workflow import __version__
from workflow.cli import (
    exchange,
    extract,
    glossary,
    notify,
    project,
    publish,
    release,
    report,
    review,
    sync,
    team,
    translate,
)


class InWorkflowOrder(click.Group):
    """Lists commands in the order a newsroom uses them, not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


@click.group(cls=InWorkflowOrder, context_settings={"help_option_names": ["-h", "--help"]})
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


for command in (
    project.init,
    project.new,
    extract.extract,
    translate.translate,
    glossary.glossary,
    team.assign,
    team.work,
    review.check,
    review.silence,
    team.comment,
    team.comments,
    team.resolve,
    release.approve,
    release.reject,
    publish.publish,
    extract.render,
    project.status,
    project.log_command,
    report.report,
    review.user,
    review.serve,
    sync.sync,
    sync.merge_po,
    notify.notify,
    exchange.tmx,
    exchange.xliff,
):
    cli.add_command(command)


def main() -> None:
    """Console entry point."""
    cli(prog_name="workflow")
