"""The segment review page and the save endpoint (form posts and JSON)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from workflow.languages import parse_language
from workflow.review import Row, Save, load_review
from workflow.web.auth import login_required, require_language

bp = Blueprint("review", __name__, url_prefix="/review")

FILTERS: dict[str, Callable[[Row], bool]] = {
    "all": lambda row: True,
    "untranslated": lambda row: row.state == "untranslated",
    "fuzzy": lambda row: row.state == "fuzzy",
    "reviewed": lambda row: row.state == "translated",
    "warnings": lambda row: bool(row.findings),
}


@bp.route("/<slug>/<language>")
@login_required
def article(slug: str, language: str) -> Any:
    tag = parse_language(language).tag
    require_language(tag)
    view = load_review(current_app.config["PROJECT"], slug, tag)
    name = request.args.get("filter", "all")
    keep = FILTERS.get(name, FILTERS["all"])
    blocks = [(block, [r for r in block.rows if keep(r)]) for block in view.blocks]
    return render_template(
        "review/article.html",
        view=view,
        blocks=[(b, rows) for b, rows in blocks if rows],
        current=name,
        filters=list(FILTERS),
    )


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json" or request.is_json


@bp.route("/<slug>/<language>/save", methods=["POST"])
@login_required
def save(slug: str, language: str) -> Any:
    tag = parse_language(language).tag
    user = require_language(tag)
    data = request.get_json(silent=True) if request.is_json else request.form
    data = data or {}
    attempt = Save(
        sid=str(data.get("sid", "")),
        base=str(data.get("base", "")),
        text=str(data.get("text", "")),
        action=str(data.get("action", "confirm")),
        who=user.name,
    )
    saver = current_app.extensions["workflow.saver"]
    result = saver.save(slug, tag, attempt)
    status = {"saved": 200, "unchanged": 200, "conflict": 409, "missing": 404}.get(
        result.result, 422
    )
    if _wants_json():
        return jsonify(
            result=result.result,
            message=result.message,
            current=result.current,
            yours=attempt.text,
            text=result.saved,
            state=result.state,
        ), status
    if result.result in ("saved", "unchanged"):
        target = url_for(
            "review.article", slug=slug, language=tag, filter=request.args.get("filter", "all")
        )
        return redirect(f"{target}#s-{attempt.sid}"), 303
    view = load_review(current_app.config["PROJECT"], slug, tag)
    blocks = [(b, b.rows) for b in view.blocks]
    return render_template(
        "review/article.html",
        view=view,
        blocks=blocks,
        current="all",
        filters=list(FILTERS),
        problem=result,
        yours=attempt.text,
    ), status


def row_class(row: Row) -> str:
    return f"state-{row.state}" + (" has-findings" if row.findings else "")


@bp.app_template_filter("tokens")
def tokens(text: str) -> Any:
    """Escaped text with placeholders shown as clear, distinct tokens."""
    from markupsafe import Markup, escape

    from workflow.segment import PLACEHOLDER_RE

    out = []
    position = 0
    for match in PLACEHOLDER_RE.finditer(text):
        out.append(str(escape(text[position : match.start()])))
        out.append(
            f'<span class="token" title="{escape(match.group(0))}">{escape(match.group(0))}</span>'
        )
        position = match.end()
    out.append(str(escape(text[position:])))
    return Markup("".join(out))


bp.app_template_global("row_class")(row_class)
