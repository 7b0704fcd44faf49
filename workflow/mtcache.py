"""A cache of engine answers, so a second run sends nothing already answered.

Keyed by engine, language pair and the exact text sent (after glossary
protection).  Only answers that passed the placeholder check are stored, so a
mangled answer is asked for again next time.  Lives in
``.workflow-cache/mt.sqlite``; deleting it only costs engine calls.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from workflow.memory import cache_dir, open_cache_db


class EngineCache:
    """Engine results by (engine, source, target, text)."""

    def __init__(self, root: Path) -> None:
        self.db = open_cache_db(cache_dir(root) / "mt.sqlite")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS answers (engine TEXT, source TEXT, target TEXT, "
            "text TEXT, translation TEXT, PRIMARY KEY (engine, source, target, text))"
        )

    def get_many(
        self, engine: str, source: str, target: str, texts: Iterable[str]
    ) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(texts))
        for start in range(0, len(unique), 500):
            chunk = unique[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT text, translation FROM answers WHERE engine = ? AND source = ? "
                f"AND target = ? AND text IN ({marks})",
                (engine, source, target, *chunk),
            )
            found.update(dict(rows))
        return found

    def put_many(self, engine: str, source: str, target: str, answers: dict[str, str]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?)",
                [(engine, source, target, text, out) for text, out in answers.items()],
            )

    def close(self) -> None:
        self.db.close()
