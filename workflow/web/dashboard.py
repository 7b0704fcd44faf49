"""The dashboard: every article × language with its stage, progress and open findings.

Editors approve or send back here.  Which of those a row offers is decided in
one place, :func:`actions_for`, from the status-level rule
(:func:`workflow.status.allowed_actions`, shared with the command line).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
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

from workflow.catalog import SOURCE_LANGUAGE, read_catalog
from workflow.errors import WorkflowError
from workflow.glossary import load_glossary
from workflow.languages import parse_language
from workflow.project import SITE, Project
from workflow.qa import ERROR, check_catalog
from workflow.release import ApprovalRefused, approve, reject
from workflow.review import SITE_SOURCE
from workflow.status import StatusRow, status
from workflow.users import User
from workflow.web.auth import login_required
from workflow.web.i18n import gettext as _
from workflow.web.i18n import language_name, ngettext

bp = Blueprint("dashboard", __name__)


def actions_for(row: StatusRow, user: User) -> tuple[str, ...]:
    """The release actions offered on a row: ``approve`` and/or ``reject`` (send back)."""
    return row.actions if user.can_approve else ()


@dataclass(frozen=True)
class Open:
    """Quality findings still open in one catalogue (silenced ones not counted)."""

    errors: int = 0
    warnings: int = 0


@functools.lru_cache(maxsize=4096)
def _count(path: str, stamp: tuple[int, ...], source: str, target: str, glossary: str) -> Open:
    """Findings of a catalogue, counted once per version of it and of the glossary."""
    po = read_catalog(Path(path))
    errors = warnings = 0
    reports = check_catalog(
        po, po.metadata.get(SOURCE_LANGUAGE, source), target, load_glossary(Path(glossary))
    )
    for report in reports:
        for finding in report.findings:
            if finding.severity == ERROR:
                errors += 1
            else:
                warnings += 1
    return Open(errors, warnings)


def open_findings(project: Project, row: StatusRow, source: str) -> Open:
    path = project.catalog_path(row.slug, parse_language(row.language))
    glossary = project.inside(project.config.glossary_path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return Open()
    stamp: tuple[int, ...] = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
    if glossary.exists():
        stamp += (glossary.stat().st_mtime_ns,)
    return _count(str(path), stamp, source, row.language, str(glossary))


@dataclass
class Card:
    """One article (or the site's strings) and its language versions."""

    slug: str
    title: str
    source: str
    rows: list[tuple[StatusRow, Open, tuple[str, ...]]]


@bp.route("/")
@login_required
def index() -> Any:
    project: Project = current_app.config["PROJECT"]
    cards: dict[str, Card] = {}
    for row in status(project, []):
        if row.stage == "source":
            cards[row.slug] = Card(row.slug, project.article(row.slug).meta.title, row.language, [])
            continue
        if not g.user.can_edit(row.language):
            continue
        if row.slug not in cards:  # the site's strings
            cards[row.slug] = Card(row.slug, _("Site interface"), SITE_SOURCE, [])
        card = cards[row.slug]
        found = open_findings(project, row, card.source) if row.stats.total else Open()
        card.rows.append((row, found, actions_for(row, g.user)))
    shown = [card for card in cards.values() if card.rows]
    return render_template("dashboard/index.html", cards=shown)


def _editor() -> None:
    if not g.user.can_approve:
        abort(403)


def _title(project: Project, slug: str) -> str:
    return _("Site interface") if slug == SITE else project.article(slug).meta.title


@bp.route("/approve/<slug>/<language>", methods=["POST"])
@login_required
def approve_view(slug: str, language: str) -> Any:
    _editor()
    project = current_app.config["PROJECT"]
    names = {"title": _title(project, slug), "language": language_name(language)}
    try:
        action, _release = approve(
            project, slug, language, g.user.name, request.form.get("note", "")
        )
    except ApprovalRefused as exc:
        flash(
            ngettext(
                "%(title)s (%(language)s) was not approved: %(num)s reason.",
                "%(title)s (%(language)s) was not approved: %(num)s reasons.",
                len(exc.reasons),
                **names,
            )
            + " "
            + _("Open the review page to see what is still to do."),
            "error",
        )
        for reason in exc.reasons:
            flash(reason, "detail")  # the release gate's own words (English)
        return redirect(url_for("dashboard.index")), 303
    if action == "approved":
        flash(_("%(title)s (%(language)s) is approved.", **names), "ok")
    else:
        flash(_("%(title)s (%(language)s) was already approved as it is.", **names), "ok")
    return redirect(url_for("dashboard.index")), 303


@bp.route("/reject/<slug>/<language>", methods=["POST"])
@login_required
def reject_view(slug: str, language: str) -> Any:
    _editor()
    project = current_app.config["PROJECT"]
    note = request.form.get("note", "").strip()
    if not note:
        flash(_("Say what should change: sending back needs a note."), "error")
        return redirect(url_for("dashboard.index")), 303
    names = {"title": _title(project, slug), "language": language_name(language)}
    try:
        reject(project, slug, language, g.user.name, note)
    except WorkflowError as exc:
        flash(_("%(title)s (%(language)s) was not sent back.", **names), "error")
        flash(exc.message, "detail")  # the release module's own words (English)
        return redirect(url_for("dashboard.index")), 303
    flash(_("%(title)s (%(language)s) is sent back to review.", **names), "ok")
    return redirect(url_for("dashboard.index")), 303
