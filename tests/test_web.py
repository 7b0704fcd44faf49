"""The review app through Flask's test client: every route, every role."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polib
import pytest
from flask import Flask
from flask.testing import FlaskClient

from workflow.audit import read_log
from workflow.catalog import provenance, read_catalog
from workflow.languages import parse_language
from workflow.project import Project
from workflow.review import segment_id

from .conftest import PASSWORDS, SLUG

ES, CA = parse_language("es"), parse_language("ca")


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def token(client: FlaskClient, path: str = "/login") -> str:
    page = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, page[:500]
    return match.group(1)


def login(client: FlaskClient, name: str) -> str:
    response = client.post(
        "/login",
        data={
            "name": name,
            "password": PASSWORDS[name],
            "csrf_token": token(client),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return token(client, "/")


def entry(project: Project, msgid: str, language=ES) -> polib.POEntry:  # type: ignore[no-untyped-def]
    return next(e for e in read_catalog(project.catalog_path(SLUG, language)) if e.msgid == msgid)


MSGID = "Who paid"


def save(client: FlaskClient, csrf: str, language: str = "es", msgid: str = MSGID, **fields: str):  # type: ignore[no-untyped-def]
    data = {"sid": segment_id(None, msgid), "csrf_token": csrf, "action": "confirm", **fields}
    return client.post(
        f"/review/{SLUG}/{language}/save", data=data, headers={"Accept": "application/json"}
    )


def test_every_page_needs_login(client: FlaskClient) -> None:
    for path in ("/", f"/review/{SLUG}/es"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        assert not response.headers["Location"].endswith("%3F")  # no stray "?" in next
    assert client.post(f"/review/{SLUG}/es/save", data={}).status_code == 400  # CSRF first


def test_wrong_password_is_refused(client: FlaskClient) -> None:
    response = client.post(
        "/login", data={"name": "ana", "password": "nope", "csrf_token": token(client)}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and "wrong password" in page
    assert 'class="error"' in page  # shown as a problem, not like a success
    assert 'name="name" autocomplete="username" required value="ana"' in page  # name kept
    assert re.search(r'name="password"[^>]* autofocus', page)  # the password to retype


def test_session_cookie_is_httponly_and_samesite(client: FlaskClient) -> None:
    response = client.post(
        "/login",
        data={
            "name": "ana",
            "password": PASSWORDS["ana"],
            "csrf_token": token(client),
        },
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_passwords_are_stored_hashed(app: Flask) -> None:
    text = (app.config["PROJECT"].root / "instance" / "users.json").read_text()
    assert "ana-secret-1" not in text and "scrypt:" in text


def test_dashboard_shows_only_the_persons_languages(client: FlaskClient) -> None:
    login(client, "ana")
    page = client.get("/").get_data(as_text=True)
    assert f"/review/{SLUG}/es" in page and f"/review/{SLUG}/ca" not in page
    assert "Approve" not in page


def test_editor_sees_every_language_and_release_buttons(client: FlaskClient) -> None:
    login(client, "marta")
    page = client.get("/").get_data(as_text=True)
    assert f"/review/{SLUG}/es" in page and f"/review/{SLUG}/ca" in page
    assert "Not ready to approve:" in page and "Approve" in page


def review_everything(project: Project) -> polib.POFile:
    """Every Spanish segment reviewed (its source as the translation): ready to approve."""
    po = polib.pofile(str(project.catalog_path(SLUG, ES)))
    for item in po:
        item.msgstr = item.msgid
        item.flags = []
    po.save()
    return po


def _release_cell(page: str, language: str) -> str:
    """The dashboard row of one language version, as text."""
    row = re.search(
        rf'<li class="version[^"]*">(?:(?!</li>).)*/review/{SLUG}/{language}".*?</li>', page, re.S
    )
    assert row is not None
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(0)))


def test_editor_is_told_why_a_version_cannot_be_approved_yet(
    client: FlaskClient, project: Project
) -> None:
    login(client, "marta")
    total = len([e for e in polib.pofile(str(project.catalog_path(SLUG, ES))) if not e.obsolete])
    row = _release_cell(client.get("/").get_data(as_text=True), "es")
    assert f"Not ready to approve: {total} segments not reviewed" in row
    assert "Approve" not in row.replace("Not ready to approve", "")

    po = review_everything(project)
    row = _release_cell(client.get("/").get_data(as_text=True), "es")
    assert "Not ready" not in row and "Approve" in row

    wrong = next(e for e in po if any(c.isdigit() for c in e.msgid) and "<" not in e.msgid)
    wrong.msgstr = re.sub(r"\d", "7", wrong.msgid) + " 1"
    po.save()
    row = _release_cell(client.get("/").get_data(as_text=True), "es")
    assert "Not ready to approve: 1 quality error to fix or silence" in row
    assert "Approve" not in row.replace("Not ready to approve", "")


def test_review_page_shows_segments_tokens_provenance_and_filters(client: FlaskClient) -> None:
    login(client, "ana")
    page = client.get(f"/review/{SLUG}/es").get_data(as_text=True)
    assert 'class="chip"' in page and 'data-token="&lt;g1&gt;"' in page
    assert "machine translation (pseudo)" in page
    assert 'id="article-progress"' in page
    fuzzy = client.get(f"/review/{SLUG}/es?filter=fuzzy").get_data(as_text=True)
    reviewed = client.get(f"/review/{SLUG}/es?filter=reviewed").get_data(as_text=True)
    assert fuzzy.count('class="segment') == 42 and reviewed.count('class="segment') == 0


def test_confirm_records_reviewer_and_clears_fuzzy(client: FlaskClient, project: Project) -> None:
    csrf = login(client, "ana")
    base = entry(project, MSGID).msgstr
    response = save(client, csrf, base=base, text="Quién pagó")
    assert response.status_code == 200 and response.json["result"] == "saved"  # type: ignore[index]
    saved = entry(project, MSGID)
    assert saved.msgstr == "Quién pagó" and "fuzzy" not in saved.flags
    assert provenance(saved)[-1].startswith("reviewed ana ")
    (event,) = [e for e in read_log(project.root, SLUG) if e.event == "review"]
    assert (
        event.who == "ana" and event.detail["old"] == base and event.detail["new"] == "Quién pagó"
    )


def test_form_post_without_javascript_redirects_back(client: FlaskClient, project: Project) -> None:
    csrf = login(client, "ana")
    response = client.post(
        f"/review/{SLUG}/es/save",
        data={
            "sid": segment_id(None, MSGID),
            "csrf_token": csrf,
            "action": "confirm",
            "base": entry(project, MSGID).msgstr,
            "text": "Quién pagó",
        },
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"#s-{segment_id(None, MSGID)}"
    )


def test_confirm_as_is_copy_source_and_revert(client: FlaskClient, project: Project) -> None:
    csrf = login(client, "ana")
    machine = entry(project, MSGID).msgstr
    assert save(client, csrf, base=machine, action="confirm-as-is").json["state"] == "translated"  # type: ignore[index]
    assert save(client, csrf, base=machine, action="copy-source").json["text"] == MSGID  # type: ignore[index]
    assert "fuzzy" in entry(project, MSGID).flags
    reverted = save(client, csrf, base=MSGID, action="revert").json  # type: ignore[assignment]
    assert reverted["text"] == machine and reverted["state"] == "fuzzy"  # type: ignore[index]


def test_translator_cannot_edit_another_language(client: FlaskClient, project: Project) -> None:
    csrf = login(client, "ana")
    assert client.get(f"/review/{SLUG}/ca").status_code == 403
    before = project.catalog_path(SLUG, CA).read_bytes()
    assert save(client, csrf, language="ca", base="", text="x").status_code == 403
    assert project.catalog_path(SLUG, CA).read_bytes() == before


def test_translator_cannot_approve_or_reject(client: FlaskClient) -> None:
    csrf = login(client, "ana")
    assert client.post(f"/approve/{SLUG}/es", data={"csrf_token": csrf}).status_code == 403
    assert (
        client.post(f"/reject/{SLUG}/es", data={"csrf_token": csrf, "note": "x"}).status_code == 403
    )


def test_editor_approval_is_refused_with_reasons_then_reject(
    client: FlaskClient, project: Project
) -> None:
    csrf = login(client, "marta")
    response = client.post(f"/approve/{SLUG}/es", data={"csrf_token": csrf}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "was not approved: 1 reason." in page and "42 segment(s) fuzzy" in page
    response = client.post(
        f"/reject/{SLUG}/es",
        data={"csrf_token": csrf, "note": "Redo <b>all</b>"},
        follow_redirects=True,
    )
    assert "is sent back to review" in response.get_data(as_text=True)
    assert (
        read_catalog(project.catalog_path(SLUG, ES))
        .metadata["X-Workflow-Changes-Requested"]
        .endswith("Redo <b>all</b>")
    )


def test_editor_approves_a_fully_reviewed_version(client: FlaskClient, project: Project) -> None:
    path = project.catalog_path(SLUG, ES)
    review_everything(project)
    csrf = login(client, "marta")
    response = client.post(
        f"/approve/{SLUG}/es", data={"csrf_token": csrf, "note": "ok"}, follow_redirects=True
    )
    assert "approved." in response.get_data(as_text=True)
    assert path.with_suffix(".mo").exists()


def test_post_without_csrf_token_is_rejected(client: FlaskClient, project: Project) -> None:
    login(client, "ana")
    before = project.catalog_path(SLUG, ES).read_bytes()
    response = save(client, "not-a-token", base="", text="x")
    assert response.status_code == 400
    assert project.catalog_path(SLUG, ES).read_bytes() == before
    assert client.post("/logout").status_code == 400


def test_script_typed_into_a_translation_is_escaped(client: FlaskClient, project: Project) -> None:
    csrf = login(client, "ana")
    evil = "<script>alert('x')</script> Quién pagó"
    base = entry(project, MSGID).msgstr
    assert save(client, csrf, base=base, text=evil).json["result"] == "blocked"  # type: ignore[index]
    answer = save(client, csrf, base=base, text=evil, action="confirm-anyway").json
    assert answer["result"] == "saved"  # type: ignore[index]
    assert "&lt;script&gt;" in answer["feedback"] and "<script>" not in answer["feedback"]  # type: ignore[index]
    page = client.get(f"/review/{SLUG}/es").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "Content-Security-Policy" in client.get("/").headers


def test_conflicting_save_is_refused_with_both_versions(
    client: FlaskClient, project: Project
) -> None:
    csrf = login(client, "ana")
    base = entry(project, MSGID).msgstr
    assert save(client, csrf, base=base, text="Quién pagó").status_code == 200
    response = save(client, csrf, base=base, text="Quién lo pagó")
    assert response.status_code == 409
    data = response.json
    assert data["current"] == "Quién pagó" and data["yours"] == "Quién lo pagó"  # type: ignore[index]
    assert entry(project, MSGID).msgstr == "Quién pagó"
    page = client.post(
        f"/review/{SLUG}/es/save",
        data={
            "sid": segment_id(None, MSGID),
            "csrf_token": csrf,
            "action": "confirm",
            "base": base,
            "text": "Quién lo pagó",
        },
    )
    assert page.status_code == 409 and "Quién lo pagó" in page.get_data(as_text=True)


def test_broken_placeholders_are_refused(client: FlaskClient, project: Project) -> None:
    csrf = login(client, "ana")
    msgid = next(e.msgid for e in read_catalog(project.catalog_path(SLUG, ES)) if "<g1>" in e.msgid)
    response = save(client, csrf, msgid=msgid, base=entry(project, msgid).msgstr, text="sin marcas")
    assert response.status_code == 422 and "placeholder" in response.json["message"]  # type: ignore[index]
    # the finding names the placeholder as the desk draws it (a chip), not as "<g1>"
    feedback = response.json["feedback"]  # type: ignore[index]
    assert 'class="chip"' in feedback and "&lt;g1&gt; is missing" not in feedback


def test_paths_outside_the_project_are_refused(client: FlaskClient) -> None:
    login(client, "marta")
    for path in (
        "/review/..%2F..%2Fetc/es",
        "/review/%2e%2e/es",
        f"/review/{SLUG}/..%2F..",
        "/review/UPPER/es",
        f"/review/{SLUG}/xx",
    ):
        assert client.get(path).status_code in (400, 404), path


def test_logout(client: FlaskClient) -> None:
    csrf = login(client, "ana")
    response = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=True)
    assert '<li class="ok">You are logged out.</li>' in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_interface_strings_are_extracted_by_babel(tmp_path: Path) -> None:
    from babel.messages.extract import extract_from_dir

    templates = Path(__file__).resolve().parent.parent / "workflow" / "web" / "templates"
    found = {m[2] for m in extract_from_dir(str(templates), method_map=[("**.html", "jinja2")])}
    assert {"Log in", "Confirm", "Restore this version", "Needs review"} <= found


def test_interface_follows_the_browser_language(client: FlaskClient) -> None:
    spanish = client.get("/login", headers={"Accept-Language": "es-ES,es;q=0.9"}).get_data(
        as_text=True
    )
    assert "Iniciar sesión" in spanish and '<html lang="es">' in spanish
    german = client.get("/login", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Anmelden" in german and '<html lang="de">' in german
    english = client.get("/login", headers={"Accept-Language": "nl, en;q=0.5"}).get_data(
        as_text=True
    )
    assert "Log in" in english and '<html lang="en">' in english


def test_site_strings_are_reviewed_and_approved_like_an_article(
    client: FlaskClient, project: Project
) -> None:
    from workflow.publish.strings import update_site_catalogs

    update_site_catalogs(project)
    csrf = login(client, "ana")
    assert "/review/site/es" in client.get("/").get_data(as_text=True)
    page = client.get("/review/site/es").get_data(as_text=True)
    assert "Read the original" in page and "Leer el original" in page
    path = project.catalog_path("site", ES)
    current = next(e for e in read_catalog(path) if e.msgid == "Read the original").msgstr
    response = client.post(
        "/review/site/es/save",
        data={
            "sid": segment_id(None, "Read the original"),
            "csrf_token": csrf,
            "action": "confirm",
            "base": current,
            "text": "Ver el original",
        },
        headers={"Accept": "application/json"},
    )
    assert response.json["result"] == "saved"  # type: ignore[index]
    client.post("/logout", data={"csrf_token": csrf})
    csrf = login(client, "marta")
    response = client.post("/approve/site/es", data={"csrf_token": csrf}, follow_redirects=True)
    assert "Site interface (Spanish) is approved." in response.get_data(as_text=True)
    from workflow.release import read_release

    release = read_release(path.with_suffix(".mo"))
    assert (
        release is not None and release.messages[(None, "Read the original")] == "Ver el original"
    )


def test_review_shows_source_diff_and_memory_suggestions(
    client: FlaskClient, project: Project
) -> None:
    from workflow.extract import extract

    path = project.catalog_path(SLUG, ES)
    po = polib.pofile(str(path))
    for item in po:  # everything reviewed, so it is in the translation memory
        item.msgstr, item.flags = f"ES {item.msgid}", []
    po.save()
    article = project.article_path(SLUG)
    article.write_text(
        article.read_text().replace("Not everyone\nagrees.", "Not everyone\nagrees at all.")
    )
    extract(project, [SLUG])
    login(client, "ana")
    page = client.get(f"/review/{SLUG}/es?filter=fuzzy").get_data(as_text=True)
    assert "Not everyone agrees at all." in page
    assert "<ins>at all.</ins>" in page or ("<del>agrees.</del>" in page and "<ins>" in page)
    (project.articles_dir / "follow-up.md").write_text(
        "---\ntitle: Follow-up\npublished: 2024-09-01\nlanguage: en\n---\n"
        "The quay is 180 metres longer, so bigger boats can unload.\n"
    )
    extract(project, ["follow-up"])
    page = client.get("/review/follow-up/es").get_data(as_text=True)
    assert 'class="suggestions"' in page
    assert "ES The quay is 180 metres longer, so larger boats can unload." in page
    assert re.search(r'<span class="score"[^>]*>9\d% match</span>', page)
    # how the memory's source differs from this one
    assert "<del>larger</del> <ins>bigger</ins>" in page


def test_the_translation_before_the_source_changed_is_a_suggestion(
    client: FlaskClient, project: Project
) -> None:
    """After a one-word source change a new machine draft fills the box; the reviewed
    translation of the old sentence is offered first, with how the source changed."""
    from workflow.extract import extract
    from workflow.translate import Translation

    review_everything(project)
    article = project.article_path(SLUG)
    article.write_text(
        article.read_text().replace("Not everyone\nagrees.", "Not everyone\nagrees at all.")
    )
    extract(project, [SLUG])
    translation = Translation(project, [SLUG], languages=["es"], engine="pseudo")
    translation.plan()
    translation.run()
    changed = next(
        e for e in read_catalog(project.catalog_path(SLUG, ES)) if e.msgid.endswith("at all.")
    )
    assert changed.msgstr.startswith("⟦")  # the box holds the new machine draft
    login(client, "ana")
    page = client.get(f"/review/{SLUG}/es?filter=fuzzy").get_data(as_text=True)
    sid = segment_id(changed.msgctxt, changed.msgid)
    segment = page[page.index(f'id="s-{sid}"') :]
    segment = segment[: segment.index("</article>")]
    suggestions = re.findall(r'<li class="suggestion (\w+)">', segment)
    assert suggestions[0] == "previous", suggestions
    old = next(t for t in re.findall(r'data-text="([^"]*)"', segment) if "agrees" in t)
    assert "at all" not in old and old.startswith("Not everyone")  # what was reviewed
    assert "Before the original changed" in segment and "<ins>" in segment


# --------------------------------------------------------------------------- the desk

STORM = (
    "When the storm of October 2019 broke the old breakwater, most people in town "
    "assumed the harbour would simply be patched up."
)
STORM_ES = (
    "Cuando la tormenta de octubre de 2019 rompió el viejo rompeolas, casi todos lo creyeron."
)
SPANISH = {"Accept": "application/json", "Accept-Language": "es"}


def test_json_save_answer_carries_state_provenance_findings_and_progress(
    client: FlaskClient, project: Project
) -> None:
    csrf = login(client, "ana")
    base = entry(project, MSGID).msgstr
    response = client.post(
        f"/review/{SLUG}/es/save",
        data={
            "sid": segment_id(None, MSGID),
            "csrf_token": csrf,
            "base": base,
            "text": "Quién pagó",
        },
        headers=SPANISH,
    )
    answer = response.json
    assert response.status_code == 200 and answer["result"] == "saved"  # type: ignore[index]
    assert answer["state"] == "translated" and answer["state_label"] == "Revisado"  # type: ignore[index]
    assert re.fullmatch(r"revisado por ana, \d+ \w+\.?", answer["provenance"][-1])  # type: ignore[index]
    assert answer["provenance"][0].startswith("traducción automática (pseudo)")  # type: ignore[index]
    assert answer["progress"] == {  # type: ignore[index]
        "reviewed": 1,
        "total": 42,
        "text": "1 de 42 segmentos revisados",
    }
    assert answer["feedback"] == ""  # type: ignore[index]  # nothing to show under the segment
    # the findings are those of the text now stored: "Quién pagó" has no final punctuation issue,
    # a text with a doubled word has one warning, worded in Spanish
    answer = save(client, csrf, base="Quién pagó", text="Quién quién pagó").json
    (finding,) = answer["findings"]  # type: ignore[index]
    assert finding["check"] == "doubled" and finding["severity"] == "warning"
    assert answer["result"] == "saved"  # type: ignore[index]
    spanish = client.post(
        f"/review/{SLUG}/es/save",
        data={
            "sid": segment_id(None, MSGID),
            "csrf_token": csrf,
            "base": "Quién quién pagó",
            "text": "Quién quién lo pagó",
        },
        headers=SPANISH,
    ).json
    assert spanish["findings"][0]["message"] == "palabra repetida 'quién'"  # type: ignore[index]
    assert spanish["findings"][0]["label"] == "Palabra repetida"  # type: ignore[index]
    assert "palabra repetida" in spanish["feedback"]  # type: ignore[index]
    assert "Guardado." in spanish["announce"] and "1 de 42" in spanish["announce"]  # type: ignore[index]


def test_quality_errors_are_shown_before_anything_is_stored(
    client: FlaskClient, project: Project
) -> None:
    csrf = login(client, "ana")
    machine = entry(project, STORM).msgstr
    wrong = STORM_ES.replace("2019", "2018")
    blocked = save(client, csrf, msgid=STORM, base=machine, text=wrong)
    assert blocked.status_code == 422 and blocked.json["result"] == "blocked"  # type: ignore[index]
    assert [f["check"] for f in blocked.json["findings"]] == ["numbers"]  # type: ignore[index]
    assert "missing 2019" in blocked.json["findings"][0]["message"]  # type: ignore[index]
    assert 'value="confirm-anyway"' in blocked.json["feedback"]  # type: ignore[index]
    assert entry(project, STORM).msgstr == machine and "fuzzy" in entry(project, STORM).flags
    assert not [e for e in read_log(project.root, SLUG) if e.event == "review"]
    # a silence needs a reason
    refused = save(
        client, csrf, msgid=STORM, base=machine, text=wrong, action="silence", silence="numbers"
    )
    assert refused.status_code == 422 and "reason" in refused.json["message"]  # type: ignore[index]
    # the deliberate second step stores it as reviewed, error and all
    forced = save(client, csrf, msgid=STORM, base=machine, text=wrong, action="confirm-anyway")
    assert forced.json["result"] == "saved"  # type: ignore[index]
    assert forced.json["findings"][0]["check"] == "numbers"  # type: ignore[index]
    assert entry(project, STORM).msgstr == wrong and "fuzzy" not in entry(project, STORM).flags
    # the error still blocks approval: the desk keeps the way out (a silence) at hand
    page = client.get(f"/review/{SLUG}/es").get_data(as_text=True)
    stored = page[page.index(f'id="s-{segment_id(None, STORM)}"') :]
    stored = stored[: stored.index("</article>")]
    assert 'class="silence"' in stored and 'name="silence" value="numbers"' in stored
    assert 'value="confirm-anyway"' not in stored  # already confirmed
    # or a silence with a reason, as `workflow silence` does
    hushed = save(
        client,
        csrf,
        msgid=STORM,
        base=wrong,
        text=wrong.replace("viejo ", ""),
        action="silence",
        silence="numbers",
        reason="the Spanish edition says 2018",
    )
    assert hushed.json["result"] == "saved" and hushed.json["findings"] == []  # type: ignore[index]
    notes = provenance(entry(project, STORM))
    assert any(n.startswith("silence numbers: the Spanish edition says 2018 (ana ") for n in notes)
    (silence,) = [e for e in read_log(project.root, SLUG) if e.event == "silence"]
    assert silence.detail["check"] == "numbers" and silence.who == "ana"


def test_without_javascript_a_quality_error_needs_a_second_step(
    client: FlaskClient, project: Project
) -> None:
    csrf = login(client, "ana")
    machine = entry(project, STORM).msgstr
    wrong = STORM_ES.replace("2019", "2018")
    fields = {"sid": segment_id(None, STORM), "csrf_token": csrf, "base": machine, "text": wrong}
    page = client.post(f"/review/{SLUG}/es/save", data={**fields, "action": "confirm"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "numbers differ: missing 2019" in html and 'value="confirm-anyway"' in html
    assert f">{wrong}</textarea>" in html  # the person's text is kept in the box
    assert entry(project, STORM).msgstr == machine
    done = client.post(f"/review/{SLUG}/es/save", data={**fields, "action": "confirm-anyway"})
    assert done.status_code == 303 and entry(project, STORM).msgstr == wrong


def two_versions(client: FlaskClient, project: Project) -> tuple[str, str]:
    """ana confirms "Quién pagó" over the machine draft, then "Quién lo pagó"."""
    csrf = login(client, "ana")
    machine = entry(project, MSGID).msgstr
    save(client, csrf, base=machine, text="Quién pagó")
    save(client, csrf, base="Quién pagó", text="Quién lo pagó")
    return csrf, machine


def test_review_audit_event_carries_the_machine_draft(
    client: FlaskClient, project: Project
) -> None:
    _csrf, machine = two_versions(client, project)
    first, second = [e for e in read_log(project.root, SLUG) if e.event == "review"]
    today = first.time[:10]
    assert first.detail == {
        "action": "confirm",
        "segment": MSGID,
        "context": "",
        "source": "en",
        "old": machine,
        "new": "Quién pagó",
        "engine": "pseudo",
        "drafted": entry(project, MSGID).tcomment.split("machine pseudo ")[1][:10],
        "draft": machine,
    }
    assert first.detail["drafted"] <= today
    assert "draft" not in second.detail and second.detail["engine"] == "pseudo"


def test_history_lists_every_version_and_restores_one(
    client: FlaskClient, project: Project
) -> None:
    from workflow.audit import record

    csrf, machine = two_versions(client, project)
    record(project.root, "approve", "marta", SLUG, "es")  # the current version, approved
    sid = segment_id(None, MSGID)
    page = client.get(f"/review/{SLUG}/es/history/{sid}", headers={"Accept-Language": "es"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Historial de este segmento" in html
    assert html.index("Quién lo pagó") < html.index("Quién pagó") < html.index(machine)
    assert "Traducción automática (pseudo)" in html and html.count("Revisado por ana") == 2
    assert re.search(r"aprobado por marta, \d+ \w+\.?, \d\d:\d\d", html)
    assert html.count('value="restore"') == 2  # every version but the current one
    # restoring is a normal save: conflict-checked against the current text
    stale = save(client, csrf, base="Quién pagó", text="Quién pagó", action="restore")
    assert stale.status_code == 409
    restored = client.post(
        f"/review/{SLUG}/es/save",
        data={
            "sid": sid,
            "csrf_token": csrf,
            "base": "Quién lo pagó",
            "text": "Quién pagó",
            "action": "restore",
        },
    )
    assert restored.status_code == 303 and entry(project, MSGID).msgstr == "Quién pagó"
    events = [e for e in read_log(project.root, SLUG) if e.event == "review"]
    assert events[-1].detail["action"] == "restore"
    part = client.get(f"/review/{SLUG}/es/history/{sid}?part=1").get_data(as_text=True)
    assert part.lstrip().startswith('<section class="history"') and "Restored by ana" in part
    assert client.get(f"/review/{SLUG}/es/history/000000000000").status_code == 404


def test_concordance_finds_reviewed_segments_in_the_persons_language(
    client: FlaskClient, project: Project
) -> None:
    csrf = login(client, "ana")
    save(client, csrf, msgid=STORM, base=entry(project, STORM).msgstr, text=STORM_ES)
    page = client.get(f"/review/{SLUG}/es/search?q=ROMPEOLAS").get_data(as_text=True)
    assert "viejo rompeolas" in page and "old breakwater" in page  # accents and case folded
    assert "rompeolas" in client.get(f"/review/{SLUG}/es/search?q=breakwater&part=1").get_data(
        as_text=True
    )
    assert "Nothing found." in client.get(f"/review/{SLUG}/es/search?q=harbor").get_data(
        as_text=True
    )
    assert client.get(f"/review/{SLUG}/ca/search?q=breakwater").status_code == 403


def test_a_person_chooses_the_interface_language(client: FlaskClient, app: Flask) -> None:
    csrf = login(client, "ana")
    assert "Where every article stands" in client.get("/").get_data(as_text=True)
    response = client.post("/settings", data={"csrf_token": csrf, "ui_language": "de"})
    assert response.status_code == 303
    page = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Wo jeder Artikel steht" in page and '<html lang="de">' in page
    users = json.loads((app.config["PROJECT"].root / "instance/users.json").read_text())
    assert users["ana"]["ui_language"] == "de" and users["bo"].get("ui_language", "") == ""
    assert (
        client.post("/settings", data={"csrf_token": csrf, "ui_language": "xx"}).status_code == 303
    )
    client.post("/settings", data={"csrf_token": csrf, "ui_language": ""})
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Où en est chaque article" in page


def test_dashboard_shows_titles_stages_progress_and_open_findings(
    client: FlaskClient, project: Project
) -> None:
    csrf = login(client, "ana")
    save(client, csrf, base=entry(project, MSGID).msgstr, text="Quién pagó")
    page = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "How the harbour was rebuilt" in page and "del inglés" in page
    assert "en revisión" in page and "1 de 42 revisados" in page
    assert re.search(r'class="warnings">\d+ avisos<', page)
    assert 'action="/approve/' not in page  # a translator is offered no release actions


def test_release_actions_are_decided_in_one_place() -> None:
    from workflow.catalog import Stats
    from workflow.status import StatusRow
    from workflow.users import User
    from workflow.web.dashboard import actions_for

    row = StatusRow(SLUG, "es", "reviewed", Stats(total=3, translated=3), ("approve", "reject"))
    assert actions_for(row, User("marta", "editor")) == ("approve", "reject")
    assert actions_for(row, User("ana", "translator", ("es",))) == ()
    assert actions_for(StatusRow(SLUG, "es", "not extracted", Stats()), User("m", "editor")) == ()


def test_users_file_without_interface_language_still_reads(tmp_path: Path) -> None:
    from workflow.users import UserStore

    (tmp_path / "users.json").write_text(
        json.dumps({"old": {"role": "editor", "languages": [], "password_hash": "x"}})
    )
    store = UserStore(tmp_path)
    assert store.get("old") is not None and store.get("old").ui_language == ""  # type: ignore[union-attr]
    store.set_ui_language("old", "ca")
    assert store.get("old").ui_language == "ca"  # type: ignore[union-attr]


def test_serve_on_a_taken_port_is_one_clear_error(app: Flask) -> None:
    import socket

    from click.testing import CliRunner

    from workflow.cli import cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        root = str(app.config["PROJECT"].root)
        for workers in ("1", "2"):
            result = CliRunner().invoke(
                cli, ["-C", root, "serve", "--port", port, "--workers", workers]
            )
            assert result.exit_code == 1, result.output
            assert result.output.strip().endswith("Address already in use")
            assert result.output.count("\n") == 1 and "Traceback" not in result.output


def test_a_table_is_one_block_read_row_by_row(client: FlaskClient, project: Project) -> None:
    from workflow.extract import extract

    (project.articles_dir / "cities.md").write_text(
        "---\ntitle: Cities\npublished: 2024-09-01\nlanguage: en\n---\nIntro.\n\n"
        "| City | Share |\n|---|---|\n| Seoul | 2.5 |\n| Busan | Fast growth. |\n\nEnd.\n",
        encoding="utf-8",
    )
    extract(project, ["cities"])
    login(client, "ana")
    page = client.get("/review/cities/es").get_data(as_text=True)
    blocks = re.findall(r'<section class="block">(.*?)</section>', page, re.S)
    tables = [b for b in blocks if "Seoul" in b]
    assert len(tables) == 1, "every cell of the table in one block"
    (table,) = tables
    assert "City | Share\nSeoul | 2.5\nBusan | Fast growth." in table  # the whole table
    assert all(word in table for word in ("City", "Share", "Busan", "Fast growth."))
    assert "Intro." not in table and "End." not in table


def test_a_confirmed_error_is_still_the_segment_to_review(
    client: FlaskClient, project: Project
) -> None:
    """Everything confirmed, one segment with a wrong number: the skip link goes there."""
    po = review_everything(project)
    storm = next(e for e in po if e.msgid == STORM)
    storm.msgstr = storm.msgid.replace("2019", "2018")
    po.save()
    login(client, "ana")
    page = client.get(f"/review/{SLUG}/es").get_data(as_text=True)
    sid = segment_id(None, STORM)
    assert f'<a class="skip" href="#s-{sid}" data-skip="open">' in page
    assert re.search(rf'<article class="[^"]*has-errors[^"]*" id="s-{sid}"', page)
