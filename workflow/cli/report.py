"""The MT quality report command (report)."""

from __future__ import annotations

import json
import re

import click
from rich.table import Table

from workflow.cli.common import err, format_option, load_project, out
from workflow.errors import WorkflowError


@click.command()
@click.option("--since", metavar="YYYY-MM", help="Only confirmations from this month on.")
@format_option
@click.pass_context
def report(ctx: click.Context, since: str | None, fmt: str) -> None:
    """How much work machine drafts saved: per engine, language pair and month.

    From the audit log: each segment's first confirmation after machine
    translation, compared with the draft it started from.  Shows how many
    drafts were accepted unchanged, the post-edit distance (chrF: higher is
    closer; TER: the share of words edited, lower is better), the median days
    from draft to review and the median seconds a reviewer spent per segment.

    \b
    Example:
      workflow report
      workflow report --since 2026-01 --format json
    """
    from workflow.report import quality_report

    if since is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", since):
        raise WorkflowError(f"--since {since!r}: give a month as YYYY-MM, for example 2026-01")
    rows = quality_report(load_project(ctx).root, since)
    if fmt == "json":
        click.echo(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=2))
        return
    if not rows:
        err.print("no confirmed machine drafts in the audit log yet")
        return
    table = Table(title="machine drafts, as reviewed")
    for name in (
        "month",
        "engine",
        "pair",
        "segments",
        "unchanged",
        "chrF",
        "TER",
        "days to review",
        "s/segment",
    ):
        table.add_column(name, justify="left" if name in ("month", "engine", "pair") else "right")
    for row in rows:
        table.add_row(
            row.month,
            row.engine,
            row.pair,
            str(row.segments),
            f"{100 * row.unchanged_share:.1f} %",
            f"{row.chrf:.1f}",
            f"{row.ter:.1f}",
            "–" if row.days is None else f"{row.days:g}",
            "–" if row.seconds is None else f"{row.seconds:g}",
        )
    out.print(table)
