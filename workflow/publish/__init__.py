"""Stage 4: the multilingual static site (``workflow publish``).

A build reads like a recipe (:func:`build`): collect the published versions,
render articles, front pages, the root page, feeds, the sitemap and
robots.txt, check the result, write what changed.  Translations come from
approved releases (the ``.mo`` files) only, never from the working ``.po``;
a source-language article is always published (unless it is a draft).

Output is deterministic (no build timestamps), and files are rewritten only
when their content changed, so a publish with nothing new touches nothing,
and one edited article rewrites only its pages and the indexes, feeds and
sitemap that list it.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.core import Locale, get_global
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from workflow.article import Article, FrontMatter
from workflow.audit import record
from workflow.errors import WorkflowError
from workflow.fsutil import write_if_changed
from workflow.languages import Language
from workflow.project import Project
from workflow.publish.strings import site_translations
from workflow.release import read_release, release_path, source_revision

HERE = Path(__file__).parent
MANIFEST = ".workflow-published"


class PublishError(WorkflowError):
    """The built site failed a publish-time check."""


@dataclass
class Version:
    """One language version of one article, as readers get it."""

    slug: str
    language: Language
    meta: FrontMatter
    markdown: str
    is_source: bool
    source: Language
    approved_by: str = ""
    approved_at: str = ""
    engines: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    outdated: bool = False
    url: str = ""

    @property
    def path(self) -> str:
        return f"{self.language.tag}/{self.slug}/index.html"


@dataclass
class Site:
    name: str
    base_url: str
    languages: list[Language]
    articles: dict[str, list[Version]] = field(default_factory=dict)
    sources: dict[str, Article] = field(default_factory=dict)

    def by_language(self, language: Language) -> list[Version]:
        found = [
            v
            for versions in self.articles.values()
            for v in versions
            if v.language.tag == language.tag
        ]
        return sorted(found, key=lambda v: (v.meta.published, v.slug), reverse=True)


def og_locale(language: Language) -> str:
    """Open Graph's ``ll_TT`` form, with CLDR's likely territory when the tag has none."""
    if language.locale.territory:
        return f"{language.primary}_{language.locale.territory}"
    likely = get_global("likely_subtags").get(language.primary, language.primary)
    parts = likely.split("_")
    territory = next((p for p in parts[1:] if len(p) == 2 and p.isupper()), None)
    return f"{language.primary}_{territory}" if territory else language.primary


# --------------------------------------------------------------------------- collect


def collect(project: Project) -> Site:
    """Every version that is published: sources, and translations with a release."""
    config = project.config
    site = Site(config.site_name, config.base_url, list(config.languages))
    for slug in project.slugs():
        article = project.article(slug)
        if article.meta.status == "draft":
            continue
        site.sources[slug] = article
        source = article.meta.language
        versions = [Version(slug, source, article.meta, article.body, True, source)]
        for target in project.targets(article):
            release = read_release(release_path(project, slug, target))
            if release is None:
                continue
            texts = {ctx: text for (ctx, _msgid), text in release.messages.items() if ctx}
            versions.append(
                Version(
                    slug,
                    target,
                    article.meta.with_translations(texts, target),
                    release.body,
                    False,
                    source,
                    release.approved_by,
                    release.approved_at,
                    release.engines,
                    release.reviewers,
                    release.source_revision != source_revision(article),
                )
            )
        for version in versions:
            version.url = f"{site.base_url}{version.language.tag}/{slug}/"
        site.articles[slug] = versions
    return site


# --------------------------------------------------------------------------- render


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _markdown() -> MarkdownIt:
    # html=False: raw HTML in an article or a translation is shown as text, never run.
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def _date(value: Any, language: Language) -> str:
    return format_date(value, format="long", locale=language.locale)


def _alternates(site: Site, versions: list[Version]) -> list[dict[str, str]]:
    out = [{"hreflang": v.language.tag, "url": v.url} for v in versions]
    original = next(v for v in versions if v.is_source)
    out.append({"hreflang": "x-default", "url": original.url})
    return out


def _label(version: Version, env: Environment, short: bool = False) -> str:
    """The honest, localised account of how a translation was made."""
    if version.is_source:
        return ""
    t = site_translations(env, version.language)
    page = version.language.locale
    source_name = (
        Locale.parse(version.source.locale.language).get_display_name(page) or version.source.tag
    )
    if short:
        return t.gettext("Translated from %(language)s") % {"language": source_name}
    when = version.approved_at[:10]
    date = _date(dt.date.fromisoformat(when), version.language) if when else ""
    values = {
        "language": source_name,
        "engine": ", ".join(e.capitalize() for e in version.engines),
        "reviewers": ", ".join(version.reviewers) or version.approved_by,
        "editor": version.approved_by,
        "date": date,
    }
    if version.engines:
        text = t.gettext(
            "Translated from %(language)s by machine (%(engine)s), reviewed by %(reviewers)s "
            "and approved by %(editor)s on %(date)s."
        )
    else:
        text = t.gettext(
            "Translated from %(language)s by %(reviewers)s and approved by %(editor)s on %(date)s."
        )
    return text % values


def _json_ld(site: Site, version: Version, versions: list[Version]) -> Markup:
    meta = version.meta
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": version.url,
        "url": version.url,
        "headline": meta.title,
        "inLanguage": version.language.tag,
        "datePublished": meta.published.isoformat(),
        "dateModified": (meta.updated or meta.published).isoformat(),
        "author": [{"@type": "Person", "name": name} for name in meta.authors],
        "publisher": {"@type": "Organization", "name": site.name},
    }
    if version.is_source:
        others = [v for v in versions if not v.is_source]
        if others:
            data["workTranslation"] = [{"@id": v.url, "inLanguage": v.language.tag} for v in others]
    else:
        original = next(v for v in versions if v.is_source)
        data["translationOfWork"] = {"@id": original.url, "inLanguage": original.language.tag}
        translators: list[dict[str, str]] = [
            {"@type": "Person", "name": n} for n in version.reviewers
        ]
        translators += [{"@type": "SoftwareApplication", "name": e} for e in version.engines]
        if translators:
            data["translator"] = translators
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def _switcher(versions: list[Version], current: Language) -> list[dict[str, Any]]:
    return [
        {
            "tag": v.language.tag,
            "name": v.language.autonym,
            "href": f"../../{v.language.tag}/{v.slug}/",
            "current": v.language.tag == current.tag,
        }
        for v in versions
    ]


class MarkdownCache:
    """Rendered article bodies by content hash, so an unchanged article is not rendered again.

    Derived data in ``.workflow-cache/publish.sqlite``; safe to delete.
    """

    def __init__(self, root: Path) -> None:
        import sqlite3

        from workflow.memory import cache_dir

        self.md = _markdown()
        self.db = sqlite3.connect(cache_dir(root) / "publish.sqlite", timeout=30)
        self.db.execute("CREATE TABLE IF NOT EXISTS html (key TEXT PRIMARY KEY, html TEXT)")
        self.fresh: dict[str, str] = {}

    def render(self, markdown: str) -> str:
        import hashlib

        key = hashlib.sha256(markdown.encode()).hexdigest()
        row = self.db.execute("SELECT html FROM html WHERE key = ?", (key,)).fetchone()
        if row is not None:
            return str(row[0])
        html: str = self.md.render(markdown)
        self.fresh[key] = html
        return html

    def close(self) -> None:
        with self.db:
            self.db.executemany("INSERT OR REPLACE INTO html VALUES (?, ?)", self.fresh.items())
        self.db.close()


def render_articles(
    site: Site, env: Environment, files: dict[str, str], media: Path, md: MarkdownCache
) -> None:
    template = env.get_template("article.html")
    for slug, versions in site.articles.items():
        original = next(v for v in versions if v.is_source)
        for version in versions:
            t = site_translations(env, version.language)
            outdated = ""
            if version.outdated:
                updated = site.sources[slug].meta.updated or site.sources[slug].meta.published
                outdated = t.gettext(
                    "The original was updated on %(date)s; "
                    "this translation follows the earlier version."
                ) % {"date": _date(updated, version.language)}
            image = (
                version.meta.image
                if version.meta.image and (media / version.meta.image.src).is_file()
                else None
            )
            page = {
                "language": version.language,
                "url": version.url,
                "meta": version.meta,
                "alternates": _alternates(site, versions),
                "switcher": _switcher(versions, version.language),
                "feed": f"{site.base_url}{version.language.tag}/feed.xml",
                "og_locale": og_locale(version.language),
                "og_alternates": [og_locale(v.language) for v in versions if v is not version],
                "json_ld": _json_ld(site, version, versions),
                "published": _date(version.meta.published, version.language),
                "updated": _date(version.meta.updated, version.language)
                if version.meta.updated
                else "",
                "label": _label(version, env),
                "outdated": outdated,
                "original_url": original.url,
                "original_lang": original.language.tag,
                "image": image,
                "body": Markup(md.render(version.markdown)),
                "rel": "../../",
                "original_href": f"../../{original.language.tag}/{slug}/",
            }
            files[version.path] = template.render(site=site, page=page)


def render_indexes(site: Site, env: Environment, files: dict[str, str]) -> None:
    template = env.get_template("index.html")
    published = [lang for lang in site.languages if site.by_language(lang)]
    for language in published:
        listed = site.by_language(language)
        items = [
            {
                "language": v.language,
                "href": f"{v.slug}/",
                "meta": v.meta,
                "published": _date(v.meta.published, language),
                "label_short": _label(v, env, short=True),
            }
            for v in listed
        ]
        site_translations(env, language)  # after _label, which installs each version's language
        url = f"{site.base_url}{language.tag}/"
        page = {
            "language": language,
            "url": url,
            "stories": items,
            "alternates": [
                {"hreflang": lang.tag, "url": f"{site.base_url}{lang.tag}/"} for lang in published
            ]
            + [{"hreflang": "x-default", "url": site.base_url}],
            "switcher": [
                {
                    "tag": lang.tag,
                    "name": lang.autonym,
                    "href": f"../{lang.tag}/",
                    "current": lang.tag == language.tag,
                }
                for lang in published
            ],
            "feed": f"{site.base_url}{language.tag}/feed.xml",
            "rel": "../",
        }
        files[f"{language.tag}/index.html"] = template.render(site=site, page=page)
        render_feed(site, env, files, language, listed)


def render_root(site: Site, env: Environment, files: dict[str, str]) -> None:
    published = [lang for lang in site.languages if site.by_language(lang)]
    default = site.languages[0]
    choices = []
    for lang in published:
        prompt = site_translations(env, lang).gettext("Read %(site)s in %(language)s") % {
            "site": site.name,
            "language": lang.autonym,
        }
        choices.append(
            {
                "tag": lang.tag,
                "name": lang.autonym,
                "url": f"{site.base_url}{lang.tag}/",
                "href": f"{lang.tag}/",
                "prompt": prompt,
            }
        )
    site_translations(env, default)
    page = {
        "language": default,
        "url": site.base_url,
        "choices": choices,
        "switcher": [],
        "rel": "",
        "alternates": [{"hreflang": c["tag"], "url": c["url"]} for c in choices]
        + [{"hreflang": "x-default", "url": site.base_url}],
        "feed": "",
    }
    files["index.html"] = env.get_template("root.html").render(site=site, page=page)


def render_feed(
    site: Site, env: Environment, files: dict[str, str], language: Language, versions: list[Version]
) -> None:
    template = env.get_template("feed.xml")
    updated = max(((v.meta.updated or v.meta.published) for v in versions), default=None)
    files[f"{language.tag}/feed.xml"] = template.render(
        site=site,
        language=language,
        versions=versions,
        updated=updated,
        url=f"{site.base_url}{language.tag}/",
    )


def render_sitemap(site: Site, env: Environment, files: dict[str, str]) -> None:
    pages = [
        (v, _alternates(site, versions)) for versions in site.articles.values() for v in versions
    ]
    files["sitemap.xml"] = env.get_template("sitemap.xml").render(pages=pages)
    files["robots.txt"] = f"User-agent: *\nAllow: /\n\nSitemap: {site.base_url}sitemap.xml\n"


# --------------------------------------------------------------------------- build


@dataclass
class BuildResult:
    written: list[str]
    unchanged: int
    removed: list[str]
    pages: int


def build(project: Project, out: Path) -> BuildResult:
    """Build the site into ``out``: the recipe."""
    from workflow.publish.check import check_site
    from workflow.publish.strings import load_site_catalogs

    site = collect(project)
    env = _environment()
    env.globals["site_catalogs"] = load_site_catalogs(project)
    media = project.articles_dir / "media"
    files: dict[str, str] = {}
    markdown = MarkdownCache(project.root)
    try:
        render_articles(site, env, files, media, markdown)
    finally:
        markdown.close()
    render_indexes(site, env, files)
    render_root(site, env, files)
    render_sitemap(site, env, files)
    for name in ("site.css", "choose.js"):
        files[f"static/{name}"] = (HERE / "static" / name).read_text(encoding="utf-8")
    problems = check_site(site, files)
    if problems:
        raise PublishError("the site fails its checks:\n" + "\n".join(f"  - {p}" for p in problems))
    result = _write(out, files, media)
    if result.written or result.removed:
        record(project.root, "publish", written=len(result.written), removed=len(result.removed))
    return result


def _write(out: Path, files: dict[str, str], media: Path) -> BuildResult:
    out.mkdir(parents=True, exist_ok=True)
    written = [rel for rel, text in sorted(files.items()) if write_if_changed(out / rel, text)]
    names = set(files)
    if media.is_dir():
        for item in sorted(media.iterdir()):
            rel = f"media/{item.name}"
            names.add(rel)
            target = out / rel
            if item.is_file() and (not target.exists() or target.read_bytes() != item.read_bytes()):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(item, target)
                written.append(rel)
    manifest = out / MANIFEST
    before = set(manifest.read_text().split("\n")) - {""} if manifest.exists() else set()
    removed = sorted(before - names)
    for rel in removed:  # only files an earlier publish wrote: never anything else in `out`
        (out / rel).unlink(missing_ok=True)
    write_if_changed(manifest, "\n".join(sorted(names)) + "\n")
    pages = sum(1 for rel in files if rel.endswith(".html"))
    return BuildResult(written, len(names) - len(written), removed, pages)
