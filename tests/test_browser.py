"""The review app in a real Chromium (Debian package) driven by Playwright."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from flask import Flask

from workflow.catalog import provenance, read_catalog
from workflow.languages import parse_language
from workflow.project import Project
from workflow.review import segment_id

from .conftest import PASSWORDS, SLUG
from .live_server import live_server

ES = parse_language("es")
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


FUND = (
    "The regional government covered about half, the town council borrowed a quarter, "
    "and the rest came from a <g1>European structural fund</g1>."
)
STORM = (
    "When the storm of October 2019 broke the old breakwater, most people in town "
    "assumed the harbour would simply be patched up."
)
QUAY = "The quay is 180 metres longer, so larger boats can unload."
MEMORY = "El muelle es 180 metros más largo, así que pueden descargar barcos más grandes."
V1 = (
    "Cuando la tormenta de octubre de 2019 rompió el viejo rompeolas, casi todos en el "
    "pueblo supusieron que el puerto simplemente se remendaría."
)
V2 = "Cuando la tormenta de octubre de 2019 rompió el rompeolas, todos creyeron que lo parchearían."


def desk_sample(project: Project) -> None:
    """The sample article in Spanish with a draft that lost its link, and a memory match."""
    from workflow.extract import extract

    path = project.catalog_path(SLUG, ES)
    po = polib.pofile(str(path))
    draft = next(e for e in po if e.msgid == FUND)
    draft.msgstr = (
        "El gobierno regional cubrió la mitad, el ayuntamiento pidió prestada una cuarta "
        "parte y el resto vino de un fondo estructural europeo."
    )
    po.save()
    (project.articles_dir / "follow-up.md").write_text(
        "---\ntitle: Follow-up\npublished: 2024-09-01\nlanguage: en\n---\n"
        "The quay is 180 metres longer, so bigger boats can unload.\n"
    )
    extract(project, ["follow-up"])
    path = project.catalog_path("follow-up", ES)
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = "Seguimiento" if entry.msgid == "Follow-up" else MEMORY
        entry.flags = []
    po.save()


def focused(page) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return page.evaluate(  # type: ignore[no-any-return]
        """() => { const a = document.activeElement; const s = a.closest('article.segment');
        return {tag: a.tagName, cls: a.className, sid: s ? s.dataset.sid : '',
                href: a.getAttribute('href') || '', text: a.textContent}; }"""
    )


def go_to(page, sid: str) -> None:  # type: ignore[no-untyped-def]
    """Alt+↓ / Alt+↑ from segment to segment until ``sid`` has the focus."""
    ids = page.eval_on_selector_all("article.segment", "els => els.map(e => e.dataset.sid)")
    for _ in range(len(ids) + 2):
        here = focused(page)["sid"]
        if here == sid:
            return
        key = "Alt+ArrowDown" if ids.index(here) < ids.index(sid) else "Alt+ArrowUp"
        page.keyboard.press(key)
    raise AssertionError(f"could not reach segment {sid}")


def box_text(page, sid: str) -> str:  # type: ignore[no-untyped-def]
    return page.input_value(f"#t-{sid}")  # the form's field, kept equal to the editor


def test_review_an_article_by_keyboard_in_spanish(app: Flask, browser, project: Project) -> None:  # type: ignore[no-untyped-def]
    from workflow.audit import read_log

    desk_sample(project)
    fund, storm, quay = (segment_id(None, m) for m in (FUND, STORM, QUAY))
    ARTIFACTS.mkdir(exist_ok=True)
    with live_server(app) as base:
        context = browser.new_context(locale="es-ES", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base}/login")
        # The name field takes the focus (autofocus runs at a rendering step that can
        # come after "load" on a busy machine): wait for it, then type.
        page.wait_for_function("document.activeElement && document.activeElement.name === 'name'")
        page.keyboard.type("ana")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORDS["ana"])
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/", timeout=90_000)  # logging in hashes: slow on a busy machine
        for _ in range(40):
            page.keyboard.press("Tab")
            if focused(page)["href"] == f"/review/{SLUG}/es":
                break
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/review/{SLUG}/es")
        assert page.locator("html").get_attribute("lang") == "es"
        assert "0 de 42 segmentos revisados" in page.inner_text("#progress-text")
        page.evaluate("window.deskMarker = 'no reload'")

        # the first Tab stop skips to the first segment to review
        page.keyboard.press("Tab")
        assert focused(page)["cls"] == "skip"
        page.keyboard.press("Enter")
        first = page.eval_on_selector("article.segment", "e => e.dataset.sid")
        assert focused(page)["cls"] == "editor" and focused(page)["sid"] == first

        # a placeholder the machine lost: select the link's words, Alt+P wraps them
        go_to(page, fund)
        page.keyboard.press("ArrowLeft")  # before the full stop
        for _ in range(3):
            page.keyboard.press("Control+Shift+ArrowLeft")
        assert page.locator(f"#s-{fund} .chip-button.missing").count() == 1
        page.keyboard.press("Alt+p")
        assert box_text(page, fund).endswith("de un <g1>fondo estructural europeo</g1>.")
        assert page.locator(f"#s-{fund} .editor .chip").count() == 2
        assert page.locator(f"#s-{fund} .chip-button.missing").count() == 0
        page.keyboard.press("Control+Enter")
        page.wait_for_selector(f"#s-{fund}[data-state=translated]")
        assert focused(page)["sid"] != fund  # moved on to the next segment to review

        # a 95 % memory match, inserted by key
        go_to(page, quay)
        assert "95 %" in page.inner_text(f"#s-{quay} .suggestion.memory .score")
        page.keyboard.press("Alt+m")
        assert box_text(page, quay) == MEMORY
        page.keyboard.press("Control+Enter")
        page.wait_for_selector(f"#s-{quay}[data-state=translated]")

        # a wrong number is caught before anything is stored
        go_to(page, storm)
        page.keyboard.press("Control+a")
        page.keyboard.type(V1.replace("2019", "2018"))
        page.keyboard.press("Control+Enter")
        problem = page.locator(f"#s-{storm} .feedback .problem")
        problem.wait_for()
        assert "No se ha guardado" in problem.inner_text()
        assert "falta 2019" in problem.inner_text() and "Números" in problem.inner_text()
        assert page.get_attribute(f"#s-{storm}", "data-state") == "fuzzy"
        assert focused(page)["sid"] == storm
        page.screenshot(path=str(ARTIFACTS / "desk-es-warning.png"))
        stored = {e.msgid: e for e in read_catalog(project.catalog_path(SLUG, ES))}
        assert "fuzzy" in stored[STORM].flags and "2018" not in stored[STORM].msgstr

        # corrected and confirmed: state, provenance and progress change in place
        page.keyboard.press("Control+a")
        page.keyboard.type(V1)
        page.keyboard.press("Control+Enter")
        page.wait_for_selector(f"#s-{storm}[data-state=translated]")
        assert page.inner_text(f"#s-{storm} .status .state") == "Revisado"
        assert re.search(r"revisado por ana, \d+ \w+", page.inner_text(f"#s-{storm} .status .prov"))
        assert page.locator(f"#s-{storm} .feedback .problem").count() == 0
        assert "3 de 42 segmentos revisados" in page.inner_text("#progress-text")
        assert page.get_attribute("#article-progress", "value") == "3"
        page.wait_for_function(
            "() => document.getElementById('announce').textContent.includes('Guardado.')"
        )
        assert "3 de 42" in page.inner_text("#announce")
        assert page.evaluate("window.deskMarker") == "no reload"

        # a second version, then the history brings the first one back
        go_to(page, storm)
        page.keyboard.press("Control+a")
        page.keyboard.type(V2)
        page.keyboard.press("Control+Enter")
        page.wait_for_function(
            f"() => document.getElementById('t-{storm}').value === {V2!r} && "
            f"!document.querySelector('#s-{storm}').hasAttribute('aria-busy')"
        )
        go_to(page, storm)
        page.keyboard.press("Alt+h")
        history = page.locator(f"#s-{storm} .history-panel")
        history.locator("h2").wait_for()
        assert "Historial de este segmento" in history.inner_text()
        assert "Traducción automática (pseudo)" in history.inner_text()
        page.screenshot(path=str(ARTIFACTS / "desk-es-history.png"))
        page.keyboard.press("Tab")
        assert focused(page)["text"] == "Recuperar esta versión"
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => document.getElementById('t-{storm}').value === {V1!r}")
        history.locator("text=Recuperada por ana").wait_for()
        assert page.evaluate("window.deskMarker") == "no reload"
        page.screenshot(path=str(ARTIFACTS / "desk-es.png"))
        assert errors == []

        phone = context.new_page()
        phone.set_viewport_size({"width": 390, "height": 844})
        for path, name in (("/", "dashboard-es-phone"), (f"/review/{SLUG}/es", "desk-es-phone")):
            phone.goto(base + path)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} scrolls sideways at 390 px ({width} px)"
            phone.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        phone.locator(f"#s-{fund}").scroll_into_view_if_needed()
        phone.screenshot(path=str(ARTIFACTS / "desk-es-phone-segment.png"))

    saved = {e.msgid: e for e in read_catalog(project.catalog_path(SLUG, ES))}
    assert saved[FUND].msgstr.endswith("un <g1>fondo estructural europeo</g1>.")
    assert saved[QUAY].msgstr == MEMORY and "fuzzy" not in saved[QUAY].flags
    assert saved[STORM].msgstr == V1 and "fuzzy" not in saved[STORM].flags
    actions = [e.detail["action"] for e in read_log(project.root, SLUG) if e.event == "review"]
    assert actions == ["confirm", "confirm", "confirm", "confirm", "restore"]


def test_the_editor_keeps_placeholders_whole(app: Flask, browser, project: Project) -> None:  # type: ignore[no-untyped-def]
    """Chips are deleted whole, pasted tokens become chips, undo works, Enter adds no line."""
    desk_sample(project)
    fund = segment_id(None, FUND)
    with live_server(app) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.goto(f"{base}/login")
        page.fill("input[name=name]", "ana")
        page.fill("input[name=password]", PASSWORDS["ana"])
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/", timeout=90_000)  # logging in hashes: slow on a busy machine
        page.goto(f"{base}/review/{SLUG}/es#s-{fund}")
        page.wait_for_function("() => document.activeElement.classList.contains('editor')")
        page.keyboard.press("Control+a")
        page.keyboard.type("un fondo")
        page.keyboard.press("Alt+p")  # no selection: the pair, the caret between
        page.keyboard.type("europeo")
        assert box_text(page, fund) == "un fondo<g1>europeo</g1>"
        page.keyboard.press("End")
        page.keyboard.press("Backspace")  # the closing chip goes, whole
        assert box_text(page, fund) == "un fondo<g1>europeo"
        page.keyboard.press("Control+z")
        assert box_text(page, fund) == "un fondo<g1>europeo</g1>"
        page.keyboard.press("Enter")  # a segment is one line
        assert box_text(page, fund) == "un fondo<g1>europeo</g1>"
        page.evaluate("navigator.clipboard.writeText('x <g1>y</g1> <b>z</b>')")
        page.keyboard.press("Control+a")
        page.keyboard.press("Control+v")  # tokens become chips; other markup stays text
        assert box_text(page, fund) == "x <g1>y</g1> <b>z</b>"
        assert page.locator(f"#s-{fund} .editor .chip").count() == 2
        assert page.locator(f"#s-{fund} .editor b").count() == 0
        page.keyboard.press("Control+a")
        page.keyboard.press("Delete")
        assert box_text(page, fund) == ""
        page.keyboard.press("Control+z")
        assert box_text(page, fund) == "x <g1>y</g1> <b>z</b>"

        # a fresh machine draft is not listed as a suggestion (it is the box's text), yet
        # Alt+M brings it back once the box holds something else; then says there is no other
        fresh = next(
            e
            for e in read_catalog(project.catalog_path(SLUG, ES))
            if "fuzzy" in e.flags and e.msgid not in (FUND, STORM, QUAY) and "<" not in e.msgid
        )
        sid = segment_id(fresh.msgctxt, fresh.msgid)
        page.click(f"#s-{sid} .editor")
        assert page.locator(f"#s-{sid} .suggestion").count() == 0
        page.keyboard.press("Control+a")
        page.keyboard.press("Delete")
        page.keyboard.press("Alt+m")
        assert box_text(page, sid) == fresh.msgstr
        page.keyboard.press("Alt+m")
        hint = page.locator(f"#s-{sid} .feedback .hint")
        hint.wait_for()
        assert hint.is_visible() and "No suggestion" in hint.inner_text()
        page.locator(f"#s-{sid}").screenshot(path=str(ARTIFACTS / "desk-no-other-suggestion.png"))
        assert box_text(page, sid) == fresh.msgstr


def test_an_error_confirmed_anyway_is_silenced_later_with_enter(  # type: ignore[no-untyped-def]
    app: Flask, browser, project: Project
) -> None:
    """Confirmed with a wrong number, the segment still blocks approval: on the next visit
    the silence is at hand, and Enter in its reason silences (it used to press Confirm)."""
    storm = segment_id(None, STORM)
    path = project.catalog_path(SLUG, ES)
    po = polib.pofile(str(path))
    wrong = next(e for e in po if e.msgid == STORM)
    wrong.msgstr, wrong.flags = V1.replace("2019", "2018"), []
    po.save()
    with live_server(app) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/login")
        page.fill("input[name=name]", "ana")
        page.fill("input[name=password]", PASSWORDS["ana"])
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/", timeout=90_000)
        page.goto(f"{base}/review/{SLUG}/es")
        segment = page.locator(f"#s-{storm}")
        segment.locator("details.silence summary").click()
        segment.locator("input[name=reason]").fill("the Spanish edition says 2018")
        segment.locator("input[name=reason]").press("Enter")
        page.wait_for_function(
            f"() => !document.querySelector('#s-{storm} .findings li.error')"
            f" && !document.querySelector('#s-{storm}').hasAttribute('aria-busy')"
        )
    notes = provenance(next(e for e in read_catalog(path) if e.msgid == STORM))
    assert any(n.startswith("silence numbers: the Spanish edition says 2018") for n in notes)


FOCUS_RINGS = """() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const contrast = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const behind = (el) => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  const found = [];
  const controls = document.querySelectorAll(
    "a[href], button, summary, input:not([type=hidden]), select, [contenteditable], " +
    "[tabindex]:not([tabindex='-1'])");
  for (const el of controls) {
    if (el.hidden || el.closest("[hidden]") || !el.getClientRects().length) continue;
    el.focus();
    if (document.activeElement !== el) continue;
    const style = getComputedStyle(el);
    const width = parseFloat(style.outlineWidth);
    const ratio = style.outlineStyle === "none" ? 0 : contrast(rgb(style.outlineColor), behind(el));
    found.push({what: el.outerHTML.slice(0, 70), width, ratio});
  }
  return found;
}"""


def test_every_control_has_a_visible_focus_ring(app: Flask, browser) -> None:  # type: ignore[no-untyped-def]
    """A focus ring of at least 2 px and 3:1 against what is behind it, on every control."""
    with live_server(app) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}/login")
        page.keyboard.press("Tab")  # keyboard use: :focus-visible applies
        seen = page.evaluate(FOCUS_RINGS)
        page.fill("input[name=name]", "marta")
        page.fill("input[name=password]", PASSWORDS["marta"])
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/", timeout=90_000)  # logging in hashes: slow on a busy machine
        for path in ("/", f"/review/{SLUG}/es", "/settings"):
            page.goto(base + path)
            page.keyboard.press("Tab")
            seen += page.evaluate(FOCUS_RINGS)
    assert len(seen) > 150  # every segment's box and buttons, the dashboard's forms…
    weak = [c for c in seen if c["width"] < 2 or c["ratio"] < 3]
    assert not weak, weak[:5]


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
