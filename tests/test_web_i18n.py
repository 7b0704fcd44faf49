"""The review app speaks the translator's language: every page, no English left.

Two guards:

* the interface catalogues: every string the app can show (templates, the web
  package, QA and save messages) is in ``messages.pot`` and translated, not
  fuzzy, in every shipped language — the test fails when one is missing;
* a walk through every page of the app (and the JSON answers and panels the
  script fetches) with ``Accept-Language: es`` (ca, de, fr, pt, it): every
  text node and label of the interface is compared with the English catalogue.
  Text in another language's element (``lang="en"`` source sentences, the
  Spanish translations themselves) is content, not interface, and is skipped.
"""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from flask import Flask
from flask.testing import FlaskClient

from workflow.catalog import read_catalog
from workflow.project import Project
from workflow.review import segment_id

from .conftest import PASSWORDS, SLUG, msgfmt_check

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "workflow" / "web" / "translations"
SHIPPED = ("es", "ca", "de", "fr", "pt", "it")
STORM = (
    "When the storm of October 2019 broke the old breakwater, most people in town "
    "assumed the harbour would simply be patched up."
)


def test_every_interface_string_is_translated_in_every_shipped_language(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).with_name("pybabel")),
            "extract",
            "-F",
            "babel.cfg",
            "--no-location",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    wanted = {e.msgid for e in polib.pofile(str(fresh))}
    shipped = {e.msgid for e in polib.pofile(str(TRANSLATIONS / "messages.pot"))}
    assert wanted == shipped, f"messages.pot is stale (see babel.cfg): {wanted ^ shipped}"
    for language in SHIPPED:
        path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
        msgfmt_check(path)
        po = polib.pofile(str(path))
        done = {
            e.msgid
            for e in po
            if not e.obsolete
            and not e.fuzzy
            and (all(e.msgstr_plural.values()) if e.msgid_plural else e.msgstr)
        }
        assert wanted <= done, f"{language}: not translated: {sorted(wanted - done)}"
        assert path.with_suffix(".mo").stat().st_mtime >= path.stat().st_mtime - 1, (
            f"{language}: messages.mo is older than messages.po (pybabel compile)"
        )


class _Text(HTMLParser):
    """Interface text of a page: text nodes and labels, outside other languages' elements."""

    SKIP = frozenset({"script", "style", "textarea", "code"})
    VOID = frozenset({"input", "br", "img", "meta", "link", "hr", "source", "wbr"})

    def __init__(self, language: str) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.found: list[str] = []
        self.language = language

    def _quiet(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = values.get("lang")
        skip = tag in self.SKIP or (lang is not None and lang.split("-")[0] != self.language)
        if not self._quiet() and not skip:
            for name in ("title", "aria-label", "placeholder", "alt"):
                if values.get(name):
                    self.found.append(str(values[name]))
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._quiet():
            self.found.append(text)


def _english_patterns(language: str) -> list[tuple[str, re.Pattern[str], bool]]:
    """Each English interface string (as a pattern) that ``language`` words differently."""
    po = polib.pofile(str(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"))
    patterns = []
    for entry in po:
        for english, translated in (
            [
                (entry.msgid, entry.msgstr_plural.get(0)),
                (entry.msgid_plural, entry.msgstr_plural.get(1)),
            ]
            if entry.msgid_plural
            else [(entry.msgid, entry.msgstr)]
        ):
            if english == translated:
                continue  # the same word in both languages ("Error" in Spanish)
            parts = re.split(r"%\([a-z_]+\)[sr]", english.replace("%%", "%"))
            if not any(re.search(r"[A-Za-z]{3}", part) for part in parts):
                continue
            body = ".+?".join(re.escape(part) for part in parts)
            whole = len(english.split()) < 2  # single words: only a whole text node
            body = body if whole else rf"(?<!\w){body}(?!\w)"  # whole words only
            patterns.append((english, re.compile(body if not whole else rf"^{body}$"), whole))
    return patterns


def _english_in(
    html: str, language: str, patterns: list[tuple[str, re.Pattern[str], bool]]
) -> list[str]:
    parser = _Text(language)
    parser.feed(html)
    return [
        f"{english!r} in {text!r}"
        for text in parser.found
        for english, pattern, _whole in patterns
        if pattern.search(text)
    ]


def _login(client: FlaskClient, name: str, language: str) -> str:
    page = client.get("/login", headers={"Accept-Language": language}).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"name": name, "password": PASSWORDS[name], "csrf_token": csrf})
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


@pytest.fixture
def walked(app: Flask, project: Project) -> Flask:
    """The app with a history, a silence, a memory match and a refused approval to show."""
    from workflow.publish.strings import update_site_catalogs

    update_site_catalogs(project)
    client = app.test_client()
    csrf = _login(client, "ana", "en")
    path = project.catalog_path(SLUG, project.config.target_languages[1])
    machine = next(e for e in read_catalog(path) if e.msgid == STORM).msgstr
    text = "Cuando la tormenta de octubre de 2019 rompió el viejo rompeolas, todos lo creyeron."
    for base, new in ((machine, text), (text, text.replace("viejo ", ""))):
        client.post(
            f"/review/{SLUG}/es/save",
            data={"sid": segment_id(None, STORM), "csrf_token": csrf, "base": base, "text": new},
        )
    return app


@pytest.mark.parametrize("language", SHIPPED)
def test_no_english_on_any_page(walked: Flask, project: Project, language: str) -> None:
    patterns = _english_patterns(language)
    headers = {"Accept-Language": f"{language},en;q=0.5"}
    english = walked.test_client().get("/login", headers={"Accept-Language": "en"})
    assert "'Log in'" in " ".join(_english_in(english.get_data(as_text=True), "en", patterns))
    sid = segment_id(None, STORM)
    pages: dict[str, str] = {}
    anonymous = walked.test_client()
    pages["login"] = anonymous.get("/login", headers=headers).get_data(as_text=True)
    pages["wrong password"] = anonymous.post(
        "/login",
        data={"name": "ana", "password": "nope", "csrf_token": "x"},
        headers=headers,
    ).get_data(as_text=True)
    client = walked.test_client()
    csrf = _login(client, "marta", language)
    fields = {"sid": sid, "csrf_token": csrf}
    for name, path in {
        "dashboard": "/",
        "settings": "/settings",
        "review": f"/review/{SLUG}/es",
        "review fuzzy": f"/review/{SLUG}/es?filter=fuzzy",
        "review reviewed": f"/review/{SLUG}/es?filter=reviewed",
        "review untranslated": f"/review/{SLUG}/es?filter=untranslated",
        "review warnings": f"/review/{SLUG}/es?filter=warnings",
        "site strings": "/review/site/es",
        "history": f"/review/{SLUG}/es/history/{sid}",
        "history panel": f"/review/{SLUG}/es/history/{sid}?part=1",
        "search": f"/review/{SLUG}/es/search?q=rompeolas",
        "search panel": f"/review/{SLUG}/es/search?q=rompeolas&part=1",
        "search, nothing": f"/review/{SLUG}/es/search?q=zzzz",
        "no such article": "/review/no-such/es",
        "no such language": f"/review/{SLUG}/xx",
        "no such page": "/nothing-here",
        "no such segment": f"/review/{SLUG}/es/history/000000000000",
    }.items():
        pages[name] = client.get(path, headers=headers).get_data(as_text=True)
    current = next(
        e
        for e in read_catalog(project.catalog_path(SLUG, project.config.target_languages[1]))
        if e.msgid == STORM
    ).msgstr
    wrong = current.replace("2019", "2018")
    pages["quality error (no script)"] = client.post(
        f"/review/{SLUG}/es/save",
        data={**fields, "base": current, "text": wrong, "action": "confirm"},
        headers=headers,
    ).get_data(as_text=True)
    pages["conflict (no script)"] = client.post(
        f"/review/{SLUG}/es/save",
        data={**fields, "base": "stale", "text": "otra", "action": "confirm"},
        headers=headers,
    ).get_data(as_text=True)
    for name, data in {
        "answer: blocked": {**fields, "base": current, "text": wrong},
        "answer: conflict": {**fields, "base": "stale", "text": "otra"},
        "answer: no reason": {
            **fields,
            "base": current,
            "text": wrong,
            "action": "silence",
            "silence": "numbers",
        },
        "answer: broken placeholders": {
            "sid": segment_id(
                None,
                "Five years and <g1>42 million euros</g1> later, the new "
                "harbour opened last month with a longer quay, a public promenade "
                "and a fish market that is already busier than the old one.",
            ),
            "csrf_token": csrf,
            "base": "x",
            "text": "y",
        },
        "answer: saved": {**fields, "base": current, "text": current + " ¡Sí sí!"},
    }.items():
        answer = client.post(
            f"/review/{SLUG}/es/save", data=data, headers={**headers, "Accept": "application/json"}
        ).json
        assert answer is not None
        pages[name] = "".join(
            [f"<p>{answer['message']}</p><p>{answer['announce']}</p>", answer["feedback"]]
            + [f"<p>{f['message']}</p><p>{f['label']}</p>" for f in answer["findings"]]
            + [f"<p>{p}</p>" for p in answer["provenance"]]
            + [f"<p>{answer['state_label']}</p><p>{answer['progress']['text']}</p>"]
        )
    pages["refused approval"] = client.post(
        f"/approve/{SLUG}/es", data={"csrf_token": csrf}, headers=headers, follow_redirects=True
    ).get_data(as_text=True)
    pages["sent back"] = client.post(
        f"/reject/{SLUG}/es",
        data={"csrf_token": csrf, "note": "Más cuidado"},
        headers=headers,
        follow_redirects=True,
    ).get_data(as_text=True)
    pages["forbidden"] = client.post("/logout", headers=headers).get_data(as_text=True)  # no CSRF
    translator = walked.test_client()
    _login(translator, "bo", language)
    pages["not your language"] = translator.get(f"/review/{SLUG}/es", headers=headers).get_data(
        as_text=True
    )
    leaks = {name: _english_in(html, language, patterns) for name, html in pages.items()}
    leaks = {name: found for name, found in leaks.items() if found}
    assert not leaks, f"English in the {language} interface: {leaks}"
    for name, html in pages.items():
        if html.lstrip().startswith("<!doctype"):
            assert f'<html lang="{language}">' in html, name
