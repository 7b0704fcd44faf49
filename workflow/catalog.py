"""gettext catalogues: read, merge, measure and write PO files with polib.

One catalogue per article per target language,
``locales/<lang>/LC_MESSAGES/<slug>.po``.  Merging follows ``msgmerge``: an
unchanged sentence keeps its translation and review state; a changed sentence
gets the closest old translation, marked fuzzy, with the old msgid kept as
``#| msgid``; a removed sentence becomes obsolete (``#~``) so its translation
is not lost.  Writes are atomic and skipped when nothing changed.

Reading is strict where polib is lenient: a half-saved entry, a duplicate, a
header ``msgfmt --check`` would refuse (``Plural-Forms``, charset) or a
catalogue with fewer entries than ``extract`` wrote (``X-Workflow-Entries``: a
file cut between two entries is still valid PO) is one clear error instead of
a file that is silently "repaired", refilled or released.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polib
from rapidfuzz import fuzz, process

from workflow import __version__
from workflow.errors import CatalogError
from workflow.fsutil import atomic_write_bytes, write_if_changed
from workflow.languages import Language
from workflow.potext import catalog_text, header_problems, lint_po
from workflow.segment import Segment

#: Below this similarity (0-100) an old translation is not offered for a new sentence.
FUZZY_CUTOFF = 60.0
SOURCE_HASH = "X-Workflow-Source-Hash"
SOURCE_LANGUAGE = "X-Workflow-Source-Language"
#: Translator-comment lines starting with this are workflow's own provenance notes.
PROVENANCE = "workflow: "
_MACHINE_KINDS = ("machine ", "memory ", "attention ", "previous translation: ", "imported ")
SOURCE_PATH = "X-Workflow-Source"
#: How many live entries ``extract`` wrote; fewer on reading means entries were lost.
ENTRIES = "X-Workflow-Entries"
WRAP = 0


@dataclass(frozen=True)
class Stats:
    """Segment counts of one catalogue."""

    total: int = 0
    translated: int = 0  # reviewed: has a translation and is not fuzzy
    fuzzy: int = 0  # machine or changed-source translations awaiting review
    untranslated: int = 0

    @property
    def done(self) -> float:
        """Share of reviewed segments, 0.0 to 1.0."""
        return self.translated / self.total if self.total else 1.0


_HEADER_LINE = re.compile(r'^"([A-Za-z][A-Za-z0-9-]*): ?(.*?)(?:\\n)?"\s*$')


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M+0000")


def live_entries(po: polib.POFile) -> int:
    return sum(1 for entry in po if not entry.obsolete)


def read_catalog(path: Path, display: str | None = None, accept_lost: bool = False) -> polib.POFile:
    """Read a PO file; a broken, non-UTF-8 or cut file is one clear error.

    ``accept_lost`` reads a catalogue with fewer entries than its header
    records (``extract --accept-lost`` then recreates them untranslated).
    """
    where = display or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise CatalogError(f"{where}: no such catalogue") from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError(f"{where}: line {line}: not UTF-8 (byte {exc.start})") from exc
    problem = lint_po(text)
    if problem is not None:
        raise CatalogError(f"{where}: broken PO file ({problem})")
    try:
        # polib's own duplicate check is quadratic (a list scan per entry): ours is a set.
        po = polib.pofile(text, wrapwidth=WRAP, check_for_duplicates=False)
    except (OSError, ValueError) as exc:
        raise CatalogError(f"{where}: broken PO file ({exc})") from exc
    seen: set[tuple[str | None, str]] = set()
    for entry in po:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            raise CatalogError(f"{where}: broken PO file (entry {entry.msgid[:40]!r} twice)")
        seen.add(key)
    problems = header_problems(po)
    if problems:
        raise CatalogError(f"{where}: {'; '.join(problems)}")
    expected = po.metadata.get(ENTRIES, "")
    found = len(seen)
    if not accept_lost and expected.isdigit() and found < int(expected):
        raise CatalogError(
            f"{where}: has {found} of its {expected} entries: the others were lost "
            f"(a cut or badly merged file?). Restore it (git checkout -- {where}), or run "
            f"`workflow extract {path.stem} --accept-lost` to recreate them untranslated"
        )
    return po


def read_header(path: Path) -> dict[str, str]:
    """Read only the header fields of a PO file, cheaply.

    Reads up to the first blank line and picks ``"Key: value\\n"`` lines; used
    to decide whether a catalogue is current without parsing all of it.
    """
    fields: dict[str, str] = {}
    try:
        with path.open("r", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if not line.strip():
                    break
                match = _HEADER_LINE.match(line)
                if match:
                    fields[match.group(1)] = match.group(2)
    except FileNotFoundError:
        return {}
    return fields


def provenance(entry: polib.POEntry) -> list[str]:
    """Workflow's provenance notes of an entry (``machine apertium 2024-…``, …)."""
    return [
        line[len(PROVENANCE) :]
        for line in (entry.tcomment or "").splitlines()
        if line.startswith(PROVENANCE)
    ]


def set_provenance(entry: polib.POEntry, *notes: str) -> None:
    """Replace workflow's notes on an entry, keeping the translator's own comments."""
    own = [line for line in (entry.tcomment or "").splitlines() if not line.startswith(PROVENANCE)]
    entry.tcomment = "\n".join([*own, *(PROVENANCE + note for note in notes)])


def strip_machine_notes(tcomment: str) -> str:
    """A translator comment without machine/memory/attention notes (for a changed source)."""
    return "\n".join(
        line
        for line in (tcomment or "").splitlines()
        if not (line.startswith(PROVENANCE) and line[len(PROVENANCE) :].startswith(_MACHINE_KINDS))
    )


def needs_machine(entry: polib.POEntry) -> bool:
    """Whether machine translation may fill this entry.

    Empty entries, and fuzzy entries whose *source changed* (``#| msgid`` kept
    by extract) and that no engine or memory has filled since.  A translation a
    person wrote or confirmed — reviewed, or fuzzy by their own choice — is
    never a candidate.
    """
    if entry.obsolete:
        return False
    if not entry.msgstr:
        return True
    if "fuzzy" not in entry.flags or not entry.previous_msgid:
        return False
    drafted = ("machine ", "memory ", "imported ")  # an agency's suggestion counts as a draft
    return not any(note.startswith(drafted) for note in provenance(entry))


def entry_state(entry: polib.POEntry) -> str:
    """``translated`` (reviewed), ``fuzzy`` or ``untranslated``."""
    if not entry.msgstr:
        return "untranslated"
    if "fuzzy" in entry.flags:
        return "fuzzy"
    return "translated"


def stats(po: polib.POFile) -> Stats:
    """Count a catalogue's live (non-obsolete) entries by state."""
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    for entry in po:
        if entry.obsolete:
            continue
        counts[entry_state(entry)] += 1
    return Stats(total=sum(counts.values()), **counts)


def new_catalog(language: Language, project: str, source: str) -> polib.POFile:
    """An empty catalogue with a complete, ``msgfmt --check``-clean header."""
    po = polib.POFile(wrapwidth=WRAP)
    po.header = (
        f"{language.locale.english_name} translation of {source}.\n"
        "Made by `workflow extract`: edit msgstr freely (here, in Poedit or in the\n"
        "review app); msgid changes come from the article and are merged on extract."
    )
    now = _now()
    po.metadata = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": now,
        "PO-Revision-Date": now,
        "Last-Translator": "workflow <workflow@localhost>",
        "Language-Team": language.autonym,
        "Language": language.gettext_id,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": language.plural_forms,
        "X-Generator": f"workflow {__version__}",
        SOURCE_PATH: source,
    }
    return po


def _occurrences(segments: list[Segment], source: str) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    for segment in segments:
        ref = (source, str(segment.line))
        if ref not in seen:
            seen.append(ref)
    return seen


def merge(po: polib.POFile, segments: Iterable[Segment], source: str) -> polib.POFile:
    """Merge the article's current segments into ``po`` (msgmerge semantics).

    Returns a new catalogue with the same header; ``po`` is not modified.
    """
    grouped: dict[tuple[str | None, str], list[Segment]] = {}
    for segment in segments:
        grouped.setdefault(segment.key, []).append(segment)

    live = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    dead = {(e.msgctxt, e.msgid): e for e in po if e.obsolete}
    used: set[tuple[str | None, str]] = set()
    merged = polib.POFile(wrapwidth=WRAP)
    merged.metadata = dict(po.metadata)
    merged.header = po.header
    unmatched: list[polib.POEntry] = []

    for key, group in grouped.items():
        first = group[0]
        entry = polib.POEntry(
            msgctxt=first.context,
            msgid=first.msgid,
            msgstr="",
            comment=first.comment(),
            occurrences=_occurrences(group, source),
        )
        old = live.get(key) or dead.get(key)
        if old is not None:
            used.add(key)
            entry.msgstr = old.msgstr
            entry.flags = list(old.flags)
            entry.tcomment = old.tcomment
            if "fuzzy" in old.flags:
                entry.previous_msgid = old.previous_msgid
                entry.previous_msgctxt = old.previous_msgctxt
        else:
            unmatched.append(entry)
        merged.append(entry)

    candidates = {key: old for key, old in live.items() if key not in used and old.msgstr}
    for entry in unmatched:
        pool = {k: v.msgid for k, v in candidates.items() if k[0] == entry.msgctxt}
        if not pool:
            continue
        best = process.extractOne(entry.msgid, pool, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if best is None:
            continue
        key = best[2]
        old = candidates[key]
        used.add(key)
        entry.msgstr = old.msgstr
        entry.flags = ["fuzzy"]
        entry.tcomment = strip_machine_notes(old.tcomment)
        entry.previous_msgid = old.msgid
        if old.msgctxt is not None:
            entry.previous_msgctxt = old.msgctxt

    for key, old in list(live.items()) + list(dead.items()):
        if key in used or key in grouped or not old.msgstr:
            continue
        gone = polib.POEntry(
            msgctxt=old.msgctxt,
            msgid=old.msgid,
            msgstr=old.msgstr,
            flags=list(old.flags),
            tcomment=old.tcomment,
            obsolete=True,
        )
        merged.append(gone)
    return merged


def write_catalog(po: polib.POFile, path: Path, date_field: str = "POT-Creation-Date") -> bool:
    """Write ``po`` atomically if its content differs from the file; return whether written.

    ``date_field`` is stamped with the current time only when something else
    changed, so a run that changes nothing leaves the file (and git) untouched.
    Extract stamps ``POT-Creation-Date`` (the source text changed), translation
    stamps ``PO-Revision-Date``.  The catalogue is serialised once.
    """
    try:
        old_text: str | None = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        old_text = None
    old_date = None
    if old_text is not None:
        match = re.search(rf'^"{re.escape(date_field)}: (.*?)\\n"$', old_text, re.MULTILINE)
        old_date = match.group(1) if match else None
    if old_date is not None:
        po.metadata[date_field] = old_date
    text = catalog_text(po)
    if text == old_text:
        return False
    if old_date is not None:
        now = _now()
        po.metadata[date_field] = now
        text = text.replace(f'"{date_field}: {old_date}\\n"', f'"{date_field}: {now}\\n"', 1)
    return write_if_changed(path, text)


class CatalogCache:
    """Parsed catalogues, parsed again only when their file changed (inode, size, mtime).

    Whoever writes through :meth:`write` keeps holding what it wrote, so a long
    translate run or a busy review app never re-parses its own writes, while a
    change made by anyone else (another process, Poedit) is always read again.
    """

    def __init__(self, display: Callable[[Path], str] = str) -> None:
        self.display = display
        self._held: dict[Path, tuple[tuple[int, int, int], polib.POFile]] = {}

    @staticmethod
    def _stamp(path: Path) -> tuple[int, int, int]:
        stat = path.stat()
        return (stat.st_ino, stat.st_size, stat.st_mtime_ns)

    def read(self, path: Path) -> polib.POFile:
        stamp = self._stamp(path)
        held = self._held.get(path)
        if held is not None and held[0] == stamp:
            return held[1]
        po = read_catalog(path, self.display(path))
        self._held[path] = (stamp, po)
        return po

    def write(self, po: polib.POFile, path: Path, date_field: str = "POT-Creation-Date") -> bool:
        """:func:`write_catalog`, then hold what was written."""
        try:
            written = write_catalog(po, path, date_field)
        except BaseException:
            self.forget(path)
            raise
        if written:
            self._held[path] = (self._stamp(path), po)
        return written

    def write_changed(
        self,
        po: polib.POFile,
        path: Path,
        date_field: str,
        entry_text: Callable[[polib.POEntry, int], str] | None = None,
    ) -> None:
        """Write ``po``, which the caller changed, without reading the file back.

        For a writer that holds the file's lock and read ``po`` through
        :meth:`read` (so ``po`` is the file, plus its changes): :func:`write_catalog`'s
        read and compare would only confirm what the caller knows.  The date is
        stamped as there; the write is as durable (fsync, then rename).
        """
        if date_field in po.metadata:
            po.metadata[date_field] = _now()
        try:
            text = catalog_text(po, entry_text) if entry_text else catalog_text(po)
            atomic_write_bytes(path, text.encode("utf-8"))
        except BaseException:
            self.forget(path)
            raise
        self._held[path] = (self._stamp(path), po)

    def forget(self, path: Path) -> None:
        """Drop a catalogue whose parsed copy may no longer match its file."""
        self._held.pop(path, None)

    def held(self) -> dict[Path, polib.POFile]:
        return {path: po for path, (_stamp, po) in self._held.items()}
