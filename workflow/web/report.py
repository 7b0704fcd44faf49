"""The MT quality report page: which engine saves the desk the most work (editors only).

The figures are :func:`workflow.report.quality_report`'s, as ``workflow report``
shows them; the page adds a chart (per engine and language pair, each month's
share of drafts accepted unchanged and chrF, as bars) and a month filter.
Bars are small SVGs sized by attribute, so the strict Content-Security-Policy
(no inline styles) holds; every number is also written out as text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from babel.numbers import format_decimal, format_percent
from flask import Blueprint, abort, current_app, g, render_template, request

from workflow.report import Row, quality_report
from workflow.web import i18n
from workflow.web.auth import login_required

bp = Blueprint("report", __name__, url_prefix="/report")


@bp.route("/")
@login_required
def index() -> Any:
    if not g.user.can_approve:
        abort(403)
    since = request.args.get("since", "").strip()
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", since):
        since = ""
    rows = quality_report(current_app.config["PROJECT"].root, since or None)
    groups: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        groups[(row.engine, row.pair)].append(row)
    locale = i18n.language()

    def number(value: float | None, digits: int = 1) -> str:
        if value is None:
            return "–"
        return format_decimal(
            value, format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale=locale
        )

    def percent(share: float) -> str:
        return format_percent(share, format="#,##0.0 %", locale=locale)

    return render_template(
        "report/index.html",
        rows=rows,
        groups=sorted(groups.items()),
        since=since,
        number=number,
        percent=percent,
    )
