"""TMX and XLIFF out and back in, checked with Translate Toolkit's own readers."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from flask import Flask
from lxml import etree
from translate.storage.tmx import tmxfile
from translate.storage.xliff import xlifffile
from translate.storage.xliff2 import Xliff2File

from workflow.catalog import provenance, read_catalog
from workflow.cli import cli
from workflow.extract import extract
from workflow.languages import parse_language
from workflow.memory import TranslationMemory
from workflow.project import Project
from workflow.review import segment_id
from workflow.segment import placeholders_match
from workflow.translate import Translation

from .conftest import PASSWORDS, msgfmt_check

SLUG = "harbour-rebuilt"
ES = parse_language("es")


def run(root: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--project", str(root), *args])
    assert result.exit_code == 0, result.output
    return result.output


def memory(root: Path, source: str = "en", target: str = "es") -> TranslationMemory:
    found = TranslationMemory(root)
    found.refresh()
    return found


@pytest.fixture
def reviewed(project: Project, fill: Callable[..., None]) -> Project:
    """harbour-rebuilt reviewed in Spanish: "[es] " + the source, placeholders kept."""
    extract(project, [SLUG])
    fill(project.catalog_path(SLUG, ES), lambda msgid: f"[es] {msgid}")
    return project


def fresh(tmp_path: Path, name: str) -> Path:
    run(tmp_path, "init", str(tmp_path / name), "--source", "en", "--targets", "en,es,ca")
    return tmp_path / name


def test_tmx_export_and_import_into_a_fresh_project_gives_the_same_memory(
    reviewed: Project, tmp_path: Path
) -> None:
    exported = tmp_path / "harbour-en-es.tmx"
    assert "unit(s) written" in run(
        reviewed.root, "tmx", "export", "--from", "en", "--to", "es", "-o", str(exported)
    )
    before = memory(reviewed.root).exact("en", "es")
    assert len(before) > 30 and any("<g1>" in text for text in before)

    store = tmxfile(exported.read_bytes())  # Translate Toolkit reads what we wrote …
    read = {unit.source: unit.target for unit in store.units}
    assert read == before  # … and inline codes carry the placeholders through

    other = fresh(tmp_path, "newsroom-b")
    run(other, "tmx", "import", str(exported), "--reviewed")
    assert (other / "memory" / "harbour-en-es.tmx").exists()
    assert memory(other).exact("en", "es") == before

    again = tmp_path / "again.tmx"
    run(other, "tmx", "export", "--from", "en", "--to", "es", "-o", str(again))
    assert {u.source: u.target for u in tmxfile(again.read_bytes()).units} == before


def test_imported_units_are_suggestions_with_their_origin(
    reviewed: Project, tmp_path: Path
) -> None:
    exported = tmp_path / "agency.tmx"
    run(reviewed.root, "tmx", "export", "--from", "en", "--to", "es", "-o", str(exported))
    other = fresh(tmp_path, "newsroom-c")
    output = run(other, "tmx", "import", str(exported))
    assert "as suggestions (en→es:" in output
    found = memory(other)
    assert found.exact("en", "es") == {}  # not reviewed text: translate does not use them
    text = next(iter(memory(reviewed.root).exact("en", "es")))
    suggestion = found.suggest(text, "en", "es")[0]
    assert suggestion.score == 100 and suggestion.origin == "agency.tmx"


def test_another_tools_tmx_with_its_own_codes_and_regions(project: Project, tmp_path: Path) -> None:
    other = tmp_path / "trados.tmx"
    other.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="SDL" srclang="en-US" datatype="xml" segtype="sentence"
 adminlang="en-US" o-tmf="sdl" creationtoolversion="1"/>
<body>
<tu><tuv xml:lang="en-US"><seg>Read <bpt i="1">&lt;a&gt;</bpt>the report<ept i="1">&lt;/a&gt;</ept>.
<ph x="2">&lt;br/&gt;</ph></seg></tuv>
<tuv xml:lang="es-ES"><seg>Lea <bpt i="1">&lt;a&gt;</bpt>el informe<ept i="1">&lt;/a&gt;</ept>.
<ph x="2">&lt;br/&gt;</ph></seg></tuv>
<tuv xml:lang="fr-FR"><seg>Lisez le rapport.</seg></tuv></tu>
</body></tmx>""",
        encoding="utf-8",
    )
    output = run(project.root, "tmx", "import", str(other), "--reviewed")
    assert "1 unit(s)" in output and "skipped: language 'fr-FR'" in output
    table = memory(project.root).exact("en", "es")
    assert table == {"Read <g1>the report</g1>.\n<x2/>": "Lea <g1>el informe</g1>.\n<x2/>"}


@pytest.mark.parametrize("content", ["not xml at all", "<html><body/></html>"])
def test_a_broken_tmx_is_one_error(project: Project, tmp_path: Path, content: str) -> None:
    bad = tmp_path / "bad.tmx"
    bad.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["--project", str(project.root), "tmx", "import", str(bad)])
    assert result.exit_code == 1 and result.output.startswith("Error: bad.tmx: ")
    assert len(result.output.strip().splitlines()) == 1
    assert not (project.root / "memory").exists()


# --------------------------------------------------------------------------- XLIFF


@pytest.fixture
def drafted(project: Project) -> Project:
    """harbour-rebuilt machine-translated into Spanish (pseudo engine): fuzzy drafts."""
    extract(project, [SLUG])
    translation = Translation(project, [SLUG], ["es"], engine="pseudo")
    translation.plan()
    translation.run()
    return project


def cat_tool_edit(path: Path, sids: list[str]) -> None:
    """What a CAT tool does: new target text around the same inline codes, marked translated."""
    tree = etree.parse(str(path))
    for unit in tree.iter("{*}trans-unit", "{*}unit"):
        if unit.get("id") not in sids:
            continue
        target = next(unit.iter("{*}target"))
        target.text = "EDITADO " + (target.text or "")
        if etree.QName(unit).localname == "trans-unit":
            target.set("state", "translated")
        else:
            next(unit.iter("{*}segment")).set("state", "translated")
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def entries(project: Project) -> dict[str, polib.POEntry]:
    po = read_catalog(project.catalog_path(SLUG, ES))
    return {segment_id(e.msgctxt, e.msgid): e for e in po if not e.obsolete}


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_xliff_round_trip_updates_exactly_the_edited_segments(
    drafted: Project, tmp_path: Path, version: str
) -> None:
    path = tmp_path / f"harbour.{version}.xlf"
    run(
        drafted.root, "xliff", "export", SLUG, "--lang", "es", "--version", version, "-o", str(path)
    )
    before = entries(drafted)

    store = (xlifffile if version == "1.2" else Xliff2File).parsefile(str(path))
    units = [u for u in store.units if u.source]
    ids = [u.getid().split("\x04")[-1] for u in units]  # 1.2: "file\x04id"
    assert ids == list(before)  # Translate Toolkit reads every unit
    assert all(u.isfuzzy() for u in units)  # machine drafts need review

    with_codes = [sid for sid, e in before.items() if "<g1>" in e.msgid][:2]
    plain = [sid for sid, e in before.items() if "<" not in e.msgid][:1]
    edited = with_codes + plain
    assert len(edited) == 3
    cat_tool_edit(path, edited)
    output = run(drafted.root, "xliff", "import", str(path))
    assert "3 segment(s) updated" in output and "0 left alone" in output

    after = entries(drafted)
    for sid, entry in after.items():
        if sid not in edited:
            assert (entry.msgstr, entry.flags) == (before[sid].msgstr, before[sid].flags)
            continue
        assert entry.msgstr == "EDITADO " + before[sid].msgstr
        assert placeholders_match(entry.msgid, entry.msgstr)  # inline codes came back
        assert "fuzzy" in entry.flags  # a suggestion, for review in the app
        assert any(n.startswith(f"imported {path.name}") for n in provenance(entry))
    msgfmt_check(drafted.catalog_path(SLUG, ES))


def test_xliff_import_checks_conflicts_and_placeholders(drafted: Project, tmp_path: Path) -> None:
    path = tmp_path / "harbour.xlf"
    run(drafted.root, "xliff", "export", SLUG, "--lang", "es", "-o", str(path))
    before = entries(drafted)
    with_codes = [sid for sid, e in before.items() if "<g1>" in e.msgid]
    changed_here, broken, good = with_codes[0], with_codes[1], with_codes[2]

    po_path = drafted.catalog_path(SLUG, ES)  # someone saves in the app meanwhile
    po = polib.pofile(str(po_path))
    for entry in po:
        if segment_id(entry.msgctxt, entry.msgid) == changed_here:
            entry.msgstr = entry.msgstr + " (app)"
    po.save()

    cat_tool_edit(path, [changed_here, broken, good])
    tree = etree.parse(str(path))
    for unit in tree.iter("{*}trans-unit"):
        if unit.get("id") == broken:  # the CAT tool lost an inline code
            target = next(unit.iter("{*}target"))
            for code in list(target.iter("{*}g")):
                code.getparent().remove(code)
    tree.write(str(path))

    output = run(drafted.root, "xliff", "import", str(path), "--reviewed", "--by", "ana")
    assert "1 segment(s) updated (reviewed)" in output and "2 left alone" in output
    assert "changed here since the export" in output
    assert "placeholders do not match" in output
    after = entries(drafted)
    assert after[changed_here].msgstr.endswith(" (app)")
    assert after[broken].msgstr == before[broken].msgstr
    assert after[good].msgstr == "EDITADO " + before[good].msgstr
    assert "fuzzy" not in after[good].flags
    assert "reviewed ana" in " ".join(provenance(after[good]))


@pytest.mark.parametrize(
    "command", ["tmx", "tmx export", "tmx import", "xliff", "xliff export", "xliff import"]
)
def test_help_has_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [*command.split(), "--help"])
    assert result.exit_code == 0 and "Example" in result.output
    assert f"workflow {command.split()[0]}" in result.output


def test_the_review_page_offers_imported_suggestions_with_their_origin(
    app: Flask, project: Project, tmp_path: Path
) -> None:
    agency = tmp_path / "agency.tmx"
    agency.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="x" srclang="en" datatype="plaintext" segtype="sentence"
 adminlang="en" o-tmf="x" creationtoolversion="1"/><body>
<tu><tuv xml:lang="en"><seg>How the harbor was rebuilt</seg></tuv>
<tuv xml:lang="es-ES"><seg>Cómo se reconstruyó el puerto</seg></tuv></tu></body></tmx>""",
        encoding="utf-8",
    )
    run(project.root, "tmx", "import", str(agency))
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    client.post("/login", data={"name": "ana", "password": PASSWORDS["ana"], "csrf_token": csrf[1]})
    page = client.get(f"/review/{SLUG}/es").get_data(as_text=True)
    assert "Cómo se reconstruyó el puerto" in page and "(agency.tmx)" in page
