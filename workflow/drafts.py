"""Machine drafts: writing them, and telling which entries still hold one.

When translate fills an entry it writes two provenance notes::

    # workflow: machine apertium 2026-11-28
    # workflow: draft 9f86d081 glossary 1b4f0e98

``machine ENGINE DATE`` (or ``memory DATE``) says where the text came from;
``draft`` carries a short hash of the text as filled, and — when glossary
names or terms applied — a fingerprint of those glossary hits.  From them:

* an entry is an **open draft** while it is fuzzy, still holds exactly the
  filled text (the hash matches), and no person left a note on it (review,
  copy, silence).  Only open machine drafts are ever filled again: by
  ``translate --redo``, or when the glossary hits they were made with changed;
* the review app records the draft a segment started from in the audit log,
  which is what ``workflow report`` measures.

Entries filled before drafts were noted (a ``machine`` note, no ``draft``
note) count as open while fuzzy and untouched by a person.

:func:`write_fill` writes a draft (or only an attention note) into an entry;
:func:`still_fillable` says, under the catalogue's lock, whether the entry is
still what translate collected — a person may have reviewed it meanwhile.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polib

from workflow.catalog import needs_machine, provenance, set_provenance

#: Provenance kinds translate writes itself; any other note is a person's.
_MACHINE_NOTES = ("machine ", "memory ", "draft ", "previous translation: ")


@dataclass(frozen=True)
class Draft:
    """What an entry's provenance says about the machine (or memory) draft it holds."""

    engine: str  # engine name, or "memory"
    date: str  # ISO date the draft was made
    glossary: str | None  # fingerprint of the glossary hits it was made with
    open: bool  # still the draft's own text, unreviewed and untouched by a person


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def fingerprint(text: str, replacements: dict[str, str], rules: dict[str, str]) -> str | None:
    """A short fingerprint of the glossary hits in one segment (``None``: no hits).

    ``text`` is the segment as sent (hits swapped for tokens), ``replacements``
    what each token becomes, ``rules`` the forced terms given to the engine as
    instructions.  Equal fingerprints mean the engine would be asked the same
    thing and its answer restored the same way.
    """
    if not replacements and not rules:
        return None
    parts = [text, *sorted(f"{k}={v}" for k, v in replacements.items())]
    parts += sorted(f"{k}→{v}" for k, v in rules.items())
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:8]


def draft_notes(origin: str, msgstr: str, glossary: str | None) -> list[str]:
    """A fresh draft's notes; ``origin`` is ``machine ENGINE DATE`` or ``memory DATE``."""
    mark = f"draft {text_hash(msgstr)}" + (f" glossary {glossary}" if glossary else "")
    return [origin, mark]


def draft_of(entry: polib.POEntry) -> Draft | None:
    """The draft an entry holds, from its provenance notes (``None``: no machine or memory note)."""
    notes = provenance(entry)
    origin = next((n.split() for n in notes if n.startswith(("machine ", "memory "))), None)
    if origin is None:
        return None
    if origin[0] == "memory":
        engine, date = "memory", origin[1:2]
    else:
        engine, date = (origin[1] if len(origin) > 1 else "?"), origin[2:3]
    mark = next((n.split() for n in notes if n.startswith("draft ")), None)
    glossary = mark[3] if mark and len(mark) >= 4 and mark[2] == "glossary" else None
    untouched = all(n.startswith(_MACHINE_NOTES) for n in notes)
    same_text = mark is None or mark[1] == text_hash(entry.msgstr)
    is_open = (
        not entry.obsolete
        and bool(entry.msgstr)
        and "fuzzy" in entry.flags
        and untouched
        and same_text
    )
    return Draft(engine, date[0] if date else "", glossary, is_open)


def open_machine_draft(entry: polib.POEntry) -> Draft | None:
    """The entry's draft if it is an open *machine* draft (the only kind translate redoes)."""
    draft = draft_of(entry)
    return draft if draft is not None and draft.open and draft.engine != "memory" else None


@dataclass
class Fill:
    """What to write into one entry: a translation, or only a note for attention."""

    msgstr: str
    notes: list[str]
    replaces: str | None = None  # the draft text the entry must still hold


def still_fillable(entry: polib.POEntry, fill: Fill) -> bool:
    """Whether the entry is still what was collected (nobody reviewed it meanwhile)."""
    if fill.replaces is None:
        return needs_machine(entry)
    if not fill.msgstr:  # a redo that failed keeps the draft it had
        return False
    return entry.msgstr == fill.replaces and open_machine_draft(entry) is not None


def write_fill(entry: polib.POEntry, fill: Fill) -> None:
    """Write a fill: the new draft, fuzzy, with its notes (or only an attention note)."""
    if not fill.msgstr:
        set_provenance(entry, *fill.notes)
        return
    notes = list(fill.notes)
    if fill.replaces is not None:  # a redone draft keeps the note of an older human translation
        notes += [n for n in provenance(entry) if n.startswith("previous translation: ")]
    elif entry.msgstr:  # a translation of the old source: keep it in sight for the reviewer
        notes.append("previous translation: " + " ".join(entry.msgstr.split()))
    entry.msgstr = fill.msgstr
    if "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    set_provenance(entry, *notes)
