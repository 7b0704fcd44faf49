"""The ``[project]`` time zone and the ``[notify]`` delivery settings of ``workflow.toml``.

Checked in the same single pass as the rest of the file: :func:`parse_team`
reports every problem through the config checker's ``problem`` callback and
returns frozen settings with defaults for whatever is absent.  Secrets never
live in the file (it is versioned): a webhook's signing secret and the SMTP
password are read from environment variables the file names.

Example::

    [project]
    timezone = "Europe/Madrid"        # due times are entered and shown in this zone
    due_soon_hours = 6                # "due soon" this long before the due time

    [notify]
    app_url = "https://desk.example.org/"   # links in e-mails and webhook payloads
    retry_hours = 72                        # keep retrying a delivery this long

    [[notify.webhooks]]
    url = "https://cms.example.org/hooks/workflow"
    secret_env = "WORKFLOW_WEBHOOK_SECRET"  # holds whsec_…
    events = ["article.approved"]           # default: every event

    [notify.email]
    host = "smtp.example.org"
    port = 587
    sender = "Translation desk <desk@example.org>"
    security = "starttls"                   # starttls | ssl | none
    username = "desk"
    password_env = "WORKFLOW_SMTP_PASSWORD"
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

#: Webhook event types, Standard Webhooks style (``group.event``).
EVENT_TYPES = (
    "assignment.created",
    "comment.created",
    "comment.resolved",
    "article.ready_for_approval",
    "article.approved",
    "article.changes_requested",
    "article.source_changed",
    "ping",
)
SECURITY = ("starttls", "ssl", "none")
_ENV = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

Problem = Callable[[str, str], None]


@dataclass(frozen=True)
class Webhook:
    """One receiver of signed webhooks."""

    url: str
    secret_env: str = "WORKFLOW_WEBHOOK_SECRET"
    events: tuple[str, ...] = ()  # empty: every event

    def wants(self, event_type: str) -> bool:
        return not self.events or event_type in self.events or event_type == "ping"


@dataclass(frozen=True)
class Email:
    """The SMTP server e-mail notifications go through (off when absent)."""

    host: str
    sender: str
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password_env: str = "WORKFLOW_SMTP_PASSWORD"


@dataclass(frozen=True)
class TeamSettings:
    """Time zone, deadlines and outbound notification settings."""

    timezone: str = "UTC"
    due_soon_hours: float = 6.0
    app_url: str = ""
    webhooks: tuple[Webhook, ...] = ()
    email: Email | None = None
    timeout: float = 10.0  # seconds per delivery attempt
    backoff: float = 5.0  # first wait after a failed attempt; doubles each time
    backoff_cap: float = 3600.0  # longest wait between attempts
    retry_hours: float = 72.0  # then a delivery is set aside in the outbox's failed/ folder

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def outbound(self) -> bool:
        """Whether anything is delivered outside the app."""
        return bool(self.webhooks) or self.email is not None


def _number(problem: Problem, table: dict[str, Any], section: str, key: str) -> float | None:
    if key not in table:
        return None
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        problem(f"{section}.{key}", f"must be a number >= 0, not {value!r}")
        return None
    return float(value)


def _url(problem: Problem, name: str, value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        problem(name, f"must be an http(s) URL, not {value!r}")
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        problem(name, f"must be an absolute http(s) URL, not {value!r}")
        return None
    return value.strip()


def _env_name(problem: Problem, name: str, value: object) -> str | None:
    if not isinstance(value, str) or not _ENV.match(value):
        problem(name, f"must name an environment variable (letters, digits, _), not {value!r}")
        return None
    return value


def _unknown(problem: Problem, section: str, table: dict[str, Any], allowed: set[str]) -> None:
    for key in table:
        if key not in allowed:
            problem(f"{section}.{key}", "unknown key")


def parse_team(problem: Problem, project: dict[str, Any], notify: dict[str, Any]) -> TeamSettings:
    """Check ``[project]`` and ``[notify]``; report each problem, return what is valid."""
    values: dict[str, Any] = {}
    _unknown(problem, "project", project, {"timezone", "due_soon_hours"})
    if "timezone" in project:
        zone = project["timezone"]
        try:
            if not isinstance(zone, str):
                raise ValueError(zone)
            zoneinfo.ZoneInfo(zone)
            values["timezone"] = zone
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            problem("project.timezone", f'unknown time zone {zone!r} (e.g. "Europe/Madrid")')
    soon = _number(problem, project, "project", "due_soon_hours")
    if soon is not None:
        values["due_soon_hours"] = soon

    _unknown(
        problem,
        "notify",
        notify,
        {"app_url", "webhooks", "email", "timeout", "backoff", "backoff_cap", "retry_hours"},
    )
    if "app_url" in notify:
        url = _url(problem, "notify.app_url", notify["app_url"])
        if url is not None:
            values["app_url"] = url if url.endswith("/") else url + "/"
    for key in ("timeout", "backoff", "backoff_cap", "retry_hours"):
        number = _number(problem, notify, "notify", key)
        if number is not None:
            values[key] = number
    values["webhooks"] = _webhooks(problem, notify.get("webhooks", []))
    if "email" in notify:
        values["email"] = _email(problem, notify["email"])
    return TeamSettings(**values)


def _webhooks(problem: Problem, value: object) -> tuple[Webhook, ...]:
    if not isinstance(value, list):
        problem("notify.webhooks", "must be a list of tables ([[notify.webhooks]])")
        return ()
    found: list[Webhook] = []
    for index, table in enumerate(value):
        name = f"notify.webhooks[{index}]"
        if not isinstance(table, dict):
            problem(name, "must be a table with url, secret_env and events")
            continue
        _unknown(problem, name, table, {"url", "secret_env", "events"})
        url = _url(problem, f"{name}.url", table.get("url"))
        env = _env_name(
            problem, f"{name}.secret_env", table.get("secret_env", "WORKFLOW_WEBHOOK_SECRET")
        )
        events = table.get("events", [])
        if not isinstance(events, list) or not all(isinstance(e, str) for e in events):
            problem(f"{name}.events", f"must be a list of event types, not {events!r}")
            events = []
        for event in events:
            if event not in EVENT_TYPES:
                problem(
                    f"{name}.events", f"unknown event {event!r} (known: {', '.join(EVENT_TYPES)})"
                )
        if url is not None and env is not None:
            found.append(Webhook(url, env, tuple(e for e in events if e in EVENT_TYPES)))
    return tuple(found)


def _email(problem: Problem, table: object) -> Email | None:
    if not isinstance(table, dict):
        problem("notify.email", "must be a table")
        return None
    allowed = {"host", "port", "sender", "security", "username", "password_env"}
    _unknown(problem, "notify.email", table, allowed)
    host, sender = table.get("host"), table.get("sender")
    ok = True
    if not isinstance(host, str) or not host.strip():
        problem("notify.email.host", "is required (the SMTP server's name)")
        ok = False
    if not isinstance(sender, str) or "@" not in sender:
        problem("notify.email.sender", "is required: an address such as desk@example.org")
        ok = False
    port = table.get("port", 587)
    if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
        problem("notify.email.port", f"must be a port number, not {port!r}")
        ok = False
    security = table.get("security", "starttls")
    if security not in SECURITY:
        problem("notify.email.security", f"must be one of {', '.join(SECURITY)}, not {security!r}")
        ok = False
    username = table.get("username", "")
    if not isinstance(username, str):
        problem("notify.email.username", f"must be a string, not {username!r}")
        ok = False
    env = _env_name(
        problem, "notify.email.password_env", table.get("password_env", "WORKFLOW_SMTP_PASSWORD")
    )
    if not ok or env is None:
        return None
    assert isinstance(host, str) and isinstance(sender, str)
    return Email(host.strip(), sender.strip(), port, security, username, env)
