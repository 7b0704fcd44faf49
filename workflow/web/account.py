"""A person's own settings: the language of the interface."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from workflow.web.auth import login_required, users
from workflow.web.i18n import autonym, gettext, ui_languages

bp = Blueprint("account", __name__)


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings() -> Any:
    choices = [(tag, autonym(tag)) for tag in ui_languages()]
    if request.method == "POST":
        chosen = request.form.get("ui_language", "")
        if chosen and chosen not in ui_languages():
            flash(gettext("That language is not available."), "error")
            return redirect(url_for("account.settings")), 303
        g.user = users().set_ui_language(g.user.name, chosen)
        g.pop("ui_language", None)  # speak the new language from here on
        flash(gettext("Your settings are saved."), "ok")
        return redirect(url_for("account.settings")), 303
    return render_template("account/settings.html", choices=choices)
