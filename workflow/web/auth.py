"""Login, logout and the ``login_required`` guard.

The session cookie holds a random token that the server checks on every
request (:mod:`workflow.web.sessions`): logging out, a new password, role or
languages, removal or a long idle time end it.  Failed logins are throttled
per account name and per client address; a locked login is refused before
any password is checked, and an unknown name costs the same time as a known
one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

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
    session,
    url_for,
)

from workflow.users import User, UserStore
from workflow.web.i18n import gettext
from workflow.web.sessions import DEFAULT_IDLE, Sessions, Throttle, throttle_keys

bp = Blueprint("auth", __name__)
F = TypeVar("F", bound=Callable[..., Any])


def users() -> UserStore:
    return UserStore(current_app.config["PROJECT"].root / "instance")


def install(app: Flask) -> None:
    """Give the app its session store and login throttle (one line in ``create_app``)."""
    instance = app.config["PROJECT"].root / "instance"
    review = app.config["PROJECT"].config.review
    idle = app.config.get("SESSION_IDLE_SECONDS") or review.idle_minutes * 60 or DEFAULT_IDLE
    app.extensions["workflow.sessions"] = Sessions(instance, float(idle))
    app.extensions["workflow.throttle"] = Throttle(instance)
    if app.config.get("BEHIND_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.register_blueprint(bp)


def _sessions() -> Sessions:
    sessions: Sessions = current_app.extensions["workflow.sessions"]
    return sessions


@bp.before_app_request
def load_user() -> None:
    g.user = None
    token = session.get("sid")
    if not isinstance(token, str):
        return
    store = users()

    def stamp_of(name: str) -> str | None:
        person = store.get(name)
        return person.stamp if person else None

    name = _sessions().check(token, stamp_of)
    if name is None:
        session.clear()
        return
    g.user = store.get(name)


def login_required(view: F) -> F:
    """Send anonymous visitors to the login page."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.user is None:
            # full_path ends in a bare "?" when there is no query string
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
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
        name = request.form.get("name", "")
        throttle: Throttle = current_app.extensions["workflow.throttle"]
        keys = throttle_keys(name, request.remote_addr)
        wait = throttle.wait(keys)
        if wait:
            # "s", the unit symbol, reads right for any number in every language.
            flash(
                gettext("Too many failed logins. Try again in %(seconds)d s.", seconds=wait),
                "error",
            )
            return render_template("auth/login.html", name=name), 429, {"Retry-After": str(wait)}
        user = users().authenticate(name, request.form.get("password", ""))
        if user is None:
            throttle.failed(keys)
            flash(gettext("Unknown name or wrong password."), "error")
            return render_template("auth/login.html", name=name), 401
        throttle.succeeded(keys[:1])
        old = session.get("sid")
        if isinstance(old, str):
            _sessions().end(old)
        session.clear()
        session["sid"] = _sessions().start(user.name, user.stamp)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html")


@bp.route("/logout", methods=["POST"])
def logout() -> Any:
    token = session.get("sid")
    if isinstance(token, str):
        _sessions().end(token)
    session.clear()
    flash(gettext("You are logged out."), "ok")
    return redirect(url_for("auth.login"))
