"""The review app through Flask's test client: every route, every role."""

from __future__ import annotations

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
    assert client.post(f"/review/{SLUG}/es/save", data={}).status_code == 400  # CSRF first


def test_wrong_password_is_refused(client: FlaskClient) -> None:
    response = client.post(
        "/login", data={"name": "ana", "password": "nope", "csrf_token": token(client)}
    )
    assert response.status_code == 401 and "wrong password" in response.get_data(as_text=True)


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
    assert f"/review/{SLUG}/es" in page and f"/review/{SLUG}/ca" in page and "Approve" in page


def test_review_page_shows_segments_tokens_provenance_and_filters(client: FlaskClient) -> None:
    login(client, "ana")
    page = client.get(f"/review/{SLUG}/es").get_data(as_text=True)
    assert 'class="token"' in page and "&lt;g1&gt;" in page
    assert "machine pseudo" in page
    assert 'id="article-progress"' in page
    fuzzy = client.get(f"/review/{SLUG}/es?filter=fuzzy").get_data(as_text=True)
    reviewed = client.get(f"/review/{SLUG}/es?filter=reviewed").get_data(as_text=True)
    assert fuzzy.count('class="segment') == 40 and reviewed.count('class="segment') == 0


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
    assert "not approved: 40 segment(s) fuzzy" in response.get_data(as_text=True)
    response = client.post(
        f"/reject/{SLUG}/es",
        data={"csrf_token": csrf, "note": "Redo <b>all</b>"},
        follow_redirects=True,
    )
    assert "sent back to review" in response.get_data(as_text=True)
    assert (
        read_catalog(project.catalog_path(SLUG, ES))
        .metadata["X-Workflow-Changes-Requested"]
        .endswith("Redo <b>all</b>")
    )


def test_editor_approves_a_fully_reviewed_version(client: FlaskClient, project: Project) -> None:
    path = project.catalog_path(SLUG, ES)
    po = polib.pofile(str(path))
    for item in po:
        item.msgstr = item.msgid
        item.flags = []
    po.save()
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
    assert (
        save(client, csrf, base=entry(project, MSGID).msgstr, text=evil).json["result"] == "saved"
    )  # type: ignore[index]
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
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 302
    assert client.get("/").status_code == 302


def test_interface_strings_are_extracted_by_babel(tmp_path: Path) -> None:
    from babel.messages.extract import extract_from_dir

    templates = Path(__file__).resolve().parent.parent / "workflow" / "web" / "templates"
    found = {m[2] for m in extract_from_dir(str(templates), method_map=[("**.html", "jinja2")])}
    assert {"Log in", "Save and confirm", "Revert to machine", "Machine / fuzzy"} <= found


def test_interface_follows_the_browser_language(client: FlaskClient) -> None:
    spanish = client.get("/login", headers={"Accept-Language": "es-ES,es;q=0.9"}).get_data(
        as_text=True
    )
    assert "Iniciar sesión" in spanish and '<html lang="es">' in spanish
    english = client.get("/login", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Log in" in english and '<html lang="en">' in english


def test_interface_catalogue_is_valid_and_complete() -> None:
    from .conftest import msgfmt_check

    path = (
        Path(__file__).resolve().parent.parent
        / "workflow/web/translations/es/LC_MESSAGES/messages.po"
    )
    msgfmt_check(path)
    assert all(e.msgstr and not e.fuzzy for e in polib.pofile(str(path)))


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
    assert "site [es] approved." in response.get_data(as_text=True)
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
    assert re.search(r'<span class="score">9\d%</span>', page)
