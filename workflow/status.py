"""Where every article stands in every language, derived from the files.

Nothing about progress is stored: the stage of an article in a language is
computed from its source, its catalogue's header and its entries' states.
"""

from __future__ import annotations

from dataclasses import dataclass

import polib

from workflow.catalog import SOURCE_HASH, Stats, read_catalog, stats
from workflow.extract import source_hash
from workflow.project import SITE, Project
from workflow.release import CHANGES_REQUESTED, release_stage, site_release_stage

STAGES = (
    "source",
    "draft",
    "not extracted",
    "source changed",
    "not started",
    "translating",
    "in review",
    "reviewed",
)


@dataclass(frozen=True)
class StatusRow:
    """One article in one language."""

    slug: str
    language: str
    stage: str
    stats: Stats


def stage_of(counts: Stats) -> str:
    """The review stage a catalogue's counts imply."""
    if counts.total and counts.translated + counts.fuzzy == 0:
        return "not started"
    if counts.untranslated:
        return "translating"
    if counts.fuzzy:
        return "in review"
    return "reviewed"


def _stage(released: str | None, counts: Stats, po: polib.POFile) -> str:
    """The release's stage if there is one, else the review stage; a rejection shows."""
    stage = released or stage_of(counts)
    if CHANGES_REQUESTED in po.metadata and stage in ("in review", "reviewed"):
        return "changes requested"
    return stage


def status(project: Project, slugs: list[str]) -> list[StatusRow]:
    """A row per article per language (the source language first)."""
    rows: list[StatusRow] = []
    only_site = bool(slugs) and all(slug == SITE for slug in slugs)
    for slug in [] if only_site else project.select(slugs):
        article = project.article(slug)
        rows.append(StatusRow(slug, article.meta.language.tag, "source", Stats()))
        digest = source_hash(article)
        for language in project.targets(article):
            path = project.catalog_path(slug, language)
            if article.meta.status == "draft":
                rows.append(StatusRow(slug, language.tag, "draft", Stats()))
                continue
            if not path.exists():
                rows.append(StatusRow(slug, language.tag, "not extracted", Stats()))
                continue
            po = read_catalog(path, project.relative(path))
            counts = stats(po)
            stage = _stage(release_stage(project, article, language, po), counts, po)
            if po.metadata.get(SOURCE_HASH) != digest:
                stage = "source changed"
            rows.append(StatusRow(slug, language.tag, stage, counts))
    if not slugs or SITE in slugs:
        rows.extend(site_status(project))
    return rows


def site_status(project: Project) -> list[StatusRow]:
    """A row per language for the site's own interface strings (``site.po``)."""
    from workflow.review import site_languages

    rows = []
    for language in site_languages(project):
        path = project.catalog_path(SITE, language)
        if not path.exists():
            rows.append(StatusRow(SITE, language.tag, "not extracted", Stats()))
            continue
        po = read_catalog(path, project.relative(path))
        counts = stats(po)
        stage = _stage(site_release_stage(project, language, po), counts, po)
        rows.append(StatusRow(SITE, language.tag, stage, counts))
    return rows
