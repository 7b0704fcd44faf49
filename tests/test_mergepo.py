"""The merge driver: catalogues entry by entry, releases by date, the log by time."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from workflow.catalog import provenance
from workflow.cli import cli
from workflow.mergepo import conflicts, merge_catalogs, merge_log, merge_po_text, newer_release
from workflow.potext import catalog_text

from .conftest import msgfmt_check

HEADER = {
    "Project-Id-Version": "test",
    "POT-Creation-Date": "2026-01-01 10:00+0000",
    "PO-Revision-Date": "2026-01-01 10:00+0000",
    "Last-Translator": "workflow <workflow@localhost>",
    "Language": "es",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n != 1);",
}


def catalog(*entries: polib.POEntry, **header: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=0)
    po.metadata = {**HEADER, **header}
    for entry in entries:
        po.append(entry)
    return po


def machine(msgid: str, msgstr: str, ctx: str | None = None) -> polib.POEntry:
    return polib.POEntry(
        msgctxt=ctx,
        msgid=msgid,
        msgstr=msgstr,
        flags=["fuzzy"],
        tcomment="workflow: machine apertium 2026-01-01",
        occurrences=[("articles/a.md", "3")],
    )


def reviewed(msgid: str, msgstr: str, who: str = "ana", day: str = "2026-01-02") -> polib.POEntry:
    return polib.POEntry(
        msgid=msgid,
        msgstr=msgstr,
        tcomment=f"workflow: machine apertium 2026-01-01\nworkflow: reviewed {who} {day}",
        occurrences=[("articles/a.md", "3")],
    )


def merged_entry(base: polib.POFile, ours: polib.POFile, theirs: polib.POFile) -> polib.POEntry:
    po, _report = merge_catalogs(base, ours, theirs)
    return po[0]


def test_one_side_changed_takes_that_side() -> None:
    base = catalog(machine("Hello.", "Hola (máquina)."))
    changed = catalog(reviewed("Hello.", "Hola."))
    for ours, theirs in ((changed, base), (base, changed)):
        entry = merged_entry(base, ours, theirs)
        assert entry.msgstr == "Hola." and "fuzzy" not in entry.flags


def test_a_review_beats_a_machine_draft() -> None:
    base = catalog(polib.POEntry(msgid="Hello.", msgstr=""))
    draft = catalog(machine("Hello.", "Hola máquina."))
    review = catalog(reviewed("Hello.", "Hola."))
    for ours, theirs in ((draft, review), (review, draft)):
        entry = merged_entry(base, ours, theirs)
        assert entry.msgstr == "Hola." and "fuzzy" not in entry.flags
        assert not conflicts(catalog(entry))


def test_two_different_reviews_keep_one_and_mark_the_other() -> None:
    base = catalog(machine("Hello.", "Hola máquina."))
    early = catalog(reviewed("Hello.", "Hola.", "ana", "2026-01-02"))
    late = catalog(reviewed("Hello.", "¡Hola!", "bo", "2026-01-03"))
    for ours, theirs in ((early, late), (late, early)):
        po, report = merge_catalogs(base, ours, theirs)
        entry = po[0]
        assert report.conflicts == 1
        assert entry.msgstr == "¡Hola!"  # the later review is kept …
        assert "fuzzy" in entry.flags  # … for a person to decide
        assert 'conflict reviewed ana 2026-01-02: "Hola."' in provenance(entry)
        assert conflicts(po) == [entry]


def test_the_same_review_on_both_sides_is_no_conflict() -> None:
    base = catalog(machine("Hello.", "Hola máquina."))
    po, report = merge_catalogs(
        base,
        catalog(reviewed("Hello.", "Hola.", "ana")),
        catalog(reviewed("Hello.", "Hola.", "bo")),
    )
    assert report.conflicts == 0 and po[0].msgstr == "Hola." and "fuzzy" not in po[0].flags


def test_extract_on_one_side_and_review_on_the_other_both_survive() -> None:
    base = catalog(machine("Hello.", "Hola máquina."))
    moved = catalog(machine("Hello.", "Hola máquina."))
    moved[0].occurrences = [("articles/a.md", "9")]
    moved.append(
        polib.POEntry(msgid="New sentence.", msgstr="", occurrences=[("articles/a.md", "3")])
    )
    review = catalog(reviewed("Hello.", "Hola."))
    po, _ = merge_catalogs(base, review, moved)
    hello = po.find("Hello.")
    assert hello.msgstr == "Hola." and hello.occurrences == [("articles/a.md", "9")]
    assert po.find("New sentence.") is not None


def test_added_removed_and_never_lost() -> None:
    base = catalog(machine("Kept.", "K."), machine("Dropped.", "D."), machine("Edited.", "E."))
    ours = catalog(machine("Kept.", "K."), reviewed("Edited.", "Editado."), machine("Ours.", "O."))
    theirs = catalog(machine("Kept.", "K."), machine("Theirs.", "T."))  # dropped two
    po, _ = merge_catalogs(base, ours, theirs)
    assert [e.msgid for e in po] == ["Kept.", "Theirs.", "Edited.", "Ours."]
    assert po.find("Edited.").msgstr == "Editado."  # changed here, removed there: kept


def test_header_fields_merge_by_field() -> None:
    base = catalog(**{"X-Workflow-Changes-Requested": "marta: redo"})
    ours = catalog(**{"PO-Revision-Date": "2026-02-01 10:00+0000", "Last-Translator": "Ana"})
    ours.metadata["X-Workflow-Changes-Requested"] = "marta: redo"
    theirs = catalog(**{"PO-Revision-Date": "2026-03-01 10:00+0000", "X-Generator": "Poedit 3.4"})
    # (theirs has no changes-requested note: an approval there cleared it)
    po, _ = merge_catalogs(base, ours, theirs)
    assert po.metadata["PO-Revision-Date"] == "2026-03-01 10:00+0000"
    assert po.metadata["Last-Translator"] == "Ana"
    assert po.metadata["X-Generator"] == "Poedit 3.4"
    assert "X-Workflow-Changes-Requested" not in po.metadata


def test_poedit_rewrap_is_no_change_and_the_result_passes_msgfmt(tmp_path: Path) -> None:
    long = "A sentence long enough that Poedit wraps it over several lines of its own, " * 3
    base = catalog(machine(long, long.upper()), machine("Short.", "Corto."))
    wrapped = catalog(machine(long, long.upper()), reviewed("Short.", "Breve."))
    wrapped.wrapwidth = 40
    review = catalog(reviewed(long, "Revisada."), machine("Short.", "Corto."))
    text, marked = merge_po_text(catalog_text(base), catalog_text(review), str(wrapped))
    assert marked == 0 and "<<<<<<<" not in text
    path = tmp_path / "merged.po"
    path.write_text(text, encoding="utf-8")
    msgfmt_check(path)
    po = polib.pofile(str(path))
    assert po.find(long).msgstr == "Revisada." and po.find("Short.").msgstr == "Breve."


def test_newer_release_wins() -> None:
    def release(at: str) -> bytes:
        po = catalog(reviewed("Hello.", f"Hola {at}"), **{"X-Approved-At": at})
        return bytes(po.to_binary())

    older, newer = release("2026-01-01T10:00:00+00:00"), release("2026-01-02T09:00:00+00:00")
    assert newer_release(older, newer) == newer
    assert newer_release(newer, older) == newer


def test_log_keeps_every_line_in_time_order() -> None:
    def line(time: str, who: str) -> str:
        return json.dumps({"event": "review", "time": time, "who": who})

    base = line("1", "x") + "\n"
    ours = base + line("3", "ana") + "\n"
    theirs = base + line("2", "bo") + "\n" + line("4", "bo") + "\n"
    merged = merge_log(base, ours, theirs).splitlines()
    assert [json.loads(x)["time"] for x in merged] == ["1", "2", "3", "4"]


def test_driver_merges_in_place_and_refuses_broken_input(tmp_path: Path) -> None:
    base, ours, theirs = (tmp_path / n for n in ("base.po", "ours.po", "theirs.po"))
    base.write_text(catalog_text(catalog(machine("Hello.", "Hola máquina."))), encoding="utf-8")
    ours.write_text(catalog_text(catalog(reviewed("Hello.", "Hola."))), encoding="utf-8")
    theirs.write_text(base.read_text(encoding="utf-8"), encoding="utf-8")
    args = ["merge-po", str(base), str(ours), str(theirs), "locales/es/LC_MESSAGES/a.po"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert polib.pofile(str(ours)).find("Hello.").msgstr == "Hola."

    before = ours.read_bytes()
    theirs.write_text('msgid "broken\n', encoding="utf-8")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert result.output.startswith("Error: locales/es/LC_MESSAGES/a.po (theirs): broken PO file")
    assert ours.read_bytes() == before  # untouched: git reports the conflict, no markers


@pytest.mark.parametrize("command", ["sync", "merge-po"])
def test_help_has_an_example(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Example" in result.output
    assert f"workflow {command}" in result.output
