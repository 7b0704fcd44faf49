"""TMX 1.4b: the translation memory in and out (``workflow tmx export|import``).

**Export** writes every reviewed unit of a language pair — what
``workflow translate`` would use as an exact match — as a TMX 1.4b document
that Trados, memoQ, OmegaT, Phrase or Weblate read; placeholders become
inline codes (``bpt``/``ept``/``ph``) carrying our own token as their text.

**Import** reads an agency's TMX (any tool's inline codes become
placeholders) and keeps it in the project as ``memory/<name>.tmx``: a plain
file, versioned like everything else, that the translation memory indexes
next to the catalogues.  Its units are *suggestions* the review page shows
with their origin; only when the person says ``--reviewed`` do they count as
reviewed translations that ``workflow translate`` fills segments from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from workflow.audit import record
from workflow.errors import ExchangeError
from workflow.exchange.tmxfile import MEMORY_DIR, ORIGIN, STATUS, Unit, read_tmx, write_tmx
from workflow.fsutil import atomic_write_bytes
from workflow.languages import parse_language
from workflow.memory import TranslationMemory
from workflow.project import Project


@dataclass
class ImportReport:
    path: str = ""
    units: int = 0
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def export_tmx(project: Project, source: str, target: str) -> tuple[bytes, int]:
    """Every reviewed unit ``source → target`` of the project's memory, as TMX; and the count."""
    src, dst = parse_language(source).tag, parse_language(target).tag
    memory = TranslationMemory(project.root)
    try:
        memory.refresh()
        table = memory.exact(src, dst)
    finally:
        memory.close()
    units = [Unit(src, dst, text, translation) for text, translation in sorted(table.items())]
    return write_tmx(units, src), len(units)


def import_tmx(
    project: Project,
    source: Path,
    reviewed: bool = False,
    name: str | None = None,
    who: str | None = None,
) -> ImportReport:
    """Keep an outside TMX in ``memory/`` (normalised to the project's languages)."""
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise ExchangeError(f"{source}: cannot read ({exc.strerror})") from exc
    known = {lang.tag: lang for lang in project.config.languages}
    units, skipped = read_tmx(data, source.name, known)
    if not units:
        raise ExchangeError(
            f"{source.name}: no translation units in the project's languages "
            f"({', '.join(sorted(known))})"
        )
    stem = re.sub(r"[^a-z0-9-]+", "-", (name or source.stem).lower()).strip("-") or "imported"
    target = project.inside(MEMORY_DIR, f"{stem}.tmx")
    props = {STATUS: "reviewed" if reviewed else "suggestion", ORIGIN: source.name}
    by_source: dict[str, list[Unit]] = {}
    for unit in units:
        by_source.setdefault(unit.source, []).append(unit)
    first = next(iter(by_source))
    ordered = [u for group in by_source.values() for u in group]
    atomic_write_bytes(target, write_tmx(ordered, first, props))
    report = ImportReport(project.relative(target), len(units))
    for unit in units:
        report.pairs[(unit.source, unit.target)] = (
            report.pairs.get((unit.source, unit.target), 0) + 1
        )
    report.skipped = [f"language {lang!r} is not one of the project's" for lang in skipped]
    record(
        project.root,
        "import",
        who,
        stored=report.path,
        file=source.name,
        units=report.units,
        reviewed=reviewed,
    )
    return report
