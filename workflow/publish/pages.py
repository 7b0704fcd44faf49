"""The HTML pages: article pages, a front page per language, the root page.

Every page says honestly how a translation was made (:func:`label`) and links
every other version of itself (hreflang, switcher, JSON-LD)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup

from workflow.languages import Language
from workflow.publish.check import Head
from workflow.publish.labels import engine_names, label, local_date, outdated_notice, short_label
from workflow.publish.markdown import MarkdownCache
from workflow.publish.media import Media
from workflow.publish.model import Site, Version, og_locale
from workflow.publish.strings import site_translations

if TYPE_CHECKING:
    from workflow.executor import Executor
    from workflow.publish.incremental import Memory

HERE = Path(__file__).parent


def environment(cache: Path | None = None) -> Environment:
    """The templates; compiled once into ``cache`` (Jinja's bytecode cache, keyed by each
    template's source) when given, rather than on every build."""
    if cache is not None:
        cache.mkdir(exist_ok=True)
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # a name a template uses but a page does not give is an error, not an empty string
        undefined=StrictUndefined,
        bytecode_cache=FileSystemBytecodeCache(str(cache)) if cache is not None else None,
    )
    return env


def page_head(page: dict[str, Any]) -> Head:
    """The head a page is rendered with (``base.html`` writes exactly this: a test holds
    the two equal), so the site-wide checks need not read thousands of pages back."""
    return Head(
        page["language"].tag,
        page["url"],
        {alt["hreflang"]: alt["url"] for alt in page["alternates"]},
    )


def alternates(versions: list[Version]) -> list[dict[str, str]]:
    out = [{"hreflang": v.language.tag, "url": v.url} for v in versions]
    original = next(v for v in versions if v.is_source)
    out.append({"hreflang": "x-default", "url": original.url})
    return out


def _json_ld(site: Site, version: Version, versions: list[Version]) -> Markup:
    meta = version.meta
    origin = site.sources[version.slug].meta
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": version.url,
        "url": version.url,
        "headline": meta.title,
        "inLanguage": version.language.tag,
        "datePublished": meta.published.isoformat(),
        "dateModified": (meta.updated or meta.published).isoformat(),
        "author": [{"@type": "Person", "name": site.people.display(n)} for n in meta.authors],
        "publisher": {"@type": "Organization", "name": site.name},
    }
    if version.is_source:
        others = [v for v in versions if not v.is_source]
        if others:
            data["workTranslation"] = [{"@id": v.url, "inLanguage": v.language.tag} for v in others]
        if origin.translated_from is not None:
            data["translationOfWork"] = {
                "@type": "CreativeWork",
                "inLanguage": origin.translated_from.tag,
            }
            if origin.translators:
                data["translator"] = [
                    {"@type": "Person", "name": site.people.display(n)} for n in origin.translators
                ]
    else:
        original = next(v for v in versions if v.is_source)
        data["translationOfWork"] = {"@id": original.url, "inLanguage": original.language.tag}
        translators: list[dict[str, str]] = [
            {"@type": "Person", "name": site.people.display(n)} for n in version.reviewers
        ]
        translators += [
            {"@type": "SoftwareApplication", "name": name} for name in engine_names(version)
        ]
        if translators:
            data["translator"] = translators
        if version.approved_by:
            data["editor"] = {"@type": "Person", "name": site.people.display(version.approved_by)}
        if version.released:
            data["dateModified"] = version.released.isoformat()
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


@dataclass
class Articles:
    """What :func:`render_articles` did: every article page's head, and which pages it
    left as the last build wrote them."""

    heads: dict[str, Head] = field(default_factory=dict)
    kept: set[str] = field(default_factory=set)
    rendered: int = 0


def render_articles(
    site: Site,
    env: Environment,
    files: dict[str, str],
    media: Media,
    md: MarkdownCache,
    memory: Memory | None = None,
    strings: str = "",
    executor: Executor | None = None,
) -> Articles:
    """Every version's page, but those of articles whose inputs did not change since the
    last build into the same folder (``memory``): those are kept as they are."""
    template = env.get_template("article.html")
    done = Articles()
    todo = []
    for slug, versions in site.articles.items():
        paths = [v.path for v in versions]
        known = memory.pages(slug, strings, paths) if memory is not None else None
        if known is None:
            todo.append(slug)
        else:
            done.heads.update(known.heads)
            done.kept.update(paths)
    md.prepare_keyed(
        ((v.body_key, v.markdown) for slug in todo for v in site.articles[slug]), executor
    )
    for slug in todo:
        versions = site.articles[slug]
        media.used.clear()
        heads = {}
        for version in versions:
            page = _article_page(site, env, media, md, version)
            files[version.path] = template.render(site=site, page=page)
            heads[version.path] = page_head(page)
        done.heads.update(heads)
        done.rendered += len(versions)
        if memory is not None:
            memory.rendered_now(slug, strings, media.used, heads)
    return done


def _article_page(
    site: Site, env: Environment, media: Media, md: MarkdownCache, version: Version
) -> dict[str, Any]:
    """What the article template shows for one version."""
    versions = site.articles[version.slug]
    slug = version.slug
    original = next(v for v in versions if v.is_source)
    where = f"articles/{slug}.md"
    t = site_translations(env, version.language)
    html = md.render(version.markdown, version.body_key)
    image = version.meta.image
    size = media.lead(where, image.src) if image else None
    page = {
        "language": version.language,
        "url": version.url,
        "meta": version.meta,
        "alternates": alternates(versions),
        "switcher": _switcher(versions, version.language),
        "feed": f"{site.base_url}{version.language.tag}/feed.xml",
        "og_locale": og_locale(version.language),
        "og_alternates": [og_locale(v.language) for v in versions if v is not version],
        "json_ld": _json_ld(site, version, versions),
        "published": local_date(version.meta.published, version.language),
        "updated": local_date(version.meta.updated, version.language)
        if version.meta.updated
        else "",
        "label": label(version, site, t),
        "outdated": outdated_notice(version, t),
        "original_url": original.url,
        "original_lang": original.language.tag,
        "image": image if image and media.exists(image.src) else None,
        "image_size": size,
        "body": Markup(media.body(where, html, "../../")),
        "rel": "../../",
        "original_href": f"../../{original.language.tag}/{slug}/",
    }
    return page


def feed_body(site: Site, media: Media, md: MarkdownCache, version: Version) -> str:
    """A version's body for feeds: images with absolute addresses."""
    html = md.render(version.markdown, version.body_key)
    return media.body(f"articles/{version.slug}.md", html, site.base_url)


def render_withdrawn(site: Site, env: Environment, files: dict[str, str]) -> None:
    """A withdrawn translation's address keeps working: a notice that sends readers to the
    original (and tells search engines, with ``noindex`` and a canonical link, to drop it)."""
    template = env.get_template("withdrawn.html")
    for slug, languages in site.withdrawn.items():
        original = next(v for v in site.articles[slug] if v.is_source)
        for language in languages:
            site_translations(env, language)
            page = {
                "language": language,
                "url": original.url,
                "alternates": [],
                "switcher": [],
                "feed": "",
                "rel": "../../",
                "original_href": f"../../{original.language.tag}/{slug}/",
                "original_lang": original.language.tag,
                "title": original.meta.title,
            }
            files[f"{language.tag}/{slug}/index.html"] = template.render(site=site, page=page)


def render_indexes(site: Site, env: Environment, files: dict[str, str]) -> None:
    template = env.get_template("index.html")
    published = site.published_languages()
    for language in published:
        t = site_translations(env, language)  # every listed version is in this language
        items = [
            {
                "language": v.language,
                "href": f"{v.slug}/",
                "meta": v.meta,
                "published": local_date(v.meta.published, language),
                "label_short": short_label(v, site, t),
            }
            for v in site.by_language(language)
        ]
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


def render_root(site: Site, env: Environment, files: dict[str, str]) -> None:
    published = site.published_languages()
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
