"""Approval: the gate, the frozen release (.mo), rejection and the audit log."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from workflow.audit import read_log
from workflow.catalog import read_catalog
from workflow.cli import cli
from workflow.extract import extract
from workflow.languages import parse_language
from workflow.project import Project
from workflow.release import ApprovalRefused, approve, read_release, reject, release_path
from workflow.status import status

from .conftest import msgfmt_check

ES = parse_language("es")
SLUG = "harbour-rebuilt"


def review_all(project: Project, fill: Callable[..., None]) -> None:
    """Every segment translated and reviewed: the msgid itself, marked as Spanish."""
    fill(project.catalog_path(SLUG, ES), lambda msgid: msgid)
    path = project.catalog_path(SLUG, ES)
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgctxt == "title":
            entry.msgstr = "Cómo se reconstruyó el puerto"
    po.save()


@pytest.fixture
def ready(project: Project, fill: Callable[..., None]) -> Project:
    extract(project, [SLUG])
    review_all(project, fill)
    return project


def stage(project: Project, language: str = "es") -> str:
    return next(r.stage for r in status(project, [SLUG]) if r.language == language)


def refused(project: Project) -> list[str]:
    with pytest.raises(ApprovalRefused) as info:
        approve(project, SLUG, "es", "marta")
    return info.value.reasons


def test_refused_while_untranslated(project: Project) -> None:
    extract(project, [SLUG])
    reasons = refused(project)
    assert reasons == ["40 segment(s) untranslated: lines 2, 3, 4, 5, 13, 14, 17, 18 and 32 more"]
    assert not release_path(project, SLUG, ES).exists()


def test_refused_while_fuzzy(ready: Project) -> None:
    path = ready.catalog_path(SLUG, ES)
    po = polib.pofile(str(path))
    po[0].flags.append("fuzzy")
    po.save()
    assert refused(ready) == [
        "1 segment(s) fuzzy (machine or changed source, not reviewed): lines 2"
    ]


def test_refused_for_quality_errors_until_silenced(ready: Project) -> None:
    path = ready.catalog_path(SLUG, ES)
    po = polib.pofile(str(path))
    entry = next(e for e in po if "2041" in e.msgid)
    entry.msgstr = entry.msgstr.replace("2041", "2042")
    po.save()
    (reason,) = refused(ready)
    assert reason.startswith(f"line {entry.occurrences[0][1]} numbers: numbers differ")
    result = CliRunner().invoke(
        cli,
        [
            "--project",
            str(ready.root),
            "silence",
            SLUG,
            "--lang",
            "es",
            "--line",
            entry.occurrences[0][1],
            "--check",
            "numbers",
            "--reason",
            "corrected date",
            "--by",
            "ana",
        ],
    )
    assert result.exit_code == 0, result.output
    assert approve(ready, SLUG, "es", "marta")[0] == "approved"


def test_refused_when_the_catalogue_is_older_than_the_article(ready: Project) -> None:
    path = ready.article_path(SLUG)
    path.write_text(path.read_text().replace("Five years", "Six years"))
    assert any("changed since the last extract" in r for r in refused(ready))


def test_refused_for_a_draft(ready: Project) -> None:
    path = ready.article_path(SLUG)
    path.write_text(path.read_text().replace("status: ready", "status: draft"))
    assert "the article is a draft" in refused(ready)


def test_release_holds_exactly_the_reviewed_text(ready: Project, tmp_path: Path) -> None:
    action, release = approve(ready, SLUG, "es", "marta", note="Figures checked")
    assert action == "approved"
    po = read_catalog(ready.catalog_path(SLUG, ES))
    assert release.messages == {(e.msgctxt, e.msgid): e.msgstr for e in po if not e.obsolete}
    assert release.approved_by == "marta" and release.note == "Figures checked"
    assert release.source_revision.startswith("sha256:") and len(release.source_revision) == 71
    # GNU gettext reads it back, and the result passes msgfmt --check
    back = tmp_path / "back.po"
    subprocess.run(["msgunfmt", str(release.path), "-o", str(back)], check=True)
    msgfmt_check(back)
    assert "X-Approved-By: marta" in back.read_text()
    assert stage(ready) == "approved"


def test_approving_the_same_content_twice_is_a_no_op(ready: Project) -> None:
    approve(ready, SLUG, "es", "marta")
    path = release_path(ready, SLUG, ES)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    action, release = approve(ready, SLUG, "es", "someone else")
    assert action == "unchanged" and release.approved_by == "marta"
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert [e.event for e in read_log(ready.root, SLUG)].count("approve") == 1


def test_editing_the_po_after_approval_changes_nothing_in_the_release(ready: Project) -> None:
    _, release = approve(ready, SLUG, "es", "marta")
    frozen = release.path.read_bytes()
    path = ready.catalog_path(SLUG, ES)
    po = polib.pofile(str(path))
    po[0].msgstr = "Un título nuevo sin aprobar"
    po.save()
    assert release.path.read_bytes() == frozen
    assert read_release(release.path).messages[("title", "How the harbour was rebuilt")] == (  # type: ignore[union-attr]
        "Cómo se reconstruyó el puerto"
    )
    assert stage(ready) == "edited since approval"
    assert approve(ready, SLUG, "es", "marta")[0] == "approved"
    assert stage(ready) == "approved"


def test_source_change_keeps_the_release_and_reopens_only_changed_segments(ready: Project) -> None:
    _, release = approve(ready, SLUG, "es", "marta")
    frozen = release.path.read_bytes()
    path = ready.article_path(SLUG)
    path.write_text(
        path.read_text().replace("Not everyone\nagrees.", "Not everyone\nagrees with him.")
    )
    extract(ready, [SLUG])
    assert release.path.read_bytes() == frozen
    assert stage(ready) == "update in review"
    po = read_catalog(ready.catalog_path(SLUG, ES))
    reopened = [e.msgid for e in po if not e.obsolete and (not e.msgstr or "fuzzy" in e.flags)]
    assert reopened == ["Not everyone agrees with him."]
    assert any("fuzzy" in r for r in refused(ready))
    po = polib.pofile(str(ready.catalog_path(SLUG, ES)))
    entry = next(e for e in po if e.msgid == "Not everyone agrees with him.")
    entry.msgstr = "Not everyone agrees with him."
    entry.flags.remove("fuzzy")
    po.save()
    assert approve(ready, SLUG, "es", "marta")[0] == "approved"
    new = read_release(release.path)
    assert new is not None and ("Not everyone agrees with him." in {k[1] for k in new.messages})
    assert stage(ready) == "approved"


def test_reject_sends_back_with_a_note_and_approval_clears_it(ready: Project) -> None:
    reject(ready, SLUG, "es", "marta", "Use «ayuntamiento» throughout")
    po = read_catalog(ready.catalog_path(SLUG, ES))
    assert po.metadata["X-Workflow-Changes-Requested"].endswith("Use «ayuntamiento» throughout")
    assert stage(ready) == "changes requested"
    msgfmt_check(ready.catalog_path(SLUG, ES))
    approve(ready, SLUG, "es", "marta")
    assert "X-Workflow-Changes-Requested" not in read_catalog(ready.catalog_path(SLUG, ES)).metadata


def test_audit_log_records_every_event(ready: Project) -> None:
    runner = CliRunner()
    base = ["--project", str(ready.root)]
    assert (
        runner.invoke(
            cli, [*base, "reject", SLUG, "--lang", "es", "--by", "ed", "--note", "x"]
        ).exit_code
        == 0
    )
    assert runner.invoke(cli, [*base, "approve", SLUG, "--lang", "es", "--by", "ed"]).exit_code == 0
    events = [(e.event, e.who, e.language) for e in read_log(ready.root, SLUG)]
    assert events[0][0] == "extract"
    assert events[-2:] == [("reject", "ed", "es"), ("approve", "ed", "es")]
    result = runner.invoke(cli, [*base, "log", SLUG])
    assert result.exit_code == 0 and "approve" in result.output and "reject" in result.output


def test_cli_approve_refusal_lists_reasons(project: Project) -> None:
    extract(project, [SLUG])
    result = CliRunner().invoke(
        cli, ["--project", str(project.root), "approve", SLUG, "--lang", "es", "--by", "ed"]
    )
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {SLUG} [es]: approval refused:\n  - ")


def test_cli_check_exit_status(ready: Project) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--project", str(ready.root), "check", SLUG, "--lang", "es"])
    assert result.exit_code == 0, result.output
    path = ready.catalog_path(SLUG, ES)
    po = polib.pofile(str(path))
    po[-1].msgstr = po[-1].msgstr + " <x9/>"
    po.save()
    result = runner.invoke(cli, ["--project", str(ready.root), "check", SLUG, "--lang", "es"])
    assert result.exit_code == 1
    assert (
        "[es] line" in result.output and "placeholders: <x9/> is not in the source" in result.output
    )
