"""The desk working together, in a real Chromium: assign, My work, a source question, resolve."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from workflow.catalog import read_catalog
from workflow.languages import parse_language
from workflow.project import Project
from workflow.review import segment_id
from workflow.team import assignments, comments
from workflow.team.notifications import feed

from . import test_browser
from .conftest import PASSWORDS, SLUG
from .live_server import live_server
from .test_browser import ARTIFACTS, CHROMIUM

browser = test_browser.browser  # the same Chromium fixture

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed")
SID = segment_id(None, "Who paid")
ES = parse_language("es")


def log_in(page, base: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def shoot(page, name: str, at: str = "") -> None:  # type: ignore[no-untyped-def]
    """The page at desktop width, and again at 390 px (a phone): the same session, resized.

    With ``at`` (a selector), the screen around that element instead of the whole page.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height, suffix in ((1280, 900, ""), (390, 844, "-phone")):
        page.set_viewport_size({"width": width, "height": height})
        if at:
            page.locator(at).scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}.png"), full_page=not at)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_assign_my_work_source_question_notification_resolve(  # type: ignore[no-untyped-def]
    app: Flask, browser, project: Project
) -> None:
    with live_server(app) as base:
        editor = browser.new_page(viewport={"width": 1280, "height": 900})
        log_in(editor, base, "marta")
        editor.click(f"a[href='/assign/{SLUG}/es']")
        editor.select_option("select[name=translator]", "ana")
        editor.fill("input[name=due]", "2031-12-01T12:00")
        editor.click("form.assign-form button.primary")
        editor.wait_for_url(f"{base}/")
        assert editor.locator(".team-line .assignee").first.inner_text() == "Ana Ruiz"
        due = assignments.read_assignments(project, SLUG)["es"].due
        assert due is not None and due.isoformat() == "2031-12-01T12:00:00+00:00"  # UTC project

        translator = browser.new_page(viewport={"width": 1280, "height": 900})
        log_in(translator, base, "ana")
        translator.click("nav.team-nav a[href='/work']")
        item = translator.locator(".work-item").first
        assert "How the harbour was rebuilt" in item.inner_text()
        assert "2031" in item.locator(".due").inner_text()
        shoot(translator, "team-my-work")
        item.locator("a").click()
        segment = translator.locator(f"#s-{SID}")
        segment.locator("details.comment-new summary").click()
        box = segment.locator("details.comment-new textarea")
        box.fill("@marta ¿es la cifra de 2019 o de 2020?")
        segment.locator("input[name=question]").check()
        box.press("Control+Enter")  # posts the comment; does not confirm the translation
        # sent in the background: the question appears on the source side, no reload
        question = translator.locator(f"[data-questions='{SID}'] .thread.question")
        question.wait_for()
        assert "2019 o de 2020" in question.inner_text()
        assert question.locator("strong.mention").inner_text() == "@marta"
        assert segment.get_attribute("data-state") == "fuzzy", "the segment was not confirmed"
        shoot(translator, "team-review-comments", f"#s-{SID}")

        editor.goto(f"{base}/")
        badge = editor.locator("nav.team-nav .badge")
        assert badge.locator("[aria-hidden=true]").inner_text() == "1"
        editor.click("nav.team-nav a.bell")
        note = editor.locator(".feed .note.new").first
        assert "Ana Ruiz mentioned you on How the harbour was rebuilt" in note.inner_text()
        shoot(editor, "team-notifications")
        assert editor.locator("nav.team-nav .badge").count() == 0, "seen"

        editor.goto(f"{base}/")  # before approving, the open question is listed
        spanish = editor.locator("li.version", has=editor.locator(f"a[href='/review/{SLUG}/es']"))
        spanish.locator("details.release summary").click()
        listed = spanish.locator(".before-approval")
        assert "1 open comment" in listed.inner_text() and "2019 o de 2020" in listed.inner_text()
        shoot(editor, "team-before-approval")

        editor.goto(f"{base}/notifications")
        editor.locator(".feed .note a").first.click()
        editor.wait_for_url(f"**/review/{SLUG}/es#s-{SID}")
        thread = editor.locator(f"[data-questions='{SID}'] .thread.question")
        thread.locator("button[value=resolve]").click()
        editor.locator(f"[data-questions='{SID}'] .thread.resolved").wait_for()
        assert not comments.threads(project, SLUG)[0].open
        editor.goto(f"{base}/")
        assert editor.locator(".before-approval").count() == 0
        assert editor.locator(".open-comments").count() == 0
    assert [n.kind for n in feed(project, "ana")[0]] == ["resolved", "assigned"]
    entry = next(e for e in read_catalog(project.catalog_path(SLUG, ES)) if e.msgid == "Who paid")
    assert "fuzzy" in entry.flags, "commenting never confirms a translation"
