"""Stage 2: machine translation (``workflow translate``).

A recipe, in order:

1. **collect** every entry machine translation may fill: empty, or fuzzy
   because its source changed — and open machine drafts (fuzzy, untouched by a
   person) whose glossary hits changed since they were made, or all of them
   with ``--redo``.  Never an entry a person reviewed or edited;
2. **memory**: an exact reviewed match anywhere in the project is used first;
3. **protect** glossary names (and terms, for engines that take no rules)
   behind placeholder tokens;
4. **cache**: an answer the engine already gave is reused (not with ``--redo``);
5. **deduplicate**: each distinct text goes to the engine once;
6. **send** in batches (whole articles with their context for the LLM
   engine), several in flight where the engine allows; check every
   placeholder came back exactly once (else retry that segment alone, then
   mark it for attention); **save** the affected catalogues after each batch,
   so an interrupted run loses nothing.

Every filled entry is fuzzy and carries provenance notes for the reviewer
(``workflow: machine apertium 2024-12-04`` and a ``draft`` mark, see
:mod:`workflow.drafts`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from workflow.article import Article
from workflow.audit import record
from workflow.catalog import CatalogCache, needs_machine
from workflow.context import article_context, style_guide, term_finder
from workflow.dispatch import Sender, Unit
from workflow.drafts import (
    Fill,
    draft_notes,
    fingerprint,
    open_machine_draft,
    still_fillable,
    write_fill,
)
from workflow.engines import ArticleEngine, Engine, create_engine, engine_names
from workflow.errors import EngineError, WorkflowError
from workflow.executor import Executor
from workflow.fsutil import file_lock
from workflow.glossary import Glossary, Protected, article_names, load_glossary
from workflow.jobs import Cost, Job, Key, Pair, Report
from workflow.memory import TranslationMemory
from workflow.mtcache import EngineCache
from workflow.project import SITE, Project
from workflow.segment import placeholders_match

#: Segments per engine call when neither the config nor the engine says.
BATCH = {"apertium": 3000, "pseudo": 2000}
ONLINE_BATCH = 25


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
        redo: bool = False,
        executor: Executor | None = None,
    ) -> None:
        if engine is not None and engine not in engine_names() and engine not in (engines or {}):
            raise EngineError(f"unknown engine {engine!r} (known: {', '.join(engine_names())})")
        self.project = project
        self.slugs = list(slugs)
        self.languages = tuple(languages)
        self.engine_override = engine
        self.redo = redo
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
        self.units: dict[Pair, list[Unit]] = {}
        self.waiting: dict[Pair, dict[str, list[Job]]] = {}
        self.unavailable: dict[str, list[str]] = defaultdict(list)
        self._articles: dict[str, Article] = {}
        self._catalogs = CatalogCache(project.relative)
        self._advance: Callable[[int], None] | None = None
        #: Where engine calls run: a Dask cluster (see workflow.executor), or here.
        self.executor = executor

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

    def _protect(self, msgid: str, slug: str, source: str, target: str, terms: bool) -> Protected:
        """``msgid`` with glossary names (and, if ``terms``, forced terms) swapped for tokens."""
        glossary = self.glossary if terms else dataclasses.replace(self.glossary, terms={})
        if slug in self._articles:  # the article's authors and image credit are kept too
            glossary = glossary.with_names(article_names(self._articles[slug].meta))
        return glossary.protect(msgid, source, target)

    def _collect(self) -> None:
        config = self.project.config
        units = [
            unit
            for unit in self.project.catalogues(self.slugs, self.languages)
            if self.slugs or unit.slug != SITE  # the site's strings only when named
        ]
        for unit in units:
            slug, source, target, path = unit.slug, unit.source, unit.target, unit.path
            if slug != SITE and slug not in self._articles:
                self._articles[slug] = self.project.article(slug)
            if not path.exists():
                self.report.problems.append(
                    f"{self.project.relative(path)}: no catalogue "
                    f"(run `workflow extract {slug}` first)"
                )
                continue
            engine = self.engine_override or config.engine_for(source.tag, target.tag)
            for entry in self._catalogs.read(path):
                job = Job(slug, source, target, engine, (entry.msgctxt, entry.msgid))
                if needs_machine(entry):
                    self.jobs.append(job)
                    continue
                draft = open_machine_draft(entry)
                if draft is None:
                    continue
                if self.redo:
                    job.replaces, job.fresh = entry.msgstr, True
                elif draft.glossary != self._fingerprint(job):
                    job.replaces = entry.msgstr
                else:
                    continue
                self.jobs.append(job)
                self.report.reopened += 1

    def _fingerprint(self, job: Job) -> str | None:
        """The glossary hits of a job's segment, as :func:`fingerprint` (engine-independent)."""
        protected = self._protect(job.msgid, job.slug, job.source.tag, job.target.tag, True)
        return fingerprint(protected.text, protected.replacements, {})

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
                if found is None or found == job.replaces:
                    remaining.append(job)
                    continue
                notes = draft_notes(f"memory {self.today}", found, None)
                self._put(job, Fill(found, notes, job.replaces))
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
        in_context = isinstance(engine, ArticleEngine)
        matches = term_finder(self.glossary.forced_terms(source, target))
        for job in jobs:
            job.glossary = self._fingerprint(job)
            job.protected = self._protect(job.msgid, job.slug, source, target, not in_context)
            if in_context:  # terms go to the engine as rules, so it can inflect them
                job.rules = matches(job.msgid)
        cache = EngineCache(self.project.root)
        try:
            known = cache.get_many(
                _cache_name(engine), source, target, (j.sent for j in jobs if not j.fresh)
            )
        finally:
            cache.close()
        waiting: dict[str, list[Job]] = defaultdict(list)
        for job in jobs:
            answer = known.get(job.sent)
            if answer is not None and not job.fresh:
                self._put(job, self._fill(job, answer, name))
                cost.cached += 1
            else:
                waiting[job.sent].append(job)
        self.waiting[pair] = waiting
        self.to_send[pair] = list(waiting)
        self.units[pair] = self._units(engine, waiting, in_context)
        prepare = getattr(engine, "prepare", None)
        if waiting and prepare is not None:
            prepare(jobs[0].source, jobs[0].target)  # e.g. Apertium loads its pair meanwhile
        cost.segments = len(waiting)
        cost.characters = sum(len(group[0].protected.text) for group in waiting.values())
        cost.repeats = sum(len(group) - 1 for group in waiting.values())

    def _units(self, engine: Engine, waiting: dict[str, list[Job]], in_context: bool) -> list[Unit]:
        """Engine calls: batches of the configured or the engine's size, or whole articles."""
        if in_context:
            by_article: dict[str, list[str]] = defaultdict(list)
            for key, group in waiting.items():
                by_article[group[0].slug].append(key)
            return [
                self._article_unit(slug, keys, waiting, engine) for slug, keys in by_article.items()
            ]
        size = (
            self.project.config.translate.batch_size
            or getattr(engine, "batch_size", 0)
            or BATCH.get(engine.name, ONLINE_BATCH)
        )
        keys = list(waiting)
        return [
            Unit([waiting[k][0].protected.text for k in keys[i : i + size]], keys[i : i + size])
            for i in range(0, len(keys), size)
        ]

    def _article_unit(
        self, slug: str, keys: list[str], waiting: dict[str, list[Job]], engine: Engine
    ) -> Unit:
        target = waiting[keys[0]][0].target
        context = article_context(
            self._articles.get(slug),  # none for the site's strings
            (waiting[key][0].rules for key in keys),
            style_guide(self.project, engine.name, target),
        )
        return Unit([waiting[k][0].protected.text for k in keys], keys, context)

    def _engine(self, name: str) -> Engine:
        if name not in self.engines:
            self.engines[name] = create_engine(name, self.project.config, self.environ)
        return self.engines[name]

    def _fill(self, job: Job, answer: str, engine: str) -> Fill:
        msgstr = job.protected.restore(answer)
        notes = draft_notes(f"machine {engine} {self.today}", msgstr, job.glossary)
        return Fill(msgstr, notes, job.replaces)

    def _put(self, job: Job, fill: Fill) -> None:
        self.fills[(job.slug, job.target.tag)][job.key] = fill

    # -- run -----------------------------------------------------------------

    def run(self, advance: Callable[[int], None] | None = None) -> Report:
        """Send everything planned, saving after each batch. Call :meth:`plan` first.

        Up to ``concurrency`` engine calls run at once (one for Apertium), and
        one more is queued, so the engine keeps working while a batch is
        checked and saved.
        """
        self._save()  # memory and cache hits first
        self._advance = advance
        failed: set[str] = set()
        for pair, units in self.units.items():
            name, source, target = pair
            if name in failed:
                left = sum(len(u.texts) for u in units)
                self.report.problems.append(
                    f"{source}→{target}: {name} stopped earlier; {left} segments still to do"
                )
                continue
            problem = self._send(pair, units)
            if problem is not None:
                failed.add(name)
                self.report.problems.append(problem)
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
                redo=self.redo,
            )
        self.close()
        return self.report

    def close(self) -> None:
        """Let engines free what they hold (a prepared Apertium pipeline not used)."""
        for engine in self.engines.values():
            close = getattr(engine, "close", None)
            if close is not None:
                close()

    def _send(self, pair: Pair, units: list[Unit]) -> str | None:
        """Send one pair's units (see :mod:`workflow.dispatch`); the failure message, if any."""
        if not units:
            return None
        first = self.waiting[pair][units[0].keys[0]][0]
        sender = Sender(
            pair[0],
            self.engines[pair[0]],
            first.source,
            first.target,
            self.project.config,
            self.executor,
            self._advance,
        )

        def take(unit: Unit, answers: list[str]) -> None:
            try:
                self._take(pair, unit, answers)
            finally:
                self._save()

        stopped = sender.send(units, take)
        if stopped is None:
            return None
        return (
            f"{stopped.failure.message}; {stopped.left} segments still to do "
            f"for {pair[1]}→{pair[2]}"
        )

    def _take(self, pair: Pair, unit: Unit, answers: list[str]) -> None:
        """Check an engine's answers, retry lost placeholders alone, record fills."""
        name, source, target = pair
        engine = self.engines[name]
        jobs = self.waiting[pair]
        first = jobs[unit.keys[0]][0]
        good: dict[str, str] = {}
        if len(answers) != len(unit.texts):  # a faulty engine: what is missing is retried alone
            answers = [*answers, *[""] * len(unit.texts)][: len(unit.texts)]
        for text, key, answer in zip(unit.texts, unit.keys, answers, strict=True):
            if not _usable(text, answer) and unit.context is None:
                answer = engine.translate([text], first.source, first.target)[0]
            if _usable(text, answer):
                good[key] = answer
                for job in jobs[key]:
                    self._put(job, self._fill(job, answer, name))
                continue
            for job in jobs[key]:
                where = f"{job.slug} [{target}] {job.msgid[:60]!r}"
                self.report.attention.append(where)
                reason = "no usable answer" if answer.strip() == "" else "placeholders lost"
                note = f"attention {name} {self.today}: {reason}; answer was {answer!r}"
                self._put(job, Fill("", [note], job.replaces))
        cache = EngineCache(self.project.root)
        try:
            cache.put_many(_cache_name(engine), source, target, good)
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
                    if fill is None or not still_fillable(entry, fill):
                        continue
                    write_fill(entry, fill)
                    if fill.msgstr:
                        self.report.filled += 1
                self._catalogs.write(po, path, "PO-Revision-Date")
            fills.clear()


def _usable(text: str, answer: str) -> bool:
    if "<" not in text and "<" not in answer:  # no placeholders on either side (most)
        return bool(answer.strip())
    return bool(answer.strip()) and placeholders_match(text, answer)


def _cache_name(engine: Engine) -> str:
    """The engine's name in the answer cache (the LLM engine adds its model)."""
    return str(getattr(engine, "cache_key", engine.name))
