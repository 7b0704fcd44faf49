"""Where per-article work runs: in this process (default) or on a Dask cluster.

``workflow translate`` and ``workflow publish`` hand their heavy, pure work —
engine calls on batches of sentences, Markdown rendering of article bodies —
to an :class:`Executor`.  The work functions take plain values and return
plain values; every file is read and written by this process alone, so
catalogues keep their locks, atomic writes and group commits whatever runs
the engines.

``--executor`` (or ``WORKFLOW_EXECUTOR``) chooses:

* nothing, ``local`` or ``inprocess``: this process (a thread, so the next
  batch is with the engine while this one is saved);
* ``local:N``: a Dask ``LocalCluster`` of N worker processes on this machine;
* ``tcp://host:8786`` (or ``tls://…``): an existing Dask scheduler.  Its
  workers need ``workflow`` installed, the engines' programs (``apertium``
  and its pairs) and their own API keys in their environment: keys are never
  shipped from here.

Dask (``pip install 'workflow[dask]'``) is an existing, well-kept distributed
engine with a scheduler, worker pools, data locality and a dashboard; nothing
here is a cluster of our own.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from workflow.errors import WorkflowError

T = TypeVar("T")
R = TypeVar("R")
ENV = "WORKFLOW_EXECUTOR"


class ExecutorError(WorkflowError):
    """An executor that cannot be started or reached."""


class Pending(Protocol[R]):  # type: ignore[misc]
    """A submitted call: :class:`concurrent.futures.Future` and Dask futures both fit."""

    def result(self) -> R: ...

    def cancel(self) -> bool: ...


class Executor(Protocol):
    """Runs pure functions of plain values somewhere; results come back here."""

    name: str
    #: How many calls usefully run at once (1 in-process).
    workers: int

    def submit(self, fn: Callable[..., R], *args: Any) -> Pending[R]: ...

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]: ...

    def close(self) -> None: ...


class InProcess:
    """This process: one helper thread, so a call runs while the caller writes files."""

    name = "in-process"
    workers = 1

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="workflow-work")

    def submit(self, fn: Callable[..., R], *args: Any) -> Pending[R]:
        return self._pool.submit(fn, *args)

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        return [fn(item) for item in items]

    def close(self) -> None:
        self._pool.shutdown(wait=True)


def _run_chunk(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [fn(item) for item in chunk]


class DaskExecutor:
    """A Dask cluster: a scheduler by address, or a local cluster of N processes."""

    def __init__(self, address: str | None = None, processes: int = 2) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise ExecutorError(
                "Dask is not installed: pip install 'workflow[dask]' (dask[distributed])"
            ) from exc
        self._cluster: Any = None
        try:
            if address is None:
                self._cluster = LocalCluster(
                    n_workers=processes,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=40,  # errors only: workflow prints its own progress
                )
                self.client: Any = Client(self._cluster)
                self.name = f"dask local:{processes}"
            else:
                self.client = Client(address, timeout=20)
                self.name = f"dask {address}"
        except (OSError, TimeoutError, RuntimeError) as exc:
            self.close()
            raise ExecutorError(f"cannot reach the Dask scheduler {address}: {exc}") from exc
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})) or processes)

    def submit(self, fn: Callable[..., R], *args: Any) -> Pending[R]:
        return _Unwrapped(self.client.submit(fn, *args, pure=False))

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """``fn`` over ``items`` on the workers, in chunks (a task per item costs more than it
        does), results in order."""
        if not items:
            return []
        size = max(1, math.ceil(len(items) / (self.workers * 4)))
        chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
        futures = [self.client.submit(_run_chunk, fn, chunk, pure=False) for chunk in chunks]
        return [result for part in self.client.gather(futures) for result in part]

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self._cluster is not None:
            self._cluster.close()


def open_executor(spec: str | None = None) -> Executor:
    """The executor ``spec`` names (see the module docstring); default in-process."""
    spec = (spec if spec is not None else os.environ.get(ENV, "")).strip()
    if spec in ("", "local", "inprocess", "in-process"):
        return InProcess()
    if spec.startswith("local:"):
        count = spec.partition(":")[2]
        if not count.isdigit() or int(count) < 1:
            raise ExecutorError(f"--executor {spec}: write local:N with N worker processes, N ≥ 1")
        return DaskExecutor(processes=int(count))
    if spec.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
        return DaskExecutor(address=spec)
    raise ExecutorError(
        f"--executor {spec!r}: use local:N for a local Dask cluster or tcp://host:8786 "
        "for a scheduler (default: in this process)"
    )


# --------------------------------------------------------------------------- work functions


_ENGINES: dict[tuple[str, str], Any] = {}


class RemoteFailure(Exception):
    """An engine that gave up on a worker, in a form that survives pickling."""

    def __init__(self, engine: str, reason: str, attempts: int) -> None:
        super().__init__(engine, reason, attempts)


def translate_unit(
    name: str, config: Any, texts: list[str], source: Any, target: Any, context: Any = None
) -> list[str]:
    """One engine call, wherever it runs (the engine is made once per worker process).

    ``context`` (an ``ArticleContext``) sends a whole article to an engine that
    reads context (the LLM engine), as ``workflow translate`` does here.
    """
    from workflow.engines import EngineFailed, create_engine

    key = (name, repr(config))
    if key not in _ENGINES:  # the worker's own environment holds the API keys
        _ENGINES[key] = create_engine(name, config, os.environ)
    engine = _ENGINES[key]
    try:
        if context is not None and hasattr(engine, "translate_article"):
            answers: list[str] = engine.translate_article(texts, source, target, context)
        else:
            answers = engine.translate(texts, source, target)
    except EngineFailed as exc:
        raise RemoteFailure(exc.engine, exc.reason, exc.attempts) from None
    return answers


class _Unwrapped:
    """A Dask future whose result turns a :class:`RemoteFailure` back into ``EngineFailed``."""

    def __init__(self, future: Any) -> None:
        self.future = future

    def result(self) -> Any:
        from workflow.engines import EngineFailed

        try:
            return self.future.result()
        except RemoteFailure as exc:
            raise EngineFailed(*exc.args) from None

    def cancel(self) -> bool:
        self.future.cancel()
        return True
