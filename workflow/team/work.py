""" "My work" and "who has what": assignments joined with where each version stands.

Recipe: read every assignment → the stage of each assigned version, derived
from its catalogue by :func:`workflow.status.status` → keep what a person
still has to do (anything not approved) → mark overdue and due soon → sort by
due time (no due time last).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from workflow.catalog import Stats
from workflow.project import SITE, Project
from workflow.team.assignments import Assignment, all_assignments, now_in

#: Stages at which a version needs nobody any more.
DONE = ("approved",)


@dataclass(frozen=True)
class WorkItem:
    """One assigned version as a person's to-do list shows it."""

    assignment: Assignment
    role: str  # translator | reviewer | approver
    stage: str
    stats: Stats
    urgency: str  # overdue | due soon | ""

    @property
    def slug(self) -> str:
        return self.assignment.slug

    @property
    def language(self) -> str:
        return self.assignment.language

    @property
    def due(self) -> dt.datetime | None:
        return self.assignment.due


def _stages(project: Project, slugs: list[str]) -> dict[tuple[str, str], tuple[str, Stats]]:
    from workflow.status import site_status, status

    articles = [s for s in slugs if s != SITE and project.article_path(s).exists()]
    rows = status(project, articles) if articles else []
    if SITE in slugs:
        rows = [*rows, *site_status(project)]
    return {(r.slug, r.language): (r.stage, r.stats) for r in rows}


def _sorted(items: list[WorkItem]) -> list[WorkItem]:
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return sorted(items, key=lambda i: (i.due or far, i.slug, i.language, i.role))


def board(project: Project, now: dt.datetime | None = None) -> dict[tuple[str, str], WorkItem]:
    """Every assigned version by (slug, language), with stage and urgency: who has what."""
    now = now or now_in(project)
    soon = project.config.team.due_soon_hours
    assignments = [a for a in all_assignments(project) if a.translator]
    stages = _stages(project, sorted({a.slug for a in assignments}))
    found: dict[tuple[str, str], WorkItem] = {}
    for item in assignments:
        stage, counts = stages.get((item.slug, item.language), ("not extracted", Stats()))
        urgency = "" if stage in DONE else item.urgency(now, soon)
        found[(item.slug, item.language)] = WorkItem(item, "translator", stage, counts, urgency)
    return found


def my_work(project: Project, person: str, now: dt.datetime | None = None) -> list[WorkItem]:
    """What ``person`` has to do, soonest due first.

    A translator's and a reviewer's versions until they are approved; the
    editor who assigned a version also sees it once it is ready for approval.
    """
    items: list[WorkItem] = []
    for item in board(project, now).values():
        if item.stage in DONE:
            continue
        a = item.assignment
        if a.translator == person:
            items.append(item)
        elif a.reviewer == person:
            items.append(WorkItem(a, "reviewer", item.stage, item.stats, item.urgency))
        elif a.assigned_by == person and item.stage == "reviewed":
            items.append(WorkItem(a, "approver", item.stage, item.stats, item.urgency))
    return _sorted(items)


def everyone(project: Project, now: dt.datetime | None = None) -> list[WorkItem]:
    """Every assigned version that is not approved yet, soonest due first."""
    return _sorted([i for i in board(project, now).values() if i.stage not in DONE])
