"""The review app in a real Chromium (Debian package) driven by Playwright."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from workflow.catalog import read_catalog
from workflow.languages import parse_language
from workflow.project import Project

from .conftest import PASSWORDS, SLUG
from .live_server import live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed")


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_review_with_keyboard_and_see_it_saved(app: Flask, browser, project: Project) -> None:  # type: ignore[no-untyped-def]
    with live_server(app) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/login")
        page.fill("input[name=name]", "ana")
        page.fill("input[name=password]", PASSWORDS["ana"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.click(f"a[href='/review/{SLUG}/es']")
        page.click("a[data-filter=fuzzy]")
        page.wait_for_url("**filter=fuzzy")
        first = page.locator("article.segment").first
        sid = first.get_attribute("data-sid")
        box = first.locator("textarea")
        box.fill("Cómo se reconstruyó el puerto")
        box.press("Control+Enter")
        # the shortcut saved and moved on to the next segment
        page.wait_for_selector(f"#s-{sid}.state-translated")
        second = page.locator("article.segment").nth(1).locator("textarea")
        assert second.evaluate("element => element === document.activeElement")
        assert page.locator("#article-progress").get_attribute("value") == "1"
        page.reload()  # reviewed now, so it has left the machine / fuzzy view
        page.wait_for_selector("article.segment")
        assert page.locator(f"#s-{sid}").count() == 0
        page.click("a[data-filter=reviewed]")
        page.wait_for_selector(f"#s-{sid}")
        assert "state-translated" in page.locator(f"#s-{sid}").get_attribute("class").split()
        assert page.locator(f"#s-{sid} textarea").input_value() == "Cómo se reconstruyó el puerto"
        page.goto(f"{base}/review/{SLUG}/es")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "review-page.png"), full_page=False)
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(page.url)
        phone.fill("input[name=name]", "ana")
        phone.fill("input[name=password]", PASSWORDS["ana"])
        phone.click("button[type=submit]")
        phone.wait_for_selector("article.segment")
        phone.screenshot(path=str(ARTIFACTS / "review-page-phone.png"))
    reviewed = {e.msgid: e for e in read_catalog(project.catalog_path(SLUG, parse_language("es")))}
    title = reviewed["How the harbour was rebuilt"]
    assert title.msgstr == "Cómo se reconstruyó el puerto" and "fuzzy" not in title.flags
    assert (ARTIFACTS / "review-page.png").stat().st_size > 10_000


def test_site_suggests_the_readers_language_and_switches_to_the_original(
    browser, project: Project
) -> None:  # type: ignore[no-untyped-def]
    import functools
    import http.server
    import threading

    from workflow.extract import extract
    from workflow.publish import build

    from .test_publish import review_and_approve

    extract(project, [])
    review_and_approve(project, "es")
    out = project.root / "public"
    build(project, out)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        context = browser.new_context(locale="es-ES", viewport={"width": 1024, "height": 800})
        page = context.new_page()
        page.goto(base)
        suggestion = page.locator("#suggestion a")
        suggestion.wait_for()
        assert page.url == base, "suggested, not redirected"
        assert suggestion.inner_text().startswith("Leer The Harbour Review en español")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "site-root-es.png"))
        suggestion.click()
        page.wait_for_url(f"{base}es/")
        page.click(f"a[href='{SLUG}/']")
        page.wait_for_url(f"{base}es/{SLUG}/")
        assert page.locator("html").get_attribute("lang") == "es"
        page.screenshot(path=str(ARTIFACTS / "site-article-es.png"), full_page=True)
        page.click("nav.languages a[hreflang=en]")
        page.wait_for_url(f"{base}en/{SLUG}/")
        assert page.locator("h1").inner_text() == "How the harbour was rebuilt"
        # a language chosen with the switcher is remembered by the root page, over the
        # browser's Spanish
        page.goto(base)
        page.locator("#suggestion a").wait_for()
        assert page.locator("#suggestion a").get_attribute("data-lang") == "en"
    finally:
        server.shutdown()
