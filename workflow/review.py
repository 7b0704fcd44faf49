"""Stage 3: human review of one article in one language.

:func:`load_review` gathers what a reviewer needs for each segment — source,
translation, state, provenance, the previous source when it changed, quality
findings, what each placeholder stands for, and suggestions to insert: memory
matches (with their match and how their source differs from this one) and the
machine draft — grouped by the paragraph it belongs to.

Saving is :mod:`workflow.saver`; a segment's versions are :mod:`workflow.history`.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import polib
from rapidfuzz import fuzz, process

from workflow.catalog import entry_state, provenance, read_catalog, stats
from workflow.errors import CatalogError, WorkflowError
from workflow.extract import segment_article
from workflow.glossary import Glossary, Protected, article_names, load_glossary
from workflow.languages import Language, parse_language
from workflow.memory import TranslationMemory
from workflow.project import SITE, Project
from workflow.qa import ERROR, Finding, run_checks, silenced

#: The language the site's templates are written in.
SITE_SOURCE = "en"
#: Memory matches shown per segment, and the lowest match shown (percent).
SUGGESTIONS, CUTOFF = 3, 60.0
_TOKEN_NOTE = re.compile(r"^(<[gx]\d+/?>)(?:…</g\d+>)? = (.*)$")


PREVIOUS = "previous translation: "


def segment_id(msgctxt: str | None, msgid: str) -> str:
    """A short, stable id for a catalogue entry (survives re-extracts)."""
    return hashlib.sha1(f"{msgctxt or ''}\0{msgid}".encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Suggestion:
    """Something a reviewer can insert with one key: a memory match or the machine draft."""

    kind: str  # previous | memory | machine
    text: str
    score: float | None = None  # memory: similarity of its source to this one, in percent
    source: str = ""  # memory: the sentence it translated
    diff: str = ""  # memory: escaped HTML, how its source differs from this one
    engine: str = ""  # machine: the engine
    origin: str = ""  # memory: an imported memory's origin (agency.tmx), not reviewed here


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
    context: str = ""  # msgctxt: the front matter field, for front matter rows
    placeholders: dict[str, str] = field(default_factory=dict)  # token → what it stands for
    machine: str = ""  # the engine whose draft is on record (can be brought back)
    draft: str = ""  # that draft's text: Alt+M brings it back once the box holds other text

    @property
    def has_errors(self) -> bool:
        """A quality error the approval gate would refuse: still a segment to review."""
        return any(f.severity == ERROR for f in self.findings)


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

    def rows(self) -> Iterable[Row]:
        for block in self.blocks:
            yield from block.rows


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
        target, path = site_catalog(project, language)
        source = parse_language(SITE_SOURCE)
        title = "Site interface"
        groups: list[tuple[str, str, list[tuple[str | None, str]] | None]] = [
            ("site interface", "", None)
        ]
    else:
        article = project.article(slug)
        target = parse_language(language)
        if target.tag not in {t.tag for t in project.targets(article)}:
            raise WorkflowError(f"{slug} is not translated into {target.tag}")
        path = project.catalog_path(slug, target)
        source, title = article.meta.language, article.meta.title
        front, document = segment_article(article)
        groups = [("front matter", "", [s.key for s in front])]
        table: list[tuple[int, str]] = []  # the cells of the table being read: (line, text)
        for unit in document.units:
            text = "".join(p if isinstance(p, str) else p.raw for p in unit.pieces)
            unit_keys = [s.key for s in unit.segments()]
            if unit.block == "table cell":
                # a table is one block: its cells read in context, row by row
                if not table:
                    groups.append(("table", "", []))
                table.append((unit.spans[0][0] if unit.spans else 0, text.strip()))
                lines = itertools.groupby(table, key=lambda cell: cell[0])
                whole = "\n".join(" | ".join(c for _, c in cells) for _, cells in lines)
                groups[-1] = ("table", whole, [*(groups[-1][2] or []), *unit_keys])
                continue
            table = []
            groups.append((unit.block, text, unit_keys))
    po = read_catalog(path, project.relative(path))
    live = [e for e in po if not e.obsolete]
    entries = {(e.msgctxt, e.msgid): e for e in live}
    helper = _RowMaker(project, slug, source, target, live, suggest)
    seen: set[tuple[str | None, str]] = set()
    blocks = []
    for kind, context, keys in groups:
        chosen = live if keys is None else [entries[k] for k in keys if k in entries]
        rows = []
        for entry in chosen:
            if (entry.msgctxt, entry.msgid) not in seen:
                seen.add((entry.msgctxt, entry.msgid))
                rows.append(helper.row(entry))
        if rows:
            blocks.append(Block(kind, context, rows))
    counts = stats(po)
    return ReviewView(
        slug,
        target,
        source,
        title,
        blocks,
        counts.total,
        counts.translated,
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


def machine_drafts(
    project: Project, slug: str, source: str, target: Language, entries: Iterable[polib.POEntry]
) -> dict[str, tuple[str, str]]:
    """The engine's answer for each entry, from the engine cache: msgid → (engine, text).

    The engine is the one the entry's provenance names, else the one configured
    for the pair.  An answer the cache no longer holds is simply not offered.
    """
    from workflow.mtcache import EngineCache

    glossary = load_glossary(project.inside(project.config.glossary_path))
    if slug != SITE:  # translate keeps the article's own people too
        glossary = glossary.with_names(article_names(project.article(slug).meta))
    default = project.config.engine_for(source, target.tag)
    wanted: dict[str, list[tuple[str, Protected]]] = {}
    for entry in entries:
        engines = [n.split()[1] for n in provenance(entry) if n.startswith("machine ")]
        engine = engines[0] if engines else default
        protected = glossary.protect(entry.msgid, source, target.tag)
        wanted.setdefault(engine, []).append((entry.msgid, protected))
    found: dict[str, tuple[str, str]] = {}
    if not wanted:
        return found
    cache = EngineCache(project.root)
    try:
        for engine, items in wanted.items():
            answers = cache.get_many(engine, source, target.tag, [p.text for _, p in items])
            for msgid, protected in items:
                answer = answers.get(protected.text)
                if answer is not None:
                    found[msgid] = (engine, protected.restore(answer))
    finally:
        cache.close()
    return found


class _RowMaker:
    """Builds the rows of one catalogue: checks, memory matches, machine drafts."""

    def __init__(
        self,
        project: Project,
        slug: str,
        source: Language,
        target: Language,
        entries: list[polib.POEntry],
        suggest: bool,
    ) -> None:
        self.source, self.target = source, target
        self.glossary: Glossary = load_glossary(project.inside(project.config.glossary_path))
        self.memory: dict[str, str] = {}
        self.origins: dict[str, str] = {}  # imported suggestions (TMX): msgid → origin
        self.machine: dict[str, tuple[str, str]] = {}
        if suggest:
            memory = TranslationMemory(project.root)
            try:
                memory.refresh()
                self.memory = memory.exact(source.tag, target.tag)  # read once per page
                for msgid, (text, origin) in memory.suggestions(source.tag, target.tag).items():
                    if msgid not in self.memory:
                        self.memory[msgid], self.origins[msgid] = text, origin
            finally:
                memory.close()
            self.machine = machine_drafts(project, slug, source.tag, target, entries)
        self.choices = list(self.memory)

    def row(self, entry: polib.POEntry) -> Row:
        quiet = silenced(entry)
        findings = [
            f
            for f in run_checks(
                entry.msgid, entry.msgstr, self.source.tag, self.target.tag, self.glossary
            )
            if f.check not in quiet
        ]
        previous = None
        if "fuzzy" in entry.flags and entry.previous_msgid:
            previous = diff_html(entry.previous_msgid, entry.msgid)
        line = entry.occurrences[0][1] if entry.occurrences else ""
        return Row(
            segment_id(entry.msgctxt, entry.msgid),
            entry.msgid,
            entry.msgstr,
            entry_state(entry),
            line,
            provenance(entry),
            previous,
            findings,
            self.suggestions(entry),
            entry.msgctxt or "",
            placeholder_notes(entry.comment or ""),
            self.machine[entry.msgid][0] if entry.msgid in self.machine else "",
            self.machine[entry.msgid][1] if entry.msgid in self.machine else "",
        )

    def suggestions(self, entry: polib.POEntry) -> list[Suggestion]:
        # the translation of the sentence before its source changed: for a one-word
        # change, the best start (a new machine draft may have replaced it in the box)
        found = [
            Suggestion(
                "previous",
                note.removeprefix(PREVIOUS),
                diff=diff_html(entry.previous_msgid, entry.msgid) if entry.previous_msgid else "",
            )
            for note in provenance(entry)
            if note.startswith(PREVIOUS)
        ]
        matches = process.extract(
            entry.msgid,
            self.choices,
            scorer=fuzz.ratio,
            limit=SUGGESTIONS,
            score_cutoff=CUTOFF,
        )
        for msgid, score, _ in matches:
            text = self.memory[msgid]
            if any(s.text == text for s in found):
                continue
            diff = "" if msgid == entry.msgid else diff_html(msgid, entry.msgid)
            origin = self.origins.get(msgid, "")
            found.append(Suggestion("memory", text, round(score, 1), msgid, diff, origin=origin))
        machine = self.machine.get(entry.msgid)
        if machine is not None and all(s.text != machine[1] for s in found):
            found.append(Suggestion("machine", machine[1], engine=machine[0]))
        return [s for s in found if s.text != entry.msgstr]


def placeholder_notes(comment: str) -> dict[str, str]:
    """What each placeholder stands for, from the entry's extracted comment.

    ``<g1>…</g1> = link to https://…`` gives ``{"<g1>": "link to https://…"}``.
    """
    notes = {}
    for line in comment.splitlines():
        match = _TOKEN_NOTE.match(line)
        if match:
            notes[match.group(1)] = match.group(2)
    return notes
