"""The Saver pinned down, without the web app in front of it: conflicts, the QA
gate (force, silence with a reason), every action, provenance, progress, the
audit log's contract with ``workflow report``, failed writes and group commit.
Each test fails on a fault a mutation run found unnoticed (``scripts/mutation
saver``)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Any

import polib
import pytest

from workflow.audit import read_log
from workflow.catalog import provenance, read_catalog, stats
from workflow.errors import WorkflowError
from workflow.extract import extract
from workflow.languages import parse_language
from workflow.project import SITE, Project
from workflow.review import segment_id
from workflow.saver import (
    BLOCKED,
    CONFLICT,
    EMPTY,
    MISSING,
    NO_MACHINE,
    NO_REASON,
    NOT_SAVED,
    PLACEHOLDERS,
    Save,
    Saver,
)

from .conftest import machine_drafted

ES = parse_language("es")
TODAY = dt.date.today().isoformat()
STORY = """---
title: The vote
published: 2024-08-19
language: en
status: ready
---
Joan Puig opened the meeting. It cost 4 million euros.

The [council](https://c.example) met on Monday.
"""
COST = "It cost 4 million euros."
LINK = "The <g1>council</g1> met on Monday."


@pytest.fixture
def desk(project: Project) -> Project:
    """A short article extracted into Spanish and pseudo-translated (open machine drafts)."""
    return machine_drafted(project, "vote", STORY)


def entry(project: Project, msgid: str, slug: str = "vote") -> polib.POEntry:
    po = read_catalog(project.catalog_path(slug, ES))
    return next(e for e in po if e.msgid == msgid and not e.obsolete)


def save(
    project: Project,
    msgid: str,
    text: str = "",
    action: str = "confirm",
    who: str = "ana",
    saver: Saver | None = None,
    base: str | None = None,
    **options: object,
) -> Save:
    current = entry(project, msgid)
    request = Save(
        sid=segment_id(current.msgctxt, current.msgid),
        base=current.msgstr if base is None else base,
        text=text,
        action=action,
        who=who,
        **options,  # type: ignore[arg-type]
    )
    return (saver or Saver(project)).save("vote", "es", request)


def reviews(project: Project) -> list[dict[str, object]]:
    return [e.detail for e in read_log(project.root, "vote") if e.event == "review"]


# --- confirming -----------------------------------------------------------------------------


def test_confirm_stores_reviewed_text_keeps_the_engine_note_and_logs_the_draft(
    desk: Project,
) -> None:
    draft = entry(desk, "Joan Puig opened the meeting.")
    assert "fuzzy" in draft.flags
    done = save(desk, "Joan Puig opened the meeting.", "  Joan Puig abrió la reunión. \n")
    assert (done.result, done.message, done.state) == ("saved", "", "translated")
    assert done.saved == "Joan Puig abrió la reunión."
    assert done.msgid == "Joan Puig opened the meeting."
    assert done.notes == [f"machine pseudo {TODAY}", f"reviewed ana {TODAY}"]
    assert done.findings == []
    assert (done.reviewed, done.total) == (1, 4)
    stored = entry(desk, "Joan Puig opened the meeting.")
    assert stored.msgstr == "Joan Puig abrió la reunión." and "fuzzy" not in stored.flags
    assert provenance(stored) == done.notes
    assert reviews(desk) == [
        {
            "action": "confirm",
            "segment": "Joan Puig opened the meeting.",
            "context": "",
            "source": "en",
            "old": draft.msgstr,
            "new": "Joan Puig abrió la reunión.",
            "engine": "pseudo",
            "drafted": TODAY,
            "draft": draft.msgstr,
        }
    ]
    # a second edit is not the draft's first confirmation any more
    again = save(desk, "Joan Puig opened the meeting.", "Joan Puig inauguró la reunión.", who="bo")
    assert again.result == "saved"
    assert again.notes == [f"machine pseudo {TODAY}", f"reviewed bo {TODAY}"]
    last = reviews(desk)[-1]
    assert last["engine"] == "pseudo" and "draft" not in last
    assert last["old"] == "Joan Puig abrió la reunión."


def test_saving_what_is_already_there_changes_nothing(desk: Project) -> None:
    save(desk, "Joan Puig opened the meeting.", "Joan Puig abrió la reunión.")
    before = desk.catalog_path("vote", ES).read_bytes()
    again = save(desk, "Joan Puig opened the meeting.", "Joan Puig abrió la reunión.")
    assert (again.result, again.state, again.saved) == (
        "unchanged",
        "translated",
        "Joan Puig abrió la reunión.",
    )
    assert desk.catalog_path("vote", ES).read_bytes() == before
    assert len(reviews(desk)) == 1


def test_confirm_as_is_and_restore_confirm_too(desk: Project) -> None:
    draft = entry(desk, "The vote")
    done = save(desk, "The vote", "ignored", action="confirm-as-is")
    assert (done.result, done.saved, done.state) == ("saved", draft.msgstr, "translated")
    back = save(desk, "The vote", "La votación", action="restore")
    assert (back.result, back.saved, back.state) == ("saved", "La votación", "translated")
    assert [r["action"] for r in reviews(desk)] == ["confirm-as-is", "restore"]
    assert "draft" in reviews(desk)[0] and "draft" not in reviews(desk)[1]


def test_a_reviewed_changed_source_loses_its_previous_msgid(desk: Project) -> None:
    path = desk.catalog_path("vote", ES)
    po = polib.pofile(str(path), wrapwidth=0)
    changed = po.find("The vote", msgctxt="title")
    changed.previous_msgid = "The old vote"
    po.save()
    save(desk, "The vote", "La votación")
    assert entry(desk, "The vote").previous_msgid is None


# --- refusals ------------------------------------------------------------------------------------


def test_a_save_from_an_old_text_is_a_conflict_and_stores_nothing(desk: Project) -> None:
    draft = entry(desk, "The vote").msgstr
    done = save(desk, "The vote", "La votación", base="something older")
    assert (done.result, done.current, done.message) == ("conflict", draft, CONFLICT)
    assert entry(desk, "The vote").msgstr == draft
    assert reviews(desk) == []


@pytest.mark.parametrize("text", ["", "  \n "])
def test_an_empty_translation_is_not_confirmed(desk: Project, text: str) -> None:
    done = save(desk, "The vote", text)
    assert (done.result, done.message) == ("invalid", EMPTY)
    assert "fuzzy" in entry(desk, "The vote").flags


def test_broken_placeholders_are_refused_with_the_findings(desk: Project) -> None:
    done = save(desk, LINK, "El consejo se reunió el lunes.", force=True)
    assert (done.result, done.message) == ("invalid", PLACEHOLDERS)
    assert [f.message for f in done.findings] == ["<g1> is missing", "</g1> is missing"]
    assert "fuzzy" in entry(desk, LINK).flags


def test_quality_errors_block_until_forced(desk: Project) -> None:
    blocked = save(desk, COST, "Costó 5 millones de euros.")
    assert (blocked.result, blocked.message) == ("blocked", BLOCKED)
    assert [(f.check, f.severity) for f in blocked.findings] == [("numbers", "error")]
    assert "fuzzy" in entry(desk, COST).flags
    forced = save(desk, COST, "Costó 5 millones de euros.", force=True)
    assert (forced.result, forced.state) == ("saved", "translated")
    assert [f.check for f in forced.findings] == ["numbers"]  # what is stored, still shown


def test_the_project_glossary_blocks_and_is_read_again_when_it_changes(desk: Project) -> None:
    saver = Saver(desk)
    blocked = save(desk, "Joan Puig opened the meeting.", "Juan Puig abrió.", saver=saver)
    assert blocked.result == "blocked"
    assert [f.check for f in blocked.findings] == ["glossary"]
    (desk.root / "glossary.toml").write_text('keep = ["Maria Ortiz"]\n', "utf-8")
    assert save(desk, "Joan Puig opened the meeting.", "Juan Puig abrió.", saver=saver).result == (
        "saved"
    )
    (desk.root / "glossary.toml").unlink()
    assert saver.glossary().keep == ()


def test_silencing_an_error_needs_a_reason_and_is_recorded(desk: Project) -> None:
    line = entry(desk, COST).occurrences[0][1]
    unexplained = save(desk, COST, "Costó 5 millones.", silence=("numbers",), reason="  ")
    assert (unexplained.result, unexplained.message) == ("invalid", NO_REASON)
    assert [f.check for f in unexplained.findings] == ["numbers"]
    done = save(
        desk,
        COST,
        "Costó 5 millones.",
        silence=("numbers", "quotes", "nonsense"),
        reason=" the figure\n was corrected ",
    )
    assert (done.result, done.findings) == ("saved", [])
    note = f"silence numbers: the figure was corrected (ana {TODAY})"
    assert done.notes == [f"machine pseudo {TODAY}", note, f"reviewed ana {TODAY}"]
    (silence,) = [e for e in read_log(desk.root, "vote") if e.event == "silence"]
    assert silence.who == "ana" and silence.language == "es"
    assert silence.detail == {
        "check": "numbers",
        "line": line,
        "reason": " the figure\n was corrected ",
        "segment": COST,
    }
    # silenced for good: a later save is not blocked by it
    later = save(desk, COST, "Costó 6 millones.", who="bo")
    assert later.result == "saved" and note in later.notes


def test_a_check_that_found_nothing_is_not_silenced(desk: Project) -> None:
    done = save(desk, COST, "Costó 4 millones.", silence=("numbers",), reason="just in case")
    assert done.result == "saved"
    assert not any(n.startswith("silence") for n in done.notes)


def test_a_segment_no_longer_in_the_catalogue_is_missing(desk: Project) -> None:
    request = Save(sid="0123456789ab", base="", text="x", action="confirm", who="ana")
    done = Saver(desk).save("vote", "es", request)
    assert (done.result, done.message) == ("missing", MISSING)


def test_bad_requests_are_one_clear_error(desk: Project) -> None:
    saver = Saver(desk)
    request = Save(sid="x", base="", text="x", action="confirm", who="ana")
    with pytest.raises(WorkflowError, match=r"^unknown action 'delete'$"):
        saver.save("vote", "es", Save(sid="x", base="", text="", action="delete", who="ana"))
    with pytest.raises(WorkflowError, match=r"^articles/nope\.md: no such article$"):
        saver.save("nope", "es", request)
    (desk.articles_dir / "other.md").write_text(STORY, "utf-8")
    with pytest.raises(WorkflowError, match=r"^locales/es/LC_MESSAGES/other\.po: no catalogue$"):
        saver.save("other", "es", request)


# --- leaving for review -------------------------------------------------------------------------


def test_copy_source_leaves_the_source_for_review(desk: Project) -> None:
    done = save(desk, "The vote", action="copy-source")
    assert (done.result, done.saved, done.state) == ("saved", "The vote", "fuzzy")
    assert done.notes == [f"machine pseudo {TODAY}", f"copied source ana {TODAY}"]
    assert reviews(desk)[-1]["action"] == "copy-source" and "draft" not in reviews(desk)[-1]


def test_revert_brings_back_the_machine_text_as_an_open_draft(desk: Project) -> None:
    machine = entry(desk, "The vote").msgstr
    save(desk, "The vote", "La votación")
    done = save(desk, "The vote", action="revert", who="bo")
    assert (done.result, done.saved, done.state) == ("saved", machine, "fuzzy")
    assert done.notes[0] == f"machine pseudo {TODAY}" and done.notes[1].startswith("draft ")
    assert len(done.notes) == 2
    # as good as new: its next confirmation is recorded as a draft confirmation
    save(desk, "The vote", "La votación")
    assert reviews(desk)[-1]["draft"] == machine


def test_revert_without_a_machine_answer_is_refused(desk: Project) -> None:
    save(desk, "The vote", "La votación")
    for cache in (desk.root / ".workflow-cache").glob("*"):
        if cache.is_file():
            cache.unlink()
    done = save(desk, "The vote", action="revert")
    assert (done.result, done.message) == ("invalid", NO_MACHINE)
    assert entry(desk, "The vote").msgstr == "La votación"


# --- the file ---------------------------------------------------------------------------------


def test_a_failed_write_is_reported_and_the_catalogue_read_again(
    desk: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    saver = Saver(desk)
    save(desk, "The vote", "La votación", saver=saver)  # the saver now holds the catalogue

    def fail(*_args: object, **_kwargs: object) -> bool:
        raise OSError("disk full")

    monkeypatch.setattr(saver._catalogs, "write_changed", fail)
    current = entry(desk, COST)
    request = Save(segment_id(None, COST), current.msgstr, "Costó 4 millones.", "confirm", "ana")
    with pytest.raises(OSError, match="disk full"):
        saver.save("vote", "es", request)
    assert (request.result, request.message) == ("error", NOT_SAVED)
    assert request.done.is_set()
    monkeypatch.undo()
    # nothing half-applied survives in the saver's memory: the same save goes through
    retry = Save(segment_id(None, COST), current.msgstr, "Costó 4 millones.", "confirm", "ana")
    assert saver.save("vote", "es", retry).result == "saved"
    assert entry(desk, "The vote").msgstr == "La votación"


def test_changes_made_by_others_are_seen(desk: Project) -> None:
    saver = Saver(desk)
    save(desk, "The vote", "La votación", saver=saver)
    path = desk.catalog_path("vote", ES)
    po = polib.pofile(str(path), wrapwidth=0)
    po.find("The vote", msgctxt="title").msgstr = "La votación de Poedit"
    po.save()
    stale = save(desk, "The vote", "Otra", saver=saver, base="La votación")
    assert (stale.result, stale.current) == ("conflict", "La votación de Poedit")
    assert save(desk, "The vote", "Otra", saver=saver).result == "saved"


def test_saves_arriving_together_are_all_applied(
    desk: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    saver = Saver(desk)
    writes = []
    original = saver._catalogs.write_changed

    def counted(po: polib.POFile, path: Path, field: str, *rest: Any) -> None:
        writes.append(field)
        original(po, path, field, *rest)

    monkeypatch.setattr(saver._catalogs, "write_changed", counted)
    msgids = [e.msgid for e in read_catalog(desk.catalog_path("vote", ES)) if "<" not in e.msgid]
    barrier = threading.Barrier(len(msgids))
    results: dict[str, Save] = {}

    def work(msgid: str) -> None:
        barrier.wait(30)
        results[msgid] = save(desk, msgid, f"ES {msgid}", saver=saver, force=True)

    threads = [threading.Thread(target=work, args=(m,)) for m in msgids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert {m: r.result for m, r in results.items()} == dict.fromkeys(msgids, "saved")
    assert {m: entry(desk, m).msgstr for m in msgids} == {m: f"ES {m}" for m in msgids}
    assert 1 <= len(writes) <= len(msgids) and set(writes) == {"PO-Revision-Date"}
    assert max(r.reviewed for r in results.values()) == len(msgids)
    assert {r.total for r in results.values()} == {4}


def test_every_write_is_the_file_polib_would_write_and_progress_follows(desk: Project) -> None:
    """The saver serialises only the entries it changed, and counts progress as it goes."""
    saver = Saver(desk)
    path = desk.catalog_path("vote", ES)
    live = len([e for e in read_catalog(path) if not e.obsolete])
    steps = [("The vote", "Uno", "confirm", 1), ("The vote", "Dos", "confirm", 1)]
    steps += [(COST, "Costó 4 millones.", "confirm", 2), ("The vote", "", "copy-source", 1)]
    for msgid, text, action, reviewed in steps:
        done = save(desk, msgid, text, action, saver=saver)
        assert done.result == "saved" and (done.reviewed, done.total) == (reviewed, live)
        assert path.read_text(encoding="utf-8") == str(read_catalog(path))
        assert entry(desk, msgid).msgstr == (text or msgid)
    assert stats(read_catalog(path)).translated == 1


def test_the_site_strings_are_checked_as_english(project: Project) -> None:
    extract(project, [])
    path = project.catalog_path(SITE, ES)
    po = read_catalog(path)
    target = next(e for e in po if e.msgid and not e.obsolete and "%" not in e.msgid)
    request = Save(
        segment_id(target.msgctxt, target.msgid), target.msgstr, "Texto", "confirm", "ana"
    )
    done = Saver(project).save(SITE, "es", request)
    assert done.result in ("saved", "unchanged")
    (event,) = [e for e in read_log(project.root, SITE) if e.event == "review"]
    assert event.detail["source"] == "en"
