"""Git commands: sync (commit, pull, merge, push) and merge-po (git's merge driver)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workflow.cli.common import load_project


@click.command()
@click.option("--setup", is_flag=True, help="Also write .gitattributes and .gitignore, once.")
@click.option("--no-push", is_flag=True, help="Commit and pull, but do not push.")
@click.pass_context
def sync(ctx: click.Context, setup: bool, no_push: bool) -> None:
    """Commit what changed (each person as the author), pull, merge and push.

    Who reviewed, translated or approved each catalogue comes from the audit
    log.  Catalogues merge entry by entry (a review beats a machine draft; two
    different reviews are kept, one marked fuzzy with a `workflow: conflict`
    note); nothing happens outside a git repository.

    \b
    Example:
      workflow sync --setup    # once per clone: the merge driver for git
      workflow sync            # commit, pull, merge, push
    """
    from workflow.gitsync import setup as set_up
    from workflow.gitsync import sync as run

    project = load_project(ctx)
    if setup:
        for line in set_up(project) or ["already set up"]:
            click.echo(f"setup: {line}")
    report = run(project, push=not no_push)
    for subject in report.commits:
        click.echo(f"committed {subject}")
    if not report.commits:
        click.echo("nothing to commit")
    if report.pulled:
        click.echo(f"merged {report.pulled} commit(s) from the remote")
    for path, count in sorted(report.conflicts.items()):
        click.echo(
            f"{path}: {count} segment(s) reviewed differently on both sides: kept one, "
            "marked fuzzy with the other in a 'workflow: conflict' note for you to decide"
        )
    if report.pushed:
        click.echo(f"pushed to {report.pushed}")
    for note in report.notes:
        click.echo(note)


@click.command(name="merge-po")
@click.argument("base", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("ours", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("theirs", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("name", required=False, default="")
def merge_po(base: Path, ours: Path, theirs: Path, name: str) -> None:
    """Git's merge driver for catalogues, releases and the audit log.

    Git runs it with the common ancestor, our version (the result is written
    over it), their version and the file's path.  `workflow sync --setup`
    registers it; you rarely run it by hand.

    \b
    Example (what git runs):
      workflow merge-po %O %A %B %P
    """
    from workflow.errors import WorkflowError
    from workflow.mergepo import merge_files

    try:
        marked = merge_files(base, ours, theirs, name or str(ours))
    except (OSError, WorkflowError) as exc:
        # Leave ours untouched: git reports a conflict on this file, without markers.
        message = exc.message if isinstance(exc, WorkflowError) else str(exc)
        click.echo(f"Error: {message}", err=True)
        sys.exit(1)
    if marked:
        click.echo(
            f"workflow: {name or ours}: {marked} segment(s) reviewed differently on both sides; "
            "kept one, marked fuzzy with a 'workflow: conflict' note",
            err=True,
        )
