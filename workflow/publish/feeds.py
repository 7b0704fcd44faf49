"""Machine-readable indexes: Atom feeds per language, the sitemaps and robots.txt.

A feed entry carries the summary and the whole article (``<content
type="html">``, images with absolute addresses).  A translation is dated by
its release — a Spanish version approved today is today's news in the Spanish
feed, not a 2024 story.  ``news-sitemap.xml`` follows Google News: only what
was published in the last two days, with ``news:language`` and
``news:publication_date``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from jinja2 import Environment

from workflow.languages import Language
from workflow.publish.model import Site, Version
from workflow.publish.pages import alternates

FEED_ENTRIES = 50
#: Google News wants "the last two days": yesterday and today (UTC), whole days, so the
#: News sitemap only changes when the date does (and a no-change publish stays one).
NEWS_DAYS = 2


@dataclass
class Entry:
    version: Version
    published: str  # RFC 3339
    updated: str
    authors: list[str]
    content: str = ""


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def dates(version: Version) -> tuple[dt.datetime, dt.datetime]:
    """(published, updated): the article's own dates for an original, the release for a
    translation."""
    if version.released is not None:
        return version.released, version.released
    meta = version.meta
    return _midnight(meta.published), _midnight(meta.updated or meta.published)


def render_feeds(
    site: Site, env: Environment, files: dict[str, str], body: Callable[[Version], str]
) -> None:
    """An Atom feed per published language, newest first, the latest FEED_ENTRIES
    (``body`` gives a version's body, read only for those)."""
    template = env.get_template("feed.xml")
    for language in site.published_languages():
        entries = []
        for version in site.by_language(language):
            published, updated = dates(version)
            entries.append(
                Entry(
                    version,
                    published.isoformat(),
                    updated.isoformat(),
                    [site.people.display(n) for n in version.meta.authors] or [site.name],
                )
            )
        entries.sort(key=lambda e: (e.published, e.version.slug), reverse=True)
        entries = entries[:FEED_ENTRIES]
        for entry in entries:
            entry.content = body(entry.version)
        files[f"{language.tag}/feed.xml"] = template.render(
            site=site,
            language=language,
            entries=entries,
            updated=max(e.updated for e in entries),
            url=f"{site.base_url}{language.tag}/",
        )


def news_language(language: Language) -> str:
    """Google News language codes: ISO 639, except zh-cn / zh-tw for Chinese."""
    if language.primary == "zh":
        traditional = language.locale.script == "Hant" or language.locale.territory in ("TW", "HK")
        return "zh-tw" if traditional else "zh-cn"
    return language.primary


def render_sitemaps(site: Site, env: Environment, files: dict[str, str], now: dt.datetime) -> None:
    pages = []
    news = []
    since = _midnight(now.date() - dt.timedelta(days=NEWS_DAYS - 1))
    for versions in site.articles.values():
        links = alternates(versions)
        for version in versions:
            published, updated = dates(version)
            pages.append((version, updated.date().isoformat(), links))
            if since <= published <= now:
                news.append(
                    {
                        "version": version,
                        "language": news_language(version.language),
                        "published": published.isoformat(),
                        "sort": published,
                    }
                )
    news.sort(key=lambda n: (n["sort"], n["version"].url), reverse=True)  # type: ignore[attr-defined]
    files["sitemap.xml"] = env.get_template("sitemap.xml").render(pages=pages)
    files["news-sitemap.xml"] = env.get_template("news-sitemap.xml").render(site=site, entries=news)
    files["robots.txt"] = (
        f"User-agent: *\nAllow: /\n\nSitemap: {site.base_url}sitemap.xml\n"
        f"Sitemap: {site.base_url}news-sitemap.xml\n"
    )
