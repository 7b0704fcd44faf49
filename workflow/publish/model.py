"""What is published: every version of every article, collected from sources and releases.

A source-language article is always published (unless it is a draft); a
translation only with an approved release (its ``.mo``), never from the
working ``.po``.  A version whose release was withdrawn (rejected after
approval) is listed in :attr:`Site.withdrawn`, so its old address can send
readers to the original.

A translation is *outdated* only when the source's text changed after the
approved revision — the sentences and translated fields, not a tag or the
``updated:`` date — and the notice is dated by that change
(:func:`source_changed_on`: git when the file is committed, else the audit
log's extract, else the file's time)."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from babel.core import get_global

from workflow.article import Article, FrontMatter
from workflow.audit import read_log
from workflow.extract import segment_article
from workflow.fields import translated_fields
from workflow.languages import Language
from workflow.people import People
from workflow.project import Project
from workflow.publish.markdown import body_key
from workflow.release import WITHDRAWN, Release, read_release, source_revision

if TYPE_CHECKING:
    from workflow.publish.incremental import Memory


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
    #: When the source changed after the approved revision (only for outdated versions).
    changed_on: dt.date | None = None
    url: str = ""
    #: The body's key in the rendered-body cache (the build's memory keeps only this).
    body_key: str = ""

    @property
    def path(self) -> str:
        return f"{self.language.tag}/{self.slug}/index.html"

    @property
    def released(self) -> dt.datetime | None:
        """When this translation was approved (None for a source)."""
        return dt.datetime.fromisoformat(self.approved_at) if self.approved_at else None


@dataclass
class Site:
    name: str
    base_url: str
    languages: list[Language]
    people: People
    articles: dict[str, list[Version]] = field(default_factory=dict)
    sources: dict[str, Article] = field(default_factory=dict)
    #: slug → languages whose release was withdrawn (rejected after approval).
    withdrawn: dict[str, list[Language]] = field(default_factory=dict)

    def by_language(self, language: Language) -> list[Version]:
        found = [
            v
            for versions in self.articles.values()
            for v in versions
            if v.language.tag == language.tag
        ]
        return sorted(found, key=lambda v: (v.meta.published, v.slug), reverse=True)

    def published_languages(self) -> list[Language]:
        """Languages with at least one published version, in the config's order."""
        tags = {v.language.tag for versions in self.articles.values() for v in versions}
        return [lang for lang in self.languages if lang.tag in tags]


def og_locale(language: Language) -> str:
    """Open Graph's ``ll_TT`` form, with CLDR's likely territory when the tag has none."""
    if language.locale.territory:
        return f"{language.primary}_{language.locale.territory}"
    likely = get_global("likely_subtags").get(language.primary, language.primary)
    parts = likely.split("_")
    territory = next((p for p in parts[1:] if len(p) == 2 and p.isupper()), None)
    return f"{language.primary}_{territory}" if territory else language.primary


# --------------------------------------------------------------------------- collect


def collect(project: Project, memory: Memory | None = None) -> Site:
    """Every version that is published: sources, and translations with a release.

    With a ``memory`` of the last build, an article none of whose files changed
    is taken from it, not read again."""
    config = project.config
    site = Site(config.site_name, config.base_url, list(config.languages), People(project.root))
    changes = _ChangeDates(project)
    for slug in project.slugs():
        known = memory.recall(slug) if memory is not None else None
        if known is not None:
            article, versions, withdrawn = known.article, known.versions, known.withdrawn
        else:
            article = project.article(slug)
            if article.meta.status == "draft":
                continue
            versions, withdrawn, read = _versions(project, article, changes)
            if memory is not None:
                memory.remember(article, versions, withdrawn, read)
        site.sources[slug] = article
        if withdrawn:
            site.withdrawn[slug] = list(withdrawn)
        for version in versions:
            version.url = f"{site.base_url}{version.language.tag}/{slug}/"
        site.articles[slug] = versions
    return site


def _versions(
    project: Project, article: Article, changes: _ChangeDates
) -> tuple[list[Version], list[Language], list[Path]]:
    """The article's published versions, its withdrawn languages, and the files read."""
    slug = article.slug
    meta = article.meta
    versions = [Version(slug, meta.language, meta, article.body, True, meta.language)]
    withdrawn = []
    read = [project.article_path(slug)]
    for target in project.targets(article):
        # project.catalog_path resolves the path to keep it inside the project; the slug was
        # checked by project.article and the language by the config, so it stays inside
        po = project.locales_dir / target.gettext_id / "LC_MESSAGES" / f"{slug}.po"
        path = po.with_suffix(".mo")
        read.append(path)
        release = read_release(path)
        if release is None:
            read.append(po)
            if _withdrawn(po):
                withdrawn.append(target)
            continue
        versions.append(_translation(article, target, release, changes))
    for version in versions:
        version.body_key = body_key(version.markdown)
    return versions, withdrawn, read


def _translation(
    article: Article, target: Language, release: Release, changes: _ChangeDates
) -> Version:
    texts = translated_fields(article, release.messages)[0]
    outdated = release.source_revision != source_revision(article) and _text_changed(
        article, release
    )
    return Version(
        article.slug,
        target,
        article.meta.with_translations(texts, target),
        release.body,
        False,
        article.meta.language,
        release.approved_by,
        release.approved_at,
        release.engines,
        release.reviewers,
        outdated,
        changes.since(article, release.approved_at) if outdated else None,
    )


def _text_changed(article: Article, release: Release) -> bool:
    """Whether the sentences or translated fields differ from those the release translated."""
    front, document = segment_article(article)
    now = {s.key for s in front} | {s.key for unit in document.units for s in unit.segments()}
    return now != set(release.messages)


def _withdrawn(po: Path) -> bool:
    """Whether the catalogue's header says its release was withdrawn (read the head only)."""
    if not po.exists():
        return False
    with po.open("rb") as handle:
        head = handle.read(4096)
    return f"{WITHDRAWN}:".encode() in head


class _ChangeDates:
    """When an article's source changed after an approval: git, else the audit log, else
    the file's modification time."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._extracts: dict[str, list[str]] | None = None

    def since(self, article: Article, approved_at: str) -> dt.date:
        path = self.project.article_path(article.slug)
        committed = self._git_date(path)
        if committed is not None and committed.isoformat() >= approved_at[:10]:
            return committed
        if self._extracts is None:
            self._extracts = {}
            for event in read_log(self.project.root):
                if event.event == "extract":
                    self._extracts.setdefault(event.slug, []).append(event.time)
        after = [t for t in self._extracts.get(article.slug, []) if t > approved_at]
        if after:
            return dt.datetime.fromisoformat(after[-1]).date()
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()

    def _git_date(self, path: Path) -> dt.date | None:
        """The date of the last commit of ``path``, if it is committed with no local change."""
        rel = self.project.relative(path)
        try:
            dirty = subprocess.run(
                ["git", "status", "--porcelain", "--", rel],
                cwd=self.project.root,
                capture_output=True,
                text=True,
                check=True,
                timeout=30,
            ).stdout
            if dirty.strip():
                return None
            day = subprocess.run(
                ["git", "log", "-1", "--format=%cs", "--", rel],
                cwd=self.project.root,
                capture_output=True,
                text=True,
                check=True,
                timeout=30,
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None  # no git, or not a repository
        return dt.date.fromisoformat(day) if day else None
