"""Assignments, comments and every event's notification (workflow.team)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import zoneinfo
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from workflow.audit import read_log
from workflow.cli import cli
from workflow.config import parse_config
from workflow.errors import ConfigError, WorkflowError
from workflow.extract import extract
from workflow.languages import parse_language
from workflow.project import Project
from workflow.release import approve, reject
from workflow.team import assignments, comments, events
from workflow.team.notifications import feed, mark_seen, unseen
from workflow.team.work import everyone, my_work
from workflow.users import UserStore

from .conftest import ROOT, SLUG

MADRID = zoneinfo.ZoneInfo("Europe/Madrid")


def with_settings(project: Project, text: str) -> Project:
    path = project.root / "workflow.toml"
    path.write_text(path.read_text() + "\n" + text)
    return Project.load(project.root)


@pytest.fixture(scope="module")
def desk_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Made once (password hashing is slow on purpose): Madrid time, extracted, four people."""
    root = tmp_path_factory.mktemp("desk") / "project"
    root.mkdir()
    shutil.copy(ROOT / "workflow.toml", root / "workflow.toml")
    shutil.copytree(ROOT / "articles", root / "articles")
    project = with_settings(Project.load(root), '[project]\ntimezone = "Europe/Madrid"\n')
    extract(project, [])
    store = UserStore(project.root / "instance")
    store.add("ana", "translator", ("es", "ca"), "ana-secret-1")
    store.add("bo", "translator", ("ca",), "bo-secret-12")
    store.add("marta", "editor", (), "marta-secret")
    store.add("joan", "editor", (), "joan-secret1")
    return root


@pytest.fixture
def desk(desk_template: Path, tmp_path: Path) -> Project:
    """A fresh copy of the template project for each test."""
    root = tmp_path / "project"
    shutil.copytree(desk_template, root)
    return Project.load(root)


def kinds(project: Project, person: str) -> list[str]:
    return [n.kind for n in reversed(feed(project, person)[0])]


def review_everything(project: Project, language: str = "es") -> polib.POFile:  # approvable
    path = project.catalog_path(SLUG, parse_language(language))
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr, entry.flags = entry.msgid, []
    po.save()
    return po


# --------------------------------------------------------------------------- configuration


def test_project_time_zone_and_notify_settings_are_checked_in_one_pass() -> None:
    base = {
        "site": {"name": "N", "base_url": "https://n.example.org/"},
        "languages": {"source": ["en"], "targets": ["en", "es"]},
    }
    bad = {
        **base,
        "project": {"timezone": "Mars/Olympus", "due_soon_hours": -1, "colour": 1},
        "notify": {
            "webhooks": [{"url": "ftp://x", "events": ["article.eaten"], "secret_env": "1X"}],
            "email": {"host": "", "port": 99999, "security": "tls"},
            "backoff": "soon",
        },
    }
    with pytest.raises(ConfigError) as info:
        parse_config(bad)
    problems = info.value.problems
    for key in (
        "project.timezone",
        "project.due_soon_hours",
        "project.colour",
        "notify.webhooks[0].url",
        "notify.webhooks[0].secret_env",
        "notify.webhooks[0].events",
        "notify.email.host",
        "notify.email.sender",
        "notify.email.port",
        "notify.email.security",
        "notify.backoff",
    ):
        assert any(p.startswith(key + ":") for p in problems), (key, problems)
    good = parse_config(
        {
            **base,
            "project": {"timezone": "America/Bogota"},
            "notify": {
                "app_url": "https://desk.example.org",
                "webhooks": [
                    {"url": "https://cms.example.org/hook", "events": ["article.approved"]}
                ],
                "email": {"host": "smtp.example.org", "sender": "desk@example.org"},
            },
        }
    )
    team = good.team
    assert team.zone.key == "America/Bogota" and team.app_url == "https://desk.example.org/"
    assert team.webhooks[0].wants("article.approved") and not team.webhooks[0].wants(
        "comment.created"
    )
    assert team.email is not None and team.email.port == 587 and team.outbound
    assert parse_config(base).team.timezone == "UTC" and not parse_config(base).team.outbound


# --------------------------------------------------------------------------- assignments


def test_due_times_are_read_in_the_project_time_zone() -> None:
    now = dt.datetime(2026, 11, 30, 9, 0, tzinfo=MADRID)
    due = assignments.parse_due("2026-12-01 12:00", MADRID, now)
    assert due == dt.datetime(2026, 12, 1, 12, 0, tzinfo=MADRID)
    assert due is not None and due.utcoffset() == dt.timedelta(hours=1)
    summer = assignments.parse_due("2026-07-01T12:00", MADRID, now)
    assert summer is not None and summer.utcoffset() == dt.timedelta(hours=2)
    assert assignments.parse_due("2026-12-01", MADRID, now) == dt.datetime(
        2026, 12, 1, 23, 59, tzinfo=MADRID
    )
    utc = assignments.parse_due("2026-12-01T11:00:00Z", MADRID, now)
    assert utc == due
    assert assignments.parse_due("+4h", MADRID, now) == now + dt.timedelta(hours=4)
    assert assignments.parse_due("", MADRID, now) is None
    with pytest.raises(WorkflowError, match="clocks go forward"):
        assignments.parse_due("2026-03-29 02:30", MADRID, now)
    with pytest.raises(WorkflowError, match="not a date and time"):
        assignments.parse_due("noonish", MADRID, now)


def test_assign_writes_a_plain_toml_file_and_my_work_sorts_by_due(desk: Project) -> None:
    now = dt.datetime(2026, 11, 30, 9, 0, tzinfo=MADRID)
    later = dt.datetime(2026, 12, 1, 12, 0, tzinfo=MADRID)
    made, previous = assignments.assign(desk, SLUG, "es", "ana", "marta", "joan", later, now)
    assert previous is None and made.people() == ("ana", "joan")
    assignments.assign(desk, SLUG, "ca", "ana", "marta", due=now - dt.timedelta(hours=1), now=now)
    assignments.assign(
        desk, "fahrradstrassen", "es", "ana", "joan", due=now + dt.timedelta(hours=2), now=now
    )
    assignments.assign(desk, "mercado-central", "ca", "bo", "marta", due=None, now=now)
    text = (desk.root / "work/assignments" / f"{SLUG}.toml").read_text()
    assert 'translator = "ana"' in text and "due = 2026-12-01 12:00:00+01:00" in text
    assert text.startswith("# Who translates")
    work = my_work(desk, "ana", now)
    assert [(i.slug, i.language, i.urgency) for i in work] == [
        (SLUG, "ca", "overdue"),
        ("fahrradstrassen", "es", "due soon"),
        (SLUG, "es", ""),
    ]
    assert {i.stage for i in work} == {"not started"}
    assert [(i.slug, i.role) for i in my_work(desk, "joan", now)] == [(SLUG, "reviewer")]
    who_has_what = everyone(desk, now)
    assert [i.assignment.translator for i in who_has_what][-1] == "bo", "no due time: last"
    with pytest.raises(WorkflowError, match="translate ca, not es"):
        assignments.assign(desk, SLUG, "es", "bo", "marta")
    with pytest.raises(WorkflowError, match="no person named 'anna'"):
        assignments.assign(desk, SLUG, "es", "anna", "marta")
    with pytest.raises(WorkflowError, match="not translated into en"):
        assignments.assign(desk, SLUG, "en", "marta", "marta")
    assert assignments.unassign(desk, SLUG, "ca") is not None
    assert [i.language for i in my_work(desk, "ana", now) if i.slug == SLUG] == ["es"]


def test_an_approved_version_leaves_my_work(desk: Project) -> None:
    assignments.assign(desk, SLUG, "es", "ana", "marta")
    review_everything(desk)
    assert [i.stage for i in my_work(desk, "ana")] == ["reviewed"]
    assert [i.role for i in my_work(desk, "marta")] == ["approver"], "ready: its editor sees it"
    approve(desk, SLUG, "es", "marta")
    assert my_work(desk, "ana") == [] and my_work(desk, "marta") == []


def test_cli_assign_and_work(desk: Project) -> None:
    runner = CliRunner()
    env = {"WORKFLOW_USER": "marta"}
    args = ["-C", str(desk.root), "assign", SLUG, "--lang", "es,ca", "--to", "ana"]
    result = runner.invoke(cli, [*args, "--due", "2026-12-01 12:00"], env=env)
    assert result.exit_code == 0, result.output
    assert "assigned to ana, due Tue, Dec 1, 2026, 12:00\u202fPM (Europe/Madrid)" in result.output
    result = runner.invoke(cli, ["-C", str(desk.root), "work", "--for", "ana", "--format", "json"])
    rows = json.loads(result.output)
    assert [(r["language"], r["due"]) for r in rows] == [
        ("ca", "2026-12-01T12:00:00+01:00"),
        ("es", "2026-12-01T12:00:00+01:00"),
    ]
    bad = runner.invoke(cli, [*args, "--due", "2026-13-01"], env=env)
    assert bad.exit_code == 1 and bad.output.startswith("Error: due time '2026-13-01'")
    assert "Traceback" not in bad.output


# --------------------------------------------------------------------------- comments


def test_threads_mentions_source_questions_and_resolution(desk: Project) -> None:
    people = ["ana", "bo", "marta", "joan"]
    first, _ = comments.add_comment(
        desk,
        SLUG,
        "es",
        "26",
        "@marta. Is this 2019 or 2020? cc @nobody",
        "ana",
        question=True,
        known_people=people,
    )
    assert first.mentions == ("marta",) and first.line == "26" and first.source == "Who paid"
    local, _ = comments.add_comment(desk, SLUG, "ca", first.segment, "Cal «qui»?", "bo")
    reply, parent = comments.add_comment(desk, SLUG, "", "", "2020.", "marta", reply_to=first.id)
    assert parent is not None and parent.id == first.id and reply.question
    found = {t.id: t for t in comments.threads(desk, SLUG)}
    assert [c.text for c in found[first.id].comments] == [first.text, "2020."]
    assert found[first.id].shown_in("ca"), "a source question shows in every language"
    assert not found[local.id].shown_in("es") and found[local.id].shown_in("ca")
    assert comments.open_counts(desk, SLUG, ["es", "ca"]) == {"es": 1, "ca": 2}
    comments.set_resolved(desk, SLUG, first.id, "marta")
    assert comments.open_counts(desk, SLUG, ["es", "ca"]) == {"es": 0, "ca": 1}
    with pytest.raises(WorkflowError, match="already resolved"):
        comments.set_resolved(desk, SLUG, first.id, "marta")
    comments.set_resolved(desk, SLUG, first.id, "ana", resolved=False)
    assert comments.thread(desk, SLUG, first.id).open
    with pytest.raises(WorkflowError, match="no segment"):
        comments.add_comment(desk, SLUG, "es", "9999", "x", "ana")
    with pytest.raises(WorkflowError, match="at most"):
        comments.add_comment(desk, SLUG, "es", "26", "x" * 6000, "ana")


def test_comment_files_merge_with_git_union(desk: Project, tmp_path: Path) -> None:
    """Two clones comment at once: git merges the append-only file without a conflict."""
    root = desk.root

    def git(*args: str, cwd: Path = root) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
            cwd=cwd,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    comments.add_comment(desk, SLUG, "es", "26", "first", "ana")
    (root / ".gitignore").write_text("/instance/\n*.lock\n/logs/\n")
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "first comment")
    other = tmp_path / "other"
    git("clone", "-q", str(root), str(other), cwd=tmp_path)
    comments.add_comment(desk, SLUG, "es", "26", "from here", "ana")
    git("commit", "-qam", "here")
    clone = Project.load(other)
    comments.add_comment(clone, SLUG, "es", "26", "from there", "marta")
    git("commit", "-qam", "there", cwd=other)
    git("pull", "-q", "--no-rebase", str(other), "main")
    texts = sorted(c.text for t in comments.threads(desk, SLUG) for c in t.comments)
    assert texts == ["first", "from here", "from there"]


# --------------------------------------------------------------------------- events


def test_every_event_notifies_whom_it_concerns_and_is_audited(desk: Project) -> None:
    made, previous = assignments.assign(desk, SLUG, "es", "ana", "marta", "joan")
    events.assigned(desk, made, previous)
    assert kinds(desk, "ana") == ["assigned"] and kinds(desk, "joan") == ["assigned"]
    assert kinds(desk, "marta") == [], "never the one who did it"

    question, _ = comments.add_comment(
        desk, SLUG, "es", "26", "Which year, @bo?", "ana", question=True, known_people=["bo", "ana"]
    )
    events.commented(desk, SLUG, question, None)
    assert kinds(desk, "bo") == ["mention"]
    assert kinds(desk, "marta") == ["question"], "the editor who assigned the article"
    reply, parent = comments.add_comment(desk, SLUG, "", "", "2020", "marta", reply_to=question.id)
    events.commented(desk, SLUG, reply, parent)
    assert kinds(desk, "ana")[-1] == "reply"
    before = comments.set_resolved(desk, SLUG, question.id, "marta")
    events.resolved(desk, SLUG, before, "marta")
    assert kinds(desk, "ana")[-1] == "resolved"

    review_everything(desk)
    events.after_save(desk, SLUG, "es", 40, 40, "ana")
    events.after_save(desk, SLUG, "es", 40, 40, "ana")  # announced once
    assert kinds(desk, "joan").count("ready") == 1 and kinds(desk, "marta")[-1] == "ready"

    reject(desk, SLUG, "es", "marta", "Use «ayuntamiento»")
    assert kinds(desk, "ana")[-1] == "changes-requested"
    assert kinds(desk, "joan")[-1] == "changes-requested"
    review_everything(desk)
    events.after_save(desk, SLUG, "es", 39, 40, "ana")  # not yet
    assert kinds(desk, "joan").count("ready") == 1
    events.after_save(desk, SLUG, "es", 40, 40, "ana")
    assert kinds(desk, "joan").count("ready") == 2, "ready again after the changes"
    approve(desk, SLUG, "es", "marta")
    assert kinds(desk, "ana")[-1] == "approved" and kinds(desk, "joan")[-1] == "approved"

    article = desk.article_path(SLUG)
    article.write_text(article.read_text().replace("Who paid", "Who paid for it", 1))
    extract(desk, [SLUG])
    assert kinds(desk, "ana")[-1] == "source-changed"
    assert kinds(desk, "bo")[-1] == "mention", "bo has no part in the Spanish version"

    logged = {e.event for e in read_log(desk.root, SLUG)}
    assert {"assign", "comment", "resolve", "ready", "approve", "reject"} <= logged


def test_ready_for_approval_without_an_assignment_tells_every_editor(desk: Project) -> None:
    events.after_save(desk, SLUG, "ca", 12, 12, "bo")
    assert kinds(desk, "marta") == ["ready"] and kinds(desk, "joan") == ["ready"]
    assert kinds(desk, "bo") == []


def test_a_feed_knows_what_is_new(desk: Project) -> None:
    made, _ = assignments.assign(desk, SLUG, "es", "ana", "marta")
    events.assigned(desk, made, None)
    assert unseen(desk, "ana") == 1
    mark_seen(desk, "ana")
    assert unseen(desk, "ana") == 0
    again, previous = assignments.assign(desk, SLUG, "es", "ana", "marta")
    events.assigned(desk, again, previous)
    assert unseen(desk, "ana") == 0, "the same assignment again tells nobody"


TEAM_COMMANDS = [
    "assign",
    "work",
    "comment",
    "comments",
    "resolve",
    "notify",
    "notify feed",
    "notify deliver",
    "notify log",
    "notify retry",
    "notify test",
    "notify secret",
    "notify email",
]


@pytest.mark.parametrize("command", TEAM_COMMANDS)
def test_help_has_examples_that_parse(command: str) -> None:
    """Each example in --help is a command line the command accepts."""
    import shlex

    import click

    output = CliRunner().invoke(cli, [*command.split(), "--help"]).output
    assert "Example" in output and f"workflow {command}" in output
    examples = output.split("Example", 1)[1].split("Options:")[0].splitlines()
    checked = 0
    for line in examples:
        for part in line.split("&&"):
            words = shlex.split(part.split("  #")[0].replace('"$(', " ").replace(')"', " "))
            if "workflow" not in words:
                continue
            args = words[words.index("workflow") + 1 :]
            command_: click.Command = cli
            while isinstance(command_, click.Group) and args and args[0] in command_.commands:
                command_, args = command_.commands[args[0]], args[1:]
            command_.make_context(command_.name or "", list(args))  # parses, does not run
            checked += 1
    assert checked, output
