"""The MT quality report: which engine saves the desk the most work.

A recipe, from the audit log alone (files are the truth; nothing else is kept):

1. **drafts**: every ``review`` event that carries ``draft`` — the machine (or
   memory) text a segment still held when a person first confirmed it — with
   the ``engine``, the date it was ``drafted`` and the ``source`` language;
   only each segment's first such confirmation counts;
2. **effort**: for each reviewer, the time since their previous save (gaps
   over ten minutes are breaks, not work) is the time that segment took;
3. **group** by engine × language pair × month of the confirmation;
4. **measure** each group: segments, accepted unchanged, post-edit distance
   between draft and final text as chrF and TER (sacrebleu, corpus level;
   placeholders left out), days from draft to confirmation and seconds of
   review per segment (medians).

A high chrF and a low TER mean the translators changed little.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workflow.audit import Event, read_log
from workflow.segment import PLACEHOLDER_RE

#: A pause longer than this between two saves of one person is a break.
BREAK = dt.timedelta(minutes=10)
#: Review actions that leave a segment unconfirmed.
_NOT_CONFIRMING = ("copy-source", "revert")


@dataclass
class Confirmation:
    """One segment's first confirmation after machine translation."""

    engine: str
    source: str
    target: str
    month: str  # YYYY-MM of the confirmation
    draft: str
    final: str
    days: float | None  # from the draft's date to the confirmation
    seconds: float | None  # the reviewer's time on it, if it followed another save closely


@dataclass
class Row:
    """The figures of one engine × language pair × month."""

    engine: str
    source: str
    target: str
    month: str
    segments: int = 0
    unchanged: int = 0
    chrf: float = 0.0
    ter: float = 0.0
    days: float | None = None
    seconds: float | None = None
    confirmations: list[Confirmation] = field(default_factory=list, repr=False)

    @property
    def pair(self) -> str:
        return f"{self.source}→{self.target}"

    @property
    def unchanged_share(self) -> float:
        """Share of drafts accepted as they were, 0.0 to 1.0."""
        return self.unchanged / self.segments if self.segments else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "source": self.source,
            "target": self.target,
            "month": self.month,
            "segments": self.segments,
            "unchanged": self.unchanged,
            "unchanged_percent": round(100 * self.unchanged_share, 1),
            "chrf": round(self.chrf, 1),
            "ter": round(self.ter, 1),
            "days_to_review": self.days,
            "seconds_per_segment": self.seconds,
        }


def _plain(text: str) -> str:
    """The words of a segment, placeholders left out (moving a tag is not rewriting)."""
    return " ".join(PLACEHOLDER_RE.sub(" ", text).split())


def _time(event: Event) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(event.time)
    except ValueError:
        return None


def confirmations(events: Iterable[Event]) -> list[Confirmation]:
    """Each segment's first confirmation that carries its machine draft."""
    found: list[Confirmation] = []
    seen: set[tuple[str, str, str, str]] = set()
    last_save: dict[str, dt.datetime] = {}
    for event in events:
        if event.event != "review":
            continue
        when = _time(event)
        if when is None:
            continue
        detail = event.detail
        previous = last_save.get(event.who)
        last_save[event.who] = when
        draft, final = detail.get("draft"), detail.get("new")
        if not isinstance(draft, str) or not isinstance(final, str) or not final:
            continue
        if detail.get("action") in _NOT_CONFIRMING:
            continue
        segment = str(detail.get("segment", ""))
        key = (event.slug, event.language, str(detail.get("context") or ""), segment)
        if key in seen:
            continue
        seen.add(key)
        seconds = None
        if previous is not None and dt.timedelta(0) <= when - previous <= BREAK:
            seconds = (when - previous).total_seconds()
        days = None
        try:
            drafted = dt.date.fromisoformat(str(detail.get("drafted", "")))
            days = float((when.date() - drafted).days)
        except ValueError:
            pass
        if days is not None and days < 0:  # a clock or a log from elsewhere: no figure
            days = None
        found.append(
            Confirmation(
                engine=str(detail.get("engine") or "unknown"),
                source=str(detail.get("source") or "?"),
                target=event.language,
                month=when.strftime("%Y-%m"),
                draft=draft,
                final=final,
                days=days,
                seconds=seconds,
            )
        )
    return found


def measure(found: Iterable[Confirmation]) -> list[Row]:
    """Group confirmations by engine × pair × month and compute each group's figures."""
    # imported here: only the report needs sacrebleu (and its numpy)
    from sacrebleu.metrics.chrf import CHRF
    from sacrebleu.metrics.ter import TER

    groups: dict[tuple[str, str, str, str], Row] = {}
    for item in found:
        key = (item.engine, item.source, item.target, item.month)
        row = groups.setdefault(key, Row(*key))
        row.confirmations.append(item)
    chrf, ter = CHRF(), TER()
    for row in groups.values():
        drafts = [_plain(c.draft) for c in row.confirmations]
        finals = [_plain(c.final) for c in row.confirmations]
        row.segments = len(drafts)
        row.unchanged = sum(1 for c in row.confirmations if c.draft == c.final)
        row.chrf = chrf.corpus_score(drafts, [finals]).score
        row.ter = ter.corpus_score(drafts, [finals]).score
        row.days = _median([c.days for c in row.confirmations])
        row.seconds = _median([c.seconds for c in row.confirmations])
    return sorted(groups.values(), key=lambda r: (r.month, r.engine, r.source, r.target))


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(statistics.median(known), 1) if known else None


def quality_report(root: Path, since: str | None = None) -> list[Row]:
    """The report for a project, optionally from a month (``YYYY-MM``) on."""
    rows = measure(confirmations(read_log(root)))
    return [row for row in rows if since is None or row.month >= since]
