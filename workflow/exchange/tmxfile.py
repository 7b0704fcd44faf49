"""TMX 1.4b files: write units, read any tool's units (inline codes become placeholders).

Pure format code with no project behind it, so the translation memory can
index imported files (``memory/*.tmx``) without importing the exchange commands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from workflow import __version__
from workflow.errors import ExchangeError, WorkflowError
from workflow.exchange.inline import fill, indent, text_of
from workflow.languages import Language, parse_language

#: Imported memories live here in the project, beside the catalogues.
MEMORY_DIR = "memory"
STATUS = "x-workflow-status"  # header prop: "reviewed" or "suggestion"
ORIGIN = "x-workflow-origin"  # header prop: where the units came from
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: XML parsing that resolves no entities and fetches nothing (a TMX is outside input).
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


@dataclass(frozen=True)
class Unit:
    """One translation unit of one language pair."""

    source: str  # language tags as the project spells them
    target: str
    text: str
    translation: str


def parse_xml(data: bytes, where: str) -> etree._Element:
    """Outside XML, parsed safely; a broken file is one error naming it."""
    try:
        return etree.fromstring(data, PARSER)
    except etree.XMLSyntaxError as exc:
        raise ExchangeError(f"{where}: not well-formed XML ({exc})") from exc


# --------------------------------------------------------------------------- writing


def write_tmx(units: Iterable[Unit], source: str, props: dict[str, str] | None = None) -> bytes:
    """A TMX 1.4b document of ``units`` (all with source language ``source``)."""
    root = etree.Element("tmx", version="1.4")
    attributes = {
        "creationtool": "workflow",
        "creationtoolversion": __version__,
        "datatype": "plaintext",
        "segtype": "sentence",
        "adminlang": "en",
        "srclang": source,
        "o-tmf": "workflow",
        "creationdate": dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ"),
    }
    header = etree.SubElement(root, "header", attributes)
    for name, value in (props or {}).items():
        etree.SubElement(header, "prop", type=name).text = value
    body = etree.SubElement(root, "body")
    for unit in units:
        tu = etree.SubElement(body, "tu", srclang=unit.source)
        for lang, text in ((unit.source, unit.text), (unit.target, unit.translation)):
            tuv = etree.SubElement(tu, "tuv", {XML_LANG: lang})
            fill(etree.SubElement(tuv, "seg"), text, "tmx")
    indent(root)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype=_DOCTYPE)
    return data


_DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'


# --------------------------------------------------------------------------- reading


def _language(tag: str, known: dict[str, Language]) -> str | None:
    """A TMX language (``es-ES``, ``EN``) as one of the project's tags, if it is one."""
    try:
        lang = parse_language(tag)
    except WorkflowError:
        return None
    if lang.tag in known:
        return lang.tag
    same = [t for t, candidate in known.items() if candidate.primary == lang.primary]
    return same[0] if len(same) == 1 else None


def read_tmx(data: bytes, where: str, known: dict[str, Language]) -> tuple[list[Unit], list[str]]:
    """Units of every pair of the project's languages in a TMX, and what was skipped."""
    root = parse_xml(data, where)
    name = etree.QName(root).localname
    if name != "tmx":
        raise ExchangeError(f"{where}: not a TMX file (the root element is <{name}>)")
    header = root.find("header")
    default = header.get("srclang", "") if header is not None else ""
    units: list[Unit] = []
    skipped: set[str] = set()
    body = root.find("body")
    for tu in body.iter("tu") if body is not None else ():
        texts: dict[str, str] = {}
        for tuv in tu.iter("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang") or ""
            seg = tuv.find("seg")
            mapped = _language(lang, known)
            if mapped is None:
                skipped.add(lang or "(no language)")
            elif seg is not None:
                texts[mapped] = text_of(seg)
        wanted = tu.get("srclang") or default
        src = _language(wanted, known) if wanted and wanted != "*all*" else None
        src = src if src in texts else next(iter(texts), None)
        if src is None or not texts[src].strip():
            continue
        for dst, translation in texts.items():
            if dst != src and translation.strip():
                units.append(Unit(src, dst, texts[src], translation))
    return units, sorted(skipped)


@dataclass(frozen=True)
class StoredMemory:
    """An imported memory as the translation memory indexes it."""

    reviewed: bool
    origin: str
    units: list[Unit]


def read_stored(path: Path, known: dict[str, Language]) -> StoredMemory:
    """A ``memory/*.tmx`` file: its units, and whether they count as reviewed."""
    data = path.read_bytes()
    root = parse_xml(data, path.name)
    props = {p.get("type"): (p.text or "") for p in root.iterfind("header/prop")}
    units, _skipped = read_tmx(data, path.name, known)
    return StoredMemory(props.get(STATUS) == "reviewed", props.get(ORIGIN) or path.name, units)
