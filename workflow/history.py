"""What happened to a segment: its provenance notes and its versions.

Two records tell a segment's story, and both are plain files:

* the entry's provenance notes (translator comments starting ``workflow:``),
  which say how the *current* text came to be — ``machine apertium
  2024-12-04``, ``reviewed ana 2024-12-05``, ``silence numbers: … (ana …)``;
* the audit log, where every review save appends the old and the new text.

:func:`parse_note` turns a note into a :class:`Note` the review app can word in
the reader's language; :func:`segment_history` turns the audit log into the
list of versions the history panel shows, oldest first, each one restorable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from workflow.audit import Event
from workflow.drafts import Draft

_DATE = r"(\d{4}-\d\d-\d\d)"
_NOTES: list[tuple[str, re.Pattern[str]]] = [
    ("machine", re.compile(rf"^machine (?P<who>\S+) {_DATE}$")),
    ("memory", re.compile(rf"^memory {_DATE}$")),
    ("reviewed", re.compile(rf"^reviewed (?P<who>\S+) {_DATE}$")),
    ("copied", re.compile(rf"^copied source (?P<who>\S+) {_DATE}$")),
    (
        "silence",
        re.compile(rf"^silence (?P<detail>[\w-]+): (?P<reason>.*) \((?P<who>\S+) {_DATE}\)$"),
    ),
    ("attention", re.compile(rf"^attention (?P<who>\S+) {_DATE}: (?P<reason>.*)$")),
    ("previous", re.compile(r"^previous translation: (?P<reason>.*)$")),
    ("draft", re.compile(r"^draft \S+")),  # translate's bookkeeping (workflow.drafts)
]


@dataclass(frozen=True)
class Note:
    """One provenance note, taken apart.

    ``kind`` is ``machine``, ``memory``, ``reviewed``, ``copied``, ``silence``,
    ``attention``, ``previous``, ``draft`` (not shown) or ``other`` (shown as written).
    """

    kind: str
    who: str = ""  # a person, or the engine for machine/attention notes
    date: str = ""  # ISO date
    detail: str = ""  # the silenced check
    reason: str = ""  # a silence's reason, an attention's message, a previous text
    raw: str = ""


def parse_note(note: str) -> Note:
    for kind, pattern in _NOTES:
        match = pattern.match(note)
        if match:
            found = match.groupdict()
            dates = [g for g in match.groups() if g and re.fullmatch(_DATE, g)]
            return Note(
                kind,
                found.get("who") or "",
                dates[-1] if dates else "",
                found.get("detail") or "",
                found.get("reason") or "",
                note,
            )
    return Note("other", raw=note)


@dataclass
class Version:
    """One text a segment had, with who made it, when and how."""

    text: str
    how: str  # machine | memory | confirm | confirm-as-is | copy-source | revert | restore | before
    who: str = ""  # person, or engine
    time: str = ""  # ISO date or date-time
    current: bool = False
    approved: list[tuple[str, str]] = field(default_factory=list)  # (editor, time)


def segment_history(
    events: Iterable[Event],
    msgid: str,
    msgctxt: str | None,
    current: str,
    draft: Draft | None,
) -> list[Version]:
    """Every version of one segment, oldest first, from its audit events.

    ``events`` are the audit events of the segment's article and language in
    order (review and approve events are used).  The current text is always
    the last version, even when no event is on record (a machine draft that
    nobody has touched yet).
    """
    versions: list[Version] = []
    context = msgctxt or ""
    for event in events:
        if event.event == "approve":
            if versions:
                versions[-1].approved.append((event.who, event.time))
            continue
        detail = event.detail
        if event.event != "review" or detail.get("segment") != msgid:
            continue
        if detail.get("context", context) != context:
            continue
        old, new = str(detail.get("old", "")), str(detail.get("new", ""))
        if not versions or versions[-1].text != old:
            if "draft" in detail or "engine" in detail:
                how = "memory" if detail.get("engine") == "memory" else "machine"
                versions.append(
                    Version(old, how, str(detail.get("engine", "")), str(detail.get("drafted", "")))
                )
            elif old:
                versions.append(Version(old, "before"))
        versions.append(Version(new, str(detail.get("action", "confirm")), event.who, event.time))
    if not versions or versions[-1].text != current:
        if draft is not None and draft.open:
            how = "memory" if draft.engine == "memory" else "machine"
            versions.append(Version(current, how, draft.engine, draft.date))
        elif current:
            versions.append(Version(current, "before"))
    if versions:
        versions[-1].current = True
    return [v for v in versions if v.text or v.current]
