"""Catalogue behaviour pinned down: the merge (fuzzy, previous msgid, obsolete),
statistics, dates, the serialiser's cache, headers, provenance notes and the cache
of parsed catalogues.  Each test fails on a fault a mutation run found unnoticed
(``scripts/mutation catalog``)."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import polib
import pytest

from workflow.catalog import (
    FUZZY_CUTOFF,
    CatalogCache,
    entry_state,
    merge,
    needs_machine,
    new_catalog,
    provenance,
    read_catalog,
    read_header,
    set_provenance,
    stats,
    strip_machine_notes,
    write_catalog,
)
from workflow.errors import CatalogError
from workflow.languages import parse_language
from workflow.potext import catalog_text, lint_po
from workflow.segment import Segment

SOURCE = "articles/vote.md"
DATE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d\+0000$")


def seg(msgid: str, line: int = 1, context: str | None = None) -> Segment:
    return Segment(msgid=msgid, raw=msgid, line=line, block="paragraph", context=context)


def catalogue(*entries: polib.POEntry) -> polib.POFile:
    po = new_catalog(parse_language("es"), "Vote", SOURCE)
    for entry in entries:
        po.append(entry)
    return po


def reviewed(msgid: str, msgstr: str, **fields: object) -> polib.POEntry:
    return polib.POEntry(msgid=msgid, msgstr=msgstr, **fields)


def by_msgid(po: polib.POFile) -> dict[str, polib.POEntry]:
    return {("~" if e.obsolete else "") + e.msgid: e for e in po}


# --- merge -------------------------------------------------------------------


def test_an_unrelated_new_sentence_is_not_offered_a_removed_ones_translation() -> None:
    old = catalogue(reviewed("The council met on Monday.", "El consejo se reunió el lunes."))
    merged = by_msgid(merge(old, [seg("Parking will be free in August.")], SOURCE))
    new = merged["Parking will be free in August."]
    assert new.msgstr == "" and new.flags == [] and new.previous_msgid is None
    gone = merged["~The council met on Monday."]
    assert gone.msgstr == "El consejo se reunió el lunes." and gone.obsolete


@pytest.mark.parametrize(("new", "matched"), [("abcfg", True), ("abfgh", False)])
def test_fuzzy_cutoff_is_sixty_percent_inclusive(new: str, matched: bool) -> None:
    # fuzz.ratio("abcde", "abcfg") is exactly 60, "abfgh" is 40.
    assert FUZZY_CUTOFF == 60.0
    merged = by_msgid(merge(catalogue(reviewed("abcde", "ABCDE")), [seg(new)], SOURCE))
    assert (merged[new].msgstr == "ABCDE") is matched
    assert ("~abcde" in merged) is not matched


def test_changed_sentence_is_fuzzy_with_previous_msgid_and_own_comment_kept() -> None:
    old = reviewed(
        "The vote was close.",
        "La votación fue ajustada.",
        tcomment="checked with the desk\nworkflow: machine apertium 2024-01-01\n"
        "workflow: reviewed ana 2024-01-02",
        flags=[],
    )
    merged = merge(catalogue(old), [seg("The vote was very close.", line=7)], SOURCE)
    assert len(merged) == 1  # the old entry is used, not also kept as obsolete
    entry = merged[0]
    assert entry.msgstr == "La votación fue ajustada."
    assert entry.flags == ["fuzzy"]
    assert entry.previous_msgid == "The vote was close."
    assert entry.previous_msgctxt is None
    # the machine note goes (the text changed), the person's own notes stay
    assert entry.tcomment == "checked with the desk\nworkflow: reviewed ana 2024-01-02"
    assert entry.occurrences == [(SOURCE, "7")]
    assert entry.comment == "paragraph"


def test_previous_msgid_and_context_survive_a_second_extract() -> None:
    old = reviewed("Old title", "Título viejo", msgctxt="title")
    first = merge(catalogue(old), [seg("New title", context="title")], SOURCE)
    assert first[0].previous_msgid == "Old title" and first[0].previous_msgctxt == "title"
    second = merge(first, [seg("New title", context="title"), seg("More.", line=3)], SOURCE)
    again = second[0]
    assert (again.msgctxt, again.msgid, again.msgstr) == ("title", "New title", "Título viejo")
    assert again.flags == ["fuzzy"]
    assert again.previous_msgid == "Old title" and again.previous_msgctxt == "title"


def test_reviewed_entry_drops_no_previous_msgid_it_never_had() -> None:
    old = reviewed("Same.", "Igual.", previous_msgid="Stale.", flags=[])
    entry = merge(catalogue(old), [seg("Same.")], SOURCE)[0]
    assert entry.msgstr == "Igual." and entry.flags == []
    assert entry.previous_msgid is None  # only a fuzzy entry carries its old source


def test_one_unmatched_sentence_does_not_stop_fuzzy_matching_for_later_ones() -> None:
    old = catalogue(
        reviewed("The mayor spoke first.", "La alcaldesa habló primero."),
        reviewed("Summary", "Resumen", msgctxt="summary"),
    )
    segments = [
        seg("Completely unrelated words here!", line=1),  # no candidate above the cutoff
        seg("A new kind", line=1, context="kind"),  # no candidate with its context at all
        seg("The mayor spoke last.", line=2),
        seg("Summary!", line=3, context="summary"),
    ]
    merged = by_msgid(merge(old, segments, SOURCE))
    assert merged["Completely unrelated words here!"].msgstr == ""
    assert merged["A new kind"].msgstr == ""
    assert merged["The mayor spoke last."].msgstr == "La alcaldesa habló primero."
    assert merged["The mayor spoke last."].flags == ["fuzzy"]
    assert merged["Summary!"].msgstr == "Resumen"
    assert merged["Summary!"].previous_msgctxt == "summary"


def test_fuzzy_candidates_share_the_context_and_have_a_translation() -> None:
    old = catalogue(
        reviewed("The harbour was rebuilt", "El puerto fue reconstruido", msgctxt="title"),
        reviewed("The harbour was rebuilt.", ""),  # untranslated: nothing to offer
    )
    merged = by_msgid(merge(old, [seg("The harbour was rebuilt!")], SOURCE))
    new = merged["The harbour was rebuilt!"]
    assert (new.msgstr, new.flags, new.previous_msgid) == ("", [], None)
    # the title kept its translation as obsolete; the empty entry is simply dropped
    assert merged["~The harbour was rebuilt"].msgstr == "El puerto fue reconstruido"
    assert merged["~The harbour was rebuilt"].msgctxt == "title"
    assert "~The harbour was rebuilt." not in merged


def test_an_entry_still_in_use_is_not_offered_to_a_similar_new_sentence() -> None:
    old = catalogue(reviewed("The vote was close.", "La votación fue ajustada."))
    segments = [seg("The vote was close."), seg("The vote was close!", line=2)]
    merged = by_msgid(merge(old, segments, SOURCE))
    assert merged["The vote was close."].msgstr == "La votación fue ajustada."
    new = merged["The vote was close!"]
    assert (new.msgstr, new.flags, new.previous_msgid) == ("", [], None)
    assert len(merged) == 2


def test_similarity_is_over_whole_sentences_not_a_part_of_one() -> None:
    # "The vote" is all inside the new sentence (a partial match of 90), but the
    # sentences as wholes are only 24 % alike: no fuzzy suggestion.
    old = catalogue(reviewed("The vote", "La votación"))
    long = "The vote was postponed until next week because of the storm"
    merged = by_msgid(merge(old, [seg(long)], SOURCE))
    assert merged[long].msgstr == "" and merged["~The vote"].msgstr == "La votación"


def test_obsolete_entries_are_not_fuzzy_candidates_but_come_back_exactly() -> None:
    dead = reviewed(
        "Nobody else spoke.",
        "Nadie más habló.",
        obsolete=True,
        flags=["fuzzy"],
        previous_msgid="Nobody spoke.",
        tcomment="keep",
    )
    merged = by_msgid(merge(catalogue(dead), [seg("Nobody else spoke!")], SOURCE))
    assert merged["Nobody else spoke!"].msgstr == ""
    assert merged["~Nobody else spoke."].msgstr == "Nadie más habló."
    back = merge(catalogue(dead), [seg("Nobody else spoke.", line=4)], SOURCE)[0]
    assert not back.obsolete
    assert (back.msgstr, back.flags, back.tcomment) == ("Nadie más habló.", ["fuzzy"], "keep")
    assert back.previous_msgid == "Nobody spoke."
    assert back.occurrences == [(SOURCE, "4")]


def test_removed_entries_keep_flags_and_comments_live_first_then_obsolete() -> None:
    old = catalogue(
        reviewed("B gone.", "B ido.", flags=["fuzzy"], tcomment="note b"),
        reviewed("A was dead.", "A muerto.", obsolete=True, tcomment="note a"),
        reviewed("C gone.", "C ido."),
    )
    merged = merge(old, [seg("Something else entirely, really.")], SOURCE)
    gone = [e for e in merged if e.obsolete]
    assert [e.msgid for e in gone] == ["B gone.", "C gone.", "A was dead."]
    assert gone[0].flags == ["fuzzy"] and gone[0].tcomment == "note b"
    assert gone[2].tcomment == "note a"
    assert all(e.msgstr for e in gone)


def test_merge_keeps_the_header_and_leaves_the_old_catalogue_alone() -> None:
    old = catalogue(reviewed("Hello.", "Hola.", flags=["fuzzy"]))
    old.metadata["X-Custom"] = "kept"
    before = str(old)
    merged = merge(old, [seg("Hello."), seg("Hello.", line=3), seg("Hello.", line=3)], SOURCE)
    assert merged.header == old.header and merged.metadata == old.metadata
    assert merged.metadata is not old.metadata
    merged.metadata["X-Custom"] = "changed"
    merged[0].flags.remove("fuzzy")
    assert str(old) == before
    assert merged[0].occurrences == [(SOURCE, "1"), (SOURCE, "3")]


def test_comment_names_the_block_and_each_placeholder_once() -> None:
    segment = Segment(
        msgid="See <g1>the plan</g1> and <x2/>.",
        raw="See [the plan](https://example.org) and `code`.",
        line=5,
        block="list item",
        placeholders=(
            ("<g1>", "[", "link to https://example.org"),
            ("</g1>", "](https://example.org)", ""),
            ("<x2/>", "`code`", "code: code"),
        ),
    )
    entry = merge(catalogue(), [segment], SOURCE)[0]
    assert entry.comment == (
        "list item\n<g1>…</g1> = link to https://example.org\n<x2/> = code: code"
    )


# --- states and statistics ----------------------------------------------------


def test_stats_with_several_entries_in_every_state() -> None:
    po = catalogue(
        reviewed("a", "A"),
        reviewed("b", "B"),
        reviewed("c", "C"),
        reviewed("d", "D", flags=["fuzzy"]),
        reviewed("e", "E", flags=["fuzzy"]),
        reviewed("f", ""),
        reviewed("g", "", flags=["fuzzy"]),  # fuzzy without text is still untranslated
        reviewed("h", "H", obsolete=True),
    )
    po.insert(0, reviewed("z", "Z", obsolete=True))  # wherever an obsolete entry sits
    counts = stats(po)
    assert (counts.total, counts.translated, counts.fuzzy, counts.untranslated) == (7, 3, 2, 2)
    assert counts.done == pytest.approx(3 / 7)
    assert stats(catalogue()).done == 1.0  # nothing to do is done
    assert [entry_state(e) for e in po][6:8] == ["untranslated", "untranslated"]


def test_needs_machine_only_for_empty_or_changed_and_unfilled_entries() -> None:
    assert needs_machine(reviewed("a", ""))
    assert not needs_machine(reviewed("a", "", obsolete=True))
    assert not needs_machine(reviewed("a", "A"))  # reviewed
    assert not needs_machine(reviewed("a", "A", flags=["fuzzy"]))  # fuzzy by a person's choice
    changed = reviewed("a", "A", flags=["fuzzy"], previous_msgid="old a")
    assert needs_machine(changed)
    for note in ("machine apertium 2024-01-01", "memory 2024-01-01", "imported agency.tmx"):
        filled = reviewed("a", "A", flags=["fuzzy"], previous_msgid="old a")
        set_provenance(filled, note)
        assert not needs_machine(filled)
    other = reviewed("a", "A", flags=["fuzzy"], previous_msgid="old a")
    set_provenance(other, "reviewed ana 2024-01-01")
    assert needs_machine(other)


def test_provenance_notes_are_replaced_and_the_translators_own_kept() -> None:
    entry = reviewed("a", "A", tcomment="mine\nworkflow: machine x 2024\nalso mine")
    assert provenance(entry) == ["machine x 2024"]
    set_provenance(entry, "reviewed ana 2024", "silence numbers: ok (ana 2024)")
    assert entry.tcomment == (
        "mine\nalso mine\nworkflow: reviewed ana 2024\nworkflow: silence numbers: ok (ana 2024)"
    )
    assert provenance(entry) == ["reviewed ana 2024", "silence numbers: ok (ana 2024)"]
    assert provenance(reviewed("b", "B")) == []
    set_provenance(entry)
    assert entry.tcomment == "mine\nalso mine"
    fresh = reviewed("c", "C")
    set_provenance(fresh, "machine apertium 2024")
    assert fresh.tcomment == "workflow: machine apertium 2024"


def test_strip_machine_notes_keeps_review_and_silence_notes() -> None:
    comment = "\n".join(
        [
            "own note",
            "workflow: machine apertium 2024",
            "workflow: memory 2024",
            "workflow: attention engine said x",
            "workflow: previous translation: old",
            "workflow: reviewed ana 2024",
            "workflow: silence numbers: fine (ana 2024)",
            "machine apertium without the prefix",
        ]
    )
    assert strip_machine_notes(comment) == (
        "own note\nworkflow: reviewed ana 2024\nworkflow: silence numbers: fine (ana 2024)\n"
        "machine apertium without the prefix"
    )
    assert strip_machine_notes("") == ""


# --- new catalogues, dates and writing ----------------------------------------


def _near_now(value: str) -> bool:
    assert DATE.match(value), value
    stamp = dt.datetime.strptime(value, "%Y-%m-%d %H:%M%z")
    return abs(dt.datetime.now(dt.UTC) - stamp) < dt.timedelta(minutes=5)


def test_new_catalogue_header_fields_and_creation_date() -> None:
    po = new_catalog(parse_language("pt-BR"), "Harbour", "articles/harbour.md")
    meta = po.metadata
    assert _near_now(meta["POT-Creation-Date"])
    assert meta["PO-Revision-Date"] == meta["POT-Creation-Date"]
    assert meta["Project-Id-Version"] == "Harbour"
    assert meta["Report-Msgid-Bugs-To"] == ""
    assert meta["Last-Translator"] == "workflow <workflow@localhost>"
    assert meta["Language-Team"] == parse_language("pt-BR").autonym
    assert meta["Language"] == "pt_BR"
    assert meta["MIME-Version"] == "1.0"
    assert meta["Content-Transfer-Encoding"] == "8bit"
    assert meta["Plural-Forms"] == parse_language("pt-BR").plural_forms
    assert meta["X-Generator"].startswith("workflow ")
    assert meta["X-Workflow-Source"] == "articles/harbour.md"
    assert po.header == (
        "Portuguese (Brazil) translation of articles/harbour.md.\n"
        "Made by `workflow extract`: edit msgstr freely (here, in Poedit or in the\n"
        "review app); msgid changes come from the article and are merged on extract."
    )
    assert po.wrapwidth == 0


def test_dates_are_utc_whatever_the_machines_time_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: never the same hour as UTC
    time.tzset()
    try:
        assert _near_now(new_catalog(parse_language("es"), "p", "s").metadata["PO-Revision-Date"])
    finally:
        monkeypatch.undo()
        time.tzset()


def test_write_stamps_the_chosen_date_field_only_when_content_changed(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    po = catalogue(reviewed("Hello", ""))
    po.metadata["POT-Creation-Date"] = po.metadata["PO-Revision-Date"] = "2001-01-01 00:00+0000"
    assert write_catalog(po, path)  # a new file keeps the dates it was given
    assert read_catalog(path).metadata["PO-Revision-Date"] == "2001-01-01 00:00+0000"
    po[0].msgstr = "Hola"
    assert write_catalog(po, path, date_field="PO-Revision-Date")
    written = read_catalog(path).metadata
    assert _near_now(written["PO-Revision-Date"])
    assert written["POT-Creation-Date"] == "2001-01-01 00:00+0000"
    assert po.metadata["PO-Revision-Date"] == written["PO-Revision-Date"]
    assert not write_catalog(po, path, date_field="PO-Revision-Date")


def test_write_stamps_a_file_without_the_date_field(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    po = catalogue(reviewed("Hello", ""))
    del po.metadata["PO-Revision-Date"]
    write_catalog(po, path)
    po[0].msgstr = "Hola"
    assert write_catalog(po, path, date_field="PO-Revision-Date")
    assert "PO-Revision-Date" not in read_catalog(path).metadata
    assert read_catalog(path)[0].msgstr == "Hola"


def test_only_the_headers_date_is_stamped(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    po = catalogue()
    po.metadata["POT-Creation-Date"] = "2001-01-01 00:00+0000"
    quoted = "POT-Creation-Date: 2001-01-01 00:00+0000\n"
    po.append(reviewed("Header lines look like this:\n" + quoted * 2, quoted * 2))
    write_catalog(po, path)
    po.append(reviewed("More", ""))
    assert write_catalog(po, path)
    again = read_catalog(path)
    assert again.metadata["POT-Creation-Date"] != "2001-01-01 00:00+0000"
    assert again[0].msgid.endswith(quoted * 2) and again[0].msgstr == quoted * 2


def test_write_replaces_an_unreadable_old_file(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_bytes(b"\xff\xfe not utf-8")
    po = catalogue(reviewed("Hello", "Hola"))
    assert write_catalog(po, path)
    assert read_catalog(path)[0].msgstr == "Hola"


@pytest.mark.usefixtures("fresh_cache")
def test_wrapwidth_zero_never_folds_long_lines(tmp_path: Path) -> None:
    long = " ".join(["word"] * 60)
    po = catalogue(reviewed(long, long.upper()))
    path = tmp_path / "x.po"
    write_catalog(po, path)
    assert f'msgid "{long}"' in path.read_text("utf-8")
    again = read_catalog(path)
    assert again.wrapwidth == 0
    again.append(reviewed("short", "corto"))
    write_catalog(again, path)
    assert f'msgstr "{long.upper()}"' in path.read_text("utf-8")


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[object, ...], str]:
    """An empty serialiser cache (it lives as long as the process)."""
    cache: dict[tuple[object, ...], str] = {}
    monkeypatch.setattr("workflow.potext._ENTRY_TEXT", cache)
    return cache


def test_serialiser_remembers_each_entrys_text_within_a_limit(
    fresh_cache: dict[tuple[object, ...], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    long = " ".join(["word"] * 40)
    po = catalogue(reviewed("a", "A"), reviewed(long, long), reviewed("c", "C"))
    assert catalog_text(po) == str(po)
    assert sorted(fresh_cache.values()) == sorted(e.__unicode__(0) for e in po)
    calls = []
    original = polib.POEntry.__unicode__

    def counted(entry: polib.POEntry, wrapwidth: int = 0) -> str:
        calls.append(entry.msgid)
        return original(entry, wrapwidth)

    monkeypatch.setattr(polib.POEntry, "__unicode__", counted)
    po[2].msgstr = "CC"
    assert catalog_text(po) == str(po)
    calls.clear()
    catalog_text(po)
    assert calls == [""]  # only the header entry, which is never cached
    monkeypatch.setattr("workflow.potext._ENTRY_TEXT_LIMIT", 2)
    fresh_cache.clear()
    catalog_text(po)
    assert len(fresh_cache) <= 2


@pytest.mark.usefixtures("fresh_cache")
@pytest.mark.parametrize(
    "field",
    [
        "msgid",
        "msgstr",
        "msgctxt",
        "comment",
        "tcomment",
        "occurrences",
        "flags",
        "previous_msgctxt",
        "previous_msgid",
        "obsolete",
    ],
)
def test_serialiser_cache_never_serves_text_of_an_older_version(field: str) -> None:
    entry = reviewed(
        "a",
        "A",
        msgctxt="c",
        comment="x",
        tcomment="t",
        occurrences=[("f.md", "1")],
        flags=["fuzzy"],
        previous_msgctxt="pc",
        previous_msgid="p",
    )
    po = catalogue(entry)
    assert catalog_text(po) == str(po)
    changed: dict[str, object] = {
        "occurrences": [("f.md", "2")],
        "flags": [],
        "obsolete": True,
    }
    setattr(entry, field, changed.get(field, "changed"))
    assert catalog_text(po) == str(po)


@pytest.mark.usefixtures("fresh_cache")
def test_plural_entry_text_follows_its_forms() -> None:
    entry = polib.POEntry(msgid="one boat", msgid_plural="%d boats", msgstr_plural={0: "a", 1: "b"})
    po = catalogue(entry)
    assert catalog_text(po) == str(po)
    entry.msgstr_plural = {0: "a", 1: "c"}
    assert catalog_text(po) == str(po)
    entry.msgid_plural = "%d ships"
    assert catalog_text(po) == str(po)
    entry.previous_msgid_plural = "%d old"
    entry.flags = ["fuzzy"]
    entry.previous_msgid = "old"
    assert catalog_text(po) == str(po)


def test_header_comment_lines_are_written_like_polib() -> None:
    po = catalogue(reviewed("a", "A"))
    po.header = "First line\n\n, a flag-like line\n: a reference-like line\nlast"
    text = catalog_text(po)
    assert text == str(po) + ("" if str(po).endswith("\n") else "\n")
    assert text.startswith(
        "# First line\n#\n#, a flag-like line\n#: a reference-like line\n# last\n"
    )
    assert text.endswith("\n")


# --- reading --------------------------------------------------------------------


def test_read_errors_name_the_file_and_the_line(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"^shown\.po: no such catalogue$"):
        read_catalog(tmp_path / "missing.po", "shown.po")
    path = tmp_path / "bad.po"
    path.write_bytes(b'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "\xe9"\n')
    with pytest.raises(
        CatalogError, match=rf"^{re.escape(str(path))}: line 5: not UTF-8 \(byte 38\)$"
    ):
        read_catalog(path)
    path.write_text('msgid "a"\nmsgstr "b\n', "utf-8")
    with pytest.raises(CatalogError, match=r"^x\.po: broken PO file \(line 2: not a valid PO line"):
        read_catalog(path, "x.po")


def test_read_keeps_long_lines_unwrapped(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    write_catalog(catalogue(reviewed("a", "A")), path)
    assert read_catalog(path).wrapwidth == 0


def test_lint_finds_each_kind_of_broken_line() -> None:
    assert lint_po('#~ msgid "a"\n#~ msgstr "b"\n#~\n#|\n# any comment\n') is None
    assert lint_po('#| msgid "old"\n#| "continued"\nmsgid "a"\nmsgstr "b"\n') is None
    assert lint_po("#~ obsolete comment without quotes\n") is None
    assert lint_po('msgctxt "c"\nmsgid "a"\nmsgstr ""\n"more"\n') is None
    assert lint_po('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "y"\n') is None
    assert (
        lint_po('msgid "a"\nmsgstr "b"\n\nmsgid "c"\n\n# note\n') == "line 4: msgid without msgstr"
    )
    assert lint_po('msgid "a"\nmsgctxt "c"\nmsgid "b"\nmsgstr ""\n') == (
        "line 1: msgid without msgstr"
    )
    assert lint_po('#~ msgid "open\n') == "line 1: not a valid PO line: '#~ msgid \"open'"
    assert lint_po("msgid 'single quotes'\n") == (
        "line 1: not a valid PO line: \"msgid 'single quotes'\""
    )
    assert lint_po('#| msgid "open\n') == "line 1: not a valid PO line: '#| msgid \"open'"
    assert lint_po("#| a comment without quotes\n") is None
    for harmless in ("#~", "#|", "#~ comment", '#| msgid "old"'):
        assert lint_po(f'{harmless}\nmsgid "a"\n') == "line 2: msgid without msgstr"
    long = "x" * 100
    assert lint_po(long) == f"line 1: not a valid PO line: {long[:40]!r}"


def test_read_header_reads_only_the_header_block(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_text(
        '# comment\nmsgid ""\nmsgstr ""\n"Language: es\\n"\n"X-Workflow-Source-Hash: abc\\n"\n'
        '"X-Empty:\\n"\n"Last: no newline"\n\nmsgid "a"\nmsgstr ""\n"Later: ignored\\n"\n',
        "utf-8",
    )
    assert read_header(path) == {
        "Language": "es",
        "X-Workflow-Source-Hash": "abc",
        "X-Empty": "",
        "Last": "no newline",
    }
    assert read_header(tmp_path / "missing.po") == {}


# --- the cache of parsed catalogues ------------------------------------------------


def test_cache_reparses_only_a_changed_file_and_holds_its_own_writes(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    write_catalog(catalogue(reviewed("a", "A")), path)
    cache = CatalogCache(display=lambda p: "shown " + p.name)
    first = cache.read(path)
    assert cache.read(path) is first
    assert cache.held() == {path: first}
    edited = read_catalog(path)
    edited[0].msgstr = "AA"
    write_catalog(edited, path)  # someone else writes the file
    second = cache.read(path)
    assert second is not first and second[0].msgstr == "AA"
    second[0].msgstr = "AAA"
    assert cache.write(second, path)
    assert cache.read(path) is second
    assert not cache.write(second, path)  # nothing changed: nothing written
    cache.forget(path)
    assert cache.held() == {}
    assert cache.read(path) is not second
    path.write_text('msgid "a"\nmsgstr "b\n', "utf-8")
    with pytest.raises(CatalogError, match=r"^shown x\.po: broken PO file"):
        cache.read(path)


def test_cache_forgets_a_catalogue_whose_write_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, other = tmp_path / "x.po", tmp_path / "y.po"
    cache = CatalogCache()
    po = catalogue(reviewed("a", "A"))
    assert cache.write(po, path) and cache.write(catalogue(), other)
    assert cache.read(path) is po

    def fail(*_args: object) -> bool:
        raise OSError("disk full")

    cache.forget(tmp_path / "never-held.po")  # nothing to forget is fine
    monkeypatch.setattr("workflow.catalog.write_if_changed", fail)
    po[0].msgstr = "B"
    with pytest.raises(OSError, match="disk full"):
        cache.write(po, path)
    assert list(cache.held()) == [other]


@pytest.mark.parametrize("field", ["POT-Creation-Date", "PO-Revision-Date"])
def test_cache_write_stamps_the_date_field_it_is_given(tmp_path: Path, field: str) -> None:
    path = tmp_path / "x.po"
    po = catalogue(reviewed("a", ""))
    po.metadata["POT-Creation-Date"] = po.metadata["PO-Revision-Date"] = "2001-01-01 00:00+0000"
    cache = CatalogCache()
    cache.write(po, path)
    po[0].msgstr = "A"
    if field == "POT-Creation-Date":
        assert cache.write(po, path)  # the default
    else:
        assert cache.write(po, path, field)
    meta = read_catalog(path).metadata
    other = "PO-Revision-Date" if field == "POT-Creation-Date" else "POT-Creation-Date"
    assert _near_now(meta[field]) and meta[other] == "2001-01-01 00:00+0000"


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("nplurals=1; plural=0;", None),  # Japanese, Chinese: one form is a valid header
        ("nplurals=2; plural=(n != 1);", None),
        ("nplurals=2 plural=n", "must read 'nplurals=N; plural=EXPRESSION;'"),
        ("nplurals=x; plural=0;", "nplurals must be a whole number of at least 1, not 'x'"),
        ("nplurals=0; plural=0;", "nplurals must be a whole number of at least 1, not '0'"),
        (
            f"nplurals={'9' * 25}x; plural=0;",
            f"nplurals must be a whole number of at least 1, not {'9' * 20!r}",
        ),
        ("nplurals=2; plural=n/0;", "plural can divide by zero"),
        ("nplurals=2; plural=(n==3)*2;", "nplurals = 2 but plural can be as large as 2"),
        ("nplurals=1; plural=(n==1001);", None),  # msgfmt tries n = 0…1000, and so do we
    ],
)
def test_plural_forms_headers_are_checked_as_msgfmt_would(value: str, problem: str | None) -> None:
    from workflow.catalog import header_problems

    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": value}
    expected = [] if problem is None else [f"header Plural-Forms {value!r}: {problem}"]
    assert header_problems(po) == expected


# --- header checks, the read refusals, and the review app's write (issue 15, second run) --

UTF8 = "text/plain; charset=UTF-8"


@pytest.mark.parametrize(
    ("content_type", "problem"),
    [
        (None, "header Content-Type '' names no charset"),
        ("text/plain", "header Content-Type 'text/plain' names no charset"),
        ("text/plain; charset=latin-1", "header Content-Type charset 'latin-1' is not UTF-8"),
        (f"text/plain; charset={'x' * 30}", f"header Content-Type charset {'x' * 20!r} is"),
        ("text/plain; charset=utf_8", None),
        ("text/plain; charset=utf8", None),
        (UTF8, None),
    ],
)
def test_the_charset_must_be_named_and_utf8(content_type: str | None, problem: str | None) -> None:
    from workflow.potext import header_problems

    po = polib.POFile()
    po.metadata = {"Content-Type": content_type} if content_type else {}
    found = header_problems(po)
    if problem is None:
        assert found == []
    else:
        (only,) = found
        assert only.startswith(problem)
        assert only.endswith(
            "(workflow reads and writes 'text/plain; charset=UTF-8')"
            if "names no charset" in problem
            else "(workflow reads and writes UTF-8: convert the file with msgconv)"
        )


def plural(msgid: str, forms: int, text: str = "x", obsolete: bool = False) -> polib.POEntry:
    return polib.POEntry(
        msgid=msgid,
        msgid_plural=msgid + "s",
        msgstr_plural={n: text for n in range(forms)},
        obsolete=obsolete,
    )


def test_plural_entries_need_a_plural_forms_header_said_once() -> None:
    from workflow.potext import header_problems

    po = polib.POFile()
    po.metadata = {"Content-Type": UTF8, "Plural-Forms": "  "}
    po.append(polib.POEntry(msgid="one", msgstr="uno"))
    po.append(plural("story", 2))
    po.append(plural("vote", 2))
    assert header_problems(po) == ["plural entries need a Plural-Forms header"]
    obsolete_only = polib.POFile()
    obsolete_only.metadata = {"Content-Type": UTF8}
    obsolete_only.append(plural("story", 2, obsolete=True))
    assert header_problems(obsolete_only) == []


def test_plural_entries_need_as_many_forms_as_nplurals_once_translated() -> None:
    from workflow.potext import header_problems

    po = polib.POFile()
    po.metadata = {"Content-Type": UTF8, "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    po.append(plural("an untranslated one", 3, text=""))  # not translated yet: no problem
    po.append(plural("a story about the harbour and its quay", 3))
    po.append(plural("another", 1))
    assert header_problems(po) == ["nplurals = 2 but 'a story about the harbour and ' has 3 forms"]
    po[1].obsolete = True
    assert header_problems(po) == ["nplurals = 2 but 'another' has 1 forms"]
    po[2].msgstr_plural = {0: "x", 1: "y"}
    assert header_problems(po) == []


def write_po(tmp_path: Path, body: str, header: str = "") -> Path:
    path = tmp_path / "es.po"
    path.write_text(
        f'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n{header}\n{body}',
        encoding="utf-8",
    )
    return path


def test_a_duplicate_entry_is_named_even_after_obsolete_ones(tmp_path: Path) -> None:
    long = "A sentence long enough to be cut in the message about it"
    path = write_po(
        tmp_path,
        f'#~ msgid "old"\n#~ msgstr "viejo"\n\nmsgid "{long}"\nmsgstr ""\n\n'
        f'msgid "{long}"\nmsgstr "otra"\n',
    )
    with pytest.raises(CatalogError) as refused:
        read_catalog(path, "locales/es/vote.po")
    assert refused.value.message == (
        f"locales/es/vote.po: broken PO file (entry {long[:40]!r} twice)"
    )


def test_every_header_problem_is_said_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "es.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain\\n"\n\n'
        'msgid "story"\nmsgid_plural "stories"\nmsgstr[0] "a"\nmsgstr[1] "b"\n'
    )
    with pytest.raises(CatalogError) as refused:
        read_catalog(path, "es.po")
    assert refused.value.message == (
        "es.po: header Content-Type 'text/plain' names no charset (workflow reads and writes "
        "'text/plain; charset=UTF-8'); plural entries need a Plural-Forms header"
    )


def test_a_catalogue_cut_short_is_refused_unless_the_loss_is_accepted(tmp_path: Path) -> None:
    path = write_po(tmp_path, 'msgid "one"\nmsgstr "uno"\n', '"X-Workflow-Entries: 3\\n"\n')
    with pytest.raises(CatalogError) as refused:
        read_catalog(path, "locales/es/LC_MESSAGES/vote.po")
    assert refused.value.message == (
        "locales/es/LC_MESSAGES/vote.po: has 1 of its 3 entries: the others were lost "
        "(a cut or badly merged file?). Restore it (git checkout -- "
        "locales/es/LC_MESSAGES/vote.po), or run `workflow extract es --accept-lost` to "
        "recreate them untranslated"
    )
    assert [e.msgid for e in read_catalog(path, accept_lost=True)] == ["one"]
    unnumbered = write_po(tmp_path, 'msgid "one"\nmsgstr "uno"\n', '"X-Workflow-Entries: x\\n"\n')
    assert len(read_catalog(unnumbered)) == 1


def test_polibs_own_refusal_is_one_line_naming_the_file(tmp_path: Path) -> None:
    path = write_po(tmp_path, 'msgid "one"\nmsgstr "uno"\nmsgstr "una"\n')  # two msgstr
    with pytest.raises(CatalogError) as refused:
        read_catalog(path, "vote.po")
    assert refused.value.message == "vote.po: broken PO file (Syntax error in po file (line 7))"


def test_live_entries_leave_obsolete_ones_out() -> None:
    from workflow.catalog import live_entries

    po = polib.POFile()
    po.append(polib.POEntry(msgid="a"))
    po.append(polib.POEntry(msgid="b"))
    po.append(polib.POEntry(msgid="c", obsolete=True))
    assert live_entries(po) == 2


def test_the_savers_write_stamps_the_date_writes_the_text_and_holds_the_catalogue(
    tmp_path: Path,
) -> None:
    path = tmp_path / "es.po"
    po = new_catalog(parse_language("es"), "Vote", SOURCE)
    po.metadata["PO-Revision-Date"] = "2020-01-01 00:00+0000"
    po.append(polib.POEntry(msgid="one", msgstr="uno"))
    write_catalog(po, path)
    cache = CatalogCache()
    held = cache.read(path)
    held[0].msgstr = "una"
    told: list[str] = []

    def entry_text(entry: polib.POEntry, wrap: int) -> str:
        told.append(entry.msgid)
        return str(entry.__unicode__(wrap))

    cache.write_changed(held, path, "PO-Revision-Date", entry_text)
    assert told == ["one"]
    assert DATE.match(held.metadata["PO-Revision-Date"])
    assert path.read_text(encoding="utf-8") == str(held) == catalog_text(held)
    assert cache.read(path) is held and cache.held() == {path: held}
    cache.write_changed(held, path, "X-Not-There")  # the default text; no date invented
    assert "X-Not-There" not in held.metadata
    assert path.read_text(encoding="utf-8") == str(held)


def test_a_failed_write_forgets_the_held_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workflow import catalog

    path = tmp_path / "es.po"
    po = new_catalog(parse_language("es"), "Vote", SOURCE)
    write_catalog(po, path)
    cache = CatalogCache()
    held = cache.read(path)

    def full_disk(target: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(catalog, "atomic_write_bytes", full_disk)
    with pytest.raises(OSError):
        cache.write_changed(held, path, "PO-Revision-Date")
    assert cache.held() == {}


def test_a_broken_plural_forms_is_quoted_to_60_characters_and_said_once() -> None:
    from workflow.potext import header_problems

    value = "nplurals=2 plural=" + "(n != 1) && " * 8
    po = polib.POFile()
    po.metadata = {"Content-Type": UTF8, "Plural-Forms": value}
    po.append(plural("story", 3))  # translated, but nplurals cannot be known: no second line
    assert header_problems(po) == [
        f"header Plural-Forms {value[:60]!r}: must read 'nplurals=N; plural=EXPRESSION;'"
    ]
