"""A git merge driver that understands catalogues, releases and the audit log.

Two desks editing the same catalogue — the review app on one side, Poedit
(which rewraps every line) or a machine run on the other — make a plain text
merge of PO files hopeless: conflict markers, duplicated entries, a file
``msgfmt`` rejects.  This driver merges *entries*, keyed by msgctxt + msgid:

1. an entry only one side changed takes that side's version;
2. both changed it differently: a reviewed translation beats a machine draft
   (or an empty one); two different reviews keep the later one (by the date in
   their ``reviewed NAME DATE`` note; ours on a tie), marked fuzzy with the
   other in a ``workflow: conflict …`` note for a person to decide;
3. an entry one side added is kept; an entry one side removed stays removed
   unless the other side changed it meanwhile (a translation is never lost);
4. header fields merge the same way per field; when both sides changed one,
   dates take the later, the rest follows the side revised last.

The result never has conflict markers and always passes ``msgfmt --check``
(it is written by the same code as every catalogue).  ``.mo`` releases are not
text: when both sides approved, the release approved later (``X-Approved-At``)
wins.  ``logs/audit.jsonl`` keeps every line of both sides, in time order.

Git calls ``workflow merge-po %O %A %B %P`` (set up by ``workflow sync
--setup``); the result is written over ``%A``.  An input that cannot be read
leaves ``%A`` untouched and exits 1, so git reports a conflict on that file
without writing markers into it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polib

from workflow.catalog import (
    ENTRIES,
    WRAP,
    live_entries,
    provenance,
    set_provenance,
)
from workflow.errors import CatalogError
from workflow.fsutil import atomic_write_bytes
from workflow.potext import catalog_text, lint_po

Key = tuple[str | None, str]
#: Header fields that hold a date: both changed → the later one.
DATE_FIELDS = ("POT-Creation-Date", "PO-Revision-Date")
CONFLICT = "conflict "


@dataclass
class MergeReport:
    """What a merge did, for ``workflow sync`` to tell people."""

    entries: int = 0
    from_theirs: int = 0
    conflicts: int = 0


# --------------------------------------------------------------------------- entries


def _translation(entry: polib.POEntry) -> tuple[object, ...]:
    """What a translator changes: text, state, notes, previous source."""
    return (
        entry.msgstr,
        tuple(sorted(entry.msgstr_plural.items())),
        tuple(sorted(entry.flags)),
        entry.tcomment or "",
        entry.previous_msgid,
        entry.previous_msgctxt,
    )


def _structure(entry: polib.POEntry) -> tuple[object, ...]:
    """What extract changes: where the sentence is, what it is, whether it is still used."""
    return (entry.comment or "", tuple(tuple(o) for o in entry.occurrences), entry.obsolete)


def _rank(entry: polib.POEntry) -> int:
    """2 reviewed, 1 draft (machine, memory, changed source), 0 empty."""
    if not entry.msgstr and not any(entry.msgstr_plural.values()):
        return 0
    return 1 if "fuzzy" in entry.flags else 2


def _review_date(entry: polib.POEntry) -> str:
    for note in provenance(entry):
        words = note.split()
        if len(words) >= 3 and words[0] == "reviewed":
            return words[2]
    return ""


def _reviewer(entry: polib.POEntry) -> str:
    for note in provenance(entry):
        words = note.split()
        if len(words) >= 3 and words[0] == "reviewed":
            return f"{words[1]} {words[2]}"
    return "unknown"


def _copy(entry: polib.POEntry) -> polib.POEntry:
    twin = polib.POEntry(
        msgctxt=entry.msgctxt,
        msgid=entry.msgid,
        msgid_plural=entry.msgid_plural,
        msgstr=entry.msgstr,
        msgstr_plural=dict(entry.msgstr_plural),
        comment=entry.comment,
        tcomment=entry.tcomment,
        occurrences=list(entry.occurrences),
        flags=list(entry.flags),
        previous_msgctxt=entry.previous_msgctxt,
        previous_msgid=entry.previous_msgid,
        previous_msgid_plural=entry.previous_msgid_plural,
        obsolete=entry.obsolete,
    )
    return twin


def _take_translation(into: polib.POEntry, source: polib.POEntry) -> None:
    into.msgstr = source.msgstr
    into.msgstr_plural = dict(source.msgstr_plural)
    into.flags = list(source.flags)
    into.tcomment = source.tcomment
    into.previous_msgid = source.previous_msgid
    into.previous_msgctxt = source.previous_msgctxt


def _both_changed(ours: polib.POEntry, theirs: polib.POEntry) -> tuple[polib.POEntry, bool]:
    """Resolve two different translations of one entry; return it and whether it conflicts."""
    rank_ours, rank_theirs = _rank(ours), _rank(theirs)
    if rank_ours != rank_theirs:
        return (_copy(ours) if rank_ours > rank_theirs else _copy(theirs)), False
    if rank_ours < 2 or ours.msgstr == theirs.msgstr:
        return _copy(ours), False  # two drafts, or the same text reviewed twice: nothing lost
    keep, other = (theirs, ours) if _review_date(theirs) > _review_date(ours) else (ours, theirs)
    merged = _copy(keep)
    if "fuzzy" not in merged.flags:
        merged.flags.append("fuzzy")
    notes = [n for n in provenance(keep) if not n.startswith(CONFLICT)]
    others = [n for n in provenance(other) if n.startswith(CONFLICT)]
    text = json.dumps(other.msgstr, ensure_ascii=False)
    set_provenance(merged, *notes, *others, f"{CONFLICT}reviewed {_reviewer(other)}: {text}")
    return merged, True


def merge_entry(
    base: polib.POEntry | None, ours: polib.POEntry | None, theirs: polib.POEntry | None
) -> tuple[polib.POEntry | None, str]:
    """Three-way merge of one entry: the result (None = removed) and ``ours``/``theirs``/
    ``merged``/``conflict`` saying where it came from."""
    if ours is None or theirs is None:
        present = ours if ours is not None else theirs
        side = "ours" if ours is not None else "theirs"
        if present is None:
            return None, "ours"
        if base is None:
            return _copy(present), side  # added on one side
        changed = (_translation(present), _structure(present)) != (
            _translation(base),
            _structure(base),
        )
        # Removed on one side: stays removed, unless the other side changed it since.
        return (_copy(present), side) if changed else (None, side)
    merged = _copy(ours)
    source = "ours"
    # Structure (from extract) and translation (from people and engines) merge apart,
    # so a re-extract on one side and a review on the other both survive.
    if base is not None and _structure(ours) == _structure(base):
        merged.comment, merged.occurrences = theirs.comment, list(theirs.occurrences)
        merged.obsolete = theirs.obsolete
    t_ours, t_theirs = _translation(ours), _translation(theirs)
    if t_ours == t_theirs:
        return merged, source
    if base is not None and t_ours == _translation(base):
        _take_translation(merged, theirs)
        return merged, "theirs"
    if base is not None and t_theirs == _translation(base):
        return merged, source
    winner, conflict = _both_changed(ours, theirs)
    _take_translation(merged, winner)
    return merged, "conflict" if conflict else "merged"


# --------------------------------------------------------------------------- header


def _revised(po: polib.POFile) -> str:
    return str(po.metadata.get("PO-Revision-Date", ""))


def merge_header(
    base: polib.POFile | None, ours: polib.POFile, theirs: polib.POFile
) -> dict[str, str]:
    """Header fields merged field by field (order: ours, then fields only theirs has)."""
    old = base.metadata if base is not None else {}
    later = theirs if _revised(theirs) > _revised(ours) else ours
    fields: dict[str, str] = {}
    for name in [*ours.metadata, *(k for k in theirs.metadata if k not in ours.metadata)]:
        mine, yours, was = ours.metadata.get(name), theirs.metadata.get(name), old.get(name)
        if mine == yours or yours == was:
            value = mine
        elif mine == was:
            value = yours
        elif name in DATE_FIELDS and mine is not None and yours is not None:
            value = max(mine, yours)
        else:
            value = later.metadata.get(name)
        if value is not None:
            fields[name] = value
    return fields


# --------------------------------------------------------------------------- catalogues


def _keyed(po: polib.POFile | None) -> dict[Key, polib.POEntry]:
    if po is None:
        return {}
    found: dict[Key, polib.POEntry] = {}
    for entry in po:  # live entries come first in a file: they win over an obsolete twin
        found.setdefault((entry.msgctxt, entry.msgid), entry)
    return found


def _order(ours: Iterable[Key], theirs: list[Key]) -> list[Key]:
    """Our order, with keys only theirs has placed after their neighbour in theirs."""
    order = list(ours)
    where = {key: i for i, key in enumerate(order)}
    inserted: list[tuple[int, int, Key]] = []
    previous = -1
    for number, key in enumerate(theirs):
        if key in where:
            previous = where[key]
        else:
            inserted.append((previous, number, key))
    for after, _number, key in sorted(inserted, key=lambda item: (item[0], item[1]), reverse=True):
        order.insert(after + 1, key)
    return order


def merge_catalogs(
    base: polib.POFile | None, ours: polib.POFile, theirs: polib.POFile
) -> tuple[polib.POFile, MergeReport]:
    """Merge two versions of a catalogue that share ``base`` (None: added on both sides)."""
    report = MergeReport()
    b, o, t = _keyed(base), _keyed(ours), _keyed(theirs)
    merged = polib.POFile(wrapwidth=WRAP)
    merged.metadata = merge_header(base, ours, theirs)
    if base is not None and ours.header == base.header:
        merged.header = theirs.header
    else:
        merged.header = ours.header
    for key in _order(o, list(t)):
        entry, source = merge_entry(b.get(key), o.get(key), t.get(key))
        if entry is None:
            continue
        merged.append(entry)
        report.entries += 1
        report.from_theirs += source == "theirs"
        report.conflicts += source == "conflict"
    if ENTRIES in merged.metadata:  # the merge decided what the catalogue holds
        merged.metadata[ENTRIES] = str(live_entries(merged))
    return merged, report


def conflicts(po: polib.POFile) -> list[polib.POEntry]:
    """Entries a merge marked for a person to decide."""
    return [e for e in po if any(n.startswith(CONFLICT) for n in provenance(e))]


def _parse(text: str, where: str) -> polib.POFile:
    problem = lint_po(text)
    if problem is not None:
        raise CatalogError(f"{where}: broken PO file ({problem})")
    try:
        return polib.pofile(text, wrapwidth=WRAP)
    except (OSError, ValueError) as exc:
        raise CatalogError(f"{where}: broken PO file ({exc})") from exc


def merge_po_text(base: str | None, ours: str, theirs: str, where: str = "") -> tuple[str, int]:
    """Merge PO file texts; return the merged text and the number of conflicts marked."""
    merged, report = merge_catalogs(
        _parse(base, f"{where} (common ancestor)") if base else None,
        _parse(ours, f"{where} (ours)"),
        _parse(theirs, f"{where} (theirs)"),
    )
    return catalog_text(merged), report.conflicts


# --------------------------------------------------------------------------- releases, log


def newer_release(ours: bytes, theirs: bytes) -> bytes:
    """Of two ``.mo`` releases, the one approved later (by its ``X-Approved-At`` header)."""

    def approved_at(data: bytes) -> str:
        try:
            return str(polib.mofile(data).metadata.get("X-Approved-At", ""))
        except (OSError, ValueError, KeyError):
            return ""

    return theirs if approved_at(theirs) > approved_at(ours) else ours


def merge_log(base: str, ours: str, theirs: str) -> str:
    """Every line of both sides' append-only logs, once each, in time order."""
    seen: set[str] = set()
    lines: list[str] = []
    for line in [*ours.splitlines(), *theirs.splitlines()]:
        if line.strip() and line not in seen:
            seen.add(line)
            lines.append(line)

    def when(line: str) -> str:
        try:
            return str(json.loads(line).get("time", ""))
        except (ValueError, AttributeError):
            return ""

    lines.sort(key=when)  # stable: lines of one moment keep their order
    return "".join(f"{line}\n" for line in lines)


def merge_files(base: Path, ours: Path, theirs: Path, name: str) -> int:
    """What git's merge driver does: merge into ``ours``; return the conflicts marked.

    ``name`` is the path in the repository (``%P``) and chooses the kind of file.
    """
    if name.endswith(".mo"):
        result = newer_release(ours.read_bytes(), theirs.read_bytes())
        atomic_write_bytes(ours, result)
        return 0
    texts = []
    for path in (base, ours, theirs):
        try:
            texts.append(path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise CatalogError(f"{name}: not UTF-8 (byte {exc.start})") from exc
    if name.endswith(".jsonl"):
        atomic_write_bytes(ours, merge_log(*texts).encode("utf-8"))
        return 0
    text, marked = merge_po_text(texts[0], texts[1], texts[2], name)
    atomic_write_bytes(ours, text.encode("utf-8"))
    return marked
