"""The published site's Content-Security-Policy holds on its own pages, in Chromium."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from workflow.project import Project

from .test_browser import ARTIFACTS, CHROMIUM, FLAGS

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium not installed")

#: Records every CSP violation the page reports, before any of its scripts run.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


@pytest.fixture
def site(project: Project) -> Iterator[tuple[str, Path]]:
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
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", out
    finally:
        server.shutdown()


def _violations(page: object, url: str) -> list[str]:
    console: list[str] = []
    listen = lambda message: console.append(message.text)  # noqa: E731
    page.on("console", listen)  # type: ignore[attr-defined]
    page.goto(url, wait_until="load")  # type: ignore[attr-defined]
    page.wait_for_timeout(50)  # type: ignore[attr-defined]  # events follow the load event
    found: list[str] = page.evaluate("window.__violations")  # type: ignore[attr-defined]
    page.remove_listener("console", listen)  # type: ignore[attr-defined]
    return found + [text for text in console if "Content Security Policy" in text]


def test_every_page_of_the_site_satisfies_its_csp(site: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    base, out = site
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 5
    for path in pages:
        assert "Content-Security-Policy" in path.read_text(), path
    # A page that breaks the policy on purpose: the listener must see it.
    (out / "broken.html").write_text(
        (out / "index.html").read_text().replace("</body>", "<script>1</script></body>")
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page(locale="es-ES", viewport={"width": 390, "height": 800})
            page.add_init_script(LISTEN)
            assert _violations(page, f"{base}broken.html"), "the CSP check sees nothing"
            for path in pages:
                url = base + path.relative_to(out).as_posix()
                assert _violations(page, url) == [], url
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "site-csp-phone.png"), full_page=True)
        finally:
            browser.close()
