"""What a translate run is asked to do and what it reports.

A :class:`Job` is one catalogue entry to fill (its text protected from the
engine, the rules sent with it, the draft it redoes); a :class:`Cost` is what one
engine is asked for one language pair; a :class:`Report` is a run's figures and
problems, which ``translate --dry-run`` prints before anything is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workflow.glossary import Protected
from workflow.languages import Language

Key = tuple[str | None, str]
Pair = tuple[str, str, str]  # engine, source tag, target tag


@dataclass
class Job:
    """One catalogue entry to fill."""

    slug: str
    source: Language
    target: Language
    engine: str
    key: Key
    protected: Protected = field(default_factory=lambda: Protected(""))
    rules: dict[str, str] = field(default_factory=dict)  # forced terms given as rules
    glossary: str | None = None  # fingerprint of the glossary hits (see drafts.py)
    replaces: str | None = None  # the open draft this job redoes, if any
    fresh: bool = False  # ask the engine again even if it answered this before

    @property
    def msgid(self) -> str:
        return self.key[1]

    @property
    def sent(self) -> str:
        """What identifies the engine's answer: the text sent, and any rules with it."""
        if not self.rules:
            return self.protected.text
        rules = "\x1f".join(f"{k}\x1e{v}" for k, v in sorted(self.rules.items()))
        return f"{self.protected.text}\x00{rules}"


@dataclass
class Cost:
    """What one engine is asked for one language pair."""

    segments: int = 0  # distinct texts sent (or to be sent)
    characters: int = 0
    memory: int = 0  # entries filled from translation memory
    cached: int = 0  # entries filled from earlier engine answers
    repeats: int = 0  # entries sharing a text with another (sent once)


@dataclass
class Report:
    """Figures and problems of a run."""

    costs: dict[Pair, Cost] = field(default_factory=dict)
    filled: int = 0
    reopened: int = 0  # open drafts collected again: glossary changed, or --redo
    attention: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
