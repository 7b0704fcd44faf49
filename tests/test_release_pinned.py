"""The approval gate and the release format pinned down.

The release (``.mo``) is a promise: a site built next year must still read a
release approved today.  ``tests/data/release/`` holds one made by ``workflow
approve`` and committed; these tests read it field by field.  The rest pins the
gate (the glossary included), the release header, the credits and the reasons
as printed.  Each test fails on a fault a mutation run found unnoticed
(``scripts/mutation release``).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from workflow.audit import read_log
from workflow.catalog import read_catalog, set_provenance
from workflow.errors import CatalogError, WorkflowError
from workflow.extract import extract
from workflow.languages import parse_language
from workflow.project import Project
from workflow.release import (
    APPROVAL_NOTE,
    APPROVED_AT,
    APPROVED_BY,
    BODY_CONTEXT,
    CHANGES_REQUESTED,
    ENGINES,
    RELEASE_HASH,
    REVIEWERS,
    SOURCE_REVISION,
    WITHDRAWN,
    ApprovalRefused,
    approve,
    can_reject,
    read_release,
    reject,
    release_path,
    release_stage,
    source_revision,
)

from .conftest import msgfmt_check

ES = parse_language("es")
FIXTURE = Path(__file__).parent / "data" / "release"
FROZEN_MO = FIXTURE / "locales" / "es" / "LC_MESSAGES" / "quay.mo"

# --- the committed release -------------------------------------------------------------


@pytest.fixture
def frozen(tmp_path: Path) -> Project:
    """A copy of the project the committed release was approved in."""
    root = tmp_path / "frozen"
    shutil.copytree(FIXTURE, root)
    return Project.load(root)


def test_release_header_field_names_are_a_promise() -> None:
    assert (APPROVED_BY, APPROVED_AT, APPROVAL_NOTE) == (
        "X-Approved-By",
        "X-Approved-At",
        "X-Approval-Note",
    )
    assert (SOURCE_REVISION, RELEASE_HASH, ENGINES, REVIEWERS) == (
        "X-Source-Revision",
        "X-Release-Hash",
        "X-Machine-Engines",
        "X-Reviewed-By",
    )
    assert BODY_CONTEXT == "workflow-release"
    meta = polib.mofile(str(FROZEN_MO)).metadata
    assert {key: meta[key] for key in meta if key.startswith("X-")} == {
        "X-Approval-Note": "Figures checked with the port authority",
        "X-Approved-At": "2026-11-28T16:17:23+00:00",
        "X-Approved-By": "marta",
        "X-Generator": "workflow 0.1.0",
        "X-Machine-Engines": "apertium, deepl",
        "X-Release-Hash": "56804da72a6cb181b3932bcbbf6c0b3e",
        "X-Reviewed-By": "ana, bo",
        "X-Source-Revision": "sha256:"
        "b3fb6f231012f04f715d3d59383ba2c21db3eebc530a115a049e36a24e36083a",
        "X-Workflow-Source": "articles/quay.md",
        "X-Workflow-Source-Hash": "03f45b3fc173d3ff",
        "X-Workflow-Source-Language": "en",
    }


def test_the_committed_release_reads_back_field_by_field(frozen: Project) -> None:
    release = read_release(release_path(frozen, "quay", ES))
    assert release is not None
    assert release.approved_by == "marta"
    assert release.approved_at == "2026-11-28T16:17:23+00:00"
    assert release.note == "Figures checked with the port authority"
    assert release.source_revision == source_revision(frozen.article("quay"))
    assert release.content_hash == "56804da72a6cb181b3932bcbbf6c0b3e"
    assert release.engines == ("apertium", "deepl")
    assert release.reviewers == ("ana", "bo")
    assert release.messages == {
        ("title", "The new quay opens"): "Abre el nuevo muelle",
        ("summary", "The north quay is open again."): "El muelle norte vuelve a estar abierto.",
        (None, "The north quay opened on Monday."): "El muelle norte abrió el lunes.",
        (None, "It cost <g1>12 million euros</g1>."): "Costó <g1>12 millones de euros</g1>.",
        (None, "Joan Puig, a fisherman, read the <g1>council's report</g1>."): (
            "Joan Puig, pescador, leyó el <g1>informe del ayuntamiento</g1>."
        ),
        (None, "What comes next"): "Lo que viene",
        (None, "The market opens in May."): "El mercado abre en mayo.",
    }
    assert release.body == (
        "El muelle norte abrió el lunes. Costó *12 millones de euros*.\n\n"
        "Joan Puig, pescador, leyó el [informe del ayuntamiento](https://example.org/report).\n\n"
        "## Lo que viene\n\nEl mercado abre en mayo.\n"
    )


def test_the_committed_release_is_still_current_and_gnu_gettext_reads_it(
    frozen: Project, tmp_path: Path
) -> None:
    # the source revision and the content hash are computed as they were
    assert release_stage(frozen, frozen.article("quay"), ES) == "approved"
    back = tmp_path / "back.po"
    subprocess.run(["msgunfmt", str(FROZEN_MO), "-o", str(back)], check=True)
    msgfmt_check(back)


def test_the_publisher_reads_the_committed_release(frozen: Project, tmp_path: Path) -> None:
    from workflow.publish import build

    build(frozen, tmp_path / "public")
    page = (tmp_path / "public" / "es" / "quay" / "index.html").read_text("utf-8")
    assert "<h1>Abre el nuevo muelle</h1>" in page or "Abre el nuevo muelle</h1>" in page
    assert "El muelle norte abrió el lunes." in page
    assert '<a href="https://example.org/report">informe del ayuntamiento</a>' in page
    assert "Apertium, DeepL" in page
    assert "Ana Ruiz y Bo Lindqvist" in page and "Marta Soler" in page
    assert "28 de noviembre de 2026" in page


# --- the gate ---------------------------------------------------------------------------

STORY = """---
title: The vote
published: 2024-08-19
language: en
status: ready
---
Joan Puig opened the meeting. The town council met on Monday.

It cost 4 million euros.
"""


@pytest.fixture
def vote(project: Project) -> Project:
    """A short article extracted into Spanish, every segment translated and reviewed."""
    (project.articles_dir / "vote.md").write_text(STORY, encoding="utf-8")
    (project.root / "glossary.toml").write_text(
        'keep = ["Joan Puig"]\n[terms."en:es"]\n"town council" = "ayuntamiento"\n', "utf-8"
    )
    extract(project, ["vote"])
    translate(
        project,
        {
            "The vote": "La votación",
            "Joan Puig opened the meeting.": "Joan Puig abrió la reunión.",
            "The town council met on Monday.": "El ayuntamiento se reunió el lunes.",
            "It cost 4 million euros.": "Costó 4 millones de euros.",
        },
    )
    return project


def translate(
    project: Project,
    texts: dict[str, str],
    notes: Callable[[str], tuple[str, ...]] = lambda msgid: ("reviewed ana 2026-01-02",),
    fuzzy: tuple[str, ...] = (),
) -> None:
    path = project.catalog_path("vote", ES)
    po = polib.pofile(str(path), wrapwidth=0)
    for entry in po:
        if entry.msgid in texts:
            entry.msgstr = texts[entry.msgid]
            set_provenance(entry, *notes(entry.msgid))
            entry.flags = ["fuzzy"] if entry.msgid in fuzzy else []
    po.save()


def refusal(project: Project, slug: str = "vote") -> list[str]:
    with pytest.raises(ApprovalRefused) as info:
        approve(project, slug, "es", "marta")
    assert str(info.value).startswith(f"{slug} [es]: approval refused:\n  - ")
    assert str(info.value).count("\n  - ") == len(info.value.reasons)
    return info.value.reasons


def test_the_gate_applies_the_project_glossary(vote: Project) -> None:
    translate(vote, {"Joan Puig opened the meeting.": "Juan Puig abrió la reunión."})
    assert refusal(vote) == ["line 7 glossary: 'Joan Puig' must stay as it is"]
    assert not release_path(vote, "vote", ES).exists()
    (vote.root / "glossary.toml").unlink()  # the same text passes without the glossary
    assert approve(vote, "vote", "es", "marta")[0] == "approved"


def test_forced_terms_warn_but_do_not_block(vote: Project) -> None:
    translate(vote, {"The town council met on Monday.": "El consejo se reunió el lunes."})
    assert approve(vote, "vote", "es", "marta")[0] == "approved"


def test_reasons_list_every_kind_with_lines(vote: Project) -> None:
    translate(
        vote,
        {"The vote": "", "It cost 4 million euros.": "Costó 5 millones de euros."},
        fuzzy=("Joan Puig opened the meeting.",),
    )
    path = vote.catalog_path("vote", ES)
    po = polib.pofile(str(path), wrapwidth=0)
    po.find("Joan Puig opened the meeting.").flags = ["fuzzy"]
    po.save()
    article = vote.articles_dir / "vote.md"
    article.write_text(STORY.replace("status: ready", "status: draft"), "utf-8")
    assert refusal(vote) == [
        "the article is a draft",
        "the article changed since the last extract (run `workflow extract vote`)",
        "1 segment(s) untranslated: lines 2",
        "1 segment(s) fuzzy (machine or changed source, not reviewed): lines 7",
        "line 9 numbers: numbers differ: missing 4; not in the source 5",
    ]


def test_no_catalogue_is_a_reason(project: Project) -> None:
    (project.articles_dir / "vote.md").write_text(STORY, encoding="utf-8")
    assert refusal(project) == ["no catalogue (run `workflow extract vote`)"]


def test_a_source_language_version_is_not_approved(vote: Project) -> None:
    with pytest.raises(WorkflowError, match=r"^vote is written in en: only translations"):
        approve(vote, "vote", "en", "marta")


def _many(count: int) -> str:
    return "\n\n".join(f"Item {n} costs {n} euros." for n in range(1, count + 1))


@pytest.mark.parametrize("count", [7, 8, 9, 10])
def test_long_lists_of_reasons_are_cut_after_eight(project: Project, count: int) -> None:
    (project.articles_dir / "vote.md").write_text(
        STORY.split("---\n", 2)[0] + "---\n" + STORY.split("---\n", 2)[1] + "---\n" + _many(count),
        encoding="utf-8",
    )
    extract(project, ["vote"])
    reasons = refusal(project)
    lines = [str(2 * n + 5) for n in range(1, count + 1)]
    shown = ", ".join(["2", *lines][:8])
    more = f" and {count + 1 - 8} more" if count + 1 > 8 else ""
    assert reasons == [f"{count + 1} segment(s) untranslated: lines {shown}{more}"]
    translate(
        project,
        {f"Item {n} costs {n} euros.": f"Cosa {n} cuesta 0 euros." for n in range(1, count + 1)}
        | {"The vote": "La votación"},
    )
    reasons = refusal(project)
    errors = [
        f"line {line} numbers: numbers differ: missing {n}; not in the source 0"
        for n, line in enumerate(lines, start=1)
    ]
    tail = [f"… and {count - 8} more quality findings (see `workflow check`)"] if count > 8 else []
    assert reasons == errors[:8] + tail


# --- the release written ------------------------------------------------------------------


def _near_now(stamp: str) -> bool:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", stamp), stamp
    return abs(dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(stamp)) < dt.timedelta(minutes=5)


def test_release_header_says_who_when_what_and_credits_exactly(vote: Project) -> None:
    def notes(msgid: str) -> tuple[str, ...]:
        return {
            "The vote": ("machine apertium 2026-01-01", "reviewed bo 2026-01-02"),
            "Joan Puig opened the meeting.": (
                "machine deepl 2026-01-01",
                "reviewed ana 2026-01-02",
            ),
            "The town council met on Monday.": (
                "machine apertium 2026-01-01",
                "reviewed ana 2026-01-03",
                "machine",  # a note too short to name anyone
                "reviewed",
                "machine lingvo",  # a note without a date still names them
                "reviewed carla",
            ),
            "It cost 4 million euros.": ("memory 2026-01-01", "reviewed bo 2026-01-02"),
        }[msgid]

    texts = {e.msgid: e.msgstr for e in read_catalog(vote.catalog_path("vote", ES))}
    translate(vote, texts, notes)
    po = polib.pofile(str(vote.catalog_path("vote", ES)), wrapwidth=0)
    po.metadata[CHANGES_REQUESTED] = "marta 2026-01-01: redo it"
    po.metadata[WITHDRAWN] = "marta 2026-01-01"
    po.save()
    action, release = approve(vote, "vote", "es", "marta", note="  Checked\n the  figures ")
    assert action == "approved"
    meta = polib.mofile(str(release.path)).metadata
    assert meta[APPROVED_BY] == "marta" and _near_now(meta[APPROVED_AT])
    assert meta[APPROVAL_NOTE] == "Checked the figures"
    assert meta[SOURCE_REVISION] == source_revision(vote.article("vote"))
    assert re.fullmatch(r"[0-9a-f]{32}", meta[RELEASE_HASH])
    assert meta[ENGINES] == "apertium, deepl, lingvo"  # in order of appearance, each once
    assert meta[REVIEWERS] == "bo, ana, carla"
    assert meta["Language"] == "es"  # the catalogue's own header travels along
    assert CHANGES_REQUESTED not in meta and WITHDRAWN not in meta
    # ...and the catalogue is cleared of the rejection too
    cleared = read_catalog(vote.catalog_path("vote", ES)).metadata
    assert CHANGES_REQUESTED not in cleared and WITHDRAWN not in cleared
    assert release.engines == ("apertium", "deepl", "lingvo")
    assert release.reviewers == ("bo", "ana", "carla")
    (event,) = [e for e in read_log(vote.root, "vote") if e.event == "approve"]
    assert event.detail == {
        "note": "  Checked\n the  figures ",
        "release": meta[RELEASE_HASH],
        "segments": 4,
    }


def test_only_reviewed_entries_are_released_and_credited(vote: Project) -> None:
    path = vote.catalog_path("vote", ES)
    po = polib.pofile(str(path), wrapwidth=0)
    po.append(
        polib.POEntry(
            msgid="An old sentence.",
            msgstr="Una frase vieja.",
            obsolete=True,
            tcomment="workflow: machine deepl 2026\nworkflow: reviewed zoe 2026",
        )
    )
    po.save()
    _, release = approve(vote, "vote", "es", "marta")
    assert (None, "An old sentence.") not in release.messages
    assert release.reviewers == ("ana",) and release.engines == ()
    assert len(release.messages) == 4
    assert release.body == (
        "Joan Puig abrió la reunión. El ayuntamiento se reunió el lunes.\n\n"
        "Costó 4 millones de euros.\n"
    )


def test_release_body_starts_at_its_first_line(project: Project) -> None:
    (project.articles_dir / "vote.md").write_text(
        STORY.replace("---\nJoan", "---\n\n\nJoan"), encoding="utf-8"
    )
    extract(project, ["vote"])
    msgids = [e.msgid for e in read_catalog(project.catalog_path("vote", ES))]
    translate(project, {m: "Sí 4." if "4" in m else "Sí." for m in msgids})
    _, release = approve(project, "vote", "es", "marta")
    assert release.body == "Sí. Sí.\n\nSí 4.\n"


def test_a_broken_release_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.mo"
    assert read_release(path) is None
    path.write_bytes(b"not a release")
    with pytest.raises(CatalogError, match=rf"^{re.escape(str(path))}: broken release file \("):
        read_release(path)


# --- stages and rejection ---------------------------------------------------------------------


def test_release_stage_follows_source_and_catalogue(vote: Project) -> None:
    article = vote.article("vote")
    assert release_stage(vote, article, ES) is None
    approve(vote, "vote", "es", "marta")
    po = read_catalog(vote.catalog_path("vote", ES))
    assert release_stage(vote, article, ES) == "approved"
    assert release_stage(vote, article, ES, po) == "approved"
    po[0].msgstr = "Otra votación"
    assert release_stage(vote, article, ES, po) == "edited since approval"
    assert release_stage(vote, article, ES) == "approved"  # the file is unchanged
    (vote.articles_dir / "vote.md").write_text(STORY + "\nMore.\n", "utf-8")
    assert release_stage(vote, vote.article("vote"), ES, po) == "update in review"


def test_reject_writes_who_when_and_the_note_on_one_line(vote: Project) -> None:
    assert reject(vote, "vote", "es", "marta", "Use\n  «ayuntamiento»  ") is False
    today = dt.date.today().isoformat()
    meta = read_catalog(vote.catalog_path("vote", ES)).metadata
    assert meta[CHANGES_REQUESTED] == f"marta {today}: Use «ayuntamiento»"
    assert WITHDRAWN not in meta
    approve(vote, "vote", "es", "marta")
    assert reject(vote, "vote", "es", "marta", "Figures") is True
    assert read_catalog(vote.catalog_path("vote", ES)).metadata[WITHDRAWN] == f"marta {today}"


@pytest.mark.parametrize("note", ["", "   \n "])
def test_reject_needs_a_note(vote: Project, note: str) -> None:
    with pytest.raises(WorkflowError, match=r"^a rejection needs a note"):
        reject(vote, "vote", "es", "marta", note)


def test_reject_without_a_catalogue(project: Project) -> None:
    (project.articles_dir / "vote.md").write_text(STORY, encoding="utf-8")
    with pytest.raises(
        CatalogError, match=r"^locales/es/LC_MESSAGES/vote\.po: no catalogue to send back$"
    ):
        reject(project, "vote", "es", "marta", "why")


def test_can_reject_truth_table() -> None:
    from workflow.catalog import Stats

    assert can_reject(True, Stats())
    assert not can_reject(False, Stats())
    assert can_reject(False, Stats(total=2, translated=1, fuzzy=1))
    assert not can_reject(False, Stats(total=2, translated=1, untranslated=1))
    assert can_reject(False, Stats(total=1, translated=1))


# --- the site's strings ------------------------------------------------------------------------


def test_the_sites_strings_are_approved_like_an_article(project: Project) -> None:
    from workflow.release import site_release_stage

    path = project.catalog_path("site", ES)
    po = read_catalog(path)
    assert site_release_stage(project, ES, po) is None
    first = next(e for e in po if e.msgid)
    first.msgstr = ""
    po.save(str(path))
    with pytest.raises(ApprovalRefused) as info:
        approve(project, "site", "es", "marta")
    assert str(info.value).startswith("site [es]: approval refused:\n  - ")
    where = first.occurrences[0][1] or first.occurrences[0][0]
    assert info.value.reasons == [f"1 segment(s) untranslated: lines {where}"]
    first.msgstr = "Texto revisado"
    po.save(str(path))
    action, release = approve(project, "site", "es", "marta", note="Interfaz")
    assert action == "approved"
    assert release.path == path.with_suffix(".mo")
    assert release.source_revision == "site" and release.body == ""
    assert release.messages[(first.msgctxt, first.msgid)] == "Texto revisado"
    assert (release.approved_by, release.note) == ("marta", "Interfaz")
    assert site_release_stage(project, ES, read_catalog(path)) == "approved"
    po = read_catalog(path)
    po[0].msgstr = "Cambiado"
    assert site_release_stage(project, ES, po) == "edited since approval"
    assert approve(project, "site", "es", "marta")[0] == "unchanged"
    (event,) = [e for e in read_log(project.root, "site") if e.event == "approve"]
    assert (event.who, event.language) == ("marta", "es")
    assert event.detail["segments"] == len(release.messages)


def test_an_entry_without_a_reference_is_named_by_a_question_mark(vote: Project) -> None:
    path = vote.catalog_path("vote", ES)
    po = polib.pofile(str(path), wrapwidth=0)
    po.find("The vote", msgctxt="title").occurrences = []
    po.find("The vote", msgctxt="title").msgstr = ""
    po.save()
    assert refusal(vote) == ["1 segment(s) untranslated: lines ?"]


def test_the_content_hash_is_part_of_the_format() -> None:
    from workflow.release import _content_hash

    po = polib.POFile()
    po.append(polib.POEntry(msgid="b", msgstr="B"))
    po.append(polib.POEntry(msgctxt="A", msgid="a", msgstr="Aa"))
    po.append(polib.POEntry(msgctxt="title", msgid="T", msgstr="Tt"))
    po.append(polib.POEntry(msgid="c", msgstr="C", flags=["fuzzy"]))  # not reviewed: not in it
    po.append(polib.POEntry(msgid="d", msgstr=""))
    # a release approved by this version must match this version's hash of the same text
    assert _content_hash(po, "sha256:x") == "282c42e42858384e8587002f4bb103bb"


def test_a_release_without_workflows_fields_reads_as_empty(tmp_path: Path) -> None:
    source = tmp_path / "plain.po"
    source.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Hello"\nmsgstr "Hola"\n',
        "utf-8",
    )
    compiled = tmp_path / "plain.mo"
    subprocess.run(["msgfmt", str(source), "-o", str(compiled)], check=True)
    release = read_release(compiled)
    assert release is not None
    assert (release.approved_by, release.approved_at, release.source_revision) == ("", "", "")
    assert (release.note, release.content_hash, release.body) == ("", "", "")
    assert (release.engines, release.reviewers) == ((), ())
    assert release.messages == {(None, "Hello"): "Hola"}


def test_the_body_entry_and_edges_of_the_released_body(project: Project) -> None:
    # the body starts with an indented code block and the file has no final newline
    body = "\n\n    code stays code\n\nXavier Puig spoke first."
    (project.articles_dir / "vote.md").write_text(
        STORY.split("---\n")[0] + "---\n" + STORY.split("---\n")[1] + "---\n" + body, "utf-8"
    )
    extract(project, ["vote"])
    msgids = [e.msgid for e in read_catalog(project.catalog_path("vote", ES))]
    translate(
        project, {m: "Xavier Puig habló primero." if "Xavier" in m else "Voto" for m in msgids}
    )
    _, release = approve(project, "vote", "es", "marta")
    assert release.body == "    code stays code\n\nXavier Puig habló primero.\n"
    assert release.note == ""
    (entry,) = [e for e in polib.mofile(str(release.path)) if e.msgctxt == BODY_CONTEXT]
    assert entry.msgid == "body\n"
    (frozen_entry,) = [e for e in polib.mofile(str(FROZEN_MO)) if e.msgctxt == BODY_CONTEXT]
    assert frozen_entry.msgid == "body\n"


def test_approval_clears_a_withdrawal_alone_and_stamps_the_revision_date(vote: Project) -> None:
    path = vote.catalog_path("vote", ES)
    po = polib.pofile(str(path), wrapwidth=0)
    po.metadata[WITHDRAWN] = "marta 2026-01-01"
    po.metadata["PO-Revision-Date"] = po.metadata["POT-Creation-Date"] = "2001-01-01 00:00+0000"
    po.save()
    approve(vote, "vote", "es", "marta")
    meta = read_catalog(path).metadata
    assert WITHDRAWN not in meta
    assert meta["PO-Revision-Date"] != "2001-01-01 00:00+0000"
    assert meta["POT-Creation-Date"] == "2001-01-01 00:00+0000"


def test_approval_and_rejection_tell_the_team(
    vote: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[object, ...]] = []
    monkeypatch.setattr(
        "workflow.release.events.approved", lambda *args: calls.append(("approved", *args[1:]))
    )
    monkeypatch.setattr(
        "workflow.release.events.changes_requested",
        lambda *args: calls.append(("changes", *args[1:])),
    )
    approve(vote, "vote", "es", "marta", note="Good")
    reject(vote, "vote", "es", "marta", "Figures")
    assert calls == [
        ("approved", "vote", "es", "marta", "Good"),
        ("changes", "vote", "es", "marta", "Figures"),
    ]


def test_rejection_is_recorded_with_its_note_and_what_it_withdrew(vote: Project) -> None:
    reject(vote, "vote", "es", "marta", "Check the names")
    _, release = approve(vote, "vote", "es", "marta")
    reject(vote, "vote", "es", "jordi", "Figures")
    first, second = [e for e in read_log(vote.root, "vote") if e.event == "reject"]
    assert (first.who, first.detail) == ("marta", {"note": "Check the names"})
    assert (second.who, second.detail) == (
        "jordi",
        {"note": "Figures", "withdrawn": release.content_hash},
    )


def test_rejection_stamps_the_revision_date(vote: Project) -> None:
    path = vote.catalog_path("vote", ES)
    po = polib.pofile(str(path), wrapwidth=0)
    po.metadata["PO-Revision-Date"] = po.metadata["POT-Creation-Date"] = "2001-01-01 00:00+0000"
    po.save()
    reject(vote, "vote", "es", "marta", "Figures")
    meta = read_catalog(path).metadata
    assert meta["PO-Revision-Date"] != "2001-01-01 00:00+0000"
    assert meta["POT-Creation-Date"] == "2001-01-01 00:00+0000"


def test_a_release_can_be_withdrawn_even_while_the_catalogue_is_incomplete(vote: Project) -> None:
    approve(vote, "vote", "es", "marta")
    translate(vote, {"The vote": ""})
    assert reject(vote, "vote", "es", "marta", "Start again") is True
    assert not release_path(vote, "vote", ES).exists()
    with pytest.raises(
        WorkflowError,
        match=r"^vote \[es\]: nothing to send back yet "
        r"\(no release, and the translation is not complete\)$",
    ):
        reject(vote, "vote", "es", "marta", "Again")


def test_the_sites_strings_can_be_sent_back_and_unknown_articles_cannot(project: Project) -> None:
    reject(project, "site", "es", "marta", "Shorter labels")
    meta = read_catalog(project.catalog_path("site", ES)).metadata
    assert meta[CHANGES_REQUESTED].endswith(": Shorter labels")
    with pytest.raises(WorkflowError, match="nope"):
        reject(project, "nope", "es", "marta", "Why")


def test_a_broken_catalogue_is_named_by_its_place_in_the_project(vote: Project) -> None:
    path = vote.catalog_path("vote", ES)
    path.write_text('msgid "a"\nmsgstr "b\n', "utf-8")
    where = r"^locales/es/LC_MESSAGES/vote\.po: broken PO file"
    with pytest.raises(CatalogError, match=where):
        approve(vote, "vote", "es", "marta")
    with pytest.raises(CatalogError, match=where):
        reject(vote, "vote", "es", "marta", "x")
    release_path(vote, "vote", ES).write_bytes(FROZEN_MO.read_bytes())
    (vote.articles_dir / "vote.md").write_text(
        (FIXTURE / "articles" / "quay.md").read_text("utf-8"), "utf-8"
    )
    release = read_release(release_path(vote, "vote", ES))
    assert release is not None
    article = vote.article("vote")
    assert release.source_revision == source_revision(article)
    with pytest.raises(CatalogError, match=where):
        release_stage(vote, article, ES)


# --- reading any GNU .mo -----------------------------------------------------------------------

PLURALS = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"

msgid "Hello"
msgstr "Hola"

msgctxt "title"
msgid "Hello"
msgstr "Hola (título)"

msgid "one story"
msgid_plural "%d stories"
msgstr[0] "una historia"
msgstr[1] "%d historias"

msgctxt "feed"
msgid "one item"
msgid_plural "%d items"
msgstr[0] "un elemento"
msgstr[1] "%d elementos"
"""


def compiled(tmp_path: Path, text: str, *options: str) -> bytes:
    source = tmp_path / "any.po"
    source.write_text(text, "utf-8")
    target = tmp_path / "any.mo"
    subprocess.run(["msgfmt", *options, str(source), "-o", str(target)], check=True)
    return target.read_bytes()


def test_a_mo_of_either_byte_order_and_revision_reads_the_same(tmp_path: Path) -> None:
    from workflow.release import read_mo

    little = compiled(tmp_path, PLURALS, "--endianness=little")
    big = compiled(tmp_path, PLURALS, "--endianness=big")
    assert little != big
    expected = {
        (None, "Hello"): "Hola",
        ("title", "Hello"): "Hola (título)",
        (None, "one story"): "una historia\0%d historias",  # keyed by the singular
        ("feed", "one item"): "un elemento\0%d elementos",
    }
    messages = read_mo(little)
    assert messages.pop((None, "")).startswith("Content-Type: text/plain; charset=UTF-8\n")
    assert messages == expected
    assert {k: v for k, v in read_mo(big).items() if k != (None, "")} == expected
    # minor revision 1 (GNU gettext writes it for system-dependent strings) reads the same
    revised = little[:4] + (1).to_bytes(4, "little") + little[8:]
    assert read_mo(revised) == read_mo(little)


def test_a_file_that_is_not_a_mo_says_so(tmp_path: Path) -> None:
    path = tmp_path / "x.mo"
    path.write_bytes(b"\x00" * 64)
    with pytest.raises(CatalogError, match=r"broken release file \(not a \.mo file \(bad magic"):
        read_release(path)
    path.unlink()
    path.mkdir()  # not a file at all
    with pytest.raises(CatalogError, match=rf"^{re.escape(str(path))}: unreadable release file"):
        read_release(path)


def test_a_mo_without_a_header_reads_as_an_empty_release(tmp_path: Path) -> None:
    path = tmp_path / "bare.mo"
    path.write_bytes(compiled(tmp_path, 'msgid "Hello"\nmsgstr "Hola"\n'))
    release = read_release(path)
    assert release is not None
    assert (release.approved_by, release.note, release.engines) == ("", "", ())
    assert release.messages == {(None, "Hello"): "Hola"}


def test_a_note_with_a_colon_is_kept_whole(vote: Project) -> None:
    _, release = approve(vote, "vote", "es", "marta", note="Checked: figures and names")
    assert release.note == "Checked: figures and names"
    assert read_release(release.path).note == "Checked: figures and names"  # type: ignore[union-attr]


def test_a_body_starting_with_x_keeps_its_first_letter(project: Project) -> None:
    (project.articles_dir / "vote.md").write_text(
        STORY.replace("Joan Puig opened the meeting.", "Xavier opened the meeting."), "utf-8"
    )
    extract(project, ["vote"])
    msgids = [e.msgid for e in read_catalog(project.catalog_path("vote", ES))]
    spanish = {"Xavier opened the meeting.": "Xavier abrió la sesión."}
    translate(project, {m: spanish.get(m, "Voto 4." if "4" in m else "Voto.") for m in msgids})
    _, release = approve(project, "vote", "es", "marta")
    assert release.body == "Xavier abrió la sesión. Voto.\n\nVoto 4.\n"


def test_the_sites_strings_pass_the_glossary_and_a_broken_catalogue_is_named(
    project: Project,
) -> None:
    path = project.catalog_path("site", ES)
    (project.root / "glossary.toml").write_text('keep = ["Photo"]\n', "utf-8")
    with pytest.raises(ApprovalRefused) as info:
        approve(project, "site", "es", "marta")
    assert any("glossary: 'Photo' must stay as it is" in r for r in info.value.reasons)
    (project.root / "glossary.toml").unlink()
    path.write_text('msgid "a"\nmsgstr "b\n', "utf-8")
    with pytest.raises(CatalogError, match=r"^locales/es/LC_MESSAGES/site\.po"):
        approve(project, "site", "es", "marta")
