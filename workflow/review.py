"""Stage 2b: human review of one article in one language.

:func:`load_review` gathers what a reviewer needs for each segment — source,
translation, state, provenance, the previous source when it changed, quality
findings and memory suggestions — grouped by the paragraph it belongs to.

:class:`Saver` applies a reviewer's save to the catalogue without ever losing
an edit:

* every save says which text the person started from (``base``); if the
  entry changed meanwhile the save is refused as a conflict, with both texts;
* saves are committed in groups: whoever holds a file's lock applies every
  save queued for that file, checks each against the current text, and writes
  the catalogue once.  Twenty people saving at once cost one or two writes,
  not twenty, and saves to different segments all survive;
* each applied save is appended to the audit log (who, when, which segment,
  old and new text).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import html
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polib

from workflow.audit import record
from workflow.catalog import (
    CatalogCache,
    entry_state,
    provenance,
    read_catalog,
    set_provenance,
)
from workflow.errors import CatalogError, WorkflowError
from workflow.extract import segment_article
from workflow.fsutil import file_lock
from workflow.glossary import load_glossary
from workflow.languages import Language, parse_language
from workflow.memory import Suggestion, TranslationMemory
from workflow.project import SITE, Project
from workflow.qa import Finding, run_checks, silenced
from workflow.segment import placeholders_match

#: The language the site's templates are written in.
SITE_SOURCE = "en"
ACTIONS = ("confirm", "confirm-as-is", "copy-source", "revert")
#: How long a committing save waits for others arriving at the same moment
#: (group commit, like PostgreSQL's commit_delay).
LINGER = 0.003


def segment_id(msgctxt: str | None, msgid: str) -> str:
    """A short, stable id for a catalogue entry (survives re-extracts)."""
    return hashlib.sha1(f"{msgctxt or ''}\0{msgid}".encode()).hexdigest()[:12]


@dataclass
class Row:
    """One segment as the review page shows it."""

    sid: str
    msgid: str
    msgstr: str
    state: str  # translated | fuzzy | untranslated
    line: str
    notes: list[str]
    previous: str | None  # HTML diff from the previous source, escaped
    findings: list[Finding]
    suggestions: list[Suggestion] = field(default_factory=list)


@dataclass
class Block:
    """A paragraph (heading, list item, …) and its segments."""

    kind: str
    context: str  # the whole paragraph's source text, for context
    rows: list[Row]


@dataclass
class ReviewView:
    slug: str
    language: Language
    source: Language
    title: str
    blocks: list[Block]
    total: int
    reviewed: int
    changes_requested: str | None


def diff_html(old: str, new: str) -> str:
    """Word-level difference as escaped HTML with ``<del>``/``<ins>``."""
    a, b = old.split(" "), new.split(" ")
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(html.escape(" ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{html.escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{html.escape(' '.join(b[j1:j2]))}</ins>")
    return " ".join(out)


def load_review(project: Project, slug: str, language: str, suggest: bool = True) -> ReviewView:
    """Everything the review page shows for one article in one language."""
    if slug == SITE:
        return _load_site_review(project, language, suggest)
    article = project.article(slug)
    target = parse_language(language)
    if target.tag not in {t.tag for t in project.targets(article)}:
        raise WorkflowError(f"{slug} is not translated into {target.tag}")
    path = project.catalog_path(slug, target)
    po = read_catalog(path, project.relative(path))
    entries = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    glossary = load_glossary(project.inside(project.config.glossary_path))
    source = article.meta.language
    memory = TranslationMemory(project.root) if suggest else None
    if memory is not None:
        memory.refresh()
    front, document = segment_article(article)
    groups: list[tuple[str, str, list[tuple[str | None, str]]]] = [
        ("front matter", "", [s.key for s in front])
    ]
    for unit in document.units:
        text = "".join(p if isinstance(p, str) else p.raw for p in unit.pieces)
        groups.append((unit.block, text, [s.key for s in unit.segments()]))
    seen: set[tuple[str | None, str]] = set()
    blocks = []
    try:
        for kind, context, keys in groups:
            rows = []
            for key in keys:
                entry = entries.get(key)
                if entry is None or key in seen:
                    continue
                seen.add(key)
                rows.append(_row(entry, source, target, glossary, memory))
            if rows:
                blocks.append(Block(kind, context, rows))
    finally:
        if memory is not None:
            memory.close()
    total = sum(len(b.rows) for b in blocks)
    reviewed = sum(1 for b in blocks for r in b.rows if r.state == "translated")
    return ReviewView(
        slug,
        target,
        source,
        article.meta.title,
        blocks,
        total,
        reviewed,
        po.metadata.get("X-Workflow-Changes-Requested"),
    )


def _load_site_review(project: Project, language: str, suggest: bool) -> ReviewView:
    """The site's interface strings (``site.po``), reviewed like an article."""
    target, path = site_catalog(project, language)
    po = read_catalog(path, project.relative(path))
    source = parse_language(SITE_SOURCE)
    glossary = load_glossary(project.inside(project.config.glossary_path))
    memory = TranslationMemory(project.root) if suggest else None
    try:
        if memory is not None:
            memory.refresh()
        rows = [_row(e, source, target, glossary, memory) for e in po if not e.obsolete]
    finally:
        if memory is not None:
            memory.close()
    reviewed = sum(1 for r in rows if r.state == "translated")
    return ReviewView(
        SITE,
        target,
        source,
        "Site interface",
        [Block("site interface", "", rows)],
        len(rows),
        reviewed,
        po.metadata.get("X-Workflow-Changes-Requested"),
    )


def site_languages(project: Project) -> list[Language]:
    """Languages the site's interface is translated into (all but the templates' own)."""
    return [lang for lang in project.config.languages if lang.primary != SITE_SOURCE]


def site_catalog(project: Project, language: str) -> tuple[Language, Path]:
    """The language and ``site.po`` of the site's strings in ``language``, checked to exist."""
    target = parse_language(language)
    if target.tag not in {lang.tag for lang in site_languages(project)}:
        raise WorkflowError(f"the site's strings are not translated into {target.tag}")
    path = project.catalog_path(SITE, target)
    if not path.exists():
        raise CatalogError(f"{project.relative(path)}: no catalogue (run `workflow extract`)")
    return target, path


def _row(
    entry: polib.POEntry,
    source: Language,
    target: Language,
    glossary: object,
    memory: TranslationMemory | None,
) -> Row:
    quiet = silenced(entry)
    findings = [
        f
        for f in run_checks(entry.msgid, entry.msgstr, source.tag, target.tag, glossary)  # type: ignore[arg-type]
        if f.check not in quiet
    ]
    state = entry_state(entry)
    previous = None
    if "fuzzy" in entry.flags and entry.previous_msgid:
        previous = diff_html(entry.previous_msgid, entry.msgid)
    suggestions = []
    if memory is not None and state != "translated":
        suggestions = [
            s
            for s in memory.suggest(entry.msgid, source.tag, target.tag, limit=3)
            if s.translation != entry.msgstr
        ]
    line = entry.occurrences[0][1] if entry.occurrences else ""
    return Row(
        segment_id(entry.msgctxt, entry.msgid),
        entry.msgid,
        entry.msgstr,
        state,
        line,
        provenance(entry),
        previous,
        findings,
        suggestions,
    )


# --------------------------------------------------------------------------- saving


@dataclass
class Save:
    """One person's save of one segment."""

    sid: str
    base: str  # the text the person started from
    text: str
    action: str
    who: str
    result: str = ""  # "saved" | "unchanged" | "conflict" | "invalid" | "missing"
    current: str = ""  # the text in the catalogue when a conflict was found
    saved: str = ""  # the text in the catalogue after this save
    state: str = ""  # the entry's state after this save
    message: str = ""
    done: threading.Event = field(default_factory=threading.Event)


class _FileQueue:
    def __init__(self) -> None:
        self.pending: list[Save] = []
        self.guard = threading.Lock()  # protects ``pending``
        self.writer = threading.Lock()  # one committing thread per file
        self.indexed: polib.POFile | None = None  # the catalogue ``index`` was built from
        self.index: dict[str, polib.POEntry] = {}  # segment id → entry


class Saver:
    """Applies saves to catalogues with conflict checks and group commit."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._queues: dict[Path, _FileQueue] = defaultdict(_FileQueue)
        self._queues_guard = threading.Lock()
        self._catalogs = CatalogCache(project.relative)

    def save(self, slug: str, language: str, save: Save) -> Save:
        """Apply ``save`` (possibly together with others queued meanwhile)."""
        if save.action not in ACTIONS:
            raise WorkflowError(f"unknown action {save.action!r}")
        if slug != SITE and not self.project.article_path(slug).exists():  # checks the slug
            raise WorkflowError(f"articles/{slug}.md: no such article")
        target = parse_language(language)
        path = self.project.catalog_path(slug, target)
        if not path.exists():
            raise WorkflowError(f"{self.project.relative(path)}: no catalogue")
        with self._queues_guard:
            queue = self._queues[path]
        with queue.guard:
            queue.pending.append(save)
        # Whoever gets the writer lock commits everything queued, and keeps
        # draining until the queue is empty; the others just wait for their
        # save to be done (no convoy of threads taking the lock one by one).
        while not save.done.is_set():
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
            else:
                save.done.wait(0.01)
        return save

    def _read(self, path: Path, queue: _FileQueue) -> polib.POFile:
        po = self._catalogs.read(path)
        if queue.indexed is not po:
            queue.index = {segment_id(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
            queue.indexed = po
        return po

    def _commit(
        self, path: Path, queue: _FileQueue, batch: list[Save], slug: str, target: Language
    ) -> None:
        applied: list[tuple[Save, polib.POEntry, str]] = []
        try:
            with file_lock(path):
                po = self._read(path, queue)
                for save in batch:
                    entry = queue.index.get(save.sid)
                    if entry is None:
                        save.result, save.message = (
                            "missing",
                            "this segment is no longer in the article",
                        )
                        continue
                    old = entry.msgstr
                    if self._apply(entry, save, slug, target):
                        applied.append((save, entry, old))
                if applied:
                    self._catalogs.write(po, path, "PO-Revision-Date")
        except BaseException:
            self._catalogs.forget(path)  # the file may not hold what we applied in memory
            for save in batch:
                if not save.result or save.result == "saved":
                    save.result, save.message = "error", "the catalogue could not be saved"
            raise
        finally:
            for save in batch:
                save.done.set()
        for save, entry, old in applied:
            record(
                self.project.root,
                "review",
                save.who,
                slug,
                target.tag,
                action=save.action,
                segment=entry.msgid,
                old=old,
                new=entry.msgstr,
            )

    def _apply(self, entry: polib.POEntry, save: Save, slug: str, target: Language) -> bool:
        """Apply one save to its entry; return whether the entry changed."""
        if entry.msgstr != save.base:
            save.result, save.current = "conflict", entry.msgstr
            save.message = "someone else saved this segment meanwhile"
            return False
        today = dt.date.today().isoformat()
        # The engine that made the first draft stays on record (the site's label
        # says it); earlier review notes are replaced by this one.
        keep = [n for n in provenance(entry) if n.startswith(("silence ", "machine ", "memory "))]
        if save.action == "copy-source":
            text, fuzzy, note = entry.msgid, True, f"copied source {save.who} {today}"
        elif save.action == "revert":
            machine = self._machine_text(entry, slug, target)
            if machine is None:
                save.result, save.message = "invalid", "no machine translation on record"
                return False
            text, fuzzy, note = machine[1], True, f"machine {machine[0]} {today}"
            keep = [n for n in keep if not n.startswith(("machine ", "memory "))]
        else:
            text = entry.msgstr if save.action == "confirm-as-is" else save.text.strip()
            fuzzy, note = False, f"reviewed {save.who} {today}"
            if not text:
                save.result, save.message = "invalid", "an empty translation cannot be confirmed"
                return False
            if not placeholders_match(entry.msgid, text):
                save.result = "invalid"
                save.message = "every placeholder of the source must appear exactly once"
                return False
        before = (entry.msgstr, list(entry.flags), entry.tcomment)
        entry.msgstr = text
        if fuzzy and "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        if not fuzzy and "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
        set_provenance(entry, *keep, note)
        changed = before != (entry.msgstr, list(entry.flags), entry.tcomment)
        save.result = "saved" if changed else "unchanged"
        save.saved, save.state = entry.msgstr, entry_state(entry)
        return changed

    def _machine_text(
        self, entry: polib.POEntry, slug: str, target: Language
    ) -> tuple[str, str] | None:
        """The engine's answer for this entry, from the engine cache."""
        from workflow.mtcache import EngineCache

        engines = [n.split()[1] for n in provenance(entry) if n.startswith("machine ")]
        source = SITE_SOURCE if slug == SITE else self.project.article(slug).meta.language.tag
        engine = engines[0] if engines else self.project.config.engine_for(source, target.tag)
        glossary = load_glossary(self.project.inside(self.project.config.glossary_path))
        protected = glossary.protect(entry.msgid, source, target.tag)
        cache = EngineCache(self.project.root)
        try:
            found = cache.get_many(engine, source, target.tag, [protected.text])
        finally:
            cache.close()
        answer = found.get(protected.text)
        return (engine, protected.restore(answer)) if answer is not None else None
