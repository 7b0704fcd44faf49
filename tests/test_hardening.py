"""The holes of issue 10, one test (or a few) each: bad input gets one clear answer.

Numbers refer to the issue: 1 sessions that outlive logout, 2 YAML alias bomb,
5 impossible dates, 6 bad Plural-Forms, 7 a 500 on a JSON array, 8 silently
accepted duplicates, control characters and lost catalogue entries, 9 no size
limit.  Throttling (3) and timing (4) are in ``test_sessions.py``.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from workflow.article import parse_article
from workflow.catalog import read_catalog
from workflow.cli import cli
from workflow.errors import ArticleError, CatalogError
from workflow.languages import parse_language
from workflow.project import Project
from workflow.review import segment_id
from workflow.users import UserStore

from .conftest import PASSWORDS, SLUG, msgfmt_check

ES = parse_language("es")
ARTICLE = """---
title: A title
published: {published}
language: en
---
First sentence. Second sentence.

Another paragraph here.
"""


def run(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--project", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.output,
        result.exc_info,
    )
    return result.exit_code, result.output


def one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


# -- 1. logout and password changes end sessions (test client; real server in test_sessions)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _login(client: FlaskClient, name: str = "ana", password: str | None = None) -> str:
    page = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    response = client.post(
        "/login",
        data={"name": name, "password": password or PASSWORDS[name], "csrf_token": csrf.group(1)},
    )
    assert response.status_code == 302, response.status_code
    page = client.get("/").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert csrf
    return csrf.group(1)


def _cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _replay(app: Flask, cookie: str) -> int:
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other.get("/").status_code


def test_1_logout_ends_the_session_for_a_replayed_cookie(app: Flask, client: FlaskClient) -> None:
    csrf = _login(client)
    kept = _cookie(client)
    assert _replay(app, kept) == 200
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 302
    assert _replay(app, kept) == 302  # to the login page


@pytest.mark.parametrize(
    "change",
    [
        ("translator", ("es",), "a-new-password-1"),  # password
        ("editor", (), PASSWORDS["ana"]),  # role
        ("translator", ("es", "ca"), PASSWORDS["ana"]),  # languages
    ],
)
def test_1_password_role_or_language_change_ends_sessions(
    app: Flask, client: FlaskClient, project: Project, change: tuple[str, tuple[str, ...], str]
) -> None:
    _login(client)
    kept = _cookie(client)
    UserStore(project.root / "instance").add("ana", *change)
    assert _replay(app, kept) == 302
    assert client.get("/").status_code == 302


def test_1_removing_a_person_ends_their_sessions(
    app: Flask, client: FlaskClient, project: Project
) -> None:
    _login(client)
    code, output = run(project.root, "user", "remove", "ana")
    assert code == 0, output
    assert client.get("/").status_code == 302
    assert UserStore(project.root / "instance").get("ana") is None


def test_1_a_change_to_someone_else_keeps_the_session(
    client: FlaskClient, project: Project
) -> None:
    _login(client)
    UserStore(project.root / "instance").add("bo", "translator", ("ca",), "another-pass-9")
    assert client.get("/").status_code == 200


def test_1_sessions_expire_after_the_idle_time(app: Flask, client: FlaskClient) -> None:
    _login(client)
    sessions = app.extensions["workflow.sessions"]
    start = time.time()
    sessions.clock = lambda: start + sessions.idle - 5
    assert client.get("/").status_code == 200  # active: the idle clock restarts
    sessions.clock = lambda: start + 2 * sessions.idle - 10
    assert client.get("/").status_code == 200
    sessions.clock = lambda: start + 3 * sessions.idle
    assert client.get("/").status_code == 302


def test_1_idle_time_comes_from_workflow_toml(sample: Path) -> None:
    from workflow.web import create_app

    config = sample / "workflow.toml"
    config.write_text(config.read_text() + "\n[review]\nidle_minutes = 15\n")
    assert create_app({"TESTING": True}, sample).extensions["workflow.sessions"].idle == 900


def test_1_cookies_are_secure_unless_served_on_loopback_only() -> None:
    from workflow.web.sessions import cookie_secure

    assert not cookie_secure("127.0.0.1") and not cookie_secure("localhost")
    assert not cookie_secure("::1") and not cookie_secure("127.0.0.5")
    assert cookie_secure("0.0.0.0") and cookie_secure("192.168.1.20") and cookie_secure("::")
    assert cookie_secure("news.example.org")
    assert cookie_secure("127.0.0.1", behind_proxy=True)  # HTTPS ends at the proxy
    assert not cookie_secure("0.0.0.0", override=False)


# -- 2. YAML aliases and duplicate keys (8)

BOMB = "\n".join(
    [
        "---",
        "title: Bomb",
        "published: 2024-01-01",
        "language: en",
        "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]",
        *(
            f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]"
            for prev, name in zip("abcdefghi", "bcdefghij", strict=True)
        ),
        "tags: *j",
        "---",
        "Body.",
        "",
    ]
)


def test_2_alias_bomb_is_refused_at_once(sample: Path) -> None:
    (sample / "articles" / "bomb.md").write_text(BOMB)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "workflow", "--project", str(sample), "extract", "bomb"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert time.perf_counter() - started < 30
    assert result.returncode == 1
    line = one_error_line(result.stderr + result.stdout)
    assert "articles/bomb.md" in line and "alias" in line and "line 6" in line


def test_2_any_alias_is_refused_with_its_line() -> None:
    text = "---\ntitle: &t Hello\npublished: 2024-01-01\nlanguage: en\nsummary: *t\n---\nBody.\n"
    with pytest.raises(ArticleError, match=r"x\.md: line 5: .*alias"):
        parse_article(text.encode(), Path("x.md"), "x", "x.md")


def test_8_duplicate_keys_name_both_lines() -> None:
    text = "---\ntitle: T\nkind: News\npublished: 2024-01-01\nlanguage: en\nkind: Opinion\n---\nB\n"
    with pytest.raises(ArticleError) as caught:
        parse_article(text.encode(), Path("x.md"), "x", "x.md")
    assert caught.value.message == "x.md: line 6: duplicate key 'kind' (first on line 3)"
    nested = "---\ntitle: T\npublished: 2024-01-01\nlanguage: en\nimage:\n  src: a\n  src: b\n---\n"
    with pytest.raises(ArticleError, match=r"line 7: duplicate key 'src' \(first on line 6\)"):
        parse_article(nested.encode(), Path("x.md"), "x", "x.md")


# -- 5. impossible dates


@pytest.mark.parametrize(
    ("field", "value"),
    [("published", "2024-13-45"), ("published", "2024-02-30"), ("updated", "2024-12-99")],
)
def test_5_impossible_dates_are_one_line_naming_file_field_and_value(
    sample: Path, field: str, value: str
) -> None:
    published = value if field == "published" else "2024-01-01"
    text = ARTICLE.format(published=published)
    if field == "updated":
        text = text.replace("language: en", f"updated: {value}\nlanguage: en")
    (sample / "articles" / "dated.md").write_text(text)
    code, output = run(sample, "extract", "dated")
    assert code == 1
    line = one_error_line(output)
    assert "articles/dated.md" in line and f"{field}: " in line and value in line
    assert not list((sample / "locales").rglob("dated.po"))


def test_5_valid_dates_and_datetimes_still_read() -> None:
    text = ARTICLE.format(published="2024-02-29 10:30:00").encode()
    assert str(parse_article(text, Path("x.md"), "x").meta.published) == "2024-02-29"
    quoted = ARTICLE.format(published='"2024-08-19"').encode()
    assert str(parse_article(quoted, Path("x.md"), "x").meta.published) == "2024-08-19"


# -- 6. catalogue headers as msgfmt --check sees them


def _extracted(project: Project) -> Path:
    from workflow.extract import extract

    extract(project, [SLUG])
    return project.catalog_path(SLUG, ES)


def test_6_plural_forms_without_an_expression_is_refused(project: Project) -> None:
    path = _extracted(project)
    text = re.sub(
        r'^"Plural-Forms: .*\\n"$',
        '"Plural-Forms: nplurals=banana;\\\\n"',
        path.read_text(),
        flags=re.MULTILINE,
    )
    path.write_text(text)
    code, output = run(project.root, "check", SLUG, "--lang", "es")
    assert code == 1 and "Plural-Forms 'nplurals=banana;'" in one_error_line(output)


@pytest.mark.parametrize(
    ("header", "bad", "expected"),
    [
        ("Plural-Forms", "nplurals=banana; plural=(n != 1);", "Plural-Forms"),
        ("Plural-Forms", "nplurals=2; plural=banana;", "Plural-Forms"),
        ("Plural-Forms", "nplurals=2; plural=n/0;", "Plural-Forms"),
        ("Plural-Forms", "nplurals=2; plural=n >> 1;", "Plural-Forms"),
        ("Plural-Forms", "nplurals=2; plural=n+3;", "Plural-Forms"),
        ("Plural-Forms", "nplurals=0; plural=0;", "Plural-Forms"),
        ("Content-Type", "text/plain; charset=CHARSET", "charset"),
        ("Content-Type", "text/plain; charset=KLINGON-8", "charset"),
        ("Content-Type", "text/plain", "charset"),
    ],
)
def test_6_bad_headers_are_refused_like_msgfmt_check(
    project: Project, header: str, bad: str, expected: str
) -> None:
    path = _extracted(project)
    text = path.read_text()
    text = re.sub(rf'^"{header}: .*\\n"$', f'"{header}: {bad}\\\\n"', text, flags=re.MULTILINE)
    path.write_text(text)
    gnu = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, check=False
    )
    # GNU gettext agrees: a fatal error for a bad plural, a warning for the charset
    # (workflow reads every catalogue as UTF-8, so for us that is an error too).
    assert gnu.returncode != 0 if header == "Plural-Forms" else b"harset" in gnu.stderr
    with pytest.raises(CatalogError, match=expected):
        read_catalog(path, "es.po")
    code, output = run(project.root, "check", SLUG, "--lang", "es")
    assert code == 1 and expected in one_error_line(output)
    code, output = run(project.root, "approve", SLUG, "--lang", "es", "--by", "marta")
    assert code == 1 and expected in one_error_line(output)
    assert not path.with_suffix(".mo").exists()


def test_6_good_headers_of_every_shipped_language_pass(project: Project) -> None:
    for language in ("es", "ca", "de", "fr", "pt-BR", "ar", "ru", "pl", "ja", "ga", "sl"):
        po = polib.POFile()
        po.metadata = {
            "Project-Id-Version": "x",
            "PO-Revision-Date": "2024-01-01 00:00+0000",
            "Last-Translator": "x <x@example.org>",
            "Language-Team": "x",
            "Language": language.replace("-", "_"),
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": parse_language(language).plural_forms,
        }
        path = project.root / f"{language}.po"
        po.save(str(path))
        msgfmt_check(path)
        read_catalog(path)


# -- 7. and 8. save bodies


def _save(
    client: FlaskClient, csrf: str, body: object = None, raw: str | None = None
) -> tuple[int, dict[str, object]]:
    headers = {"Accept": "application/json", "X-CSRFToken": csrf}
    url = f"/review/{SLUG}/es/save"
    if raw is not None:
        response = client.post(url, data=raw, headers=headers, content_type="application/json")
    else:
        response = client.post(url, json=body, headers=headers)
    return response.status_code, response.get_json(silent=True) or {}


@pytest.mark.parametrize(
    "body",
    [[1, 2], "text", 5, {"sid": ["x"], "base": "", "text": "t"}, {"sid": "x", "text": 5}],
)
def test_7_wrong_json_shapes_are_400_with_a_message(client: FlaskClient, body: object) -> None:
    csrf = _login(client)
    code, answer = _save(client, csrf, body)
    assert code == 400, answer
    assert answer["result"] == "invalid" and answer["message"]


def test_7_invalid_json_is_400(client: FlaskClient) -> None:
    csrf = _login(client)
    for raw in ("{not json", "null", ""):
        code, answer = _save(client, csrf, raw=raw)
        assert code == 400 and answer["result"] == "invalid", raw


@pytest.mark.parametrize("bad", ["\x00", "\x1b[31m", "\x07", "\x7f", "\u0085", "\x0b"])
def test_8_control_characters_are_refused_with_422(
    client: FlaskClient, project: Project, bad: str
) -> None:
    csrf = _login(client)
    msgid = "Who paid"
    po = read_catalog(project.catalog_path(SLUG, ES))
    base = next(e.msgstr for e in po if e.msgid == msgid)
    before = project.catalog_path(SLUG, ES).read_bytes()
    body = {"sid": segment_id(None, msgid), "base": base, "text": f"Quién{bad}pagó"}
    code, answer = _save(client, csrf, body)
    assert code == 422 and "control character (U+" in str(answer["message"])
    assert project.catalog_path(SLUG, ES).read_bytes() == before
    body["text"] = "Quién\tpagó\nde verdad"
    assert _save(client, csrf, body)[0] == 200


def test_7_oversized_bodies_are_still_refused(client: FlaskClient) -> None:
    csrf = _login(client)
    code, _answer = _save(client, csrf, {"sid": "x", "base": "", "text": "x" * 2_000_000})
    assert code == 413


# -- 8. a catalogue that lost entries


def _cut(path: Path, keep: int) -> None:
    """Cut the file exactly between two entries, keeping the header and ``keep`` entries."""
    chunks = path.read_text().split("\n\n")
    path.write_text("\n\n".join(chunks[: keep + 1]) + "\n")


def test_8_a_cut_catalogue_is_refused_not_refilled(project: Project, fill) -> None:  # type: ignore[no-untyped-def]
    path = _extracted(project)
    fill(path, lambda msgid: f"ES {msgid}")
    total = len([e for e in read_catalog(path) if not e.obsolete])
    _cut(path, 10)
    msgfmt_check(path)  # still valid PO: nothing but our count can tell
    cut = path.read_bytes()
    article = project.article_path(SLUG)
    article.write_text(article.read_text().replace("Who paid", "Who really paid"))
    code, output = run(project.root, "extract", SLUG)
    assert code == 1
    line = one_error_line(output)
    assert "10 of its" in line and str(total) in line and "--accept-lost" in line
    assert path.read_bytes() == cut  # nothing refilled
    code, output = run(project.root, "translate", SLUG, "--engine", "pseudo", "--to", "es")
    assert code == 1 and "--accept-lost" in one_error_line(output)
    code, output = run(project.root, "extract", SLUG, "--accept-lost")
    assert code == 0, output
    po = read_catalog(path)
    assert len([e for e in po if not e.obsolete]) >= total
    assert len([e for e in po if e.msgstr.startswith("ES ")]) >= 9


def test_8_catalogues_without_the_count_still_read(project: Project) -> None:
    path = _extracted(project)
    text = re.sub(r'^"X-Workflow-Entries: .*\\n"\n', "", path.read_text(), flags=re.MULTILINE)
    path.write_text(text)
    read_catalog(path)


# -- 9. size limit


def test_9_an_article_over_the_limit_is_one_clear_error(sample: Path) -> None:
    config = sample / "workflow.toml"
    base = config.read_text()
    config.write_text(base + "\n[limits]\narticle_kb = 64\n")
    body = "A sentence that says something. " * 3_000  # about 100 KB
    (sample / "articles" / "huge.md").write_text(ARTICLE.format(published="2024-01-01") + body)
    code, output = run(sample, "extract", "huge")
    assert code == 1
    line = one_error_line(output)
    assert "articles/huge.md" in line and "limits.article_kb = 64" in line
    assert re.search(r": 9\d KB is over", line)
    config.write_text(base + "\n[limits]\narticle_kb = 128\n")
    code, output = run(sample, "extract", "huge", "--lang", "es")
    assert code == 0, output


def test_9_the_default_limit_refuses_a_20_mb_article_at_once(sample: Path) -> None:
    body = ("A sentence that says something. " * 32 + "\n\n") * 20_000  # about 20 MB
    (sample / "articles" / "huge.md").write_text(ARTICLE.format(published="2024-01-01") + body)
    started = time.perf_counter()
    code, output = run(sample, "extract", "huge")
    assert time.perf_counter() - started < 5
    assert code == 1 and "limits.article_kb" in one_error_line(output)


def test_8_a_git_merge_of_two_extracts_keeps_the_entry_count_true(tmp_path: Path) -> None:
    """Both sides extracted (one added an entry, one removed one): the merged
    catalogue counts what it holds, so it is not mistaken for a cut file."""
    from workflow.catalog import ENTRIES, write_catalog
    from workflow.mergepo import merge_catalogs

    def version(*msgids: str) -> polib.POFile:
        po = polib.POFile()
        po.metadata = {
            "Content-Type": "text/plain; charset=UTF-8",
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
            ENTRIES: str(len(msgids)),
        }
        for msgid in msgids:
            po.append(polib.POEntry(msgid=msgid, msgstr=f"ES {msgid}"))
        return po

    merged, _report = merge_catalogs(version("a", "b", "c"), version("a", "b", "c", "d"),
                                     version("a", "b"))  # fmt: skip
    write_catalog(merged, tmp_path / "x.po")
    po = read_catalog(tmp_path / "x.po")
    assert [e.msgid for e in po] == ["a", "b", "d"] and po.metadata[ENTRIES] == "3"


def test_a_broken_users_file_is_one_error_line(sample: Path) -> None:
    (sample / "instance").mkdir()
    for bad in ('{"ana": ', "[1, 2]", '{"ana": 5}'):
        (sample / "instance" / "users.json").write_text(bad)
        code, output = run(sample, "user", "list")
        assert code == 1 and "users.json: not a valid users file" in one_error_line(output)


@pytest.mark.parametrize("field", ["language", "published", "updated"])
def test_fuzz_finding_an_empty_list_for_a_field_is_one_error(field: str) -> None:
    """Found by tests/test_fuzz.py: `language: []` ended in a bare AssertionError."""
    text = ARTICLE.format(published="2024-01-01").replace(f"{field}: ", f"{field}: []\nx: ", 1)
    if field == "updated":
        text = text.replace("language: en", "updated: []\nlanguage: en")
    text = text.replace("x: 2024-01-01\n", "").replace("x: en\n", "")
    with pytest.raises(ArticleError, match=field):
        parse_article(text.encode(), Path("x.md"), "x", "x.md")
