"""Notifications: each person's feed, and the webhooks and e-mails an event sends.

Recipe of :func:`emit`, called once per event (an assignment, a comment, a
version ready for approval, approved, sent back, a changed source):

1. **feed** — a line in ``work/notifications/<name>.jsonl`` for each person it
   concerns (never the one who did it), with what happened, not a sentence:
   the app and e-mails word it in the reader's language;
2. **webhooks** — one signed request per ``[[notify.webhooks]]`` endpoint that
   wants this event type, into the outbox;
3. **e-mail** — one message per person who gave an address and wants this
   kind (``instance/notify.json``), into the outbox;
4. **deliver** — wake the app's deliverer, or (from the command line) try
   the outbox once now; what fails stays queued and is retried.

A feed is append-only: seeing it appends a ``seen`` line; what came after the
latest one is new.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workflow.fsutil import atomic_write_bytes, file_lock
from workflow.project import Project
from workflow.team import outbox, webhooks
from workflow.team.store import append_line, read_lines, work_file

FOLDER = "notifications"
PREFS = "notify.json"
#: What a notification can be about, for a person.
KINDS = (
    "assigned",
    "mention",
    "question",
    "reply",
    "resolved",
    "ready",
    "approved",
    "changes-requested",
    "source-changed",
)


@dataclass(frozen=True)
class Notification:
    id: str
    time: str  # ISO 8601, UTC
    kind: str
    slug: str
    language: str
    actor: str
    event: str  # the webhook event type it came with
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Prefs:
    """Where and how a person wants e-mail (nothing, until they give an address)."""

    email: str = ""
    kinds: tuple[str, ...] = KINDS
    language: str = "en"


def _feed_path(project: Project, person: str):  # type: ignore[no-untyped-def]
    return work_file(project, FOLDER, person, ".jsonl")


def feed(project: Project, person: str, limit: int = 200) -> tuple[list[Notification], str]:
    """A person's notifications, newest first, and when they last looked (ISO, or "")."""
    items: dict[str, Notification] = {}
    seen = ""
    for record in read_lines(_feed_path(project, person)):
        if record.get("type") == "seen":
            seen = max(seen, str(record.get("time", "")))
            continue
        try:
            note = Notification(**{k: v for k, v in record.items() if k != "type"})
        except TypeError:
            continue
        items.setdefault(note.id, note)  # after a merge, a line may be there twice
    ordered = sorted(items.values(), key=lambda n: (n.time, n.id), reverse=True)  # newest first
    return ordered[:limit], seen


def unseen(project: Project, person: str) -> int:
    notes, seen = feed(project, person)
    return sum(1 for n in notes if n.time > seen)


def mark_seen(project: Project, person: str) -> None:
    append_line(
        project,
        _feed_path(project, person),
        {"type": "seen", "time": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")},
    )


# --------------------------------------------------------------------------- preferences


def _prefs_path(project: Project):  # type: ignore[no-untyped-def]
    return project.root / "instance" / PREFS


def read_prefs(project: Project) -> dict[str, Prefs]:
    path = _prefs_path(project)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    found = {}
    for name, d in data.items() if isinstance(data, dict) else ():
        if isinstance(d, dict):
            kinds = tuple(k for k in d.get("kinds", KINDS) if k in KINDS)
            found[name] = Prefs(str(d.get("email", "")), kinds, str(d.get("language", "en")))
    return found


def set_prefs(project: Project, person: str, prefs: Prefs) -> None:
    """Save a person's e-mail address, kinds and language (``instance/notify.json``)."""
    from workflow.errors import WorkflowError

    address = prefs.email.strip()
    if address and ("@" not in address or any(c.isspace() or c in "<>,;" for c in address)):
        raise WorkflowError(f"{address!r} is not an e-mail address")
    path = _prefs_path(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(path):
        data = {name: p.__dict__ for name, p in read_prefs(project).items()}
        data[person] = {
            "email": address,
            "kinds": [k for k in KINDS if k in prefs.kinds],
            "language": prefs.language,
        }
        atomic_write_bytes(path, json.dumps(data, indent=2, sort_keys=True).encode("utf-8"))
    path.chmod(0o600)


# --------------------------------------------------------------------------- emitting


def emit(
    project: Project,
    event: str,
    slug: str,
    language: str,
    actor: str,
    recipients: Mapping[str, str],
    data: Mapping[str, Any] | None = None,
) -> Notification:
    """Notify ``recipients`` (person → kind) and every interested receiver of ``event``."""
    now = dt.datetime.now(dt.UTC)
    stamp = now.isoformat(timespec="microseconds")
    base = Notification(
        id=f"n{time.time_ns():x}{secrets.token_hex(3)}",  # ordered by time, then unique
        time=stamp,
        kind="",
        slug=slug,
        language=language,
        actor=actor,
        event=event,
        data=dict(data or {}),
    )
    settings = project.config.team
    prefs = read_prefs(project) if settings.email is not None else {}
    queued = False
    for person, kind in recipients.items():
        if person == actor or not person:
            continue
        note = Notification(**{**base.__dict__, "id": base.id + "-" + person, "kind": kind})
        append_line(project, _feed_path(project, person), {"type": "notification", **note.__dict__})
        wanted = prefs.get(person)
        if settings.email is not None and wanted and wanted.email and kind in wanted.kinds:
            queued |= _queue_email(project, note, person, wanted)
    payload_data = {"slug": slug, "language": language, "actor": actor, **base.data}
    if settings.app_url and slug:
        payload_data["url"] = settings.app_url + (
            f"review/{slug}/{language}" if language else f"activity/{slug}"
        )
    for hook in settings.webhooks:
        if hook.wants(event):
            message_id = webhooks.new_message_id()
            body = webhooks.payload(event, now.strftime("%Y-%m-%dT%H:%M:%SZ"), payload_data)
            outbox.enqueue(
                project,
                outbox.Message(
                    message_id, "webhook", hook.url, event, body, time.time(), hook.secret_env
                ),
            )
            queued = True
    if queued:
        kick(project)
    return base


def _queue_email(project: Project, note: Notification, person: str, prefs: Prefs) -> bool:
    from workflow.team.texts import email_text

    subject, text = email_text(project, note, person, prefs.language)
    body = outbox.message_body({"subject": subject, "text": text})
    message = outbox.Message(
        "mail_" + secrets.token_hex(10), "email", prefs.email, note.kind, body, time.time()
    )
    outbox.enqueue(project, message)
    return True


# --------------------------------------------------------------------------- delivering


def send(project: Project, message: outbox.Message) -> None:
    """Deliver one outbox message by its channel (the outbox's :data:`Sender`)."""
    settings = project.config.team
    if message.channel == "webhook":
        webhooks.send(
            message.target, message.secret_env, message.id, message.body, settings.timeout
        )
        return
    from workflow.team import mail

    if settings.email is None:
        raise webhooks.DeliveryError("e-mail is not configured ([notify.email])")
    content = json.loads(message.body)
    built = mail.build(
        settings.email, message.target, content["subject"], content["text"], message.id
    )
    mail.send(settings.email, built, settings.timeout)


_deliverers: dict[str, outbox.Deliverer] = {}
_deliverers_guard = threading.Lock()


def start_deliverer(project: Project) -> outbox.Deliverer | None:
    """Deliver in the background from now on (the app); None when nothing goes out."""
    if not project.config.team.outbound:
        return None
    with _deliverers_guard:
        key = str(project.root)
        if key not in _deliverers:
            _deliverers[key] = outbox.Deliverer(project, send).start()
        return _deliverers[key]


def stop_deliverer(project: Project) -> None:
    with _deliverers_guard:
        found = _deliverers.pop(str(project.root), None)
    if found is not None:
        found.stop()


def kick(project: Project) -> None:
    """New messages: wake the background deliverer, or try them now (command line)."""
    running = _deliverers.get(str(project.root))
    if running is not None:
        running.wake.set()
    else:
        outbox.deliver_due(project, send)
