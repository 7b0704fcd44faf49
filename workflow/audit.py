"""The audit log: an append-only record of every workflow event.

One JSON object per line in ``logs/audit.jsonl`` at the project root, so it
can be versioned with the articles and read by anything.  Lines are appended
under an exclusive lock with ``O_APPEND``; nothing ever rewrites the file.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workflow.fsutil import append_text

LOG_PATH = "logs/audit.jsonl"
EVENTS = (
    "extract",
    "translate",
    "review",
    "approve",
    "reject",
    "publish",
    "silence",
    # the desk working together (workflow.team)
    "assign",
    "comment",
    "resolve",
    "reopen",
    "ready",
    # work brought in from outside (workflow.exchange)
    "import",
)


@dataclass(frozen=True)
class Event:
    """Who did what, when, to which article and language."""

    event: str
    who: str
    slug: str = ""
    language: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    time: str = ""


def current_user() -> str:
    """The person running a command: ``WORKFLOW_USER`` or the login name."""
    return os.environ.get("WORKFLOW_USER") or getpass.getuser()


def record(
    root: Path,
    event: str,
    who: str | None = None,
    slug: str = "",
    language: str = "",
    **detail: Any,
) -> Event:
    """Append one event to the project's audit log."""
    entry = new_event(event, who, slug, language, **detail)
    record_all(root, [entry])
    return entry


def new_event(
    event: str, who: str | None = None, slug: str = "", language: str = "", **detail: Any
) -> Event:
    """An event stamped now, to record (alone, or with others by :func:`record_all`)."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    return Event(
        event=event,
        who=who or current_user(),
        slug=slug,
        language=language,
        detail=detail,
        time=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )


def record_all(root: Path, events: list[Event]) -> None:
    """Append events in one write (a group commit's reviews: one lock, not one each)."""
    if events:
        lines = (json.dumps(asdict(e), ensure_ascii=False, sort_keys=True) + "\n" for e in events)
        append_text(root / LOG_PATH, "".join(lines))


def read_log(root: Path, slug: str | None = None) -> Iterator[Event]:
    """Events in the order they happened, optionally for one article."""
    path = root / LOG_PATH
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                event = Event(**data)
            except (ValueError, TypeError):
                continue  # a hand-edited or truncated line: skip it, keep the rest
            if slug is None or event.slug == slug:
                yield event
