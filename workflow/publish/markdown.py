"""Markdown bodies to HTML, cached by content so an unchanged article is not rendered again."""

from __future__ import annotations

from pathlib import Path

from markdown_it import MarkdownIt


def markdown_parser() -> MarkdownIt:
    # html=False: raw HTML in an article or a translation is shown as text, never run.
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


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

    def render(self, markdown: str) -> str:
        import hashlib

        key = hashlib.sha256(markdown.encode()).hexdigest()
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
