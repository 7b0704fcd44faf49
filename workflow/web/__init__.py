"""The review web app: translators review segments, editors approve releases.

Built like Flask's tutorial: :func:`create_app` is the factory, one blueprint
per area (``auth``, ``dashboard``, ``review``), templates under
``templates/<blueprint>/``.  It reads and writes the same PO files as the
command line, so Poedit and the app can be used side by side.

The interface speaks the person's language (:mod:`workflow.web.i18n`): their
setting, else their browser's; every domain word — states, stages, checks,
provenance — is worded by :mod:`workflow.web.labels`.

Security: every page but the login page needs a session; the signed,
HttpOnly, SameSite=Lax cookie carries a token the server checks on every
request (logout, a changed password, role or languages and idle time end it;
:mod:`workflow.web.sessions`); failed logins are throttled; every POST carries
a CSRF token (Flask-WTF); Jinja autoescaping shows everything a person typed
as text.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from workflow.errors import ProjectError, WorkflowError
from workflow.lazycommit import install as install_lazy_commit
from workflow.project import Project
from workflow.web import i18n, labels
from workflow.web.i18n import gettext as _

csrf = CSRFProtect()


def _secret_key(instance: Path) -> str:
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(
    test_config: dict[str, Any] | None = None, project_root: Path | None = None
) -> Flask:
    """Create the review app for the project at ``project_root`` (default: found from cwd)."""
    project = Project.load(project_root)
    instance = project.root / "instance"
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=_secret_key(instance),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,  # `workflow serve` sets it unless on loopback only
        WTF_CSRF_TIME_LIMIT=None,  # valid for the session
        MAX_CONTENT_LENGTH=1024 * 1024,
        PROJECT=project,
    )
    if test_config is not None:
        app.config.update(test_config)
    csrf.init_app(app)

    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: i18n.catalog(i18n.language()).ugettext(message),
        lambda singular, plural, n: i18n.catalog(i18n.language()).ungettext(singular, plural, n),
        newstyle=True,
    )
    app.jinja_env.filters.update(labels.FILTERS)
    app.jinja_env.filters.update(day=i18n.day, language_name=i18n.language_name)
    app.jinja_env.globals.update(ui_language=i18n.language, kind_label=labels.kind)

    from workflow.saver import Saver
    from workflow.web import account, auth, dashboard, report, review, team

    # `workflow serve --workers N` hands the workers a RemoteSaver: one writer for all.
    app.extensions["workflow.saver"] = app.config.get("SAVER") or Saver(project)
    auth.install(app)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(report.bp)
    install_lazy_commit(app, project)
    team.init_app(app)  # My work, assignments, comments, notifications, activity

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        message = _("The form has expired or did not come from this page. Reload and try again.")
        return render_template("error.html", message=message), 400

    @app.errorhandler(ProjectError)
    def not_found(error: ProjectError) -> tuple[str, int]:
        message = _("There is no such article or language.")
        return render_template("error.html", message=message, detail=error.message), 404

    @app.errorhandler(WorkflowError)
    def workflow_error(error: WorkflowError) -> tuple[str, int]:
        message = _("This could not be done.")
        return render_template("error.html", message=message, detail=error.message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if error.code is None or error.code < 400:
            return error
        messages = {
            403: _("You may not open this page or do this."),
            404: _("There is no such page."),
            405: _("This page cannot be used that way."),
            413: _("What you sent is too large."),
        }
        message = messages.get(error.code, _("The request could not be handled."))
        return render_template("error.html", message=message), error.code

    @app.after_request
    def security_headers(response: Any) -> Any:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:",
        )
        return response

    return app
