"""The desk working together in the app: My work, assigning, comments, feed, activity."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from workflow.audit import read_log
from workflow.project import Project
from workflow.review import segment_id
from workflow.team import assignments, comments
from workflow.team.notifications import feed

from .conftest import SLUG
from .test_web import login, save

SID = segment_id(None, "Who paid")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def kinds(project: Project, person: str) -> list[str]:
    return [n.kind for n in reversed(feed(project, person)[0])]


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def test_an_editor_assigns_and_the_translator_sees_it_in_my_work(
    client: FlaskClient, project: Project
) -> None:
    csrf = login(client, "marta")
    page = text(client.get(f"/assign/{SLUG}/es"))
    assert '<option value="ana">' in page and '<option value="bo">' not in page, "es people only"
    bad = client.post(
        f"/assign/{SLUG}/es", data={"csrf_token": csrf, "translator": "ana", "due": "tomorrow"}
    )
    assert bad.status_code == 422 and "is not a date and time" in text(bad)
    done = client.post(
        f"/assign/{SLUG}/es",
        data={"csrf_token": csrf, "translator": "ana", "due": "2000-01-01T12:00"},
    )
    assert done.status_code == 303
    made = assignments.read_assignments(project, SLUG)["es"]
    assert (made.translator, made.assigned_by, made.due is not None) == ("ana", "marta", True)
    dashboard = text(client.get("/"))
    assert 'class="assignee">Ana Ruiz<' in dashboard and "overdue" in dashboard
    client.post("/logout", data={"csrf_token": csrf})

    csrf = login(client, "ana")
    work = text(client.get("/work"))
    assert "How the harbour was rebuilt" in work and "overdue" in work
    assert "Who has what" not in work, "only editors see everyone's work"
    assert client.get(f"/assign/{SLUG}/es").status_code == 403
    assert kinds(project, "ana") == ["assigned"]
    assert ">1</span>" in text(client.get("/")), "the header counts it as new"


def test_comment_mention_question_notify_and_resolve(client: FlaskClient, project: Project) -> None:
    csrf = login(client, "ana")
    posted = client.post(
        f"/comments/{SLUG}/es",
        data={
            "csrf_token": csrf,
            "segment": SID,
            "comment": "@marta 2019 or 2020? <script>alert(1)</script>",
            "question": "1",
        },
    )
    assert posted.status_code == 303 and posted.headers["Location"].endswith(f"#s-{SID}")
    assert kinds(project, "marta") == ["mention"]
    page = text(client.get(f"/review/{SLUG}/es"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert '<strong class="mention">@marta</strong>' in page
    client.post("/logout", data={"csrf_token": csrf})

    csrf = login(client, "bo")  # Catalan: the source question shows on the source side there
    catalan = text(client.get(f"/review/{SLUG}/ca"))
    assert catalan.count("2019 or 2020?") == 1 and 'data-questions="' + SID in catalan
    [thread] = comments.threads(project, SLUG)
    refused = client.post(
        f"/comments/{SLUG}/ca/{thread.id}/resolve", data={"csrf_token": csrf, "state": "resolve"}
    )
    assert refused.status_code == 403, "a source question is resolved by its asker or an editor"
    client.post("/logout", data={"csrf_token": csrf})

    csrf = login(client, "marta")
    notes = text(client.get("/notifications"))
    assert (
        "Ana Ruiz mentioned you on How the harbour was rebuilt (Spanish)" in notes
        and 'class="flag new"' in notes
    )
    assert "flag new" not in text(client.get("/notifications")), "seen now"
    dashboard = text(client.get("/"))
    assert "1 open comment" in dashboard and "approval is not blocked" in dashboard
    answer = client.post(
        f"/comments/{SLUG}/es/{thread.id}/resolve",
        data={"csrf_token": csrf, "state": "resolve"},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 200 and "Resolved by Marta Soler" in answer.get_json()["questions"]
    assert not comments.threads(project, SLUG)[0].open
    assert kinds(project, "ana")[-1] == "resolved"
    assert "approval is not blocked" not in text(client.get("/"))
    assert {"comment", "resolve"} <= {e.event for e in read_log(project.root, SLUG)}


def test_replies_in_the_background_and_empty_comments_are_refused(
    client: FlaskClient, project: Project
) -> None:
    csrf = login(client, "ana")
    json = {"Accept": "application/json"}
    empty = client.post(
        f"/comments/{SLUG}/es",
        data={"csrf_token": csrf, "segment": SID, "comment": " "},
        headers=json,
    )
    assert empty.status_code == 422 and empty.get_json()["problem"]
    first = client.post(
        f"/comments/{SLUG}/es",
        data={"csrf_token": csrf, "segment": SID, "comment": "Is «pagó» right?"},
        headers=json,
    )
    html = first.get_json()["html"]
    assert "Is «pagó» right?" in html and f'data-comments="{SID}"' in html
    [thread] = comments.threads(project, SLUG)
    client.post("/logout", data={"csrf_token": csrf})
    csrf = login(client, "marta")
    reply = client.post(
        f"/comments/{SLUG}/es",
        data={"csrf_token": csrf, "reply_to": thread.id, "comment": "Yes."},
        headers=json,
    )
    assert reply.status_code == 200 and "Yes." in reply.get_json()["html"]
    assert kinds(project, "ana") == ["reply"]
    assert (
        client.post(
            f"/comments/{SLUG}/ca", data={"csrf_token": csrf, "segment": SID, "comment": "x"}
        ).status_code
        == 303
    ), "editors comment in every language"
    client.post("/logout", data={"csrf_token": csrf})
    csrf = login(client, "bo")
    assert (
        client.post(
            f"/comments/{SLUG}/es", data={"csrf_token": csrf, "segment": SID, "comment": "x"}
        ).status_code
        == 403
    ), "bo does not work on Spanish"


def test_reviewing_the_last_segment_tells_the_editor_it_is_ready(
    client: FlaskClient, project: Project
) -> None:
    from workflow.catalog import read_catalog
    from workflow.languages import parse_language

    assignments.assign(project, SLUG, "es", "ana", "marta")
    csrf = login(client, "ana")
    entries = [e for e in read_catalog(project.catalog_path(SLUG, parse_language("es")))]
    for entry in entries:
        sid = segment_id(entry.msgctxt, entry.msgid)
        answer = client.post(
            f"/review/{SLUG}/es/save",
            data={"sid": sid, "csrf_token": csrf, "action": "confirm-as-is", "base": entry.msgstr},
            headers={"Accept": "application/json"},
        )
        assert answer.status_code == 200, answer.get_data(as_text=True)
    assert kinds(project, "marta") == ["ready"]
    assert "ready" in {e.event for e in read_log(project.root, SLUG)}
    _ = save  # the review tests' helper, for saves by msgid


def test_activity_is_readable_and_limited_to_ones_languages(
    client: FlaskClient, project: Project
) -> None:
    made, _ = assignments.assign(project, SLUG, "es", "ana", "marta")
    from workflow.team import events

    events.assigned(project, made, None)
    csrf = login(client, "marta")
    page = text(client.get(f"/activity/{SLUG}"))
    assert "assigned Ana Ruiz" in page and "machine translated" in page
    assert '<span class="author">Marta Soler</span>' in page, "people by their display names"
    client.post("/logout", data={"csrf_token": csrf})
    login(client, "bo")
    page = text(client.get(f"/activity/{SLUG}"))
    assert "assigned Ana Ruiz" not in page, "bo works on Catalan only"
    assert re.search(r"<time datetime=", page)


def test_notification_settings(client: FlaskClient, project: Project) -> None:
    from workflow.team.notifications import read_prefs

    csrf = login(client, "ana")
    bad = client.post(
        "/notifications/settings", data={"csrf_token": csrf, "email": "not an address"}
    )
    assert bad.status_code == 303 and read_prefs(project) == {}
    client.post(
        "/notifications/settings",
        data={
            "csrf_token": csrf,
            "email": "ana@example.org",
            "kind-mention": "1",
            "kind-assigned": "1",
            "language": "es",
        },
    )
    prefs = read_prefs(project)["ana"]
    assert (prefs.email, prefs.kinds, prefs.language) == (
        "ana@example.org",
        ("assigned", "mention"),
        "es",
    )


@pytest.mark.parametrize("language", ["es", "ca", "de", "fr", "pt", "it"])
def test_no_english_on_the_desks_pages(app: Flask, project: Project, language: str) -> None:
    from workflow.team import events
    from workflow.team.notifications import KINDS, emit

    from .test_web_i18n import _english_in, _english_patterns, _login

    made, _ = assignments.assign(
        project, SLUG, "es", "ana", "marta", "marta", assignments.now_in(project)
    )
    events.assigned(project, made, None)
    known = ["ana", "bo", "marta"]
    asked, _ = comments.add_comment(
        project, SLUG, "es", SID, "@marta ¿2019 o 2020?", "ana", question=True, known_people=known
    )
    events.commented(project, SLUG, asked, None)
    local, _ = comments.add_comment(project, SLUG, "es", SID, "¿«pagó» o «pagaba»?", "ana")
    comments.set_resolved(project, SLUG, local.id, "marta")
    for kind in KINDS:  # one of each kind in marta's feed
        data = {"text": "¿Sí?", "note": "Revisa las cifras", "due": made.due.isoformat()}  # type: ignore[union-attr]
        emit(project, "ping", SLUG, "es", "ana", {"marta": kind}, data)
    patterns = _english_patterns(language)
    headers = {"Accept-Language": f"{language},en;q=0.5"}
    client = app.test_client()
    _login(client, "marta", language)
    found: dict[str, list[str]] = {}
    for path in (
        "/work",
        "/notifications",
        f"/activity/{SLUG}",
        f"/assign/{SLUG}/es",
        f"/comments/{SLUG}/es",
        f"/review/{SLUG}/es",
        "/",
    ):
        html = client.get(path, headers=headers).get_data(as_text=True)
        english = _english_in(html, language, patterns)
        if english:
            found[path] = english
    assert not found, found
    english = client.get("/work", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "'My work'" in " ".join(_english_in(english, "en", patterns)), "the guard works"
