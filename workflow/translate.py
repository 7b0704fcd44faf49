"""Stage 2: machine translation (``workflow translate``).

A recipe, in order:

1. **collect** every entry machine translation may fill (empty, or fuzzy
   because its source changed) — never one a person reviewed;
2. **memory**: an exact reviewed match anywhere in the project is used first;
3. **protect** glossary names and terms behind placeholder tokens;
4. **cache**: an answer the engine already gave is reused;
5. **deduplicate**: each distinct text goes to the engine once;
6. **send** in batches; check every placeholder came back exactly once (else
   retry that segment alone, then mark it for attention); **save** the
   affected catalogues after each batch, so an interrupted run loses nothing.

Every filled entry is fuzzy and carries a provenance note
(``workflow: machine apertium 2024-12-04``) for the reviewer.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import polib

from workflow.audit import record
from workflow.catalog import CatalogCache, needs_machine, set_provenance
from workflow.engines import Engine, EngineFailed, create_engine, engine_names
from workflow.errors import EngineError, WorkflowError
from workflow.fsutil import file_lock
from workflow.glossary import Glossary, Protected, load_glossary
from workflow.languages import Language
from workflow.memory import TranslationMemory
from workflow.mtcache import EngineCache
from workflow.project import Project
from workflow.segment import placeholders_match

Key = tuple[str | None, str]
Pair = tuple[str, str, str]  # engine, source tag, target tag

#: Segments per engine call when the config does not say.
BATCH = {"apertium": 3000, "pseudo": 2000}
ONLINE_BATCH = 25


@dataclass
class Job:
    """One catalogue entry to fill."""

    slug: str
    source: Language
    target: Language
    engine: str
    key: Key
    protected: Protected = field(default_factory=lambda: Protected(""))

    @property
    def msgid(self) -> str:
        return self.key[1]


@dataclass
class Cost:
    """What one engine is asked for one language pair."""

    segments: int = 0  # distinct texts sent (or to be sent)
    characters: int = 0
    memory: int = 0  # entries filled from translation memory
    cached: int = 0  # entries filled from earlier engine answers
    repeats: int = 0  # entries sharing a text with another (sent once)


@dataclass
class Fill:
    """What to write into one entry: a translation, or only a note for attention."""

    msgstr: str
    note: str


@dataclass
class Report:
    """Figures and problems of a run."""

    costs: dict[Pair, Cost] = field(default_factory=dict)
    filled: int = 0
    attention: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class TranslateError(WorkflowError):
    """Some pairs could not be translated; what could be done was saved."""


class Translation:
    """One ``workflow translate`` run: :meth:`plan` then :meth:`run`."""

    def __init__(
        self,
        project: Project,
        slugs: Sequence[str] = (),
        languages: Sequence[str] = (),
        engine: str | None = None,
        environ: Mapping[str, str] | None = None,
        engines: Mapping[str, Engine] | None = None,
        today: dt.date | None = None,
    ) -> None:
        if engine is not None and engine not in engine_names() and engine not in (engines or {}):
            raise EngineError(f"unknown engine {engine!r} (known: {', '.join(engine_names())})")
        self.project = project
        self.slugs = list(slugs)
        self.languages = tuple(languages)
        self.engine_override = engine
        self.environ = os.environ if environ is None else environ
        self.engines: dict[str, Engine] = dict(engines or {})
        self.today = (today or dt.date.today()).isoformat()
        self.report = Report()
        self.glossary: Glossary = load_glossary(
            project.inside(project.config.glossary_path), project.config.glossary_path
        )
        self.jobs: list[Job] = []
        self.fills: dict[tuple[str, str], dict[Key, Fill]] = defaultdict(dict)
        self.to_send: dict[Pair, list[str]] = {}
        self.waiting: dict[Pair, dict[str, list[Job]]] = {}
        self.unavailable: dict[str, list[str]] = defaultdict(list)
        self._catalogs = CatalogCache(project.relative)
        self._advance: Callable[[int], None] | None = None

    # -- plan ----------------------------------------------------------------

    def plan(self) -> Report:
        """Collect, use memory and cache, deduplicate; count what would be sent."""
        self._collect()
        self._use_memory()
        for pair, jobs in self._by_pair().items():
            self._plan_pair(pair, jobs)
        for message, pairs in self.unavailable.items():
            self.report.problems.append(f"{message} (segments to do: {', '.join(pairs)})")
        return self.report

    @property
    def total(self) -> int:
        """Distinct texts the run will send."""
        return sum(len(texts) for texts in self.to_send.values())

    def _collect(self) -> None:
        config = self.project.config
        for slug in self.project.select(self.slugs):
            article = self.project.article(slug)
            if article.meta.status == "draft":
                continue
            source = article.meta.language
            for target in self.project.targets(article, self.languages):
                path = self.project.catalog_path(slug, target)
                if not path.exists():
                    self.report.problems.append(
                        f"{self.project.relative(path)}: no catalogue "
                        f"(run `workflow extract {slug}` first)"
                    )
                    continue
                engine = self.engine_override or config.engine_for(source.tag, target.tag)
                po = self._catalogs.read(path)
                self.jobs.extend(
                    Job(slug, source, target, engine, (e.msgctxt, e.msgid))
                    for e in po
                    if needs_machine(e)
                )

    def _use_memory(self) -> None:
        memory = TranslationMemory(self.project.root)
        try:
            memory.refresh(
                {self.project.relative(p): po for p, po in self._catalogs.held().items()}
            )
            tables: dict[tuple[str, str], dict[str, str]] = {}
            remaining = []
            for job in self.jobs:
                pair = (job.source.tag, job.target.tag)
                if pair not in tables:
                    tables[pair] = memory.exact(*pair)
                found = tables[pair].get(job.msgid)
                if found is None:
                    remaining.append(job)
                    continue
                self.fills[(job.slug, job.target.tag)][job.key] = Fill(
                    found, f"memory {self.today}"
                )
                self._cost(job).memory += 1
            self.jobs = remaining
        finally:
            memory.close()

    def _by_pair(self) -> dict[Pair, list[Job]]:
        groups: dict[Pair, list[Job]] = defaultdict(list)
        for job in self.jobs:
            groups[(job.engine, job.source.tag, job.target.tag)].append(job)
        return groups

    def _cost(self, job: Job) -> Cost:
        return self.report.costs.setdefault((job.engine, job.source.tag, job.target.tag), Cost())

    def _plan_pair(self, pair: Pair, jobs: list[Job]) -> None:
        name, source, target = pair
        try:
            engine = self._engine(name)
            engine.check_pair(jobs[0].source, jobs[0].target)
        except EngineError as exc:
            self.unavailable[exc.message].append(f"{source}→{target}: {len(jobs)}")
            return
        cost = self.report.costs.setdefault(pair, Cost())
        for job in jobs:
            job.protected = self.glossary.protect(job.msgid, source, target)
        cache = EngineCache(self.project.root)
        try:
            known = cache.get_many(name, source, target, (j.protected.text for j in jobs))
        finally:
            cache.close()
        waiting: dict[str, list[Job]] = defaultdict(list)
        for job in jobs:
            answer = known.get(job.protected.text)
            if answer is not None:
                self.fills[(job.slug, target)][job.key] = self._fill(job, answer, name)
                cost.cached += 1
            else:
                waiting[job.protected.text].append(job)
        self.waiting[pair] = waiting
        self.to_send[pair] = list(waiting)
        cost.segments = len(waiting)
        cost.characters = sum(len(text) for text in waiting)
        cost.repeats = sum(len(group) - 1 for group in waiting.values())

    def _engine(self, name: str) -> Engine:
        if name not in self.engines:
            self.engines[name] = create_engine(name, self.project.config, self.environ)
        return self.engines[name]

    def _fill(self, job: Job, answer: str, engine: str) -> Fill:
        return Fill(job.protected.restore(answer), f"machine {engine} {self.today}")

    # -- run -----------------------------------------------------------------

    def run(self, advance: Callable[[int], None] | None = None) -> Report:
        """Send everything planned, saving after each batch. Call :meth:`plan` first.

        The next batch is already with the engine while this one is checked and
        saved, so catalogue writing costs (almost) no engine time.
        """
        self._save()  # memory and cache hits first
        self._advance = advance
        failed: set[str] = set()
        with ThreadPoolExecutor(max_workers=1) as pool:
            for pair, texts in self.to_send.items():
                name, source, target = pair
                if name in failed:
                    self.report.problems.append(
                        f"{source}→{target}: {name} stopped earlier; "
                        f"{len(texts)} segments still to do"
                    )
                    continue
                batches = _batches(texts, self.project.config.translate.batch_size, name)
                pending = self._submit(pool, pair, batches[0]) if batches else None
                for index, batch in enumerate(batches):
                    assert pending is not None
                    try:
                        answers = pending.result()
                        following = batches[index + 1] if index + 1 < len(batches) else None
                        pending = self._submit(pool, pair, following) if following else None
                        self._take(pair, batch, answers)
                    except EngineFailed as exc:
                        failed.add(name)
                        left = sum(len(b) for b in batches[index:])
                        self.report.problems.append(
                            f"{exc.message}; {left} segments still to do for {source}→{target}"
                        )
                        break
                    finally:
                        self._save()
        for (name, source, target), cost in self.report.costs.items():
            record(
                self.project.root,
                "translate",
                language=target,
                engine=name,
                source=source,
                articles=self.slugs or "all",
                segments=cost.segments,
                characters=cost.characters,
                memory=cost.memory,
                cached=cost.cached,
            )
        return self.report

    def _submit(self, pool: ThreadPoolExecutor, pair: Pair, batch: list[str]) -> Future[list[str]]:
        first = self.waiting[pair][batch[0]][0]
        engine = self.engines[pair[0]]
        return pool.submit(engine.translate, batch, first.source, first.target, self._advance)

    def _take(self, pair: Pair, batch: list[str], answers: list[str]) -> None:
        """Check an engine's answers, retry lost placeholders alone, record fills."""
        name, source, target = pair
        engine = self.engines[name]
        jobs = self.waiting[pair]
        first = jobs[batch[0]][0]
        good: dict[str, str] = {}
        for text, answer in zip(batch, answers, strict=True):
            if not placeholders_match(text, answer):
                answer = engine.translate([text], first.source, first.target)[0]
            if placeholders_match(text, answer):
                good[text] = answer
                for job in jobs[text]:
                    self.fills[(job.slug, target)][job.key] = self._fill(job, answer, name)
                continue
            for job in jobs[text]:
                where = f"{job.slug} [{target}] {job.msgid[:60]!r}"
                self.report.attention.append(where)
                note = f"attention {name} {self.today}: placeholders lost; answer was {answer!r}"
                self.fills[(job.slug, target)][job.key] = Fill("", note)
        cache = EngineCache(self.project.root)
        try:
            cache.put_many(name, source, target, good)
        finally:
            cache.close()

    def _save(self) -> None:
        """Write pending fills into their catalogues (under lock, re-reading if changed)."""
        for (slug, tag), fills in list(self.fills.items()):
            if not fills:
                continue
            language = next(t for t in self.project.config.target_languages if t.tag == tag)
            path = self.project.catalog_path(slug, language)
            with file_lock(path):
                po = self._catalogs.read(path)
                for entry in po:
                    fill = fills.get((entry.msgctxt, entry.msgid))
                    if fill is None or not needs_machine(entry):
                        continue
                    _apply(entry, fill)
                    if fill.msgstr:
                        self.report.filled += 1
                self._catalogs.write(po, path, "PO-Revision-Date")
            fills.clear()


def _batches(texts: list[str], configured: int, engine: str) -> list[list[str]]:
    """Cut texts into engine calls of the configured size, or the engine's own."""
    size = configured or BATCH.get(engine, ONLINE_BATCH)
    return [texts[i : i + size] for i in range(0, len(texts), size)]


def _apply(entry: polib.POEntry, fill: Fill) -> None:
    if not fill.msgstr:
        set_provenance(entry, fill.note)
        return
    notes = [fill.note]
    if entry.msgstr:  # a translation of the old source: keep it in sight for the reviewer
        notes.append("previous translation: " + " ".join(entry.msgstr.split()))
    entry.msgstr = fill.msgstr
    if "fuzzy" not in entry.flags:
        entry.flags.append("fuzzy")
    set_provenance(entry, *notes)
