"""What every command shares: the consoles, finding the project, list options, progress.

Commands import from here, and :mod:`workflow.cli.main` imports the commands, so
there is no import circle.
"""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from workflow.project import Project

err = Console(stderr=True)
out = Console()


def load_project(ctx: click.Context) -> Project:
    """The project named by ``--project``, or the one found from the current folder."""
    start = ctx.obj.get("project") if ctx.obj else None
    return Project.load(Path(start) if start else None)


def split_languages(value: str | None) -> tuple[str, ...]:
    """``"es, ca"`` → ``("es", "ca")``."""
    if not value:
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


def progress_bar(total: int, label: str) -> Progress:
    """A progress bar on standard error, shown only on a terminal and for more than one item."""
    return Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[item]}"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=total < 2 or not err.is_terminal,
    )


def by_or_current(by: str | None) -> str:
    """The person named by ``--by``, or whoever runs the command."""
    from workflow.audit import current_user

    return by or current_user()
