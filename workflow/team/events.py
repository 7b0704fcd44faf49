"""What happens on the desk, and whom it concerns: one function per event.

Each records the event in the audit log (where it is new) and hands it to
:func:`workflow.team.notifications.emit` with its recipients.  Other stages
call these with one line where their event happens — approval and rejection
(:mod:`workflow.release`), a changed source (:mod:`workflow.extract`), a save
in the review app — so they need not know who is told, or how.

Who is told:

=================  =========================================================
assigned           the translator and the reviewer
comment            people @mentioned; for a source question, the editors who
                   assigned the article (all editors when nobody did); for
                   a reply, everyone already in the thread
resolved           whoever started the thread
ready              the reviewer and the editor who assigned it (all editors
                   when nobody did)
approved           the translator and the reviewer
changes requested  the translator and the reviewer
source changed     the translator and the reviewer of each language
=================  =========================================================
"""

from __future__ import annotations

import contextlib
import datetime as dt

from workflow.audit import current_user, record
from workflow.project import Project
from workflow.team import assignments, notifications
from workflow.team.assignments import Assignment
from workflow.team.comments import Comment, Thread


def _editors(project: Project) -> list[str]:
    from workflow.users import UserStore

    return [u.name for u in UserStore(project.root / "instance").all() if u.can_approve]


def _iso(value: dt.datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def assigned(project: Project, made: Assignment, previous: Assignment | None) -> None:
    """A version was assigned (or reassigned, or its due time moved)."""
    record(
        project.root,
        "assign",
        made.assigned_by,
        made.slug,
        made.language,
        translator=made.translator,
        reviewer=made.reviewer,
        due=_iso(made.due),
    )
    unchanged = previous is not None and (previous.translator, previous.reviewer, previous.due) == (
        made.translator,
        made.reviewer,
        made.due,
    )
    if unchanged:
        return
    notifications.emit(
        project,
        "assignment.created",
        made.slug,
        made.language,
        made.assigned_by,
        {person: "assigned" for person in made.people()},
        {"translator": made.translator, "reviewer": made.reviewer, "due": _iso(made.due)},
    )


def unassigned(project: Project, removed: Assignment, by: str) -> None:
    record(project.root, "assign", by, removed.slug, removed.language, translator="", reviewer="")


def commented(project: Project, slug: str, comment: Comment, parent: Thread | None) -> None:
    """A new comment or reply."""
    record(
        project.root,
        "comment",
        comment.who,
        slug,
        comment.language,
        id=comment.id,
        segment=comment.source,
        text=comment.text,
        question=comment.question,
        reply_to=comment.reply_to,
    )
    recipients: dict[str, str] = {}
    if parent is not None:
        for person in parent.participants():
            recipients[person] = "reply"
    elif comment.question:
        assigners = {a.assigned_by for a in assignments.read_assignments(project, slug).values()}
        for person in sorted(p for p in assigners if p) or _editors(project):
            recipients[person] = "question"
    for person in comment.mentions:
        recipients[person] = "mention"
    notifications.emit(
        project,
        "comment.created",
        slug,
        comment.language,
        comment.who,
        recipients,
        {
            "id": comment.id,
            "thread": comment.reply_to or comment.id,
            "segment": comment.segment,
            "source": comment.source,
            "text": comment.text,
            "question": comment.question,
            "mentions": list(comment.mentions),
        },
    )


def resolved(project: Project, slug: str, thread: Thread, who: str, reopened: bool = False) -> None:
    """A thread was resolved (or reopened)."""
    root = thread.root
    record(
        project.root,
        "reopen" if reopened else "resolve",
        who,
        slug,
        root.language,
        id=root.id,
        segment=root.source,
    )
    if reopened:
        return
    notifications.emit(
        project,
        "comment.resolved",
        slug,
        root.language,
        who,
        {root.who: "resolved"},
        {"id": root.id, "segment": root.segment, "source": root.source, "text": root.text},
    )


def _people(project: Project, slug: str, language: str) -> Assignment | None:
    with contextlib.suppress(assignments.AssignmentError):
        return assignments.read_assignments(project, slug).get(language)
    return None


def after_save(
    project: Project, slug: str, language: str, reviewed: int, total: int, who: str
) -> None:
    """After reviewers' saves: announce once when the last segment is reviewed.

    Called by the review app's saver after each commit, with the counts it
    took under the catalogue's lock; costs a small file read when nothing
    changes.
    """
    complete = total > 0 and reviewed == total
    now = assignments.now_in(project)
    if not assignments.mark_ready(project, slug, language, now if complete else None):
        return
    if complete:
        ready(project, slug, language, who)


def ready(project: Project, slug: str, language: str, who: str) -> None:
    """A version has every segment reviewed: it can be approved."""
    record(project.root, "ready", who, slug, language)
    item = _people(project, slug, language)
    recipients = {p: "ready" for p in _editors(project)}
    if item is not None and item.translator:
        recipients = {p: "ready" for p in (item.reviewer, item.assigned_by) if p}
    notifications.emit(project, "article.ready_for_approval", slug, language, who, recipients)


def _assignees(project: Project, slug: str, language: str, kind: str) -> dict[str, str]:
    item = _people(project, slug, language)
    return {p: kind for p in item.people()} if item is not None else {}


def approved(project: Project, slug: str, language: str, by: str, note: str = "") -> None:
    """An editor approved a version (called by :func:`workflow.release.approve`)."""
    assignments.mark_ready(project, slug, language, None)  # the next edit is ready again
    notifications.emit(
        project,
        "article.approved",
        slug,
        language,
        by,
        _assignees(project, slug, language, "approved"),
        {"note": note},
    )


def changes_requested(project: Project, slug: str, language: str, by: str, note: str) -> None:
    """An editor sent a version back (called by :func:`workflow.release.reject`)."""
    assignments.mark_ready(project, slug, language, None)
    notifications.emit(
        project,
        "article.changes_requested",
        slug,
        language,
        by,
        _assignees(project, slug, language, "changes-requested"),
        {"note": note},
    )


def source_changed(project: Project, slug: str, actions: dict[str, str]) -> None:
    """Extract merged a changed source (``actions``: language → created | updated)."""
    who = current_user()
    for language in [tag for tag, action in actions.items() if action == "updated"]:
        assignments.mark_ready(project, slug, language, None)
        notifications.emit(
            project,
            "article.source_changed",
            slug,
            language,
            who,
            _assignees(project, slug, language, "source-changed"),
        )
