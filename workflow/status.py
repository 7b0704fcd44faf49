"""Where every article stands in every language, derived from the files.

Nothing about progress is stored: the stage of an article in a language is
computed from its source, its catalogue's header and its entries' states.
"""

from __future__ import annotations

from dataclasses import dataclass

import polib

from workflow.catalog import SOURCE_HASH, Stats, read_catalog, stats
from workflow.extract import source_hash
from workflow.languages import Language
from workflow.project import SITE, Project
from workflow.release import (
    CHANGES_REQUESTED,
    can_reject,
    release_stage,
    site_release_stage,
)

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
    #: What an editor can do with it now and succeed: "approve", "reject" (see allowed_actions).
    actions: tuple[str, ...] = ()


#: Stages from which a complete, reviewed translation can be approved.
_APPROVABLE = ("reviewed", "edited since approval", "update in review", "changes requested")


def allowed_actions(stage: str, counts: Stats, released: bool) -> tuple[str, ...]:
    """The editor's actions that can succeed on a row, for the CLI, the app and scripts.

    Approve: a complete translation (nothing untranslated or fuzzy) that differs
    from its release.  Reject: see :func:`workflow.release.can_reject`.  A
    quality error can still refuse an approval, with its reasons.
    """
    if stage in ("source", "draft", "not extracted", "source changed"):
        return ("reject",) if released and stage == "source changed" else ()
    complete = counts.total > 0 and counts.untranslated == 0 and counts.fuzzy == 0
    actions = []
    if complete and stage in _APPROVABLE:
        actions.append("approve")
    if can_reject(released, counts):
        actions.append("reject")
    return tuple(actions)


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
    if stage == "update in review" and stage_of(counts) == "reviewed":
        stage = "reviewed"  # the update is reviewed: ready to approve again
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
            released = release_stage(project, article, language, po)
            stage = _stage(released, counts, po)
            if po.metadata.get(SOURCE_HASH) != digest:
                stage = "source changed"
            actions = allowed_actions(stage, counts, released is not None)
            rows.append(StatusRow(slug, language.tag, stage, counts, actions))
    if not slugs or SITE in slugs:
        rows.extend(site_status(project))
    return rows


def site_status(project: Project) -> list[StatusRow]:
    """A row per language for the site's own interface strings (``site.po``)."""
    rows = []
    for language in project.site_languages():
        path = project.catalog_path(SITE, language)
        if not path.exists():
            rows.append(StatusRow(SITE, language.tag, "not extracted", Stats()))
            continue
        po = read_catalog(path, project.relative(path))
        counts = stats(po)
        released = site_release_stage(project, language, po)
        stage = _stage(released, counts, po)
        actions = allowed_actions(stage, counts, released is not None)
        rows.append(StatusRow(SITE, language.tag, stage, counts, actions))
    return rows


def untranslated_interfaces(project: Project) -> list[Language]:
    """Languages whose readers would see English chrome: some interface string of the site
    has neither a translation shipped with workflow nor one the project approved."""
    from workflow.publish.strings import load_site_catalogs, missing_strings

    catalogs = load_site_catalogs(project)
    return [
        language for language in project.site_languages() if missing_strings(catalogs[language.tag])
    ]
