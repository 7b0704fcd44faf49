"""The desk working together, in the app: My work, assigning, notifications, activity.

Pages of their own (``/work``, ``/assign/…``, ``/notifications``,
``/activity/…``) and small template helpers that the dashboard, the header
and the review page include (``templates/team/_*.html``), each reading its
files once per request.  Comment threads are in :mod:`workflow.web.comments`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from workflow.audit import read_log
from workflow.errors import WorkflowError
from workflow.languages import parse_language
from workflow.project import SITE, Project
from workflow.team import assignments, events, texts
from workflow.team.comments import Thread, threads
from workflow.team.notifications import KINDS, Notification, Prefs, feed, mark_seen, read_prefs
from workflow.team.notifications import set_prefs as save_prefs
from workflow.team.notifications import unseen as count_unseen
from workflow.team.work import WorkItem, board, everyone, my_work
from workflow.web import i18n
from workflow.web.auth import login_required, users
from workflow.web.i18n import catalog, gettext, ui_languages

bp = Blueprint("team", __name__)
#: What a feed shows, at most.
FEED = 100
ACTIVITY = 300


def _project() -> Project:
    project: Project = current_app.config["PROJECT"]
    return project


def _cached(key: str, make: Any) -> Any:
    """Per-request memo: the header, the dashboard and each segment ask the same."""
    store = g.setdefault("team", {})
    if key not in store:
        store[key] = make()
    return store[key]


def _title(project: Project, slug: str) -> str:
    return texts.article_title(project, slug, catalog(i18n.language()).ugettext)


# --------------------------------------------------------------------------- helpers for templates


@bp.app_template_filter("when")
def when(value: str | dt.datetime | None) -> str:
    """A moment in the project's time zone, in the interface language."""
    return texts.when(value, _project().config.team.zone, i18n.language())


@bp.app_template_filter("from_now")
def from_now(value: dt.datetime) -> str:
    """``in 3 hours`` / ``2 hours ago``, in the interface language."""
    from babel.dates import format_timedelta

    delta = value - assignments.now_in(_project())
    return format_timedelta(delta, add_direction=True, locale=i18n.language())


@bp.app_template_filter("person")
def person(login: str) -> str:
    """How the desk calls someone: their display name, else their login."""
    from workflow.people import People

    people: People = _cached("people", lambda: People(_project().root))
    return people.display(login)


@bp.app_template_global("team_version")
def team_version(slug: str, tag: str) -> dict[str, Any]:
    """Who has this version, by when, and how many open comments it has."""
    items: dict[tuple[str, str], WorkItem] = _cached("board", lambda: board(_project()))
    item = items.get((slug, tag))
    return {
        "item": item,
        "open": len(open_threads(slug, tag)),
    }


def _threads(slug: str) -> list[Thread]:
    return _cached(f"threads:{slug}", lambda: threads(_project(), slug))  # type: ignore[no-any-return]


@bp.app_template_global("open_threads")
def open_threads(slug: str, tag: str) -> list[Thread]:
    """Open threads shown in a language (source questions in every one)."""
    return [t for t in _threads(slug) if t.open and t.shown_in(tag)]


@bp.app_template_global("segment_threads")
def segment_threads(slug: str, tag: str, sid: str) -> dict[str, list[Thread]]:
    """A segment's source questions and its threads in this language."""

    def index() -> dict[str, list[Thread]]:
        found: dict[str, list[Thread]] = {}
        for thread in _threads(slug):
            if thread.shown_in(tag):
                found.setdefault(thread.root.segment, []).append(thread)
        return found

    by_segment: dict[str, list[Thread]] = _cached(f"segments:{slug}:{tag}", index)
    found = by_segment.get(sid, [])
    return {
        "questions": [t for t in found if t.root.question],
        "local": [t for t in found if not t.root.question],
    }


@bp.app_template_global("team_unseen")
def team_unseen() -> int:
    if g.get("user") is None:
        return 0
    return int(_cached("unseen", lambda: count_unseen(_project(), g.user.name)))


def describe(note: Notification) -> str:
    ui = i18n.language()
    _ = catalog(ui).ugettext
    project = _project()
    title = texts.article_title(project, note.slug, _)
    return texts.describe(note, g.user.name, _, ui, project.config.team.zone, title, person)


def note_link(note: Notification) -> str:
    """Where a notification leads: the segment, the version, or the article's activity."""
    if not note.slug:
        return url_for("team.notifications")
    if not note.language:
        return url_for("team.activity", slug=note.slug)
    target = url_for("review.article", slug=note.slug, language=note.language)
    segment = note.data.get("segment")
    return f"{target}#s-{segment}" if segment else target


# --------------------------------------------------------------------------- My work


@bp.route("/work")
@login_required
def work() -> Any:
    project = _project()
    now = assignments.now_in(project)
    mine = my_work(project, g.user.name, now)
    others = everyone(project, now) if g.user.can_approve else []
    return render_template(
        "team/work.html",
        mine=mine,
        others=others,
        titles={i.slug: _title(project, i.slug) for i in [*mine, *others]},
        zone=project.config.team.timezone,
    )


# --------------------------------------------------------------------------- assigning


def _people_for(tag: str) -> list[Any]:
    return [u for u in users().all() if u.can_edit(tag)]


@bp.route("/assign/<slug>/<language>", methods=["GET", "POST"])
@login_required
def assign(slug: str, language: str) -> Any:
    if not g.user.can_approve:
        abort(403)
    project = _project()
    tag = parse_language(language).tag
    current = assignments.read_assignments(project, slug).get(tag)
    form = dict(request.form) if request.method == "POST" else {}
    if request.method == "POST":
        if form.get("action") == "remove":
            removed = assignments.unassign(project, slug, tag)
            if removed is not None:
                events.unassigned(project, removed, g.user.name)
            flash(gettext("The assignment is removed."), "ok")
            return redirect(url_for("dashboard.index")), 303
        try:
            now = assignments.now_in(project)
            due = assignments.parse_due(
                form.get("due", "").replace("T", " "), project.config.team.zone, now
            )
            made, previous = assignments.assign(
                project,
                slug,
                tag,
                form.get("translator", ""),
                g.user.name,
                form.get("reviewer", ""),
                due,
                now,
            )
        except WorkflowError as exc:
            return render_template(
                "team/assign.html", **_assign_page(project, slug, tag, current, form), problem=exc
            ), 422
        events.assigned(project, made, previous)
        flash(
            gettext(
                "%(title)s (%(language)s) is assigned to %(person)s.",
                title=_title(project, slug),
                language=texts.language_name(tag, i18n.language()),
                person=made.translator,
            ),
            "ok",
        )
        return redirect(url_for("dashboard.index")), 303
    return render_template("team/assign.html", **_assign_page(project, slug, tag, current, form))


def _assign_page(
    project: Project, slug: str, tag: str, current: Any, form: dict[str, str]
) -> dict[str, Any]:
    due = ""
    if current is not None and current.due is not None:
        due = current.due.astimezone(project.config.team.zone).strftime("%Y-%m-%dT%H:%M")
    return {
        "slug": slug,
        "tag": tag,
        "title": _title(project, slug),
        "current": current,
        "people": _people_for(tag),
        "values": {
            "translator": form.get("translator", current.translator if current else ""),
            "reviewer": form.get("reviewer", current.reviewer if current else ""),
            "due": form.get("due", due),
        },
        "zone": project.config.team.timezone,
    }


# --------------------------------------------------------------------------- notifications


@bp.route("/notifications")
@login_required
def notifications() -> Any:
    project = _project()
    notes, seen = feed(project, g.user.name, FEED)
    prefs = read_prefs(project).get(g.user.name, Prefs(language=g.user.ui_language or "en"))
    shown = [(n, n.time > seen, describe(n), note_link(n)) for n in notes]
    if notes and notes[0].time > seen:
        mark_seen(project, g.user.name)  # before the header counts what is new
    return render_template(
        "team/notifications.html",
        notes=shown,
        prefs=prefs,
        kinds=KINDS,
        languages=ui_languages(),
        email_on=project.config.team.email is not None,
    )


@bp.route("/notifications/settings", methods=["POST"])
@login_required
def notification_settings() -> Any:
    chosen = tuple(k for k in KINDS if request.form.get(f"kind-{k}"))
    ui = request.form.get("language", "en")
    if ui not in ui_languages():
        ui = "en"
    try:
        save_prefs(_project(), g.user.name, Prefs(request.form.get("email", ""), chosen, ui))
    except WorkflowError:
        flash(gettext("That is not an e-mail address."), "error")
        return redirect(url_for("team.notifications")), 303
    flash(gettext("Your notification settings are saved."), "ok")
    return redirect(url_for("team.notifications")), 303


# --------------------------------------------------------------------------- activity


@bp.route("/activity/<slug>")
@login_required
def activity(slug: str) -> Any:
    project = _project()
    if slug != SITE:
        project.article(slug)  # exists
    only = request.args.get("lang", "")
    tag = parse_language(only).tag if only else ""
    ui = i18n.language()
    zone = project.config.team.zone
    _ = catalog(ui).ugettext
    rows = []
    for event in read_log(project.root):
        articles = event.detail.get("articles")
        if event.slug != slug and not (isinstance(articles, list) and slug in articles):
            continue  # translate logs one event for many articles
        if event.language and not g.user.can_edit(event.language):
            continue
        if tag and event.language not in ("", tag):
            continue
        rows.append((event, texts.activity_text(event.event, event.detail, _, ui, zone, person)))
    rows = rows[-ACTIVITY:][::-1]
    languages = sorted({e.language for e, _text in rows if e.language})
    return render_template(
        "team/activity.html",
        slug=slug,
        title=_title(project, slug),
        rows=rows,
        only=tag,
        languages=languages,
    )


def init_app(app: Flask) -> None:
    """Wire the desk's pages into the app; deliver webhooks and e-mail in the background.

    Under test (``TESTING``) nothing runs in the background: each notification
    is delivered (or queued) before the request returns.
    """
    from workflow.team.notifications import start_deliverer
    from workflow.web import comments

    app.register_blueprint(bp)
    app.register_blueprint(comments.bp)
    if not app.testing:
        start_deliverer(app.config["PROJECT"])
