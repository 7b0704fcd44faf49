"""Git as the shared store: two desks, one bare repository, `workflow sync` and `git pull`."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from workflow.catalog import provenance, read_catalog
from workflow.cli import cli
from workflow.gitsync import init_repository
from workflow.languages import parse_language
from workflow.lazycommit import LazyCommitter
from workflow.project import Project
from workflow.review import segment_id
from workflow.users import UserStore

from .conftest import check_all_catalogs

SLUG = "harbour-rebuilt"
ES = parse_language("es")
PO = f"locales/es/LC_MESSAGES/{SLUG}.po"
NEW_PARAGRAPH = (
    "The harbour master said the quay will host a summer festival. Tickets go on sale in May.\n\n"
)
MARKERS = re.compile(r"^(<<<<<<<|>>>>>>>|=======$)", re.MULTILINE)


@pytest.fixture(autouse=True)
def quiet_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No global or system git config of this machine: the tests bring their own."""
    home = tmp_path / "git-home"
    home.mkdir()
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def sh(cwd: Path, *args: str) -> str:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}{result.stderr}"
    return result.stdout


def workflow(root: Path, who: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.setenv("WORKFLOW_USER", who)
    result = CliRunner().invoke(cli, ["--project", str(root), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def entries(root: Path) -> dict[str, polib.POEntry]:
    """The body's segments (front matter fields have a msgctxt) by source text."""
    return {e.msgid: e for e in read_catalog(root / PO) if not e.obsolete and not e.msgctxt}


@pytest.fixture
def desks(sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A bare repository holding the sample project (machine drafts in Spanish), two clones."""
    workflow(sample, "editor", monkeypatch, "extract", SLUG)
    workflow(sample, "editor", monkeypatch, "translate", SLUG, "--to", "es", "--engine", "pseudo")
    init_repository(sample)
    bare = tmp_path / "shared.git"
    sh(tmp_path, "git", "clone", "-q", "--bare", str(sample), str(bare))
    clones = []
    for name in ("desk-a", "desk-b"):
        sh(tmp_path, "git", "clone", "-q", str(bare), name)
        clone = tmp_path / name
        workflow(clone, name, monkeypatch, "sync", "--setup")
        clones.append(clone)
    return clones[0], clones[1]


def review_in_app(root: Path, msgids: list[str], text: Callable[[str], str]) -> None:
    """Desk A: ana confirms segments in the review app, each with her own wording."""
    from workflow.web import create_app

    UserStore(root / "instance").add("ana", "translator", ("es",), "ana-secret-1")
    client: FlaskClient = create_app({"TESTING": True}, root).test_client()
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    client.post("/login", data={"name": "ana", "password": "ana-secret-1", "csrf_token": csrf[1]})
    page = client.get("/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    now = entries(root)
    for msgid in msgids:
        response = client.post(
            f"/review/{SLUG}/es/save",
            data={
                "sid": segment_id(None, msgid),
                "base": now[msgid].msgstr,
                "text": text(msgid),
                "action": "confirm",
                "csrf_token": csrf[1],
            },
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 200, response.get_data(as_text=True)


def desk_b_works(root: Path, monkeypatch: pytest.MonkeyPatch, poedit: dict[str, str]) -> None:
    """Desk B: a new paragraph machine-translated, then Poedit reviews and rewraps the file."""
    article = root / "articles" / f"{SLUG}.md"
    text = article.read_text(encoding="utf-8")
    cut = text.index("This analysis looks")
    article.write_text(text[:cut] + NEW_PARAGRAPH + text[cut:], encoding="utf-8")
    workflow(root, "bo", monkeypatch, "extract", SLUG)
    workflow(root, "bo", monkeypatch, "translate", SLUG, "--to", "es", "--engine", "apertium")
    po = polib.pofile(str(root / PO), wrapwidth=78)  # Poedit: its own wrapping, its own header
    for entry in po:
        if entry.msgid in poedit:
            entry.msgstr = poedit[entry.msgid]
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
    po.metadata["X-Generator"] = "Poedit 3.4.2"
    po.metadata["Last-Translator"] = "Bo <bo@example.org>"
    po.wrapwidth = 78
    po.save()


def no_markers(root: Path) -> None:
    for path in root.rglob("*"):
        if ".git" in path.parts or not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        assert not MARKERS.search(text), f"conflict markers in {path}"


@pytest.mark.parametrize("how", ["workflow sync", "git pull"])
def test_two_desks_meet_without_losing_a_review(
    desks: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    a, b = desks
    body = list(entries(a))[:7]
    both, only_a, only_b = body[0], body[1:6], body[6]
    review_in_app(a, [both, *only_a], lambda msgid: f"[ana] {msgid}")
    desk_b_works(b, monkeypatch, {both: f"[bo] {both}", only_b: f"[bo] {only_b}"})
    assert "\n" in (b / PO).read_text(encoding="utf-8").split("msgid", 30)[-1]  # really rewrapped

    workflow(a, "ana", monkeypatch, "sync")
    if how == "workflow sync":
        output = workflow(b, "bo", monkeypatch, "sync")
        assert "1 segment(s) reviewed differently on both sides" in output
    else:
        sh(b, "git", "add", "-A")
        sh(b, "git", "-c", "user.name=bo", "-c", "user.email=bo@example.org", "commit", "-qm", "bo")
        sh(
            b,
            "git",
            "-c",
            "user.name=bo",
            "-c",
            "user.email=bo@example.org",
            "pull",
            "-q",
            "--no-rebase",
            "--no-edit",
        )
        sh(b, "git", "push", "-q")
    sh(a, "git", "pull", "-q", "--no-rebase")  # fast-forward: both desks now hold the same

    assert sh(a, "git", "rev-parse", "HEAD") == sh(b, "git", "rev-parse", "HEAD")
    for desk in (a, b):
        found = entries(desk)
        for msgid in only_a:  # every review of desk A survives …
            assert found[msgid].msgstr == f"[ana] {msgid}" and "fuzzy" not in found[msgid].flags
        assert found[only_b].msgstr == f"[bo] {only_b}"  # … and of desk B
        assert "fuzzy" not in found[only_b].flags
        conflict = found[both]  # the same segment reviewed differently: one kept, marked
        texts = {f"[ana] {both}", f"[bo] {both}"}
        assert "fuzzy" in conflict.flags and conflict.msgstr in texts
        other = (texts - {conflict.msgstr}).pop()
        assert any(n.startswith("conflict ") and other in n for n in provenance(conflict))
        new = found["The harbour master said the quay will host a summer festival."]
        assert "fuzzy" in new.flags and new.msgstr  # desk B's machine draft, with its note
        assert any(n.startswith("machine apertium") for n in provenance(new))
        assert check_all_catalogs(desk) == 2
        no_markers(desk)
        assert not sh(desk, "git", "status", "--porcelain").strip()
        log = (desk / "logs" / "audit.jsonl").read_text(encoding="utf-8")
        assert '"who": "ana"' in log and '"who": "bo"' in log
    if how == "workflow sync":
        authors = sh(a, "git", "log", "--format=%an", "--", PO).split()
        assert "ana" in authors and "bo" in authors


def test_sync_commits_each_persons_work_as_theirs(
    desks: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _b = desks
    msgid = next(iter(entries(a)))
    review_in_app(a, [msgid], lambda m: f"[ana] {m}")
    workflow(a, "editor", monkeypatch, "translate", SLUG, "--to", "ca", "--engine", "pseudo")
    exported = a.parent / "from-a.tmx"
    workflow(
        a, "bo", monkeypatch, "tmx", "export", "--from", "en", "--to", "es", "-o", str(exported)
    )
    workflow(a, "bo", monkeypatch, "tmx", "import", str(exported), "--name", "agency")
    output = workflow(a, "editor", monkeypatch, "sync", "--no-push")
    assert "committed ana: reviewed harbour-rebuilt [es]" in output
    log = sh(a, "git", "log", "--format=%an|%s", "-5").splitlines()
    assert any(line.startswith("ana|ana: reviewed") for line in log)
    assert any(line.startswith("editor|editor: machine-translated") for line in log)
    shown = sh(a, "git", "log", "-1", "--format=%an", "--", PO).strip()
    assert shown == "ana"
    assert sh(a, "git", "log", "-1", "--format=%an", "--", "memory/agency.tmx").strip() == "bo"
    assert "nothing to commit" in workflow(a, "editor", monkeypatch, "sync", "--no-push")


def test_sync_outside_a_repository_does_nothing(sample: Path) -> None:
    result = CliRunner().invoke(cli, ["--project", str(sample), "sync"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "not in a git repository" in result.output
    assert not (sample / ".git").exists() and not (sample / ".gitattributes").exists()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_review_app_commits_after_a_quiet_period(
    desks: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _b = desks
    config = a / "workflow.toml"
    text = re.sub(r"commit_after = \d+", "commit_after = 0.2", config.read_text(encoding="utf-8"))
    config.write_text(text, encoding="utf-8")
    sh(a, "git", "-c", "user.name=x", "-c", "user.email=x@y", "commit", "-qam", "quick commits")
    head = sh(a, "git", "rev-parse", "HEAD")
    msgid = next(iter(entries(a)))
    review_in_app(a, [msgid], lambda m: f"[ana] {m}")

    def pushed() -> bool:
        now = sh(a, "git", "rev-parse", "HEAD")
        return now != head and now == sh(a, "git", "rev-parse", "origin/main")

    wait_for(pushed, "the lazy commit, pushed")
    assert not sh(a, "git", "status", "--porcelain").strip()
    assert sh(a, "git", "log", "-1", "--format=%an", "--", PO).strip() == "ana"


def test_an_approval_is_committed_at_once(
    desks: tuple[Path, Path], fill: Callable[..., None]
) -> None:
    from workflow.release import approve

    a, _b = desks
    project = Project.load(a)
    committer = LazyCommitter(project, quiet=3600, push=False)  # only an approval is due now
    try:
        fill(a / PO, lambda msgid: msgid)
        approve(project, SLUG, "es", "marta")
        committer.nudge()
        mo = PO.replace(".po", ".mo")
        wait_for(lambda: bool(sh(a, "git", "log", "--format=%an", "--", mo).strip()), "a commit")
        assert sh(a, "git", "log", "-1", "--format=%an", "--", mo).strip() == "marta"
    finally:
        committer.close()
