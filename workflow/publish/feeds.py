"""Machine-readable indexes: Atom feeds per language, the sitemap and robots.txt."""

from __future__ import annotations

from jinja2 import Environment

from workflow.languages import Language
from workflow.publish.model import Site, Version
from workflow.publish.pages import alternates


def render_feeds(site: Site, env: Environment, files: dict[str, str]) -> None:
    """An Atom feed per published language, newest first."""
    for language in site.languages:
        listed = site.by_language(language)
        if listed:
            render_feed(site, env, files, language, listed)


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
        (v, alternates(site, versions)) for versions in site.articles.values() for v in versions
    ]
    files["sitemap.xml"] = env.get_template("sitemap.xml").render(pages=pages)
    files["robots.txt"] = f"User-agent: *\nAllow: /\n\nSitemap: {site.base_url}sitemap.xml\n"
