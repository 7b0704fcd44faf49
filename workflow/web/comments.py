"""Comment threads on segments: post, reply, resolve — as forms, or in the background.

Every action is a plain form post that comes back to the segment
(``…#s-<sid>``), so the page works without JavaScript; ``team.js`` sends the
same forms in the background and swaps in the thread's new HTML, so text a
translator typed elsewhere on the page is never lost to a reload.

Who may: anyone who works on a language comments on its segments and
resolves its threads; a source question (shown in every language) is
resolved by whoever asked it or an editor.
"""

from __future__ import annotations

import re
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup, escape

from workflow.errors import WorkflowError
from workflow.languages import parse_language
from workflow.project import SITE, Project
from workflow.team import comments as model
from workflow.team import events
from workflow.team.comments import Comment, Thread
from workflow.web.auth import login_required, require_language, users
from workflow.web.i18n import gettext

bp = Blueprint("comments", __name__, url_prefix="/comments")


def _project() -> Project:
    project: Project = current_app.config["PROJECT"]
    return project


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


def may_resolve(thread: Thread) -> bool:
    user = g.user
    if thread.root.question:
        return bool(user.can_approve or thread.root.who == user.name)
    return bool(user.can_edit(thread.root.language))


def _back(slug: str, tag: str, sid: str) -> Any:
    """Back where the form was: the listing page it names, else the segment."""
    wanted = request.form.get("next", "")
    if wanted.startswith("/") and not wanted.startswith("//") and "\\" not in wanted:
        return redirect(wanted), 303
    target = url_for("review.article", slug=slug, language=tag)
    return redirect(f"{target}#s-{sid}"), 303


def _answer(slug: str, tag: str, sid: str, status: int = 200, problem: str = "") -> Any:
    """The segment's comments again: HTML for the page's script, or back to the segment."""
    if not _wants_json():
        if problem:
            return render_template("error.html", message=problem), status
        return _back(slug, tag, sid)
    g.pop("team", None)  # read the threads again
    html = render_template("team/_comments.html", slug=slug, tag=tag, sid=sid)
    questions = render_template("team/_questions.html", slug=slug, tag=tag, sid=sid)
    return jsonify(html=html, questions=questions, problem=problem), status


@bp.route("/<slug>/<language>", methods=["POST"])
@login_required
def post(slug: str, language: str) -> Any:
    tag = parse_language(language).tag
    user = require_language(tag)
    project = _project()
    reply_to = request.form.get("reply_to", "")
    sid = request.form.get("segment", "")
    if slug != SITE:
        project.article(slug)
    try:
        if reply_to:
            sid = model.thread(project, slug, reply_to).root.segment
        made, parent = model.add_comment(
            project,
            slug,
            tag,
            sid,
            request.form.get("comment", ""),
            user.name,
            question=bool(request.form.get("question")),
            reply_to=reply_to,
            known_people=[u.name for u in users().all()],
        )
    except WorkflowError:
        problem = gettext("Write something first (at most 5000 characters).")
        return _answer(slug, tag, sid, 422, problem)
    events.commented(project, slug, made, parent)
    return _answer(slug, tag, made.segment)


@bp.route("/<slug>/<language>/<thread_id>/resolve", methods=["POST"])
@login_required
def resolve(slug: str, language: str, thread_id: str) -> Any:
    tag = parse_language(language).tag
    require_language(tag)
    project = _project()
    found = model.thread(project, slug, thread_id)
    if not may_resolve(found):
        abort(403)
    reopen = request.form.get("state") == "reopen"
    try:
        before = model.set_resolved(project, slug, thread_id, g.user.name, resolved=not reopen)
    except WorkflowError:
        return _answer(slug, tag, found.root.segment)  # someone else did it meanwhile
    events.resolved(project, slug, before, g.user.name, reopened=reopen)
    return _answer(slug, tag, found.root.segment)


@bp.route("/<slug>/<language>")
@login_required
def listing(slug: str, language: str) -> Any:
    """Every thread shown in a language of an article: open first, then resolved."""
    tag = parse_language(language).tag
    require_language(tag)
    project = _project()
    title = gettext("Site interface") if slug == SITE else project.article(slug).meta.title
    found = [t for t in model.threads(project, slug) if t.shown_in(tag)]
    return render_template(
        "team/comments.html",
        slug=slug,
        tag=tag,
        title=title,
        open=[t for t in found if t.open],
        resolved=[t for t in found if not t.open],
    )


_MENTION = re.compile(r"@([\w.@-]+)")


@bp.app_template_filter("comment_text")
def comment_text(comment: Comment) -> Markup:
    """A comment as text, its @mentions marked (everything escaped)."""
    names = set(comment.mentions)
    out: list[str] = []
    position = 0
    for match in _MENTION.finditer(comment.text):
        name = match.group(1).rstrip(".-@")
        if name not in names:
            continue
        end = match.start() + 1 + len(name)
        out.append(str(escape(comment.text[position : match.start()])))
        out.append(f'<strong class="mention">@{escape(name)}</strong>')
        position = end
    out.append(str(escape(comment.text[position:])))
    return Markup("".join(out))


bp.app_template_global("may_resolve")(may_resolve)
