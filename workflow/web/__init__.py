"""The review web app: translators review segments, editors approve releases.

Built like Flask's tutorial: :func:`create_app` is the factory, one blueprint
per area (``auth``, ``dashboard``, ``review``), templates under
``templates/<blueprint>/``.  It reads and writes the same PO files as the
command line, so Poedit and the app can be used side by side.

Security: every page but the login page needs a session; sessions live in
signed, HttpOnly, SameSite=Lax cookies; every POST carries a CSRF token
(Flask-WTF); Jinja autoescaping shows everything a person typed as text.
"""

from __future__ import annotations

import functools
import gettext
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from workflow.errors import ProjectError, WorkflowError
from workflow.lazycommit import install as install_lazy_commit
from workflow.project import Project

TRANSLATIONS = Path(__file__).parent / "translations"
csrf = CSRFProtect()


def _secret_key(instance: Path) -> str:
    path = instance / "secret_key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


@functools.cache
def ui_languages() -> tuple[str, ...]:
    """Languages the app's own interface is translated into, English first."""
    found: list[str] = []
    if TRANSLATIONS.is_dir():
        found = sorted(
            p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES" / "messages.mo").exists()
        )
    return ("en", *found)


@functools.cache
def _catalog(language: str) -> gettext.NullTranslations:
    return gettext.translation("messages", str(TRANSLATIONS), languages=[language], fallback=True)


def _translations() -> gettext.NullTranslations:
    """The interface language: the browser's preference among those we have (cached)."""
    if "ui" not in g:
        choice = request.accept_languages.best_match(ui_languages()) or "en"
        g.ui = _catalog(choice)
        g.ui_language = choice
    translations: gettext.NullTranslations = g.ui
    return translations


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
        SESSION_COOKIE_SECURE=False,  # `workflow serve --secure-cookies` behind HTTPS
        WTF_CSRF_TIME_LIMIT=None,  # valid for the session
        MAX_CONTENT_LENGTH=1024 * 1024,
        PROJECT=project,
    )
    if test_config is not None:
        app.config.update(test_config)
    csrf.init_app(app)

    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: _translations().gettext(message),
        lambda singular, plural, n: _translations().ngettext(singular, plural, n),
        newstyle=True,
    )

    from workflow.review import Saver
    from workflow.web import auth, dashboard, review

    app.extensions["workflow.saver"] = Saver(project)
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(review.bp)
    install_lazy_commit(app, project)

    @app.before_request
    def choose_interface_language() -> None:
        _translations()

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_template("error.html", message=error.description), 400

    @app.errorhandler(ProjectError)
    def not_found(error: ProjectError) -> tuple[str, int]:
        return render_template("error.html", message=error.message), 404

    @app.errorhandler(WorkflowError)
    def workflow_error(error: WorkflowError) -> tuple[str, int]:
        return render_template("error.html", message=error.message), 400

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
