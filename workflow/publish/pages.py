"""The HTML pages: article pages, a front page per language, the root page.

Every page says honestly how a translation was made (:func:`label`) and links
every other version of itself (hreflang, switcher, JSON-LD)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from babel.core import Locale
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from workflow.languages import Language
from workflow.publish.markdown import MarkdownCache
from workflow.publish.model import Site, Version, og_locale
from workflow.publish.strings import site_translations

HERE = Path(__file__).parent


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def local_date(value: Any, language: Language) -> str:
    return format_date(value, format="long", locale=language.locale)


def alternates(site: Site, versions: list[Version]) -> list[dict[str, str]]:
    out = [{"hreflang": v.language.tag, "url": v.url} for v in versions]
    original = next(v for v in versions if v.is_source)
    out.append({"hreflang": "x-default", "url": original.url})
    return out


def label(version: Version, env: Environment, short: bool = False) -> str:
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
    date = local_date(dt.date.fromisoformat(when), version.language) if when else ""
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
                ) % {"date": local_date(updated, version.language)}
            image = (
                version.meta.image
                if version.meta.image and (media / version.meta.image.src).is_file()
                else None
            )
            page = {
                "language": version.language,
                "url": version.url,
                "meta": version.meta,
                "alternates": alternates(site, versions),
                "switcher": _switcher(versions, version.language),
                "feed": f"{site.base_url}{version.language.tag}/feed.xml",
                "og_locale": og_locale(version.language),
                "og_alternates": [og_locale(v.language) for v in versions if v is not version],
                "json_ld": _json_ld(site, version, versions),
                "published": local_date(version.meta.published, version.language),
                "updated": local_date(version.meta.updated, version.language)
                if version.meta.updated
                else "",
                "label": label(version, env),
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
                "published": local_date(v.meta.published, language),
                "label_short": label(v, env, short=True),
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
