"""Extract: catalogues created and merged like msgmerge, written atomically."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po

from workflow.catalog import read_catalog
from workflow.extract import ExtractError, extract
from workflow.languages import parse_language
from workflow.project import Project

from .conftest import check_all_catalogs, msgfmt_check

ES = parse_language("es")

STORY = """---
title: The vote
published: 2024-08-19
language: en
---
The council met on Monday. It voted on the harbour plan. The vote was close.

The mayor spoke first. Nobody else spoke.
"""


@pytest.fixture
def story(project: Project) -> Path:
    path = project.articles_dir / "vote.md"
    path.write_text(STORY, encoding="utf-8")
    return path


def entries(project: Project, slug: str = "vote") -> dict[str, polib.POEntry]:
    po = read_catalog(project.catalog_path(slug, ES))
    return {("~" if e.obsolete else "") + e.msgid: e for e in po}


def review_all(project: Project, fill: Callable[..., None]) -> None:
    fill(project.catalog_path("vote", ES), lambda msgid: f"ES {msgid}")


def test_extract_creates_valid_catalogues_for_every_target(project: Project) -> None:
    results = extract(project, [])
    assert {r.action for r in results} == {"created"}
    assert check_all_catalogs(project.locales_dir) == 7
    po = read_catalog(project.catalog_path("harbour-rebuilt", ES))
    assert po.metadata["Language"] == "es"
    assert po.metadata["Plural-Forms"].startswith("nplurals=")
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    first = po[0]
    assert (first.msgctxt, first.msgid) == ("title", "How the harbour was rebuilt")
    assert first.occurrences == [("articles/harbour-rebuilt.md", "2")]
    body = [e for e in po if e.msgctxt is None]
    assert body[0].msgid.startswith("When the storm of October 2019")
    assert body[0].comment == "paragraph"
    # catalogues read back in Babel and in GNU gettext tools
    with project.catalog_path("harbour-rebuilt", ES).open("rb") as handle:
        catalog = read_po(handle)
    assert len([m for m in catalog if m.id]) == len(po)
    stats = subprocess.run(
        [
            "msgfmt",
            "--statistics",
            "-o",
            "/dev/null",
            str(project.catalog_path("harbour-rebuilt", ES)),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"{len(po)} untranslated messages" in stats.stderr


def test_source_language_gets_no_catalogue(project: Project) -> None:
    extract(project, ["harbour-rebuilt"])
    assert not (project.locales_dir / "en" / "LC_MESSAGES" / "harbour-rebuilt.po").exists()


def test_drafts_are_not_extracted(project: Project, story: Path) -> None:
    story.write_text(STORY.replace("language: en", "language: en\nstatus: draft"))
    assert {r.action for r in extract(project, ["vote"])} == {"skipped (draft)"}
    assert not project.catalog_path("vote", ES).exists()


def test_unchanged_sentences_keep_translation_and_review_state(
    project: Project, story: Path, fill: Callable[..., None]
) -> None:
    extract(project, ["vote"])
    review_all(project, fill)
    story.write_text(STORY.replace("The vote was close.", "The vote was very close."))
    extract(project, ["vote"])
    found = entries(project)
    kept = found["The council met on Monday."]
    assert kept.msgstr == "ES The council met on Monday." and "fuzzy" not in kept.flags
    changed = found["The vote was very close."]
    assert changed.msgstr == "ES The vote was close."
    assert "fuzzy" in changed.flags
    assert changed.previous_msgid == "The vote was close."
    assert "The vote was close." not in found and "~The vote was close." not in found
    msgfmt_check(project.catalog_path("vote", ES))
    assert '#| msgid "The vote was close."' in project.catalog_path("vote", ES).read_text()


def test_removed_sentences_become_obsolete_and_come_back(
    project: Project, story: Path, fill: Callable[..., None]
) -> None:
    extract(project, ["vote"])
    review_all(project, fill)
    story.write_text(STORY.replace(" Nobody else spoke.", ""))
    extract(project, ["vote"])
    gone = entries(project)["~Nobody else spoke."]
    assert gone.obsolete and gone.msgstr == "ES Nobody else spoke."
    assert '#~ msgid "Nobody else spoke."' in project.catalog_path("vote", ES).read_text()
    msgfmt_check(project.catalog_path("vote", ES))
    story.write_text(STORY)
    extract(project, ["vote"])
    back = entries(project)["Nobody else spoke."]
    assert not back.obsolete and back.msgstr == "ES Nobody else spoke." and not back.flags


def test_reordered_sentences_keep_translations_in_new_order(
    project: Project, story: Path, fill: Callable[..., None]
) -> None:
    extract(project, ["vote"])
    review_all(project, fill)
    story.write_text(
        STORY.replace(
            "The mayor spoke first. Nobody else spoke.", "Nobody else spoke. The mayor spoke first."
        )
    )
    extract(project, ["vote"])
    po = read_catalog(project.catalog_path("vote", ES))
    body = [e.msgid for e in po if e.msgctxt is None and not e.obsolete]
    assert body[-2:] == ["Nobody else spoke.", "The mayor spoke first."]
    assert all(e.msgstr == "ES " + e.msgid and not e.flags for e in po)


def test_new_sentences_are_untranslated_and_translator_comments_survive(
    project: Project, story: Path, fill: Callable[..., None]
) -> None:
    extract(project, ["vote"])
    review_all(project, fill)
    path = project.catalog_path("vote", ES)
    po = polib.pofile(str(path))
    po.find("The mayor spoke first.").tcomment = "checked with the desk"
    po.save()
    story.write_text(STORY + "\nA completely different closing remark about parking.\n")
    extract(project, ["vote"])
    found = entries(project)
    assert found["A completely different closing remark about parking."].msgstr == ""
    assert found["The mayor spoke first."].tcomment == "checked with the desk"


def test_same_sentence_twice_is_one_entry_with_two_references(
    project: Project, story: Path
) -> None:
    story.write_text(STORY + "\nThe mayor spoke first.\n")
    extract(project, ["vote"])
    entry = entries(project)["The mayor spoke first."]
    assert entry.occurrences == [("articles/vote.md", "8"), ("articles/vote.md", "10")]


def test_re_extract_without_changes_rewrites_nothing(project: Project, story: Path) -> None:
    extract(project, [])
    stamps = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in project.locales_dir.rglob("*.po")}
    results = extract(project, [])
    assert {r.action for r in results} == {"unchanged"}
    forced = extract(project, [], force=True)
    assert {r.action for r in forced} == {"unchanged"}
    assert stamps == {
        p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in project.locales_dir.rglob("*.po")
    }


def test_editing_one_article_rewrites_only_its_catalogues(project: Project, story: Path) -> None:
    extract(project, [])
    before = {p: p.read_bytes() for p in project.locales_dir.rglob("*.po")}
    story.write_text(STORY.replace("Monday", "Tuesday"))
    results = extract(project, [])
    changed = {p for p in project.locales_dir.rglob("*.po") if p.read_bytes() != before[p]}
    assert {p.stem for p in changed} == {"vote"}
    assert {(r.slug, r.action) for r in results if r.action != "unchanged"} == {("vote", "updated")}


def test_failed_write_leaves_old_catalogue_intact(
    project: Project, story: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    extract(project, ["vote"])
    path = project.catalog_path("vote", ES)
    before = path.read_bytes()
    story.write_text(STORY.replace("Monday", "Friday"))

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        extract(project, ["vote"])
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_broken_po_file_is_a_clear_error_and_stays_untouched(project: Project, story: Path) -> None:
    path = project.catalog_path("vote", ES)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('msgid "open quote\nmsgstr ""\n')
    story.write_text(STORY.replace("Monday", "Sunday"))
    with pytest.raises(ExtractError) as info:
        extract(project, ["vote"])
    assert info.value.message.startswith("locales/es/LC_MESSAGES/vote.po: broken PO file")
    assert path.read_text() == 'msgid "open quote\nmsgstr ""\n'


def test_non_utf8_po_file_is_a_clear_error(project: Project, story: Path) -> None:
    path = project.catalog_path("vote", ES)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'msgid ""\nmsgstr ""\n\nmsgid "caf\xe9"\nmsgstr ""\n')
    with pytest.raises(ExtractError, match=r"vote.po: line 4: not UTF-8"):
        extract(project, ["vote"])


def test_multi_sentence_front_matter_field_is_one_entry_per_sentence(project: Project) -> None:
    extract(project, ["harbour-rebuilt"])
    po = read_catalog(project.catalog_path("harbour-rebuilt", ES))
    assert [e.msgid for e in po if e.msgctxt == "summary"] == [
        "Five years after the storm, the new harbour is open.",
        "We look at who paid, who decided and what changed.",
    ]


def test_an_empty_catalogue_is_made_again(project: Project, story: Path) -> None:
    """What a power cut can leave of a fresh catalogue (written without fsync)."""
    path = project.catalog_path("vote", ES)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"")
    (result,) = [r for r in extract(project, ["vote"]) if r.language == "es"]
    assert result.action == "created" and result.stats is not None and result.stats.total == 6
    msgfmt_check(path)


def test_front_matter_entries_follow_the_fields_order_in_the_file(project: Project) -> None:
    """The desk reads the front matter top down, whatever order the fields are in."""
    (project.articles_dir / "vote.md").write_text(
        "---\nsummary: Who voted how.\npublished: 2024-08-19\nlanguage: en\n"
        "title: The vote\n---\nThe council met.\n",
        encoding="utf-8",
    )
    extract(project, ["vote"])
    po = read_catalog(project.catalog_path("vote", ES))
    fields = [(e.msgctxt, e.occurrences[0][1]) for e in po if e.msgctxt]
    assert fields == [("summary", "2"), ("title", "5")]


def test_old_one_segment_translations_become_fuzzy_suggestions_per_sentence(
    project: Project,
) -> None:
    """A catalogue made before segmenter 3 (bio in italics and summary one entry each)."""
    extract(project, ["harbour-rebuilt"])
    path = project.catalog_path("harbour-rebuilt", ES)
    po = read_catalog(path)
    bio = [e for e in po if e.msgid.startswith(("Jane Doe", "She has"))]
    summary = [e for e in po if e.msgctxt == "summary"]
    for entry in (*bio[1:], *summary[1:]):
        po.remove(entry)
    bio[0].msgid = (
        "<g1>Jane Doe covers local government for The Harbour Review. "
        "She has lived in the town since 2011.</g1>"
    )
    bio[0].msgstr = "<g1>Jane Doe cubre el gobierno local. Vive en la ciudad desde 2011.</g1>"
    bio[0].tcomment = "workflow: reviewed ana 2024-12-01"
    summary[0].msgid = (
        "Five years after the storm, the new harbour is open. "
        "We look at who paid, who decided and what changed."
    )
    summary[0].msgstr = "Cinco años después, el puerto abre. Vemos quién pagó."
    summary[0].flags = ["fuzzy"]
    summary[0].tcomment = "workflow: machine apertium 2024-12-01"
    po.metadata["X-Workflow-Source-Hash"] = "old"
    po.metadata["X-Workflow-Entries"] = str(len(po))  # as the old segmenter wrote it
    po.save(str(path))

    extract(project, ["harbour-rebuilt"])
    after = {(e.msgctxt, e.msgid): e for e in read_catalog(path)}
    first = after[(None, "Jane Doe covers local government for The Harbour Review.")]
    second = after[(None, "She has lived in the town since 2011.")]
    assert (first.msgstr, second.msgstr) == (
        "Jane Doe cubre el gobierno local.",
        "Vive en la ciudad desde 2011.",
    )
    assert "fuzzy" in first.flags and first.previous_msgid == bio[0].msgid
    assert "workflow: memory" in first.tcomment and "reviewed ana" in first.tcomment
    old = after[(None, bio[0].msgid)]
    assert old.obsolete and old.msgstr == bio[0].msgstr  # nothing reviewed is lost
    one = after[("summary", "Five years after the storm, the new harbour is open.")]
    two = after[("summary", "We look at who paid, who decided and what changed.")]
    assert (one.msgstr, two.msgstr) == ("Cinco años después, el puerto abre.", "Vemos quién pagó.")
    assert "memory" not in one.tcomment and "machine apertium" in one.tcomment
    msgfmt_check(path)


NEW_SUMMARY = (
    "Five years after the storm, the new harbour is open.",
    "We look at who paid, who decided and what changed.",
)


def test_old_translation_that_does_not_align_stays_a_whole_suggestion(project: Project) -> None:
    extract(project, ["harbour-rebuilt"])
    path = project.catalog_path("harbour-rebuilt", ES)
    po = read_catalog(path)
    summary = [e for e in po if e.msgctxt == "summary"]
    po.remove(summary[1])
    summary[0].msgid = (
        "Five years after the storm, the new harbour is open. "
        "We look at who paid, who decided and what changed."
    )
    summary[0].msgstr = "Un resumen en una sola frase sin punto"
    po.metadata["X-Workflow-Source-Hash"] = "old"
    po.metadata["X-Workflow-Entries"] = str(len(po))  # as the old segmenter wrote it
    po.save(str(path))
    extract(project, ["harbour-rebuilt"])
    after = {(e.msgctxt, e.msgid): e for e in read_catalog(path)}
    new = [after[("summary", m)] for m in NEW_SUMMARY]
    assert summary[0].msgstr in [e.msgstr for e in new]  # msgmerge: the closest old text
    kept = next(e for e in new if e.msgstr)
    assert "fuzzy" in kept.flags and kept.previous_msgid == summary[0].msgid


def test_many_articles_are_extracted_in_worker_processes_with_the_same_result(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    import workflow.extract as stage

    alone = extract(project, [])
    texts = _catalogues(project)
    shutil.rmtree(project.locales_dir)
    project.locales_dir.mkdir()
    monkeypatch.setattr(stage, "PARALLEL_FROM", 2)
    together = extract(project, [])
    assert [(r.slug, r.language, r.action) for r in together] == [
        (r.slug, r.language, r.action) for r in alone
    ]
    assert _catalogues(project) == texts and len(texts) == 7


def _catalogues(project: Project) -> dict[str, str]:
    """Every article catalogue's text, dates left out."""
    return {
        p.parent.parent.name + "/" + p.name: "\n".join(
            line for line in p.read_text().splitlines() if "-Date:" not in line
        )
        for p in project.locales_dir.rglob("*.po")
        if p.name != "site.po"
    }
