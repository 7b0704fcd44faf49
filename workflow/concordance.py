"""Concordance: a word or phrase in every reviewed segment of the project.

Translators look up how a term was translated before ("¿cómo pusimos
*breakwater* la última vez?").  The translation memory's index already holds
every reviewed segment (``.workflow-cache/memory.sqlite``, refreshed from the
catalogues when they change); this searches it, case- and accent-insensitively
in the source and the translation, for one target language.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

from workflow.memory import TranslationMemory

LIMIT = 30


@dataclass(frozen=True)
class Hit:
    source_language: str
    source: str
    translation: str
    slug: str  # the article (catalogue) it comes from


def fold(text: str) -> str:
    """Lower case without accents, for matching ("Ávila" finds "avila")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search(root: Path, query: str, target: str, limit: int = LIMIT) -> list[Hit]:
    """Reviewed segments translated into ``target`` whose source or translation holds ``query``."""
    needle = fold(" ".join(query.split()))
    if len(needle) < 2:
        return []
    memory = TranslationMemory(root)
    try:
        memory.refresh()
        memory.db.create_function("fold", 1, fold, deterministic=True)
        rows = memory.db.execute(
            "SELECT DISTINCT source, msgid, msgstr, path FROM units WHERE target = ? "
            "AND (instr(fold(msgid), ?) > 0 OR instr(fold(msgstr), ?) > 0) "
            "ORDER BY length(msgid) LIMIT ?",
            (target, needle, needle, limit),
        ).fetchall()
    finally:
        memory.close()
    return [Hit(source, msgid, msgstr, Path(path).stem) for source, msgid, msgstr, path in rows]
