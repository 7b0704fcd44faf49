"""What every command shares: the consoles, finding the project, list options, progress.

Commands import from here, and :mod:`workflow.cli.main` imports the commands, so
there is no import circle.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from workflow.project import Project

err = Console(stderr=True, soft_wrap=True)
#: soft_wrap: a long line piped to a file or another program is never folded.
out = Console(soft_wrap=True)

F = TypeVar("F", bound=Callable[..., Any])


def format_option(command: F) -> F:
    """``--format text|json``: text for people (a table on a terminal, full width when
    piped), JSON for scripts."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="text for people; json for scripts.",
    )(command)


def print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=1, default=str))


def print_table(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    right: Sequence[str] = (),
    title: str | None = None,
) -> None:
    """A table: drawn with rich on a terminal; plain, aligned and never cut when piped.

    Piped output keeps every cell whole (no ellipsis, no folding) and is easy to
    ``grep``, ``cut`` or ``column``: one row per line, columns two spaces apart.
    """
    if out.is_terminal:
        table = Table(title=title)
        for name in columns:
            table.add_column(name, justify="right" if name in right else "left", overflow="fold")
        for row in rows:
            table.add_row(*row)
        out.print(table)
        return
    if title:
        click.echo(title)
    widths = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(columns)]
    for row in [list(columns), *rows]:
        cells = [
            cell.rjust(width) if name in right else cell.ljust(width)
            for name, cell, width in zip(columns, row, widths, strict=True)
        ]
        click.echo("  ".join(cells).rstrip())


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


def interface_missing_message(tag: str) -> str:
    """The warning ``status`` and ``publish`` give for a language whose site chrome is English."""
    return (
        f"warning: the site's interface has no translation into {tag}: its pages would show "
        f"English labels (translate and approve `site`: workflow translate site --to {tag}, "
        f"review, workflow approve site --lang {tag})"
    )


#: ``--executor`` for commands that fan work out (translate, publish).
executor_option = click.option(
    "--executor",
    "executor_spec",
    metavar="WHERE",
    envvar="WORKFLOW_EXECUTOR",
    help="Run engine calls / rendering on local:N (a local Dask cluster of N processes) or "
    "tcp://scheduler:8786 (default: in this process).",
)
