"""Markdown bodies to HTML, cached by content so an unchanged article is not rendered again."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

if TYPE_CHECKING:
    from workflow.executor import Executor


def markdown_parser() -> MarkdownIt:
    # html=False: raw HTML in an article or a translation is shown as text, never run.
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


@functools.cache
def _shared_parser() -> MarkdownIt:
    return markdown_parser()


def render_html(markdown: str) -> str:
    """One body to HTML: a pure function, so it runs on any executor (a Dask worker)."""
    html: str = _shared_parser().render(markdown)
    return html


class MarkdownCache:
    """Rendered article bodies by content hash, so an unchanged article is not rendered again.

    Derived data in ``.workflow-cache/publish.sqlite``; safe to delete.
    """

    def __init__(self, root: Path) -> None:
        import sqlite3

        from workflow.memory import cache_dir

        self.md = markdown_parser()
        self.db = sqlite3.connect(cache_dir(root) / "publish.sqlite", timeout=30)
        self.db.execute("CREATE TABLE IF NOT EXISTS html (key TEXT PRIMARY KEY, html TEXT)")
        self.fresh: dict[str, str] = {}

    def warm(self, bodies: Iterable[str], executor: Executor) -> int:
        """Render every body not cached yet on ``executor``, all at once; return how many."""
        missing: dict[str, str] = {}
        for body in bodies:
            key = hashlib.sha256(body.encode()).hexdigest()
            if key in self.fresh or key in missing:
                continue
            if self.db.execute("SELECT 1 FROM html WHERE key = ?", (key,)).fetchone() is None:
                missing[key] = body
        for key, html in zip(
            missing, executor.map(render_html, list(missing.values())), strict=True
        ):
            self.fresh[key] = html
        return len(missing)

    def render(self, markdown: str) -> str:
        key = hashlib.sha256(markdown.encode()).hexdigest()
        if key in self.fresh:
            return self.fresh[key]
        row = self.db.execute("SELECT html FROM html WHERE key = ?", (key,)).fetchone()
        if row is not None:
            return str(row[0])
        html: str = self.md.render(markdown)
        self.fresh[key] = html
        return html

    def close(self) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO html VALUES (?, ?)", self.fresh.items())
        self.db.close()
