"""XLIFF 1.2 and 2.x: one article in one language out to a CAT tool, and back.

**Export** (``workflow xliff export SLUG --lang es``) writes every live
segment of the catalogue as a unit whose id is the segment's id (the same one
the review app uses), placeholders as the format's inline codes (``<g>``/
``<x/>`` in 1.2, ``<pc>``/``<ph/>`` in 2.x), machine drafts as targets that
need review, reviewed translations as approved, and a hash of the text each
unit started from (``wf:base``) for the conflict check on the way back.

**Import** (``workflow xliff import FILE``) applies what the CAT tool changed,
unit by unit: a segment whose text changed here since the export, whose
source sentence changed, or whose placeholders did not come back exactly
once is left alone and listed.  Changes land as fuzzy suggestions (note
``imported FILE DATE``) for review in the app, or as reviewed with
``--reviewed``; a reviewed translation is never replaced by a suggestion.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import polib
from lxml import etree

from workflow import __version__
from workflow.audit import record
from workflow.catalog import entry_state, provenance, read_catalog, set_provenance, write_catalog
from workflow.errors import ExchangeError
from workflow.exchange.inline import fill, indent, text_of
from workflow.exchange.tmxfile import parse_xml
from workflow.fsutil import file_lock
from workflow.languages import parse_language
from workflow.project import Project
from workflow.review import segment_id
from workflow.segment import placeholders_match

XLIFF1 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF2 = "urn:oasis:names:tc:xliff:document:2.0"
WF = "urn:x-workflow:exchange"  # our own attributes (extension namespace)
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
VERSIONS = ("1.2", "2.0", "2.1")
#: XLIFF 1.2 target states that mean a person confirmed the text.
CONFIRMED_1 = {"translated", "signed-off", "final"}
CONFIRMED_2 = {"translated", "reviewed", "final"}


def base_hash(text: str) -> str:
    """What a unit started from, to notice a change made here meanwhile."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _comment_lines(entry: polib.POEntry) -> list[str]:
    return [line for line in (entry.comment or "").splitlines() if line.strip()]


# --------------------------------------------------------------------------- export


def export_xliff(project: Project, slug: str, language: str, version: str = "1.2") -> bytes:
    """The catalogue of ``slug`` in ``language`` as an XLIFF document."""
    if version not in VERSIONS:
        raise ExchangeError(f"XLIFF version {version!r}: use one of {', '.join(VERSIONS)}")
    article = project.article(slug)
    target = parse_language(language)
    if target.tag not in {t.tag for t in project.targets(article)}:
        raise ExchangeError(f"{slug} is not translated into {target.tag}")
    path = project.catalog_path(slug, target)
    if not path.exists():
        raise ExchangeError(f"{project.relative(path)}: no catalogue (run `workflow extract`)")
    po = read_catalog(path, project.relative(path))
    entries = [e for e in po if not e.obsolete]
    original = project.relative(project.article_path(slug))
    source = article.meta.language.tag
    if version == "1.2":
        root = _xliff1(entries, original, source, target.tag)
    else:
        root = _xliff2(entries, original, source, target.tag, version)
    indent(root)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data


def _xliff1(
    entries: list[polib.POEntry], original: str, source: str, target: str
) -> etree._Element:
    def q(name: str) -> str:
        return f"{{{XLIFF1}}}{name}"

    root = etree.Element(q("xliff"), {"version": "1.2"}, nsmap={None: XLIFF1, "wf": WF})
    file = etree.SubElement(
        root,
        q("file"),
        {"original": original, "source-language": source, "target-language": target},
        datatype="plaintext",
    )
    header = etree.SubElement(file, q("header"))
    etree.SubElement(
        header, q("tool"), {"tool-id": "workflow", "tool-name": "workflow"}, version=__version__
    )
    body = etree.SubElement(file, q("body"))
    for entry in entries:
        state = entry_state(entry)
        unit = etree.SubElement(body, q("trans-unit"), id=segment_id(entry.msgctxt, entry.msgid))
        unit.set(XML_SPACE, "preserve")
        unit.set("approved", "yes" if state == "translated" else "no")
        unit.set(f"{{{WF}}}base", base_hash(entry.msgstr))
        if entry.msgctxt:
            unit.set("resname", entry.msgctxt)
        fill(etree.SubElement(unit, q("source")), entry.msgid, "xliff1")
        if entry.msgstr:
            tgt = fill(etree.SubElement(unit, q("target")), entry.msgstr, "xliff1")
            tgt.set("state", "translated" if state == "translated" else "needs-review-translation")
        for line in _comment_lines(entry):
            etree.SubElement(unit, q("note"), {"from": "workflow"}).text = line
    return root


def _xliff2(
    entries: list[polib.POEntry], original: str, source: str, target: str, version: str
) -> etree._Element:
    def q(name: str) -> str:
        return f"{{{XLIFF2}}}{name}"

    root = etree.Element(
        q("xliff"),
        {"version": version, "srcLang": source, "trgLang": target},
        nsmap={None: XLIFF2, "wf": WF},
    )
    file = etree.SubElement(root, q("file"), id="f1", original=original)
    for entry in entries:
        state = entry_state(entry)
        unit = etree.SubElement(file, q("unit"), id=segment_id(entry.msgctxt, entry.msgid))
        unit.set(f"{{{WF}}}base", base_hash(entry.msgstr))
        if entry.msgctxt:
            unit.set("name", entry.msgctxt)
        lines = _comment_lines(entry)
        if lines:
            notes = etree.SubElement(unit, q("notes"))
            for line in lines:
                etree.SubElement(notes, q("note"), category="workflow").text = line
        segment = etree.SubElement(unit, q("segment"))
        segment.set("state", "reviewed" if state == "translated" else "initial")
        fill(etree.SubElement(segment, q("source")), entry.msgid, "xliff2")
        if entry.msgstr:
            fill(etree.SubElement(segment, q("target")), entry.msgstr, "xliff2")
    return root


# --------------------------------------------------------------------------- import


@dataclass
class Incoming:
    """One unit of an imported XLIFF."""

    sid: str
    source: str
    target: str | None
    confirmed: bool  # the CAT tool says a person confirmed the text
    base: str | None


@dataclass
class XliffImport:
    slug: str
    language: str
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)


def read_xliff(data: bytes, where: str) -> tuple[str, str, list[Incoming]]:
    """``(slug, target language, units)`` of an XLIFF 1.2 or 2.x document we exported."""
    root = parse_xml(data, where)
    ns = etree.QName(root).namespace
    if etree.QName(root).localname != "xliff" or ns not in (XLIFF1, XLIFF2):
        raise ExchangeError(f"{where}: not an XLIFF 1.2 or 2.x file")

    def q(name: str) -> str:
        return f"{{{ns}}}{name}"

    files = root.findall(q("file"))
    if len(files) != 1:
        raise ExchangeError(f"{where}: expected one <file> (one article), found {len(files)}")
    file = files[0]
    original = file.get("original") or ""
    language = file.get("target-language") if ns == XLIFF1 else root.get("trgLang")
    if not original.startswith("articles/") or not original.endswith(".md") or not language:
        raise ExchangeError(f"{where}: no article (original=…) or target language in the file")
    slug = original[len("articles/") : -len(".md")]
    units: list[Incoming] = []
    if ns == XLIFF1:
        for unit in file.iter(q("trans-unit")):
            source, target = unit.find(q("source")), unit.find(q("target"))
            state = target.get("state", "") if target is not None else ""
            units.append(
                Incoming(
                    unit.get("id", ""),
                    text_of(source) if source is not None else "",
                    text_of(target) if target is not None else None,
                    unit.get("approved") == "yes" or state in CONFIRMED_1,
                    unit.get(f"{{{WF}}}base"),
                )
            )
    else:
        for unit in file.iter(q("unit")):
            segment = unit.find(q("segment"))
            if segment is None:
                continue
            source, target = segment.find(q("source")), segment.find(q("target"))
            units.append(
                Incoming(
                    unit.get("id", ""),
                    text_of(source) if source is not None else "",
                    text_of(target) if target is not None else None,
                    segment.get("state", "") in CONFIRMED_2,
                    unit.get(f"{{{WF}}}base"),
                )
            )
    return slug, language, units


def import_xliff(
    project: Project, path: Path, reviewed: bool = False, who: str = "", today: str = ""
) -> XliffImport:
    """Apply a CAT tool's work to the catalogue it was exported from."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ExchangeError(f"{path}: cannot read ({exc.strerror})") from exc
    slug, tag, units = read_xliff(data, path.name)
    project.article(slug)  # checks the slug and that the article exists
    target = parse_language(tag)
    po_path = project.catalog_path(slug, target)
    if not po_path.exists():
        raise ExchangeError(f"{project.relative(po_path)}: no catalogue for {path.name}")
    today = today or dt.date.today().isoformat()
    report = XliffImport(slug, target.tag)
    with file_lock(po_path):
        po = read_catalog(po_path, project.relative(po_path))
        index = {segment_id(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
        for unit in units:
            entry = index.get(unit.sid)
            outcome = _apply(entry, unit, reviewed, who, f"{path.name} {today}")
            if outcome == "updated":
                report.updated += 1
            elif outcome == "unchanged":
                report.unchanged += 1
            else:
                line = entry.occurrences[0][1] if entry is not None and entry.occurrences else "?"
                report.problems.append(f"unit {unit.sid} (line {line}): {outcome}")
        if report.updated:
            write_catalog(po, po_path, "PO-Revision-Date")
    if report.updated:
        record(
            project.root,
            "import",
            who or None,
            slug,
            target.tag,
            file=path.name,
            segments=report.updated,
            reviewed=reviewed,
        )
    return report


def _apply(
    entry: polib.POEntry | None, unit: Incoming, reviewed: bool, who: str, origin: str
) -> str:
    """Apply one unit: ``updated``, ``unchanged`` or the reason it was left alone."""
    if entry is None:
        return "no such segment in the catalogue (the article changed since the export)"
    if unit.source != entry.msgid:
        return "its source sentence changed since the export"
    text = (unit.target or "").strip()
    confirm = reviewed and unit.confirmed and "fuzzy" in entry.flags and text == entry.msgstr
    if not text or (text == entry.msgstr and not confirm):
        return "unchanged"
    if unit.base is not None and unit.base != base_hash(entry.msgstr):
        return "changed here since the export: kept this project's text"
    if not placeholders_match(entry.msgid, text):
        return "its placeholders do not match the source (each exactly once)"
    if not reviewed and entry_state(entry) == "translated":
        return "already reviewed here; a suggestion does not replace it (use --reviewed)"
    keep = [n for n in provenance(entry) if n.startswith(("silence ", "machine ", "memory "))]
    old = entry.msgstr
    entry.msgstr = text
    if reviewed:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        set_provenance(entry, *keep, f"imported {origin}", f"reviewed {who} {origin.split()[-1]}")
    else:
        if "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        notes = [*keep, f"imported {origin}"]
        if old and old != text:
            notes.append("previous translation: " + " ".join(old.split()))
        set_provenance(entry, *notes)
    return "updated"
