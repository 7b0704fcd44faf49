"""The publisher's parts on their own: the site's interface catalogues and the body cache.

A site build reaches these only through their happy path; here each branch is pinned
(found unreached by a mutation run of ``workflow/publish``, issue 15).
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

import polib
import pytest

from tests.conftest import SLUG, msgfmt_check
from workflow.audit import Event, record_all
from workflow.catalog import provenance
from workflow.errors import PublishError
from workflow.executor import InProcess
from workflow.extract import extract
from workflow.languages import parse_language
from workflow.project import Project
from workflow.publish import build, strings
from workflow.publish import markdown as markdown_module
from workflow.publish.markdown import EMPTY, MarkdownCache, body_key, markdown_parser
from workflow.publish.model import Site, Version, _ChangeDates
from workflow.segment import Segment

T = TypeVar("T")
R = TypeVar("R")

# --- the site's interface strings -------------------------------------------------------


def test_interface_strings_come_from_templates_and_python_once_each_in_file_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "templates" / "parts").mkdir(parents=True)
    (tmp_path / "templates" / "base.html").write_text(
        '<p>{{ _("Home") }}</p>{% trans %}All stories{% endtrans %}<p>{{ _("Home") }}</p>\n'
    )
    (tmp_path / "templates" / "parts" / "nav.html").write_text('{{ gettext("Next") }}\n')
    (tmp_path / "labels.py").write_text(
        'a = _("Machine translated")\nb = gettext("Home")\nc = ngettext("one", "many", 2)\n'
    )
    (tmp_path / "notes.txt").write_text('_("Not a source")\n')
    monkeypatch.setattr(strings, "HERE", tmp_path)
    found = strings.interface_strings()
    assert [(s.msgid, s.raw, s.line, s.block) for s in found] == [
        ("Machine translated", "Machine translated", 0, "site interface (labels.py)"),
        ("Home", "Home", 0, "site interface (labels.py)"),
        ("All stories", "All stories", 0, "site interface (templates/base.html)"),
        ("Next", "Next", 0, "site interface (templates/parts/nav.html)"),
    ]


def test_file_references_name_the_file_only() -> None:
    po = polib.POFile()
    po.append(polib.POEntry(msgid="a", comment="site interface (templates/base.html)"))
    po.append(polib.POEntry(msgid="b", comment="no file named", occurrences=[("x.py", "3")]))
    po.append(polib.POEntry(msgid="c", comment="site interface (notes (old).html)"))
    po.append(polib.POEntry(msgid="d", comment="site interface (feeds.py) and more"))
    strings.file_references(po)
    assert [e.occurrences for e in po] == [
        [("workflow/publish/templates/base.html", "")],
        [],
        [("workflow/publish/notes (old).html", "")],
        [],
    ]


def test_catalog_translations_pick_the_plural_by_count_and_fall_back_to_english() -> None:
    translations = strings.CatalogTranslations({"one story": "un artículo", "%d stories": ""})
    assert translations.ngettext("one story", "%d stories", 1) == "un artículo"
    assert translations.ngettext("one story", "%d stories", 2) == "%d stories"
    assert translations.ngettext("one story", "%d stories", 0) == "%d stories"
    assert translations.gettext("unknown") == "unknown"


def test_shipped_messages_fall_back_from_region_to_language() -> None:
    spanish = strings.shipped_messages("es")
    assert spanish and strings.shipped_messages("es_MX") == spanish
    assert strings.shipped_messages("pt_BR") == strings.shipped_messages("pt")
    assert strings.shipped_messages("nl") == {}


def site_po(project: Project, tag: str) -> Path:
    return project.root / "locales" / tag / "LC_MESSAGES" / "site.po"


@pytest.fixture
def template_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The interface strings as the shipped template lists them (Babel reading the package
    is tested above; here what the merge makes of them is)."""
    pot = polib.pofile(str(strings.SHIPPED / f"{strings.DOMAIN}.pot"))
    found = [Segment(e.msgid, e.msgid, 0, e.comment) for e in pot if not e.obsolete]
    monkeypatch.setattr(strings, "interface_strings", lambda: found)


def test_a_new_project_gets_site_catalogues_complete_from_the_shipped_translations(
    project: Project, template_strings: None
) -> None:
    for path in project.root.glob("locales/*/LC_MESSAGES/site.*"):
        path.unlink()
    assert strings.update_site_catalogs(project) == ["es", "de", "ca"]  # config order
    assert not site_po(project, "en").exists()  # the templates' own language
    wanted = list(strings.shipped_msgids())
    for tag in ("es", "de", "ca"):
        path = site_po(project, tag)
        msgfmt_check(path)
        po = polib.pofile(str(path))
        assert po.metadata["Project-Id-Version"] == "The Harbour Review site"
        assert po.metadata["X-Workflow-Source"] == "workflow/publish/templates"
        assert po.metadata["Language"] == tag
        assert [e.msgid for e in po if not e.obsolete] == wanted
        shipped = strings.shipped_messages(tag)
        for entry in po:
            assert entry.msgstr == shipped[entry.msgid]
            assert "fuzzy" not in entry.flags
            assert provenance(entry) == [strings.SHIPPED_NOTE]
            (where,) = entry.occurrences
            assert where[0].startswith("workflow/publish/") and where[1] == ""
    assert strings.update_site_catalogs(project) == [], "nothing changed, nothing written"


def test_a_translators_own_site_string_is_kept_and_an_empty_fuzzy_one_is_filled(
    project: Project, template_strings: None
) -> None:
    strings.update_site_catalogs(project)
    path = site_po(project, "es")
    po = polib.pofile(str(path))
    mine, empty = po[0], po[1]
    mine.msgstr = "Traducción de la redacción"
    empty.msgstr = ""
    empty.flags.append("fuzzy")
    po.save(str(path))
    assert strings.update_site_catalogs(project) == ["es"]
    po = polib.pofile(str(path))
    assert po[0].msgstr == "Traducción de la redacción"
    assert po[1].msgstr == strings.shipped_messages("es")[po[1].msgid]
    assert po[1].flags == [] and provenance(po[1]) == [strings.SHIPPED_NOTE]
    msgfmt_check(path)


# --- the body cache ---------------------------------------------------------------------

BODIES = [
    f"# Part {n}\n\nSome *text* number {n} with a [link](https://example.org/{n}).\n"
    for n in range(70)
]


def rendered_alone(text: str) -> str:
    html: str = markdown_parser().render(text)
    return html


def test_the_parser_renders_tables_and_strikethrough_but_never_raw_html(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(markdown_module, "_WORKER", None)  # as in a fresh worker process
    html = markdown_module.render_html("| a |\n|---|\n| ~~b~~ |\n\n<script>x()</script>\n")
    assert "<table>" in html and "<s>b</s>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_bodies_render_on_an_executor_as_in_one_process(project: Project) -> None:
    cache = MarkdownCache(project.root)
    executor = InProcess()
    try:
        assert cache.prepare(BODIES[:5], executor) == 5
    finally:
        executor.close()
    assert [cache.render(text) for text in BODIES[:5]] == [rendered_alone(t) for t in BODIES[:5]]
    assert cache.prepare(BODIES[:5]) == 0, "known now"


def test_many_bodies_render_across_processes_as_in_one(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    cache = MarkdownCache(project.root)
    assert cache.prepare(BODIES) == len(BODIES) >= markdown_module.PARALLEL_FROM
    assert [cache.render(t) for t in BODIES] == [rendered_alone(t) for t in BODIES]
    assert markdown_module._render_many(BODIES[:2]) == [rendered_alone(t) for t in BODIES[:2]]


def test_the_cache_keeps_bodies_across_builds_and_answers_which_it_holds(
    project: Project,
) -> None:
    many = [f"Body {n}." for n in range(1100)]  # more than one query's worth of keys
    cache = MarkdownCache(project.root)
    cache.prepare(many[:600])
    cache.close()
    again = MarkdownCache(project.root)
    keys = [body_key(t) for t in many]
    assert again.has(keys) == set(keys[:600])
    assert again.has([]) == set()
    assert again.prepare_keyed([(k, "") for k in keys[:600]]) == 0, "read from the cache"
    assert again.render("", body_key("")) == ""
    assert again.render(many[0]) == "<p>Body 0.</p>\n"


def test_a_body_known_by_its_key_alone_must_be_in_the_cache(project: Project) -> None:
    cache = MarkdownCache(project.root)
    assert cache.prepare_keyed([(EMPTY, "")]) == 1  # the empty body needs no text
    with pytest.raises(PublishError, match="publish cache changed during the build"):
        cache.prepare_keyed([(body_key("gone"), "")])


# --- when a source changed: the date of an update notice ---------------------------------


def git(root: Path, *args: str, date: str = "2030-05-06T10:00:00+00:00") -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def far_east(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A local time zone 14 hours ahead of UTC, where noon UTC is already tomorrow."""
    monkeypatch.setenv("TZ", "Etc/GMT-14")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def extracted(project: Project, *events: tuple[str, str, str]) -> None:
    record_all(project.root, [Event(kind, "t", slug, time=when) for kind, slug, when in events])


def test_a_committed_source_is_dated_by_its_last_commit_from_the_approval_day_on(
    project: Project,
) -> None:
    git(project.root, "init", "-q")
    git(project.root, "add", "-A", date="2020-01-01T00:00:00+00:00")
    git(project.root, "commit", "-qm", "before", date="2020-01-01T00:00:00+00:00")
    path = project.article_path(SLUG)
    path.write_text(path.read_text() + "\nOne more sentence.\n")
    git(project.root, "commit", "-qam", "the source changes")
    article = project.article(SLUG)
    changes = _ChangeDates(project)
    assert changes.since(article, "2030-05-06T09:00:00+00:00") == dt.date(2030, 5, 6)
    # committed before the approval: the commit cannot be the change; the log says when
    extracted(project, ("extract", SLUG, "2030-06-01T08:00:00+00:00"))
    assert changes.since(article, "2030-05-07T00:00:00+00:00") == dt.date(2030, 6, 1)


def test_an_uncommitted_change_is_dated_by_the_last_extract_after_the_approval(
    project: Project,
) -> None:
    git(project.root, "init", "-q")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "all", date="2030-05-06T10:00:00+00:00")
    path = project.article_path(SLUG)
    path.write_text(path.read_text() + "\nOne more sentence.\n")  # not committed
    assert _ChangeDates(project)._git_date(path) is None
    extracted(
        project,
        ("extract", SLUG, "2030-04-01T08:00:00+00:00"),  # before the approval
        ("extract", SLUG, "2030-07-01T08:00:00+00:00"),
        ("extract", "mercado-central", "2030-09-09T08:00:00+00:00"),  # another article
        ("extract", SLUG, "2030-08-02T08:00:00+00:00"),
        ("review", SLUG, "2030-08-20T08:00:00+00:00"),  # not a change of the source
    )
    changes = _ChangeDates(project)
    assert changes.since(project.article(SLUG), "2030-05-01T00:00:00+00:00") == dt.date(2030, 8, 2)


def test_without_git_or_a_later_extract_the_files_time_in_utc_dates_the_change(
    project: Project, far_east: None
) -> None:
    path = project.article_path(SLUG)
    noon = dt.datetime(2031, 2, 3, 12, 0, tzinfo=dt.UTC).timestamp()
    os.utime(path, (noon, noon))
    extracted(project, ("extract", SLUG, "2030-04-01T08:00:00+00:00"))
    changes = _ChangeDates(project)
    assert changes._git_date(path) is None, "not a repository"
    assert changes.since(project.article(SLUG), "2030-05-01T00:00:00+00:00") == dt.date(2031, 2, 3)


def test_a_source_git_ignores_has_no_commit_date(project: Project) -> None:
    (project.root / ".gitignore").write_text("articles/\n")
    git(project.root, "init", "-q")
    git(project.root, "add", "-A")
    git(project.root, "commit", "-qm", "all")
    assert _ChangeDates(project)._git_date(project.article_path(SLUG)) is None


# --- pages, feeds and the output folder ---------------------------------------------------


def published(project: Project, *slugs: str) -> Path:
    """The named articles (every one, if none is named) extracted and the site built into
    ``public``."""
    extract(project, list(slugs))
    out = project.root / "public"
    build(project, out)
    return out


def structured_data(html: str) -> str:
    """A page's JSON-LD script, as written."""
    return html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("zh-Hant", "zh-tw"),
        ("zh-TW", "zh-tw"),
        ("zh-HK", "zh-tw"),
        ("zh-Hans", "zh-cn"),
        ("zh", "zh-cn"),
        ("es-MX", "es"),
    ],
)
def test_news_sitemaps_name_chinese_by_script_and_other_languages_by_iso_639(
    tag: str, code: str
) -> None:
    from workflow.publish.feeds import news_language

    assert news_language(parse_language(tag)) == code


def test_the_root_page_speaks_the_first_configured_language(project: Project) -> None:

    out = published(project)
    root = (out / "index.html").read_text(encoding="utf-8")
    first = project.config.languages[0].tag
    assert f'<html lang="{first}"' in root
    assert 'hreflang="x-default" href="https://harbour-review.example.org/"' in root
    assert "application/atom+xml" not in root, "the root page has no feed of its own"


def test_a_page_to_remove_that_is_gone_already_is_no_failure(project: Project) -> None:

    out = published(project)
    (out / "es" / "mercado-central" / "index.html").unlink()  # deleted by hand meanwhile
    project.article_path("mercado-central").unlink()  # and the article withdrawn
    result = build(project, out)
    assert "es/mercado-central/index.html" in result.removed
    assert not (out / "es" / "mercado-central").exists() or not any(
        (out / "es" / "mercado-central").iterdir()
    )


class Recording(InProcess):
    """This process, noting what it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.mapped = 0

    def map(self, fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        self.mapped += len(items)
        return super().map(fn, items)


def test_bodies_are_rendered_on_the_executor_given(project: Project) -> None:
    executor = Recording()
    try:
        assert MarkdownCache(project.root).prepare(BODIES[:3], executor) == 3
    finally:
        executor.close()
    assert executor.mapped == 3


# --- how a version says it was made -------------------------------------------------------


def made(project: Project, **fields: object) -> tuple[Version, Site]:
    """The Spanish sample article's English translation, made as ``fields`` say."""
    from workflow.people import People

    article = project.article("mercado-central")
    site = Site("H", "https://h.example/", list(project.config.languages), People(project.root))
    site.sources[article.slug] = article
    english = parse_language("en")
    version = Version(
        article.slug,
        english,
        article.meta,
        "",
        False,
        article.meta.language,
        approved_by="marta",
        approved_at="2026-03-02T10:00:00+00:00",
        **fields,  # type: ignore[arg-type]
    )
    return version, site


def test_a_translation_says_who_made_it_from_what_and_when(project: Project) -> None:
    from workflow.publish.labels import label

    english = strings.CatalogTranslations({})
    version, site = made(project, reviewers=("ana",))
    ana, marta = site.people.display("ana"), site.people.display("marta")
    assert label(version, site, english) == (
        f"Translated by {ana} from the original in Spanish and approved by {marta} "
        "on March 2, 2026."
    )
    machine, site = made(project, reviewers=("ana",), engines=("apertium", "acme"))
    assert label(machine, site, english) == (
        f"Machine translated (Apertium, acme) from the original in Spanish, reviewed by {ana} "
        f"and approved by {marta} on March 2, 2026."
    )


def test_an_index_page_links_its_stylesheet_one_folder_up(project: Project) -> None:

    out = published(project)
    index = (out / "es" / "index.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="../static/site.css">' in index
    assert '<link rel="icon" href="../favicon.svg" type="image/svg+xml">' in index


def test_a_site_is_published_into_a_folder_whose_parents_do_not_exist_yet(
    project: Project,
) -> None:

    extract(project, [])
    out = project.root / "build" / "www" / "site"
    assert build(project, out).pages > 0
    assert (out / "index.html").is_file()


def test_an_svgs_size_comes_from_its_width_and_height_else_its_view_box(tmp_path: Path) -> None:
    from workflow.publish.media import _svg_size

    def svg(attributes: str) -> Path:
        path = tmp_path / "image.svg"
        path.write_text(f'<svg xmlns="http://www.w3.org/2000/svg" {attributes}></svg>')
        return path

    assert _svg_size(svg('width="640px" height="480" viewBox="0 0 64 48"')) == (640, 480)
    assert _svg_size(svg('width="640" viewBox="0,0,64.4,48"')) == (64, 48)  # height missing
    assert _svg_size(svg('height="480" viewBox="0 0 64 48"')) == (64, 48)
    assert _svg_size(svg('viewBox="0 0 wide 48"')) is None
    assert _svg_size(svg("")) is None


def test_an_articles_structured_data_is_exact_and_safe_in_a_script(
    project: Project, sample: Path
) -> None:

    (sample / "articles" / "tom.md").write_text(
        "---\ntitle: Tom & Jerry <live> in Málaga\npublished: 2024-09-01\nlanguage: en\n---\n"
        "Text.\n"
    )
    out = published(project, "tom")
    html = (out / "en" / "tom" / "index.html").read_text(encoding="utf-8")
    script = structured_data(html)
    assert "\\u0026" in script and "\\u003c" in script and "\\u003e" in script
    assert "<" not in script and "&" not in script and "Málaga" in script  # not \\u00e1
    data = json.loads(script)
    url = "https://harbour-review.example.org/en/tom/"
    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert data["@id"] == data["url"] == url
    assert data["headline"] == "Tom & Jerry <live> in Málaga"
    assert data["datePublished"] == "2024-09-01"
    assert data["publisher"] == {"@type": "Organization", "name": "The Harbour Review"}


def test_a_translations_structured_data_is_modified_when_it_was_approved(
    project: Project,
) -> None:

    from tests.test_publish import review_and_approve
    from workflow.release import read_release, release_path

    extract(project, [])
    review_and_approve(project, "es")
    out = project.root / "public"
    build(project, out)
    html = (out / "es" / SLUG / "index.html").read_text(encoding="utf-8")
    script = structured_data(html)
    release = read_release(release_path(project, SLUG, parse_language("es")))
    assert release is not None
    modified = dt.datetime.fromisoformat(release.approved_at).isoformat()
    assert json.loads(script)["dateModified"] == modified


def test_collecting_without_a_build_memory_reads_every_article(project: Project) -> None:
    from workflow.publish.model import collect

    site = collect(project)
    assert sorted(site.sources) == sorted(project.slugs())


def test_templates_without_a_cache_folder_write_no_bytecode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workflow.publish.pages import environment

    monkeypatch.chdir(tmp_path)
    environment().get_template("root.html")
    assert list(tmp_path.iterdir()) == []


def test_a_publish_records_itself_when_it_wrote_or_removed_anything(project: Project) -> None:
    from workflow.audit import read_log

    out = published(project)
    build(project, out)  # nothing to do: nothing recorded
    project.article_path("mercado-central").unlink()  # only removals this time
    removed = build(project, out)
    assert removed.removed and not [
        w for w in removed.written if w.endswith("index.html") and "mercado" in w
    ]
    events = [e.detail for e in read_log(project.root) if e.event == "publish"]
    assert len(events) == 2 and events[1]["removed"] == len(removed.removed)


def test_a_publish_with_nothing_changed_reads_no_article_and_says_what_the_last_said(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:

    build_module = importlib.import_module("workflow.publish.build")
    extract(project, [])
    out = project.root / "public"
    first = build(project, out)

    def no_collect(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged site was collected again")

    monkeypatch.setattr(build_module, "collect", no_collect)
    again = build(project, out)
    assert (again.written, again.removed, again.pages) == ([], [], first.pages)
    assert again.interface_missing == first.interface_missing


def test_a_languages_feed_is_known_by_its_front_page(project: Project) -> None:
    import xml.etree.ElementTree as ET

    out = published(project)
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(out / "es" / "feed.xml").getroot()
    front = "https://harbour-review.example.org/es/"
    assert feed.findtext(f"{atom}id") == front
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{atom}link")}
    assert links == {"alternate": front, "self": front + "feed.xml"}


def test_a_source_that_was_itself_translated_says_so_without_naming_nobody(
    project: Project,
) -> None:
    from workflow.publish.labels import label

    english = strings.CatalogTranslations({})
    path = project.article_path("mercado-central")
    path.write_text(path.read_text().replace("language: es", "language: es\ntranslated_from: ca"))
    version, site = made(project, reviewers=("ana",))
    source = site.sources["mercado-central"]
    original = Version(
        source.slug, source.meta.language, source.meta, "", True, source.meta.language
    )
    assert (
        label(original, site, english) == "Translated from the original in catalán."
    )  # a Spanish page
    ana, marta = site.people.display("ana"), site.people.display("marta")
    assert label(version, site, english) == (
        "The version in Spanish was translated from the original in Catalan. "
        f"Translated by {ana} from the version in Spanish and approved by {marta} on "
        "March 2, 2026."
    )


def test_a_remote_image_is_left_alone_and_one_of_unknown_size_gets_no_size(
    project: Project, sample: Path
) -> None:

    (sample / "articles" / "media" / "plain.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    )
    (sample / "articles" / "pics.md").write_text(
        "---\ntitle: Pics\npublished: 2024-09-01\nlanguage: en\n---\n"
        "![far](https://img.example.org/a.png) and ![near](media/plain.svg)\n"
    )
    out = published(project, "pics")
    html = (out / "en" / "pics" / "index.html").read_text(encoding="utf-8")
    assert '<img src="https://img.example.org/a.png" alt="far" />' in html
    assert '<img src="../../media/plain.svg" alt="near" />' in html
