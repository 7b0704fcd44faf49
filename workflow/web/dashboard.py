"""The dashboard: every article × language with its stage; editors approve here."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from workflow.errors import WorkflowError
from workflow.release import ApprovalRefused, approve, reject
from workflow.status import status
from workflow.web.auth import login_required

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@login_required
def index() -> Any:
    project = current_app.config["PROJECT"]
    rows = [
        row
        for row in status(project, [])
        if row.stage != "source" and g.user.can_edit(row.language)
    ]
    return render_template("dashboard/index.html", rows=rows)


def _editor() -> None:
    if not g.user.can_approve:
        abort(403, "only editors approve or reject")


@bp.route("/approve/<slug>/<language>", methods=["POST"])
@login_required
def approve_view(slug: str, language: str) -> Any:
    _editor()
    project = current_app.config["PROJECT"]
    try:
        action, _release = approve(
            project, slug, language, g.user.name, request.form.get("note", "")
        )
    except ApprovalRefused as exc:
        for reason in exc.reasons:
            flash(f"{slug} [{language}] not approved: {reason}")
        return redirect(url_for("dashboard.index")), 303
    flash(
        f"{slug} [{language}] approved."
        if action == "approved"
        else f"{slug} [{language}] was already approved as is."
    )
    return redirect(url_for("dashboard.index")), 303


@bp.route("/reject/<slug>/<language>", methods=["POST"])
@login_required
def reject_view(slug: str, language: str) -> Any:
    _editor()
    note = request.form.get("note", "").strip()
    if not note:
        flash("Say what should change: a rejection needs a note.")
        return redirect(url_for("dashboard.index")), 303
    try:
        reject(current_app.config["PROJECT"], slug, language, g.user.name, note)
    except WorkflowError as exc:
        flash(f"{slug} [{language}] not sent back: {exc.message}")
        return redirect(url_for("dashboard.index")), 303
    flash(f"{slug} [{language}] sent back to review.")
    return redirect(url_for("dashboard.index")), 303
