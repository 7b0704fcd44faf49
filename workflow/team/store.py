"""Where the desk's shared work lives, and the two ways it is written.

Files are the truth, and they travel with ``git clone``::

    work/assignments/<slug>.toml     who translates and reviews each language, by when
    work/comments/<slug>.jsonl       comment threads on segments (append-only)
    work/notifications/<name>.jsonl  each person's feed and what they have seen (append-only)

One file per article (or person) keeps unrelated work in unrelated files, so
two clones rarely touch the same one.  The JSON Lines files are append-only —
a resolution is a new line, never an edit — and ``work/.gitattributes`` asks
git to merge them with the ``union`` driver: both sides' lines are kept, and
readers order lines by time and drop repeats by id, so a merge never
conflicts and never loses a line.

Delivery state is per installation and stays in ``instance/`` (never
versioned, like the users file): the outbox of webhooks and e-mails still to
send, and the log of deliveries.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workflow.fsutil import append_text, write_if_changed
from workflow.project import Project

WORK = "work"
GITATTRIBUTES = (
    "# Append-only files: a git merge keeps the lines of both sides (see workflow.team.store).\n"
    "*.jsonl merge=union\n"
)


def work_file(project: Project, folder: str, name: str, suffix: str) -> Path:
    """``work/<folder>/<name><suffix>``, never outside the project."""
    return project.inside(WORK, folder, f"{name}{suffix}")


def _prepare(project: Project, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    attributes = project.root / WORK / ".gitattributes"
    if not attributes.exists():
        write_if_changed(attributes, GITATTRIBUTES)


def append_line(project: Project, path: Path, record: dict[str, Any]) -> None:
    """Append one JSON object as a line, under the file's lock (``O_APPEND``)."""
    _prepare(project, path)
    append_text(path, json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


def read_lines(path: Path) -> Iterator[dict[str, Any]]:
    """The JSON objects of a JSON Lines file; a broken line (a bad merge) is skipped."""
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        return
    with handle:
        for line in handle:
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict):
                yield data


def write_text(project: Project, path: Path, text: str) -> bool:
    """Write a whole file atomically, only when its content changed."""
    _prepare(project, path)
    return write_if_changed(path, text)
