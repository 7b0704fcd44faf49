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
