"""Engine calls for one language pair: a few in flight, answers taken in order.

The translate stage cuts what it sends into :class:`Unit` s (a batch, or a
whole article with its context) and hands them to :meth:`Sender.send`, which
keeps ``concurrency`` calls running and one more queued, so the engine is
never idle while the previous answers are checked and saved.  Calls run on
threads here, or on the executor's cluster (:mod:`workflow.executor`), where
the engine is made by name.

Answers are taken in the order of the units.  When a call fails for good
(:class:`~workflow.engines.EngineFailed`), nothing more is started, calls not
yet started are cancelled, calls already running are still taken (they have
been paid for), and the failure comes back with the number of texts left.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from workflow.config import Config
from workflow.engines import ArticleContext, ArticleEngine, Engine, EngineFailed
from workflow.executor import Executor, InProcess, Pending, translate_unit
from workflow.languages import Language


@dataclass
class Unit:
    """One engine call: texts (and their cache keys), with an article's context or not."""

    texts: list[str]
    keys: list[str]
    context: ArticleContext | None = None


@dataclass(frozen=True)
class Stopped:
    """Why a pair's sending stopped early, and how many texts it left."""

    failure: EngineFailed
    left: int


@dataclass
class Sender:
    """How one pair's units reach its engine."""

    name: str  # the engine's name in the registry (a cluster makes it by name)
    engine: Engine
    source: Language
    target: Language
    config: Config
    executor: Executor | None = None
    advance: Callable[[int], None] | None = None

    @property
    def cluster(self) -> Executor | None:
        """The executor when it is not this process (which the engine's own threads serve)."""
        return None if isinstance(self.executor, InProcess) else self.executor

    def send(self, units: list[Unit], take: Callable[[Unit, list[str]], None]) -> Stopped | None:
        """Run every unit, handing each answer to ``take``; ``None`` when all were taken."""
        workers = max(1, int(getattr(self.engine, "concurrency", 1)))
        cluster = self.cluster
        if cluster is not None:  # as many calls at once as it has workers
            workers = cluster.workers
            units = spread(units, workers)
        queue = deque(units)
        pending: deque[tuple[Unit, Pending[list[str]]]] = deque()
        failure: EngineFailed | None = None
        left = 0
        with ThreadPoolExecutor(max_workers=workers) as pool:

            def submit() -> None:
                if queue and failure is None:
                    unit = queue.popleft()
                    pending.append((unit, self._submit(pool, unit)))

            for _ in range(workers + 1):
                submit()
            while pending:
                unit, future = pending.popleft()
                if failure is not None and future.cancel():  # not started: leave it
                    left += len(unit.texts)
                    continue
                try:
                    answers = future.result()
                except EngineFailed as exc:
                    failure = failure or exc
                    left += len(unit.texts)
                    continue
                finally:
                    submit()
                if cluster is not None and self.advance is not None:
                    self.advance(len(unit.texts))
                take(unit, answers)
        if failure is None:
            return None
        return Stopped(failure, left + sum(len(u.texts) for u in queue))

    def _submit(self, pool: ThreadPoolExecutor, unit: Unit) -> Pending[list[str]]:
        """One engine call: on a thread here, or on the cluster (the engine made there by name)."""
        cluster = self.cluster
        if cluster is None:
            return pool.submit(self.call, unit)
        return cluster.submit(
            translate_unit,
            self.name,
            self.config,
            unit.texts,
            self.source,
            self.target,
            unit.context,
        )

    def call(self, unit: Unit) -> list[str]:
        """One engine call here: with the article's context for an engine that reads it."""
        engine = self.engine
        if unit.context is not None and isinstance(engine, ArticleEngine):
            return engine.translate_article(
                unit.texts, self.source, self.target, unit.context, self.advance
            )
        return engine.translate(unit.texts, self.source, self.target, self.advance)


def spread(units: list[Unit], workers: int) -> list[Unit]:
    """Cut plain batches smaller so every worker of a cluster has some (whole articles stay)."""
    total = sum(len(u.texts) for u in units)
    if len(units) >= workers * 2 or total < workers * 2 or any(u.context for u in units):
        return units
    size = -(-total // (workers * 2))
    texts = [t for u in units for t in u.texts]
    keys = [k for u in units for k in u.keys]
    return [Unit(texts[i : i + size], keys[i : i + size]) for i in range(0, total, size)]
