"""Translation memory: every reviewed translation in the project, searchable.

The memory is derived from the catalogues (files are the truth) and indexed
in ``.workflow-cache/memory.sqlite`` so a project with thousands of catalogues
is not re-parsed on every run: a catalogue is read again only when its size
or modification time changed.  Only reviewed translations count (not fuzzy,
not empty); obsolete entries count too, since a sentence removed from one
article may appear in the next.

Exact matches are used before any engine is asked; fuzzy matches (rapidfuzz)
are suggestions for translators, with their similarity in percent.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polib
from rapidfuzz import fuzz, process

from workflow.catalog import SOURCE_LANGUAGE, read_catalog, read_header
from workflow.errors import CatalogError, ExchangeError, LanguageError
from workflow.exchange.tmxfile import MEMORY_DIR, read_stored
from workflow.languages import parse_language

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, stamp TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    path TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
    msgid TEXT NOT NULL, msgstr TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS units_lookup ON units (source, target, msgid);
CREATE INDEX IF NOT EXISTS units_path ON units (path);
CREATE TABLE IF NOT EXISTS imported (
    path TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
    msgid TEXT NOT NULL, msgstr TEXT NOT NULL, reviewed INTEGER NOT NULL, origin TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS imported_lookup ON imported (source, target, msgid);
"""


@dataclass(frozen=True)
class Suggestion:
    """A memory match for a text."""

    score: float  # 0-100
    source: str
    translation: str
    origin: str = ""  # an imported memory's origin (``agency.tmx``); "" for the project's own


def cache_dir(root: Path) -> Path:
    """The project's cache folder (derived data only; safe to delete, git-ignored)."""
    path = root / ".workflow-cache"
    path.mkdir(exist_ok=True)
    return path


def open_cache_db(path: Path) -> sqlite3.Connection:
    """A cache database in WAL mode without a disk flush per commit.

    Everything in ``.workflow-cache`` can be rebuilt, so a commit need not
    wait for the disk (WAL with ``synchronous=NORMAL`` stays consistent after
    a crash, it may only lose the last answers); several processes may read
    and write at once.
    """
    db = sqlite3.connect(path, timeout=30)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    return db


class TranslationMemory:
    """Reviewed translations from every catalogue under ``locales/``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = open_cache_db(cache_dir(root) / "memory.sqlite")
        with self.db:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)

    def close(self) -> None:
        self.db.close()

    def refresh(self, parsed: Mapping[str, polib.POFile] | None = None) -> int:
        """Re-index catalogues that changed since last time; return how many.

        ``parsed`` maps project-relative paths to catalogues the caller has just
        read, so they are not parsed twice.
        """
        parsed = parsed or {}
        locales = self.root / "locales"
        seen: dict[str, str] = {}
        imported = sorted((self.root / MEMORY_DIR).glob("*.tmx"))
        for path in [*sorted(locales.glob("*/LC_MESSAGES/*.po")), *imported]:
            stat = path.stat()
            seen[path.relative_to(self.root).as_posix()] = f"{stat.st_size}:{stat.st_mtime_ns}"
        known = dict(self.db.execute("SELECT path, stamp FROM files"))
        changed = [p for p, stamp in seen.items() if known.get(p) != stamp]
        with self.db:
            for gone in set(known) - set(seen):
                self.db.execute("DELETE FROM units WHERE path = ?", (gone,))
                self.db.execute("DELETE FROM imported WHERE path = ?", (gone,))
                self.db.execute("DELETE FROM files WHERE path = ?", (gone,))
            for rel in changed:
                self.db.execute("DELETE FROM units WHERE path = ?", (rel,))
                self.db.execute("DELETE FROM imported WHERE path = ?", (rel,))
                if rel.endswith(".tmx"):
                    self._import(rel)
                    self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (rel, seen[rel]))
                    continue
                units = self._units(rel, parsed.get(rel))
                self.db.executemany("INSERT INTO units VALUES (?, ?, ?, ?, ?)", units)
                self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?)", (rel, seen[rel]))
        return len(changed)

    def _units(self, rel: str, po: polib.POFile | None) -> list[tuple[str, str, str, str, str]]:
        path = self.root / rel
        header = read_header(path)
        try:
            source = parse_language(header.get(SOURCE_LANGUAGE, "")).tag
            target = parse_language(header.get("Language", "")).tag
            po = po if po is not None else read_catalog(path, rel)
        except (LanguageError, CatalogError):
            return []  # not ours, or broken: the commands that need it will say so
        return [
            (rel, source, target, entry.msgid, entry.msgstr)
            for entry in po
            if entry.msgstr and "fuzzy" not in entry.flags
        ]

    def _import(self, rel: str) -> None:
        """Index an imported TMX (``memory/*.tmx``, see :mod:`workflow.exchange.tmx`)."""
        from workflow.config import CONFIG_NAME, load_config

        config = load_config(self.root / CONFIG_NAME)
        known = {lang.tag: lang for lang in config.languages}
        try:
            stored = read_stored(self.root / rel, known)
        except ExchangeError:
            return  # broken: `workflow tmx import` said so when it was made
        self.db.executemany(
            "INSERT INTO imported VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (rel, u.source, u.target, u.text, u.translation, stored.reviewed, stored.origin)
                for u in stored.units
            ],
        )

    def exact(self, source: str, target: str) -> dict[str, str]:
        """Every reviewed ``msgid → msgstr`` for a language pair (latest file wins).

        Units imported as reviewed count too; the project's own reviews win over them.
        """
        rows = self.db.execute(
            "SELECT msgid, msgstr FROM imported WHERE source = ? AND target = ? AND reviewed = 1 "
            "ORDER BY rowid",
            (source, target),
        )
        table = dict(rows)
        rows = self.db.execute(
            "SELECT msgid, msgstr FROM units WHERE source = ? AND target = ? ORDER BY rowid",
            (source, target),
        )
        table.update(rows)
        return table

    def suggestions(self, source: str, target: str) -> dict[str, tuple[str, str]]:
        """Imported suggestions (not reviewed) for a pair: ``msgid → (msgstr, origin)``."""
        rows = self.db.execute(
            "SELECT msgid, msgstr, origin FROM imported WHERE source = ? AND target = ? "
            "AND reviewed = 0 ORDER BY rowid",
            (source, target),
        )
        return {msgid: (msgstr, origin) for msgid, msgstr, origin in rows}

    def suggest(
        self, text: str, source: str, target: str, limit: int = 3, cutoff: float = 60.0
    ) -> list[Suggestion]:
        """The closest reviewed translations of ``text``, best first (imported ones with origin)."""
        table = {msgid: (msgstr, "") for msgid, msgstr in self.exact(source, target).items()}
        for msgid, found in self.suggestions(source, target).items():
            table.setdefault(msgid, found)
        matches = process.extract(
            text, list(table), scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff
        )
        return [Suggestion(round(score, 1), msgid, *table[msgid]) for msgid, score, _ in matches]
