"""What is published: every version of every article, collected from sources and releases.

A source-language article is always published (unless it is a draft); a
translation only with an approved release (its ``.mo``), never from the
working ``.po``."""

from __future__ import annotations

from dataclasses import dataclass, field

from babel.core import get_global

from workflow.article import Article, FrontMatter
from workflow.languages import Language
from workflow.project import Project
from workflow.release import read_release, release_path, source_revision


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
