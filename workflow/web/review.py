"""The translator's desk: the review page, saves (form posts and JSON), history, concordance.

Every view works without JavaScript (plain links and form posts); the page's
script (``static/review.js``) only makes the same requests in the background
and shows the answers in place.  A JSON save answer carries everything the
page updates at once — state, provenance, findings, progress — already worded
in the person's language.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup, escape

from workflow import concordance
from workflow.audit import read_log
from workflow.catalog import read_catalog
from workflow.drafts import draft_of
from workflow.history import segment_history
from workflow.languages import parse_language
from workflow.qa import ERROR, Finding
from workflow.review import Row, load_review, segment_id
from workflow.saver import Save
from workflow.segment import PLACEHOLDER_RE
from workflow.web import labels
from workflow.web.auth import login_required, require_language
from workflow.web.i18n import gettext as _
from workflow.web.i18n import ngettext
from workflow.web.inputs import BadSave, save_body

bp = Blueprint("review", __name__, url_prefix="/review")

FILTERS: dict[str, Callable[[Row], bool]] = {
    "all": lambda row: True,
    "untranslated": lambda row: row.state == "untranslated",
    "fuzzy": lambda row: row.state == "fuzzy",
    "reviewed": lambda row: row.state == "translated",
    "warnings": lambda row: bool(row.findings),
}
#: HTTP status of each save result.
STATUS = {"saved": 200, "unchanged": 200, "conflict": 409, "missing": 404}


def _project() -> Any:
    return current_app.config["PROJECT"]


def _checked(slug: str, language: str) -> str:
    """The language tag, once the person may edit it and the article exists (else 403/404)."""
    tag = parse_language(language).tag
    require_language(tag)
    if slug != "site" and not _project().article_path(slug).exists():
        abort(404)
    return tag


def _page(slug: str, tag: str, name: str, **extra: Any) -> str:
    view = load_review(_project(), slug, tag)
    view.title = labels_title(slug)  # the site's strings have a title in the interface language
    keep = FILTERS.get(name, FILTERS["all"])
    blocks = [(block, [r for r in block.rows if keep(r)]) for block in view.blocks]
    blocks = [(b, rows) for b, rows in blocks if rows]
    # the first segment to review: not confirmed, or confirmed with an error that blocks approval
    first_open = next(
        (r.sid for _b, rows in blocks for r in rows if r.state != "translated" or r.has_errors),
        None,
    )
    return render_template(
        "review/article.html",
        view=view,
        blocks=blocks,
        current=name if name in FILTERS else "all",
        filters=list(FILTERS),
        first_open=first_open,
        **extra,
    )


@bp.route("/<slug>/<language>")
@login_required
def article(slug: str, language: str) -> Any:
    tag = _checked(slug, language)
    return _page(slug, tag, request.args.get("filter", "all"))


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


def _attempt(data: Any, who: str) -> Save:
    """A :class:`Save` from the posted fields; the buttons' actions mapped to the saver's."""
    action = str(data.get("action", "confirm"))
    force = str(data.get("force", "")).lower() in ("1", "true", "yes")
    silence: tuple[str, ...] = ()
    if action == "confirm-anyway":
        action, force = "confirm", True
    elif action == "silence":
        action = "confirm"
        names = data.getlist("silence") if hasattr(data, "getlist") else data.get("silence", [])
        silence = tuple(str(n) for n in ([names] if isinstance(names, str) else names))
    return Save(
        sid=str(data.get("sid", "")),
        base=str(data.get("base", "")),
        text=str(data.get("text", "")),
        action=action,
        who=who,
        force=force,
        silence=silence,
        reason=str(data.get("reason", "")),
    )


@bp.route("/<slug>/<language>/save", methods=["POST"])
@login_required
def save(slug: str, language: str) -> Any:
    tag = parse_language(language).tag
    user = require_language(tag)
    try:
        data = save_body(request)
    except BadSave as bad:
        return jsonify(result="invalid", message=bad.message), bad.status
    attempt = _attempt(data, user.name)
    result = current_app.extensions["workflow.saver"].save(slug, tag, attempt)
    status = STATUS.get(result.result, 422)
    if _wants_json():
        return jsonify(answer(result)), status
    name = request.args.get("filter", "all")
    if result.result in ("saved", "unchanged"):
        target = url_for("review.article", slug=slug, language=tag, filter=name)
        return redirect(f"{target}#s-{attempt.sid}"), 303
    return _page(slug, tag, "all", problem=result), status


def answer(result: Save) -> dict[str, Any]:
    """The JSON answer to a save, worded in the interface language."""
    findings = [
        {
            "check": f.check,
            "severity": f.severity,
            "label": labels.check(f.check),
            "severity_label": labels.severity(f.severity),
            "message": labels.finding(f),
        }
        for f in result.findings
    ]
    progress_line = progress_text(result.reviewed, result.total)
    progress = {"reviewed": result.reviewed, "total": result.total, "text": progress_line}
    provenance = [text for text in map(labels.note, result.notes) if text]
    message = _(result.message) if result.message else ""
    if result.result in ("saved", "unchanged"):
        said = [labels.state(result.state), *provenance[-1:]]
        errors = sum(1 for f in result.findings if f.severity == ERROR)
        if result.findings:
            said.append(
                ngettext("%(num)s quality finding", "%(num)s quality findings", len(findings))
                if not errors
                else ngettext("%(num)s quality error", "%(num)s quality errors", errors)
            )
        said.append(progress_line)
        announce = _("Saved.") + " " + ". ".join(said) + "."
    else:
        announce = " ".join([message, *(labels.finding(f) for f in result.findings)])
    return {
        "result": result.result,
        "message": message,
        "current": result.current,
        "yours": result.text,
        "text": result.saved,
        "state": result.state,
        "state_label": labels.state(result.state) if result.state else "",
        "provenance": provenance,
        "findings": findings,
        "progress": progress,
        "announce": announce,
        "feedback": feedback(result),
    }


def feedback(result: Save) -> str:
    """The findings or problem as HTML, for the page to show under the segment.

    A save that went through without findings shows nothing: no template to render.
    """
    if result.result in ("saved", "unchanged") and not result.findings:
        return ""
    return render_template("review/_feedback.html", problem=result, row=None)


def progress_text(reviewed: int, total: int) -> str:
    return _("%(done)s of %(total)s segments reviewed", done=reviewed, total=total)


def _entry(slug: str, tag: str, sid: str) -> Any:
    project = _project()
    if slug != "site":
        project.article(slug)  # checks the slug
    path = project.catalog_path(slug, parse_language(tag))
    for entry in read_catalog(path, project.relative(path)):
        if not entry.obsolete and segment_id(entry.msgctxt, entry.msgid) == sid:
            return entry
    abort(404)


@bp.route("/<slug>/<language>/history/<sid>")
@login_required
def history(slug: str, language: str, sid: str) -> Any:
    """Every version of one segment, from the audit log; each can be restored."""
    tag = _checked(slug, language)
    entry = _entry(slug, tag, sid)
    events = [e for e in read_log(_project().root, slug) if e.language == tag]
    versions = segment_history(events, entry.msgid, entry.msgctxt, entry.msgstr, draft_of(entry))
    template = "review/_history.html" if request.args.get("part") else "review/history.html"
    source = "en" if slug == "site" else _project().article(slug).meta.language.tag
    return render_template(
        template,
        versions=list(reversed(versions)),
        source_language=source,
        entry=entry,
        sid=sid,
        slug=slug,
        language=tag,
        title=labels_title(slug),
    )


def labels_title(slug: str) -> str:
    return _("Site interface") if slug == "site" else _project().article(slug).meta.title


@bp.route("/<slug>/<language>/search")
@login_required
def search(slug: str, language: str) -> Any:
    """Concordance: a word or phrase in every reviewed segment translated into ``language``."""
    tag = _checked(slug, language)
    query = request.args.get("q", "").strip()[:200]
    hits = concordance.search(_project().root, query, tag) if query else []
    template = "review/_search.html" if request.args.get("part") else "review/search.html"
    return render_template(
        template, hits=hits, query=query, slug=slug, language=tag, title=labels_title(slug)
    )


# --------------------------------------------------------------------------- placeholders


def chip(token: str, description: str) -> tuple[str, str]:
    """A placeholder's short label ("⟨1", "1⟩", "⟨1⟩") and its spoken name."""
    match = PLACEHOLDER_RE.fullmatch(token)
    if not match:
        return token, token
    closing, pair, atom = match.groups()
    number = pair or atom
    what = labels.placeholder(description) if description else _("markup")
    if atom:
        return f"⟨{number}⟩", _("Placeholder %(n)s: %(what)s", n=number, what=what)
    if closing:
        return f"{number}⟩", _("End of placeholder %(n)s", n=number)
    return f"⟨{number}", _("Placeholder %(n)s starts: %(what)s", n=number, what=what)


@bp.app_template_global("chips_of")
def chips_of(row: Row) -> dict[str, list[str]]:
    """Every token of the source with its label and name, in source order (for the editor)."""
    out: dict[str, list[str]] = {}
    for match in PLACEHOLDER_RE.finditer(row.msgid):
        token = match.group(0)
        opening = token.replace("</", "<")
        label, name = chip(token, row.placeholders.get(opening, ""))
        out[token] = [label, name, labels.placeholder(row.placeholders.get(opening, ""))]
    return out


@bp.app_template_filter("chips")
def chips(text: str, notes: dict[str, str] | None = None) -> Markup:
    """Escaped text with placeholders shown as chips (the same as in the editor)."""
    notes = notes or {}
    out = []
    position = 0
    for match in PLACEHOLDER_RE.finditer(text):
        token = match.group(0)
        label, name = chip(token, notes.get(token.replace("</", "<"), ""))
        out.append(str(escape(text[position : match.start()])))
        out.append(
            f'<span class="chip" role="img" data-token="{escape(token)}" '
            f'aria-label="{escape(name)}" title="{escape(name)}">{escape(label)}</span>'
        )
        position = match.end()
    out.append(str(escape(text[position:])))
    return Markup("".join(out))


@bp.app_template_filter("silenceable")
def silenceable(findings: list[Finding]) -> list[str]:
    """The checks whose errors a reviewer may silence with a reason (a broken placeholder
    must be mended: the page would break)."""
    return list(
        dict.fromkeys(
            f.check for f in findings if f.severity == ERROR and f.check != "placeholders"
        )
    )


@bp.app_template_filter("chips_json")
def chips_json(row: Row) -> str:
    return json.dumps(chips_of(row), ensure_ascii=False)


@bp.app_template_global("rows_for")
def rows_for(text: str) -> int:
    """Rows a plain text box needs to show ``text`` whole (without JavaScript)."""
    return max(2, min(12, len(text) // 48 + 1 + text.count("\n")))
