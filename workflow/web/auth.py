"""Login, logout and the ``login_required`` guard."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from workflow.users import User, UserStore
from workflow.web.i18n import gettext

bp = Blueprint("auth", __name__)
F = TypeVar("F", bound=Callable[..., Any])


def users() -> UserStore:
    return UserStore(current_app.config["PROJECT"].root / "instance")


@bp.before_app_request
def load_user() -> None:
    name = session.get("user")
    g.user = users().get(name) if name else None


def login_required(view: F) -> F:
    """Send anonymous visitors to the login page."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def require_language(language: str) -> User:
    """The current user, if they may edit ``language``; else 403."""
    user: User = g.user
    if not user.can_edit(language):
        abort(403, f"{user.name} does not translate {language}")
    return user


def _safe_next(target: str | None) -> str:
    """Only redirect inside this app."""
    if not target:
        return url_for("dashboard.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return url_for("dashboard.index")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "POST":
        user = users().authenticate(request.form.get("name", ""), request.form.get("password", ""))
        if user is None:
            flash(gettext("Unknown name or wrong password."))
            return render_template("auth/login.html"), 401
        session.clear()
        session["user"] = user.name
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html")


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    session.clear()
    return redirect(url_for("auth.login"))
