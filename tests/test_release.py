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
    assert reasons == ["42 segment(s) untranslated: lines 2, 3, 4, 5, 13, 14, 17, 18 and 23 more"]
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
    action, release = approve(ready, SLUG, "es", "jordi")
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
    assert stage(ready) == "reviewed"  # the update is reviewed: ready to approve again
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
            cli, [*base, "reject", SLUG, "--lang", "es", "--by", "jordi", "--note", "x"]
        ).exit_code
        == 0
    )
    assert (
        runner.invoke(cli, [*base, "approve", SLUG, "--lang", "es", "--by", "jordi"]).exit_code == 0
    )
    events = [(e.event, e.who, e.language) for e in read_log(ready.root, SLUG)]
    assert events[0][0] == "extract"
    assert events[-2:] == [("reject", "jordi", "es"), ("approve", "jordi", "es")]
    result = runner.invoke(cli, [*base, "log", SLUG])
    assert result.exit_code == 0 and "approve" in result.output and "reject" in result.output


def test_cli_approve_refusal_lists_reasons(project: Project) -> None:
    extract(project, [SLUG])
    result = CliRunner().invoke(
        cli, ["--project", str(project.root), "approve", SLUG, "--lang", "es", "--by", "jordi"]
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


def cli_run(project: Project, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--project", str(project.root), *args])
    return result.exit_code, result.output


def test_reject_after_approval_withdraws_the_release_everywhere(
    ready: Project, tmp_path: Path
) -> None:
    from workflow.publish import build
    from workflow.users import UserStore
    from workflow.web import create_app

    approve(ready, SLUG, "es", "marta")
    code, output = cli_run(
        ready, "reject", SLUG, "--lang", "es", "--by", "jordi", "--note", "Figures are wrong"
    )
    assert code == 0
    assert "withdrew the approved release" in output
    # status: no longer approved; the editor can approve it again (not "nothing to do")
    assert not release_path(ready, SLUG, ES).exists()
    row = next(r for r in status(ready, [SLUG]) if r.language == "es")
    assert row.stage == "changes requested" and row.actions == ("approve", "reject")
    # audit log: the rejection names the release it withdrew
    last = list(read_log(ready.root, SLUG))[-1]
    assert last.event == "reject" and last.detail["withdrawn"]
    # site: the next publish replaces the page with a notice (tested in test_publish)
    build(ready, tmp_path / "public")
    page = (tmp_path / "public" / "es" / SLUG / "index.html").read_text()
    assert 'content="noindex"' in page and "retirado" in page
    # app: the dashboard says the same, and offers what can succeed
    UserStore(ready.root / "instance").add("marta", "editor", (), "marta-secret")
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False}, ready.root)
    client = app.test_client()
    client.post("/login", data={"name": "marta", "password": "marta-secret"})
    html = client.get("/").get_data(as_text=True)
    row_html = html[html.index(f"/review/{SLUG}/es") :].split("</tr>")[0]
    assert "changes requested" in row_html
    assert f"/approve/{SLUG}/es" in row_html and f"/reject/{SLUG}/es" in row_html
    code, output = cli_run(ready, "approve", SLUG, "--lang", "es", "--by", "marta")
    assert code == 0 and output.startswith(f"approved {SLUG} [es]")
    assert stage(ready) == "approved"
    meta = read_catalog(ready.catalog_path(SLUG, ES)).metadata
    assert "X-Workflow-Withdrawn" not in meta and "X-Workflow-Changes-Requested" not in meta


def test_actions_are_offered_only_where_they_can_succeed(
    project: Project, fill: Callable[..., None]
) -> None:
    extract(project, [SLUG])
    row = next(r for r in status(project, [SLUG]) if r.language == "es")
    assert row.stage == "not started" and row.actions == ()
    code, output = cli_run(project, "reject", SLUG, "--lang", "es", "--by", "marta", "--note", "x")
    assert code == 1 and "nothing to send back yet" in output
    fill(project.catalog_path(SLUG, ES), lambda m: m, fuzzy=True)
    row = next(r for r in status(project, [SLUG]) if r.language == "es")
    assert row.stage == "in review" and row.actions == ("reject",)
    review_all(project, fill)
    row = next(r for r in status(project, [SLUG]) if r.language == "es")
    assert row.stage == "reviewed" and row.actions == ("approve", "reject")
    approve(project, SLUG, "es", "marta")
    row = next(r for r in status(project, [SLUG]) if r.language == "es")
    assert row.stage == "approved" and row.actions == ("reject",)


@pytest.mark.parametrize("command", ["approve", "reject"])
def test_by_must_name_a_known_editor(ready: Project, command: str) -> None:
    from workflow.users import UserStore

    UserStore(ready.root / "instance").add("ana", "translator", ("es",), "ana-secret-1")
    for who, why in (("nobody", "is not a known editor"), ("ana", "is not an editor")):
        code, output = cli_run(ready, command, SLUG, "--lang", "es", "--by", who, "--note", "n")
        assert code == 1
        assert output.startswith(f"Error: '{who}' {why} (editors: jordi, marta)")
        assert len(output.strip().splitlines()) == 1
    assert not release_path(ready, SLUG, ES).exists()
    assert [e.event for e in read_log(ready.root, SLUG)] == ["extract"]


def test_warnings_block_approval_when_the_project_says_so(ready: Project) -> None:
    path = ready.catalog_path(SLUG, ES)
    po = polib.pofile(str(path))
    entry = next(e for e in po if e.msgctxt is None and e.msgid.endswith("."))
    entry.msgstr = entry.msgstr.rstrip(".")  # a punctuation warning
    po.save()
    config = ready.root / "workflow.toml"
    config.write_text(config.read_text() + '\n[approval]\nwarnings = "block"\n')
    strict = Project.load(ready.root)
    with pytest.raises(ApprovalRefused) as info:
        approve(strict, SLUG, "es", "marta")
    line = entry.occurrences[0][1]
    mine = [r for r in info.value.reasons if r.startswith(f"line {line} punctuation")]
    assert mine and mine[0].endswith("(warning; silence it with a reason)")
    code, _ = cli_run(
        strict,
        "silence",
        SLUG,
        "--lang",
        "es",
        "--line",
        line,
        "--check",
        "punctuation",
        "--reason",
        "house style",
        "--by",
        "marta",
    )
    assert code == 0
    with pytest.raises(ApprovalRefused) as info:
        approve(strict, SLUG, "es", "marta")
    assert not [r for r in info.value.reasons if r.startswith(f"line {line} punctuation")]
    assert approve(ready, SLUG, "es", "marta")[0] == "approved", "the default: warnings allowed"
    config.write_text(config.read_text().replace('"block"', '"sometimes"'))
    with pytest.raises(Exception, match=r"approval\.warnings: must be one of allow, block"):
        Project.load(ready.root)


def test_releases_are_read_exactly_as_polib_reads_them(ready: Project) -> None:
    from workflow.release import BODY_CONTEXT, read_mo

    _, release = approve(ready, SLUG, "es", "marta")
    mo = polib.mofile(str(release.path))
    assert release.messages == {
        (e.msgctxt, e.msgid): e.msgstr for e in mo if e.msgid and e.msgctxt != BODY_CONTEXT
    }
    assert release.body == next(e.msgstr for e in mo if e.msgctxt == BODY_CONTEXT)
    assert release.approved_by == mo.metadata["X-Approved-By"] == "marta"
    assert read_mo(release.path.read_bytes())[(None, "")].startswith("Project-Id-Version:")
    release.path.write_bytes(b"not a release at all")
    with pytest.raises(Exception, match="broken release file"):
        read_release(release.path)
