"""Markdown bodies to HTML, cached by content so an unchanged article is not rendered again.

Rendering is the biggest cost of a full build (markdown-it-py is pure Python),
so :meth:`MarkdownCache.prepare` renders every body the cache does not hold
yet at once: on an executor when one is given (``--executor``, a Dask
cluster), else across this machine's cores when there are many (a process
pool: forked workers start in milliseconds).  Each worker renders whole
bodies with :func:`render_html`, so the output is the same as one process's.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from workflow.errors import PublishError

if TYPE_CHECKING:
    from workflow.executor import Executor

#: The key of an empty body (which needs no text to render).
EMPTY = hashlib.sha256(b"").hexdigest()
#: Below this many bodies to render, starting worker processes costs more than it saves.
PARALLEL_FROM = 64


def markdown_parser() -> MarkdownIt:
    # html=False: raw HTML in an article or a translation is shown as text, never run.
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


_WORKER: MarkdownIt | None = None


def render_html(markdown: str) -> str:
    """One body to HTML: a pure function, so it runs on any executor (a Dask worker)."""
    global _WORKER
    if _WORKER is None:
        _WORKER = markdown_parser()
    html: str = _WORKER.render(markdown)
    return html


def _render_many(texts: list[str]) -> list[str]:
    """Worker: render a batch of bodies with one parser."""
    return [render_html(text) for text in texts]


def body_key(markdown: str) -> str:
    """What a body is known by in the cache (and in the build's memory)."""
    return hashlib.sha256(markdown.encode()).hexdigest()


class MarkdownCache:
    """Rendered article bodies by content hash, so an unchanged article is not rendered again.

    Derived data in ``.workflow-cache/publish.sqlite``; safe to delete.
    """

    def __init__(self, root: Path) -> None:
        from workflow.memory import cache_dir

        self.md = markdown_parser()
        self.db = sqlite3.connect(cache_dir(root) / "publish.sqlite", timeout=30)
        self.db.execute("CREATE TABLE IF NOT EXISTS html (key TEXT PRIMARY KEY, html TEXT)")
        self.known: dict[str, str] = {}
        self.fresh: dict[str, str] = {}

    def has(self, keys: Iterable[str]) -> set[str]:
        """Which of these bodies the cache holds (without reading them)."""
        wanted = list(keys)
        found: set[str] = set()
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT key FROM html WHERE key IN ({marks})", chunk)
            found.update(str(k) for (k,) in rows)
        return found

    def prepare(self, texts: Iterable[str], executor: Executor | None = None) -> int:
        """Look every body up at once, and render those the cache lacks (in parallel);
        return how many were rendered."""
        return self.prepare_keyed(((body_key(text), text) for text in texts), executor)

    def prepare_keyed(
        self, items: Iterable[tuple[str, str]], executor: Executor | None = None
    ) -> int:
        """:meth:`prepare` for bodies given with their keys; a body the build's memory
        knows by its key alone (text ``""``) must be in the cache."""
        keys = dict(items)
        wanted = [k for k in keys if k not in self.known]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(f"SELECT key, html FROM html WHERE key IN ({marks})", chunk)
            self.known.update((str(k), str(h)) for k, h in rows)
        missing = [k for k in wanted if k not in self.known]
        if any(not keys[k] and k != EMPTY for k in missing):
            raise PublishError(
                "the publish cache changed during the build (.workflow-cache): publish again"
            )
        workers = min(len(os.sched_getaffinity(0)), 8)  # the cores this process may use
        if executor is not None and missing:
            htmls = executor.map(render_html, [keys[k] for k in missing])
            self.fresh.update(zip(missing, htmls, strict=True))
        elif len(missing) >= PARALLEL_FROM and workers > 1:
            size = -(-len(missing) // (workers * 4))
            batches = [missing[i : i + size] for i in range(0, len(missing), size)]
            with ProcessPoolExecutor(workers) as pool:
                rendered = pool.map(_render_many, [[keys[k] for k in b] for b in batches])
                for batch, htmls in zip(batches, rendered, strict=True):
                    self.fresh.update(zip(batch, htmls, strict=True))
        else:
            self.fresh.update((k, self.md.render(keys[k])) for k in missing)
        self.known.update(self.fresh)
        return len(missing)

    def render(self, markdown: str, key: str = "") -> str:
        """One body's HTML (``key``: its :func:`body_key`, if known)."""
        key = key or body_key(markdown)
        if key not in self.known:
            self.prepare_keyed([(key, markdown)])
        return self.known[key]

    def close(self) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO html VALUES (?, ?)", self.fresh.items())
        self.db.close()
