"""The review page's model pinned down without the web app in front of it: the
paragraph blocks and their rows, the previous-source diff, quality findings and
silenced checks, memory suggestions (limit, cut-off, origin, diff) and the machine
draft brought back from the engine cache.  Each test fails on a fault a mutation
run found unnoticed (``scripts/mutation review``)."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from workflow.catalog import read_catalog, write_catalog
from workflow.errors import CatalogError, WorkflowError
from workflow.exchange.tmx import import_tmx
from workflow.exchange.tmxfile import Unit, write_tmx
from workflow.extract import extract
from workflow.languages import parse_language
from workflow.project import SITE, Project
from workflow.review import (
    Row,
    Suggestion,
    diff_html,
    load_review,
    placeholder_notes,
    segment_id,
    site_catalog,
    site_languages,
)
from workflow.translate import Translation

from .conftest import machine_drafted

ES = parse_language("es")
STORY = """---
title: The vote
published: 2024-08-19
language: en
status: ready
---
Joan Puig opened the meeting. It cost 4 million euros.

The [council](https://c.example) met on Monday.

It cost 4 million euros.

It cost 5 million euros.
"""
OPENED = "Joan Puig opened the meeting."
COST = "It cost 4 million euros."
FIVE = "It cost 5 million euros."
LINK = "The <g1>council</g1> met on Monday."


@pytest.fixture
def desk(project: Project) -> Project:
    """A short article extracted into Spanish and pseudo-translated (open machine drafts)."""
    return machine_drafted(project, "vote", STORY)


def edit(project: Project, change: dict[str, str], slug: str = "vote") -> polib.POFile:
    """Give entries a reviewed translation (msgid → text), as a reviewer's save would."""
    path = project.catalog_path(slug, ES)
    po = read_catalog(path)
    for entry in po:
        if entry.msgid in change:
            entry.msgstr = change[entry.msgid]
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
    write_catalog(po, path)
    return po


def row(project: Project, msgid: str, **options: bool) -> Row:
    view = load_review(project, "vote", "es", **options)
    return next(r for r in view.rows() if r.msgid == msgid)


def remember(project: Project, name: str, pairs: dict[str, str], reviewed: bool) -> None:
    """Import an outside memory (TMX) of English → Spanish pairs."""
    path = project.root.parent / name
    path.write_bytes(write_tmx([Unit("en", "es", s, t) for s, t in pairs.items()], "en"))
    import_tmx(project, path, reviewed=reviewed)


# --- the page's layout -----------------------------------------------------------------------


def test_blocks_follow_the_article_and_each_sentence_is_shown_once(desk: Project) -> None:
    view = load_review(desk, "vote", "es")
    assert (view.slug, view.language.tag, view.source.tag, view.title) == (
        "vote",
        "es",
        "en",
        "The vote",
    )
    assert [(b.kind, b.context, [r.msgid for r in b.rows]) for b in view.blocks] == [
        ("front matter", "", ["The vote"]),
        ("paragraph", f"{OPENED} {COST}", [OPENED, COST]),
        ("paragraph", "The [council](https://c.example) met on Monday.", [LINK]),
        # the repeated sentence has no row of its own, so its paragraph has no block
        ("paragraph", FIVE, [FIVE]),
    ]
    assert [r.msgid for r in view.rows()] == ["The vote", OPENED, COST, LINK, FIVE]
    assert (view.total, view.reviewed, view.changes_requested) == (5, 0, None)
    title = view.blocks[0].rows[0]
    assert (title.context, title.line, title.state) == ("title", "2", "fuzzy")
    assert title.sid == segment_id("title", "The vote") != segment_id(None, "The vote")
    first = view.blocks[1].rows[0]
    assert (first.sid, first.context, first.line) == (segment_id(None, OPENED), "", "7")
    assert first.notes[0].startswith("machine pseudo ")
    link = view.blocks[2].rows[0]
    assert link.placeholders == {"<g1>": "link to https://c.example"}


def test_counts_and_the_editors_request_are_shown(desk: Project) -> None:
    po = edit(desk, {COST: "Costó 4 millones de euros."})
    po.metadata["X-Workflow-Changes-Requested"] = "marta 2024-08-20: check the figures"
    write_catalog(po, desk.catalog_path("vote", ES))
    view = load_review(desk, "vote", "es")
    assert (view.total, view.reviewed) == (5, 1)
    assert view.changes_requested == "marta 2024-08-20: check the figures"
    assert row(desk, COST).state == "translated"


def test_an_obsolete_entry_is_not_shown(desk: Project) -> None:
    path = desk.catalog_path("vote", ES)
    po = read_catalog(path)
    gone = polib.POEntry(msgid="It rained.", msgstr="Llovió.", obsolete=True)
    po.append(gone)
    write_catalog(po, path)
    assert "It rained." not in [r.msgid for r in load_review(desk, "vote", "es").rows()]


def test_a_language_the_article_is_not_translated_into_is_an_error(desk: Project) -> None:
    with pytest.raises(WorkflowError, match="vote is not translated into de"):
        load_review(desk, "vote", "de")
    with pytest.raises(WorkflowError, match="vote is not translated into en"):
        load_review(desk, "vote", "en")


# --- what each row says ------------------------------------------------------------------------


def test_a_changed_source_shows_the_word_diff_from_the_previous_one(desk: Project) -> None:
    edit(desk, {COST: "Costó 4 millones de euros."})
    text = STORY.replace(f"{OPENED} {COST}", f"{OPENED} It cost 6 million euros.")
    (desk.articles_dir / "vote.md").write_text(text.replace(f"\n{COST}\n", "\n"), "utf-8")
    extract(desk, ["vote"])
    changed = row(desk, "It cost 6 million euros.")
    assert (changed.state, changed.msgstr) == ("fuzzy", "Costó 4 millones de euros.")
    assert changed.previous == "It cost <del>4</del> <ins>6</ins> million euros."
    # a machine draft (fuzzy, but no previous source) shows no diff
    assert row(desk, OPENED).previous is None


def test_a_previous_source_on_a_reviewed_entry_shows_no_diff(desk: Project) -> None:
    path = desk.catalog_path("vote", ES)
    po = read_catalog(path)
    for entry in po:
        if entry.msgid == COST:
            entry.msgstr, entry.flags = "Costó 4 millones de euros.", []
            entry.previous_msgid = "It cost 3 million euros."
    write_catalog(po, path)
    assert row(desk, COST).previous is None


def test_findings_are_shown_unless_the_check_was_silenced(desk: Project) -> None:
    edit(desk, {COST: "Costó 7 millones de euros.", FIVE: "Costó 9 millones de euros."})
    assert [f.check for f in row(desk, COST).findings] == ["numbers"]
    path = desk.catalog_path("vote", ES)
    po = read_catalog(path)
    for entry in po:
        if entry.msgid == COST:
            entry.tcomment = "workflow: silence numbers: the source is wrong"
    write_catalog(po, path)
    assert row(desk, COST).findings == []
    assert [f.check for f in row(desk, FIVE).findings] == ["numbers"]
    # the project's glossary is checked too: its name must stay as written
    edit(desk, {OPENED: "Juan Puig abrió la reunión."})
    assert [f.check for f in row(desk, OPENED).findings] == ["glossary"]


# --- suggestions -------------------------------------------------------------------------------


def test_the_machine_draft_is_offered_once_the_reviewer_changed_it(desk: Project) -> None:
    drafted = row(desk, OPENED)
    assert drafted.machine == "pseudo"
    assert drafted.suggestions == []  # the draft is what the field already holds
    draft = drafted.msgstr
    assert "Joan Puig" in draft  # the glossary's name came back from the engine untouched

    edit(desk, {OPENED: "Joan Puig abrió la reunión."})
    reviewed = row(desk, OPENED)
    assert reviewed.machine == "pseudo"
    assert reviewed.suggestions == [Suggestion("machine", draft, engine="pseudo")]

    # the same text remembered elsewhere is offered once, as the memory match
    remember(desk, "house.tmx", {"Joan Puig opened the meetings.": draft}, reviewed=True)
    assert [(s.kind, s.text) for s in row(desk, OPENED).suggestions] == [("memory", draft)]


def test_the_engine_is_the_one_the_provenance_names(desk: Project) -> None:
    path = desk.catalog_path("vote", ES)
    po = read_catalog(path)
    for entry in po:
        if entry.msgid == OPENED:  # no engine on record: the pair's own engine is asked
            entry.tcomment = ""
            entry.msgstr, entry.flags = "Joan Puig abrió la reunión.", []
    write_catalog(po, path)
    assert desk.config.engine_for("en", "es") != "pseudo"
    unknown = row(desk, OPENED)
    assert (unknown.machine, unknown.suggestions) == ("", [])


def test_the_draft_of_a_sentence_with_a_forced_term_is_found(project: Project) -> None:
    (project.articles_dir / "vote.md").write_text(STORY, encoding="utf-8")
    (project.root / "glossary.toml").write_text('[terms."en:es"]\n"meeting" = "reunión"\n')
    extract(project, ["vote"])
    translation = Translation(project, ["vote"], engine="pseudo")
    translation.plan()
    translation.run()
    draft = row(project, OPENED).msgstr
    assert "reunión" in draft  # the term went to the engine as a token and came back
    edit(project, {OPENED: "Joan Puig abrió la reunión."})
    assert row(project, OPENED).suggestions == [Suggestion("machine", draft, engine="pseudo")]


def test_without_an_engine_on_record_the_pairs_engine_is_asked(project: Project) -> None:
    config = project.root / "workflow.toml"
    text = config.read_text("utf-8")
    config.write_text(
        text.replace('default = "apertium"', 'default = "apertium"\n"en:es" = "pseudo"')
    )
    desk = Project.load(project.root)
    assert desk.config.engine_for("en", "es") == "pseudo"
    (desk.articles_dir / "vote.md").write_text(STORY, encoding="utf-8")
    extract(desk, ["vote"])
    translation = Translation(desk, ["vote"])  # the pair's engine: pseudo
    translation.plan()
    translation.run()
    draft = row(desk, COST).msgstr
    path = desk.catalog_path("vote", ES)
    po = read_catalog(path)
    for entry in po:
        if entry.msgid == COST:  # reviewed, and no engine on record
            entry.tcomment, entry.msgstr, entry.flags = "", "Costó 4 millones.", []
    write_catalog(po, path)
    found = row(desk, COST)
    assert (found.machine, found.suggestions[-1]) == (
        "pseudo",
        Suggestion("machine", draft, engine="pseudo"),
    )


def test_without_suggestions_nothing_is_looked_up(desk: Project) -> None:
    edit(desk, {OPENED: "Joan Puig abrió la reunión.", COST: "Costó 4 millones de euros."})
    quiet = row(desk, FIVE, suggest=False)
    assert (quiet.suggestions, quiet.machine) == ([], "")
    assert row(desk, FIVE).suggestions  # the same row with suggestions has some


def test_memory_matches_best_first_with_their_diff_and_not_the_text_already_there(
    desk: Project,
) -> None:
    edit(desk, {COST: "Costó 4 millones de euros."})
    five = row(desk, FIVE)
    assert five.suggestions[0] == Suggestion(
        "memory",
        "Costó 4 millones de euros.",
        95.8,
        COST,
        "It cost <del>4</del> <ins>5</ins> million euros.",
    )
    assert [s.kind for s in five.suggestions] == ["memory"]  # the draft is in the field
    # the sentence's own reviewed text is a 100 % match, and is not offered again
    assert all(s.text != "Costó 4 millones de euros." for s in row(desk, COST).suggestions)


def test_an_exact_match_from_elsewhere_has_no_diff(desk: Project) -> None:
    remember(desk, "agency.tmx", {FIVE: "Costaba 5 millones."}, reviewed=False)
    found = row(desk, FIVE).suggestions[0]
    assert (found.score, found.source, found.diff, found.origin) == (100.0, FIVE, "", "agency.tmx")
    assert found.text == "Costaba 5 millones."


def test_at_most_three_memory_matches_from_sixty_percent_on(desk: Project) -> None:
    remember(
        desk,
        "house.tmx",
        {
            "It cost 4 mqqqq.": "a",  # exactly 60 %: shown
            "It cost 4 qq.": "b",  # 59.5 %: not
        },
        reviewed=True,
    )
    matches = [s.source for s in row(desk, COST).suggestions if s.kind == "memory"]
    assert matches == ["It cost 4 mqqqq."]
    remember(
        desk,
        "more.tmx",
        {"It cost 1 million euros.": "c", "It cost 2 million euros.": "d", FIVE: "e"},
        reviewed=True,
    )
    matches = [s.source for s in row(desk, COST).suggestions if s.kind == "memory"]
    assert len(matches) == 3 and "It cost 4 mqqqq." not in matches


def test_a_reviewed_import_counts_as_memory_before_a_suggestion(desk: Project) -> None:
    remember(desk, "house.tmx", {FIVE: "Costó cinco millones."}, reviewed=True)
    remember(desk, "agency.tmx", {FIVE: "Costaba 5 millones."}, reviewed=False)
    memory = [s for s in row(desk, FIVE).suggestions if s.kind == "memory"]
    assert [(s.text, s.origin) for s in memory] == [("Costó cinco millones.", "")]


# --- the site's strings ------------------------------------------------------------------------


def test_the_sites_strings_are_one_block_in_english(project: Project) -> None:
    view = load_review(project, SITE, "es")
    assert (view.slug, view.title, view.source.tag, view.language.tag) == (
        SITE,
        "Site interface",
        "en",
        "es",
    )
    assert [(b.kind, b.context) for b in view.blocks] == [("site interface", "")]
    po = read_catalog(project.catalog_path(SITE, ES))
    assert [r.msgid for r in view.rows()] == [e.msgid for e in po if not e.obsolete]
    assert view.total == len(list(view.rows()))


def test_the_sites_languages_and_their_catalogues(project: Project) -> None:
    assert "en" not in [lang.tag for lang in site_languages(project)]
    assert [lang.tag for lang in site_languages(project)] == [
        lang.tag for lang in project.config.languages if lang.tag != "en"
    ]
    target, path = site_catalog(project, "es")
    assert (target.tag, path) == ("es", project.catalog_path(SITE, ES))
    with pytest.raises(WorkflowError, match="the site's strings are not translated into en"):
        site_catalog(project, "en")
    path.unlink()
    with pytest.raises(CatalogError, match=r"site\.po: no catalogue \(run `workflow extract`\)"):
        site_catalog(project, "es")


# --- small parts -------------------------------------------------------------------------------


def test_diff_html_marks_words_removed_and_added_and_escapes_them() -> None:
    assert diff_html("a b c", "a b c") == "a b c"
    assert diff_html("It cost <4> now", "It cost <5> now") == (
        "It cost <del>&lt;4&gt;</del> <ins>&lt;5&gt;</ins> now"
    )
    assert diff_html("one two three", "one three") == "one <del>two</del> three"
    assert diff_html("one three", "one two three") == "one <ins>two</ins> three"
    assert diff_html("one two three four", "one four five six") == (
        "one <del>two three</del> four <ins>five six</ins>"
    )
    # words are cut at each single space: a double space stays in the diff
    assert diff_html("one  two", "one  three") == "one  <del>two</del> <ins>three</ins>"
    # a long sentence is compared word by word, however often a word repeats in it
    many = " ".join(["x"] * 250)
    assert diff_html(f"a b {many} y", f"a c {many} z") == (
        f"a <del>b</del> <ins>c</ins> {many} <del>y</del> <ins>z</ins>"
    )


def test_segment_ids_are_stable_short_and_tell_contexts_apart() -> None:
    assert segment_id(None, COST) == "a8f750c0a414"
    assert segment_id("", COST) == segment_id(None, COST)
    assert segment_id("title", COST) != segment_id(None, COST)
    assert len(segment_id("title", "x")) == 12


def test_placeholder_notes_read_each_line_of_the_comment() -> None:
    comment = (
        "Some context\n<g1>…</g1> = link to https://c.example\n<x2/> = image: chart.png\n"
        "<g3> = bold\n"
    )
    assert placeholder_notes(comment) == {
        "<g1>": "link to https://c.example",
        "<x2/>": "image: chart.png",
        "<g3>": "bold",
    }
    assert placeholder_notes("") == {}
    assert placeholder_notes("see <g1> = not at the start") == {}


def test_review_helpers_take_no_project_path_outside(desk: Project, tmp_path: Path) -> None:
    with pytest.raises(WorkflowError):
        load_review(desk, "../vote", "es")


def test_an_entry_without_a_reference_has_no_line(desk: Project) -> None:
    path = desk.catalog_path("vote", ES)
    po = read_catalog(path)
    po.find(FIVE).occurrences = []
    write_catalog(po, path)
    assert row(desk, FIVE).line == ""
    assert row(desk, COST).line == "7"


def test_a_broken_catalogue_is_named_by_its_place_in_the_project(desk: Project) -> None:
    desk.catalog_path("vote", ES).write_text('msgid "a"\nmsgstr "b\n', "utf-8")
    with pytest.raises(CatalogError, match=r"^locales/es/LC_MESSAGES/vote\.po"):
        load_review(desk, "vote", "es")


# --- tables, errors, the previous translation (second run) -----------------------------------

TABLES = """---
title: Results
published: 2024-08-19
language: en
status: ready
---
The results came in.

| Town | Turnout |
|---|---|
| Vila | Half |
| Mar | Most |

Then a pause.

| Party | Seats |
|---|---|
| Blue | Few |
"""


def test_a_table_is_one_block_read_row_by_row_and_two_tables_stay_apart(
    project: Project,
) -> None:
    machine_drafted(project, "results", TABLES)
    view = load_review(project, "results", "es")
    assert [(b.kind, b.context, [r.msgid for r in b.rows]) for b in view.blocks] == [
        ("front matter", "", ["Results"]),
        ("paragraph", "The results came in.", ["The results came in."]),
        (
            "table",
            "Town | Turnout\nVila | Half\nMar | Most",
            ["Town", "Turnout", "Vila", "Half", "Mar", "Most"],
        ),
        ("paragraph", "Then a pause.", ["Then a pause."]),
        ("table", "Party | Seats\nBlue | Few", ["Party", "Seats", "Blue", "Few"]),
    ]


def test_a_row_has_errors_only_for_an_error_finding(desk: Project) -> None:
    edit(desk, {COST: "Costó 5 millones de euros.", FIVE: "Costó 5 millones de euros"})
    wrong, unpunctuated = row(desk, COST), row(desk, FIVE)
    assert {f.severity for f in wrong.findings} == {"error"} and wrong.has_errors
    assert {f.severity for f in unpunctuated.findings} == {"warning"}
    assert not unpunctuated.has_errors


def test_the_translation_before_the_source_changed_is_the_first_suggestion(
    desk: Project,
) -> None:
    edit(desk, {FIVE: "Costó 5 millones de euros."})
    text = STORY.replace(FIVE, "It cost 7 million euros.")
    (desk.articles_dir / "vote.md").write_text(text, "utf-8")
    extract(desk, ["vote"])
    translation = Translation(desk, ["vote"], engine="pseudo")
    translation.plan()
    translation.run()  # a new machine draft fills the box
    changed = row(desk, "It cost 7 million euros.")
    first = changed.suggestions[0]
    assert (first.kind, first.text) == ("previous", "Costó 5 millones de euros.")
    assert first.diff == "It cost <del>5</del> <ins>7</ins> million euros."
    assert (changed.machine, changed.draft) == ("pseudo", changed.msgstr) and changed.draft
    reviewed = row(desk, "The vote")
    assert reviewed.draft  # every machine-drafted row knows its draft; a site string has none
    site = load_review(desk, SITE, "es")
    assert all(r.draft == "" and r.machine == "" for r in site.rows())


def test_an_article_that_opens_with_a_table(project: Project) -> None:
    opening = TABLES.replace("The results came in.\n\n", "", 1)
    machine_drafted(project, "results", opening)
    kinds = [b.kind for b in load_review(project, "results", "es").blocks]
    assert kinds == ["front matter", "table", "paragraph", "table"]


def test_a_memory_match_saying_what_the_previous_translation_says_is_not_offered_twice(
    desk: Project,
) -> None:
    edit(desk, {COST: "Costó millones.", FIVE: "Costó millones."})
    other = STORY.replace("title: The vote", "title: Other").split("---\n", 2)
    body = "It cost 9 million euros in all.\n"
    machine_drafted(desk, "other", f"---\n{other[1]}---\n{body}")
    edit(desk, {"It cost 9 million euros in all.": "Costó 9 millones en total."}, slug="other")
    (desk.articles_dir / "vote.md").write_text(STORY.replace(FIVE, "It cost 7 million euros."))
    extract(desk, ["vote"])
    translation = Translation(desk, ["vote"], engine="pseudo")
    translation.plan()
    translation.run()  # a new draft: the old translation becomes the "previous" one
    found = row(desk, "It cost 7 million euros.").suggestions
    assert [(s.kind, s.text) for s in found if s.kind != "machine"] == [
        ("previous", "Costó millones."),
        ("memory", "Costó 9 millones en total."),
    ]


def test_a_previous_translation_without_a_previous_source_has_no_diff(desk: Project) -> None:
    path = desk.catalog_path("vote", ES)
    po = read_catalog(path)
    entry = next(e for e in po if e.msgid == FIVE)
    entry.tcomment = "workflow: previous translation: Costó cinco millones."  # by hand
    write_catalog(po, path)
    first = row(desk, FIVE).suggestions[0]
    assert (first.kind, first.text, first.diff) == ("previous", "Costó cinco millones.", "")
