"""Day one in Chromium: a project made by ``workflow init`` publishes pages with no English chrome.

A new newsroom (``init`` with targets es and ca), one English article that is
itself a translation from German, machine translated, reviewed, approved and
published: every text node (and every aria-label) of the Spanish and Catalan
article pages, their front pages and the root page is checked against the
English interface strings, and the label names the whole chain of origin with
people's display names.  Screenshots (desktop and a 390 px phone) go to
``test-artifacts/``.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from workflow.cli import cli
from workflow.publish.strings import shipped_msgids

# the Chromium fixture, and the mark that skips without Chromium
from .test_browser import ARTIFACTS, browser, pytestmark  # noqa: F401

ARTICLE = """\
---
title: The night the river rose
summary: Water reached the old bridge at midnight.
author: Jane Doe
published: 2026-03-02
language: en
translated_from: de
translator: jane
status: ready
image:
  src: river.svg
  alt: The old bridge under water.
  caption: The bridge at dawn.
  credit: Lena Vogt
---
Water reached the old bridge at midnight.

## Who was there

Firefighters closed the road before dawn.
"""

TRANSLATIONS = {
    "es": {
        "The night the river rose": "La noche en que creció el río",
        "Water reached the old bridge at midnight.": "El agua llegó al puente viejo a medianoche.",
        "The old bridge under water.": "El puente viejo bajo el agua.",
        "The bridge at dawn.": "El puente al amanecer.",
        "Who was there": "Quién estaba allí",
        "Firefighters closed the road before dawn.": (
            "Los bomberos cerraron la carretera antes del alba."
        ),
    },
    "ca": {
        "The night the river rose": "La nit que el riu va créixer",
        "Water reached the old bridge at midnight.": "L’aigua va arribar al pont vell a mitjanit.",
        "The old bridge under water.": "El pont vell sota l’aigua.",
        "The bridge at dawn.": "El pont a l’alba.",
        "Who was there": "Qui hi havia",
        "Firefighters closed the road before dawn.": (
            "Els bombers van tancar la carretera abans de l’alba."
        ),
    },
}

CHAIN = {
    "es": "La versión en inglés fue traducida por Jane Doe del original en alemán. "
    "Traducción automática (Apertium) de la versión en inglés, revisada por Ana Ruiz "
    "y aprobada por Marta Soler el ",
    "ca": "La versió en anglès la va traduir Jane Doe de l’original en alemany. "
    "Traducció automàtica (Apertium) de la versió en anglès, revisada per Ana Ruiz "
    "i aprovada per Marta Soler el ",
}

#: Every text node and aria-label of a page, whitespace collapsed (the <title> included).
TEXTS = """() => {
  const out = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent && parent.closest("script, style")) continue;
    out.push(walker.currentNode.textContent);
  }
  document.querySelectorAll("[aria-label], [alt], [title]").forEach((el) => {
    ["aria-label", "alt", "title"].forEach((name) => {
      if (el.hasAttribute(name)) out.push(el.getAttribute(name));
    });
  });
  return out.map((t) => t.replace(/\\s+/g, " ").trim()).filter((t) => t);
}"""


def english_fragments() -> list[str]:
    """The literal parts of every English interface string ("and approved by", "Updated")."""
    parts = set()
    for msgid in shipped_msgids():
        for part in re.split(r"%\(\w+\)s", msgid):
            part = part.strip(" .,;:()")
            if len(part) >= 4 and re.search(r"[A-Za-z]", part):
                parts.add(part)
    return sorted(parts)


def cli_ok(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def published(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "river-news"
    cli_ok("init", str(root), "--name", "River News", "--targets", "en,es,ca")
    p = ["--project", str(root)]
    (root / "articles" / "river.md").write_text(ARTICLE)
    (root / "articles" / "media").mkdir()
    (root / "articles" / "media" / "river.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="400">'
        '<rect width="800" height="400" fill="#3d6e8f"/>'
        '<rect y="250" width="800" height="40" fill="#8a8f94"/></svg>'
    )
    (root / "people.toml").write_text('[jane]\nname = "Jane Doe"\n')
    cli_ok(*p, "user", "add", "ana", "--role", "translator", "--lang", "es,ca",
           "--display-name", "Ana Ruiz", "--password", "ana-secret-1")  # fmt: skip
    cli_ok(*p, "user", "add", "marta", "--role", "editor", "--display-name", "Marta Soler",
           "--password", "marta-secret")  # fmt: skip
    cli_ok(*p, "extract")
    for tag, table in TRANSLATIONS.items():
        path = root / "locales" / tag / "LC_MESSAGES" / "river.po"
        po = polib.pofile(str(path))
        for entry in po:
            entry.msgstr = table[entry.msgid]
            entry.flags = []
            entry.tcomment = (
                "workflow: machine apertium 2026-03-02\nworkflow: reviewed ana 2026-03-03"
            )
        po.save()
        cli_ok(*p, "approve", "river", "--lang", tag, "--by", "marta")
    output = cli_ok(*p, "publish")
    assert "warning" not in output
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(root / "public")
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def test_a_new_project_publishes_spanish_and_catalan_pages_without_english_chrome(
    browser,  # noqa: F811  (the fixture imported above)
    published: str,
) -> None:  # type: ignore[no-untyped-def]
    fragments = english_fragments()
    assert "and approved by" in fragments and "Latest stories" in fragments
    ARTIFACTS.mkdir(exist_ok=True)
    pages = {
        "es-article": "es/river/",
        "ca-article": "ca/river/",
        "es-front": "es/",
        "ca-front": "ca/",
        "root": "",
    }
    for width, suffix in ((1280, "desktop"), (390, "phone")):
        context = browser.new_context(locale="es-ES", viewport={"width": width, "height": 900})
        page = context.new_page()
        for name, rel in pages.items():
            page.goto(published + rel)
            if name == "root":
                page.locator("#suggestion a").wait_for()
            texts = page.evaluate(TEXTS)
            leaks = [(f, t) for t in texts for f in fragments if f in t]
            assert not leaks, f"{name}: English interface text {leaks}"
            page.screenshot(path=str(ARTIFACTS / f"day-one-{name}-{suffix}.png"), full_page=True)
            if name.endswith("article"):
                tag = name[:2]
                label = page.locator("p.provenance").inner_text()
                assert label.startswith(CHAIN[tag]), label
                image = page.locator("figure.lead img")
                assert image.get_attribute("width") == "800"
                assert image.evaluate("img => img.complete && img.naturalWidth") == 800
                assert page.locator("html").get_attribute("lang") == tag
        context.close()
