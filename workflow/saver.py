"""Stage 3, saving: a reviewer's save applied to the catalogue, nothing ever lost.

* every save says which text the person started from (``base``); if the
  entry changed meanwhile the save is refused as a conflict, with both texts;
* **quality checks run before anything is stored as reviewed**: a save that
  would confirm a text with a quality error (numbers, URLs, glossary, markup)
  is *blocked* and answered with the findings; the person confirms anyway
  (``force``) or silences the check with a reason (``silence`` + ``reason``,
  as ``workflow silence`` does).  Broken placeholders are always refused;
* saves are committed in groups: whoever holds a file's lock applies every
  save queued for that file, checks each against the current text, and writes
  the catalogue once.  Twenty people saving at once cost one or two writes,
  not twenty, and saves to different segments all survive;
* each applied save is appended to the audit log: who, which segment, old and
  new text, and — the contract ``workflow report`` reads — the engine and date
  of the machine draft and, on its first confirmation, the draft itself.

Every answer carries what the page needs to show at once: the new state and
provenance notes, the findings of the text now stored, and the article's
progress.  Messages are English gettext msgids (marked ``N_``); the review app
translates them.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polib

from workflow.audit import Event, new_event, record_all
from workflow.catalog import SOURCE_LANGUAGE, CatalogCache, entry_state, provenance, set_provenance
from workflow.drafts import Draft, draft_notes, draft_of
from workflow.errors import WorkflowError
from workflow.fsutil import file_lock
from workflow.glossary import Glossary, load_glossary
from workflow.languages import Language, parse_language
from workflow.project import SITE, Project
from workflow.qa import CHECKS, ERROR, N_, Finding, run_checks, silenced
from workflow.review import SITE_SOURCE, machine_drafts, segment_id
from workflow.segment import placeholders_match
from workflow.team import events

#: confirm: store the text as reviewed; confirm-as-is: the current text;
#: restore: an earlier version (from the history), as reviewed; copy-source and
#: revert leave the entry for review (fuzzy).
ACTIONS = ("confirm", "confirm-as-is", "restore", "copy-source", "revert")
CONFIRMING = ("confirm", "confirm-as-is", "restore")
#: How long a committing save waits for others arriving at the same moment
#: (group commit, like PostgreSQL's commit_delay).
LINGER = 0.003

CONFLICT = N_("Someone else saved this segment meanwhile.")
MISSING = N_("This segment is no longer in the article.")
NOT_SAVED = N_("The catalogue could not be saved.")
NO_MACHINE = N_("No machine translation is on record for this segment.")
EMPTY = N_("An empty translation cannot be confirmed.")
PLACEHOLDERS = N_("Every placeholder of the source must appear exactly once.")
BLOCKED = N_("Not saved: the quality checks found errors. Correct them, or confirm anyway.")
NO_REASON = N_("Say why the check is wrong here: silencing needs a reason.")


@dataclass
class Save:
    """One person's save of one segment, and (once done) its answer."""

    sid: str
    base: str  # the text the person started from
    text: str
    action: str
    who: str
    force: bool = False  # confirm despite quality errors (the deliberate second step)
    silence: tuple[str, ...] = ()  # checks to silence on this segment …
    reason: str = ""  # … and why
    result: str = ""  # saved | unchanged | conflict | invalid | missing | blocked | error
    current: str = ""  # the text in the catalogue when a conflict was found
    saved: str = ""  # the text in the catalogue after this save
    state: str = ""  # the entry's state after this save
    message: str = ""  # an English msgid (see the module's constants)
    msgid: str = ""
    notes: list[str] = field(default_factory=list)  # provenance after the save
    findings: list[Finding] = field(default_factory=list)  # of the text checked or stored
    reviewed: int = 0  # the article's progress after the save
    total: int = 0
    done: threading.Event = field(default_factory=threading.Event)


@dataclass
class _Applied:
    save: Save
    entry: polib.POEntry
    old: str
    draft: Draft | None  # the draft the entry held before this save
    silenced: list[str]


class _FileQueue:
    """One catalogue's pending saves, and what the committing thread keeps of the file.

    ``index``, ``texts`` and the progress counts belong to one parsed catalogue
    (``indexed``) and are built again whenever the file is parsed again; the
    commit keeps them current for the entries it changes, so a save costs the
    work of its own entry, not of the whole article.
    """

    def __init__(self) -> None:
        self.pending: list[Save] = []
        self.guard = threading.Lock()  # protects ``pending``
        self.writer = threading.Lock()  # one committing thread per file
        self.indexed: polib.POFile | None = None  # the catalogue ``index`` was built from
        self.index: dict[str, polib.POEntry] = {}  # segment id → entry
        self.texts: dict[int, str] = {}  # id(entry) → its PO text (dropped when it changes)
        self.reviewed = 0  # live entries reviewed, of …
        self.total = 0  # … live entries

    def build(self, po: polib.POFile) -> None:
        live = [e for e in po if not e.obsolete]
        self.index = {segment_id(e.msgctxt, e.msgid): e for e in live}
        self.texts = {}
        self.total = len(live)
        self.reviewed = sum(entry_state(e) == "translated" for e in live)
        self.indexed = po

    def text_of(self, entry: polib.POEntry, wrap: int) -> str:
        """An entry's PO text, serialised once while it stays unchanged."""
        text = self.texts.get(id(entry))
        if text is None:
            text = self.texts[id(entry)] = entry.__unicode__(wrap)
        return text


class Saver:
    """Applies saves to catalogues with conflict checks, the QA gate and group commit.

    Its caches (parsed catalogues, the glossary) are checked against the files'
    stamps under the file lock, so other processes writing the same files (the
    command line, Poedit, another server process) are always seen.
    """

    def __init__(self, project: Project) -> None:
        self.project = project
        self._queues: dict[Path, _FileQueue] = defaultdict(_FileQueue)
        self._queues_guard = threading.Lock()
        self._catalogs = CatalogCache(project.relative)
        self._glossary: tuple[tuple[int, int] | None, Glossary] | None = None
        self._glossary_path: Path | None = None
        #: (slug, language) → (article file or None for the site, catalogue file), resolved
        #: once: resolving checks every folder on the way (lstat each), per save it added up.
        self._paths: dict[tuple[str, str], tuple[Path | None, Path]] = {}

    def save(self, slug: str, language: str, save: Save) -> Save:
        """Apply ``save`` (possibly together with others queued meanwhile)."""
        if save.action not in ACTIONS:
            raise WorkflowError(f"unknown action {save.action!r}")
        target = parse_language(language)
        article, path = self._files(slug, target)
        if article is not None and not article.exists():
            raise WorkflowError(f"articles/{slug}.md: no such article")
        if not path.exists():
            raise WorkflowError(f"{self.project.relative(path)}: no catalogue")
        with self._queues_guard:
            queue = self._queues[path]
        with queue.guard:
            queue.pending.append(save)
        # Whoever gets the writer lock commits everything queued, and keeps
        # draining until the queue is empty; the others just wait for their
        # save to be done (no convoy of threads taking the lock one by one).
        # A save queued just as the committer lets go is not stranded: the
        # committer looks at the queue again after letting go, so waiting
        # threads sleep until done instead of polling (which cost CPU per save
        # the longer a busy machine made them wait).
        while True:
            if queue.writer.acquire(blocking=False):
                try:
                    time.sleep(LINGER)  # let saves arriving at the same moment join this commit
                    while True:
                        with queue.guard:
                            batch, queue.pending = queue.pending, []
                        if not batch:
                            break
                        self._commit(path, queue, batch, slug, target)
                finally:
                    queue.writer.release()
                with queue.guard:
                    if not queue.pending:
                        break
            elif save.done.wait(1.0):  # 1 s: only a safety net, the committer sees our save
                break
        return save

    def _files(self, slug: str, target: Language) -> tuple[Path | None, Path]:
        """The article's file (``None`` for the site's strings) and the catalogue's."""
        files = self._paths.get((slug, target.tag))
        if files is None:
            article = None if slug == SITE else self.project.article_path(slug)  # checks the slug
            files = (article, self.project.catalog_path(slug, target))
            if len(self._paths) < 10_000:
                self._paths[(slug, target.tag)] = files
        return files

    def glossary(self) -> Glossary:
        """The project's glossary, read again only when its file changed."""
        if self._glossary_path is None:
            self._glossary_path = self.project.inside(self.project.config.glossary_path)
        path = self._glossary_path
        try:
            stat = path.stat()
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            stamp = None
        if self._glossary is None or self._glossary[0] != stamp:
            self._glossary = (stamp, load_glossary(path))
        return self._glossary[1]

    def _source(self, slug: str, po: polib.POFile) -> str:
        if slug == SITE:
            return SITE_SOURCE
        tag = po.metadata.get(SOURCE_LANGUAGE)
        return tag or self.project.article(slug).meta.language.tag

    def _read(self, path: Path, queue: _FileQueue) -> polib.POFile:
        po = self._catalogs.read(path)
        if queue.indexed is not po:
            queue.build(po)
        return po

    def _commit(
        self, path: Path, queue: _FileQueue, batch: list[Save], slug: str, target: Language
    ) -> None:
        applied: list[_Applied] = []
        try:
            with file_lock(path):
                po = self._read(path, queue)
                source = self._source(slug, po)
                glossary = self.glossary()
                for save in batch:
                    entry = queue.index.get(save.sid)
                    if entry is None:
                        save.result, save.message = "missing", MISSING
                        continue
                    queue.texts.pop(id(entry), None)  # its text is serialised again
                    was = entry_state(entry)
                    done = self._apply(entry, save, slug, source, target, glossary)
                    if done is not None:
                        applied.append(done)
                        queue.reviewed += (save.state == "translated") - (was == "translated")
                if applied:  # the file is what we read (its stamp was checked under the lock)
                    self._catalogs.write_changed(po, path, "PO-Revision-Date", queue.text_of)
                reviewed, total = queue.reviewed, queue.total
                for save in batch:
                    save.reviewed, save.total = reviewed, total
        except BaseException:
            self._catalogs.forget(path)  # the file may not hold what we applied in memory
            for save in batch:
                if not save.result or save.result == "saved":
                    save.result, save.message = "error", NOT_SAVED
            raise
        finally:
            for save in batch:
                save.done.set()
        record_all(
            self.project.root, [e for a in applied for e in self._audit(a, slug, source, target)]
        )
        if applied:  # announces "ready for approval" when the last segment is reviewed
            events.after_save(self.project, slug, target.tag, reviewed, total, batch[0].who)

    def _audit(self, item: _Applied, slug: str, source: str, target: Language) -> list[Event]:
        """The audit log's events for one applied save (written with the commit's others)."""
        save, entry = item.save, item.entry
        detail: dict[str, str] = {
            "action": save.action,
            "segment": entry.msgid,
            "context": entry.msgctxt or "",
            "source": source,
            "old": item.old,
            "new": entry.msgstr,
        }
        if item.draft is not None:
            detail["engine"], detail["drafted"] = item.draft.engine, item.draft.date
            if item.draft.open and save.action in CONFIRMING:
                detail["draft"] = item.old
        events = [new_event("review", save.who, slug, target.tag, **detail)]
        for name in item.silenced:
            line = entry.occurrences[0][1] if entry.occurrences else ""
            event = new_event(
                "silence",
                save.who,
                slug,
                target.tag,
                check=name,
                line=line,
                reason=save.reason,
                segment=entry.msgid,
            )
            events.append(event)
        return events

    def _apply(
        self,
        entry: polib.POEntry,
        save: Save,
        slug: str,
        source: str,
        target: Language,
        glossary: Glossary,
    ) -> _Applied | None:
        """Apply one save to its entry; return what changed (``None``: nothing)."""
        save.msgid = entry.msgid
        if entry.msgstr != save.base:
            save.result, save.current, save.message = "conflict", entry.msgstr, CONFLICT
            return None
        today = dt.date.today().isoformat()
        draft = draft_of(entry)
        # The engine that made the first draft stays on record (the site's label
        # says it); earlier review notes are replaced by this one.
        keep = [n for n in provenance(entry) if n.startswith(("silence ", "machine ", "memory "))]
        notes: list[str]
        hushed: list[str] = []
        checked: list[Finding] | None = None  # every finding of ``text``, once checked
        if save.action == "copy-source":
            text, fuzzy, notes = entry.msgid, True, [f"copied source {save.who} {today}"]
        elif save.action == "revert":
            machine = self._machine_text(entry, slug, source, target)
            if machine is None:
                save.result, save.message = "invalid", NO_MACHINE
                return None
            text, fuzzy = machine[1], True
            notes = draft_notes(f"machine {machine[0]} {today}", text, None)  # an open draft again
            keep = [n for n in keep if not n.startswith(("machine ", "memory "))]
        else:
            text = entry.msgstr if save.action == "confirm-as-is" else save.text.strip()
            fuzzy, notes = False, [f"reviewed {save.who} {today}"]
            if not text:
                save.result, save.message = "invalid", EMPTY
                return None
            if not placeholders_match(entry.msgid, text):
                save.result, save.message = "invalid", PLACEHOLDERS
                save.findings = self._check(entry, text, source, target, glossary, ())
                return None
            quiet = set(silenced(entry))
            wanted = [name for name in save.silence if name in CHECKS and name not in quiet]
            checked = run_checks(entry.msgid, text, source, target.tag, glossary)
            findings = [f for f in checked if f.check not in quiet]
            errors = {f.check for f in findings if f.severity == ERROR}
            hushed = [name for name in wanted if name in errors]
            if hushed and not " ".join(save.reason.split()):
                save.result, save.message, save.findings = "invalid", NO_REASON, findings
                return None
            if errors - set(hushed) and not save.force:
                save.result, save.message, save.findings = "blocked", BLOCKED, findings
                return None
            reason = " ".join(save.reason.split())
            keep += [f"silence {name}: {reason} ({save.who} {today})" for name in hushed]
        before = (entry.msgstr, list(entry.flags), entry.tcomment)
        entry.msgstr = text
        if fuzzy and "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        if not fuzzy and "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
        set_provenance(entry, *keep, *notes)
        changed = before != (entry.msgstr, list(entry.flags), entry.tcomment)
        save.result = "saved" if changed else "unchanged"
        save.saved, save.state, save.notes = entry.msgstr, entry_state(entry), provenance(entry)
        quiet = set(silenced(entry))
        if checked is None:  # copied source, machine text: not checked yet
            checked = run_checks(entry.msgid, text, source, target.tag, glossary)
        save.findings = [f for f in checked if f.check not in quiet]  # what is stored now
        if not changed:
            return None
        return _Applied(save, entry, before[0], draft, hushed)

    @staticmethod
    def _check(
        entry: polib.POEntry,
        text: str,
        source: str,
        target: Language,
        glossary: Glossary,
        quiet: set[str] | tuple[str, ...],
    ) -> list[Finding]:
        findings = run_checks(entry.msgid, text, source, target.tag, glossary)
        return [f for f in findings if f.check not in quiet]

    def _machine_text(
        self, entry: polib.POEntry, slug: str, source: str, target: Language
    ) -> tuple[str, str] | None:
        """The engine's answer for this entry, from the engine cache."""
        found = machine_drafts(self.project, slug, source, target, [entry])
        return found.get(entry.msgid)
