"""Webhooks and e-mail leave the outbox: signed, retried, never lost.

A real HTTP receiver on 127.0.0.1 checks every request with the reference
Standard Webhooks library; a real SMTP server (aiosmtpd) takes the e-mail.
"""

from __future__ import annotations

import email.policy
import http.server
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message as EmailMessage
from pathlib import Path

import pytest
import standardwebhooks
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from workflow.cli import cli
from workflow.project import Project
from workflow.team import notifications, outbox
from workflow.team.notifications import KINDS, Prefs, emit, set_prefs
from workflow.team.webhooks import new_secret, secret_keys, signature

from .conftest import ROOT, SLUG

SECRET_ENV = "TEST_WORKFLOW_WEBHOOK_SECRET"


@dataclass
class Receiver:
    """An HTTP server that answers with the given statuses (then 200) and keeps each request."""

    port: int
    statuses: list[int] = field(default_factory=list)
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    server: http.server.ThreadingHTTPServer | None = None

    def start(self) -> Receiver:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.requests.append((dict(self.headers.items()), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def verified(self, secret: str) -> list[dict[str, object]]:
        """Every request's payload, each checked by the reference verifier (raises if not)."""
        hook = standardwebhooks.Webhook(secret)
        return [hook.verify(body, headers) for headers, body in self.requests]


@contextmanager
def reserved_port() -> Iterator[tuple[int, socket.socket]]:
    """A port nothing listens on yet (bound, not listening: connections are refused)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    try:
        yield sock.getsockname()[1], sock
    finally:
        sock.close()


def configure(project: Project, text: str) -> Project:
    path = project.root / "workflow.toml"
    path.write_text(path.read_text() + "\n" + text)
    return Project.load(project.root)


def with_webhook(project: Project, port: int, extra: str = "backoff = 5") -> Project:
    return configure(
        project,
        f"""
[notify]
app_url = "https://desk.example.org/"
{extra}

[[notify.webhooks]]
url = "http://127.0.0.1:{port}/hook"
secret_env = "{SECRET_ENV}"
""",
    )


@pytest.fixture
def secret(monkeypatch: pytest.MonkeyPatch) -> str:
    value = new_secret()
    monkeypatch.setenv(SECRET_ENV, value)
    return value


def ping(project: Project, n: int) -> None:
    emit(project, "ping", "", "", "marta", {}, {"n": n})


def test_signature_follows_standard_webhooks(secret: str) -> None:
    key = secret_keys(secret)[0]
    header = signature([key], "msg_1", 1764489600, '{"a":1}')
    verifier = standardwebhooks.Webhook(secret)
    assert verifier.sign("msg_1", _at(1764489600), '{"a":1}') == header
    with pytest.raises(Exception, match="whsec_"):
        secret_keys("not-a-secret")


def _at(seconds: int):  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def test_approval_webhook_is_signed_and_the_receiver_verifies_it(
    project: Project, secret: str, fill
) -> None:  # type: ignore[no-untyped-def]
    from workflow.extract import extract
    from workflow.languages import parse_language
    from workflow.release import approve

    receiver = Receiver(0).start()
    assert receiver.server is not None
    try:
        project = with_webhook(project, receiver.server.server_address[1])
        extract(project, [SLUG])
        fill(project.catalog_path(SLUG, parse_language("es")), lambda msgid: msgid)
        approve(project, SLUG, "es", "marta", "figures checked")
        [payload] = receiver.verified(secret)
        headers, body = receiver.requests[0]
    finally:
        receiver.stop()
    assert payload["type"] == "article.approved"
    assert payload["data"] == {
        "slug": SLUG,
        "language": "es",
        "actor": "marta",
        "note": "figures checked",
        "url": f"https://desk.example.org/review/{SLUG}/es",
    }
    assert headers["webhook-id"].startswith("msg_")
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    tampered = body.replace(b"marta", b"mallory")
    with pytest.raises(standardwebhooks.webhooks.WebhookVerificationError):
        standardwebhooks.Webhook(secret).verify(tampered, headers)
    assert [a.result for a in outbox.read_log(project)] == ["delivered"]
    assert outbox.pending(project) == []


def test_5xx_is_retried_with_growing_waits_and_the_same_id(project: Project, secret: str) -> None:
    receiver = Receiver(0, statuses=[503, 500]).start()
    assert receiver.server is not None
    try:
        project = with_webhook(project, receiver.server.server_address[1])
        start = time.time()
        ping(project, 1)  # first attempt at once: 503
        [waiting] = outbox.pending(project)
        assert waiting.attempts == 1 and waiting.next_at == pytest.approx(start + 5, abs=2)
        send = notifications.send
        assert outbox.deliver_due(project, send, now=waiting.next_at - 1) == [], "not due yet"
        second = outbox.deliver_due(project, send, now=waiting.next_at + 0.1)  # 500
        [again] = outbox.pending(project)
        assert [a.result for a in second] == ["failed"]
        assert again.next_at == pytest.approx(waiting.next_at + 0.1 + 10, abs=0.01), "doubled"
        third = outbox.deliver_due(project, send, now=again.next_at + 0.1)
        assert [a.result for a in third] == ["delivered"]
        payloads = receiver.verified(secret)
    finally:
        receiver.stop()
    assert len(payloads) == 3 and len({h["webhook-id"] for h, _ in receiver.requests}) == 1
    log = outbox.read_log(project)
    assert [(a.attempt, a.result, a.error) for a in log] == [
        (1, "failed", "HTTP 503"),
        (2, "failed", "HTTP 500"),
        (3, "delivered", ""),
    ]
    assert outbox.pending(project) == []


def test_nothing_is_lost_while_the_receiver_is_down(project: Project, secret: str) -> None:
    with reserved_port() as (port, _sock):
        project = with_webhook(project, port)
        for n in range(5):
            ping(project, n)  # connection refused; the rest wait behind the first
        assert len(outbox.pending(project)) == 5
        log = outbox.read_log(project)
        assert [a.result for a in log] == ["failed"], "one refused connection, not five"
        assert "ConnectionError" in log[0].error
    # A new process later (the app restarted): the outbox is still on disk.
    project = Project.load(project.root)
    receiver = Receiver(port).start()
    try:
        result = CliRunner().invoke(cli, ["-C", str(project.root), "notify", "deliver", "--now"])
        assert result.exit_code == 0, result.output
        assert "5 delivered, 0 waiting" in result.output
        payloads = receiver.verified(secret)
    finally:
        receiver.stop()
    assert [p["data"]["n"] for p in payloads] == [0, 1, 2, 3, 4], "in order, each once"  # type: ignore[index]
    assert outbox.pending(project) == []


def test_the_apps_deliverer_retries_in_the_background(project: Project, secret: str) -> None:
    receiver = Receiver(0, statuses=[503, 502]).start()
    assert receiver.server is not None
    project = with_webhook(project, receiver.server.server_address[1], "backoff = 0.05")
    deliverer = notifications.start_deliverer(project)
    assert deliverer is not None
    try:
        ping(project, 7)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and outbox.pending(project):
            time.sleep(0.02)
        payloads = receiver.verified(secret)
    finally:
        notifications.stop_deliverer(project)
        receiver.stop()
    assert len(payloads) == 3 and outbox.pending(project) == []


def test_after_its_retry_period_a_message_is_set_aside_not_lost(
    project: Project, secret: str
) -> None:
    with reserved_port() as (port, _sock):
        project = with_webhook(project, port, "retry_hours = 0\nbackoff = 5")
        ping(project, 1)
        assert outbox.pending(project) == []
        [kept] = outbox.pending(project, failed=True)
        assert [a.result for a in outbox.read_log(project)] == ["gave up"]
    receiver = Receiver(port).start()
    try:
        runner = CliRunner()
        assert (
            "1 message(s) queued again"
            in runner.invoke(cli, ["-C", str(project.root), "notify", "retry"]).output
        )
        runner.invoke(cli, ["-C", str(project.root), "notify", "deliver"])
        [payload] = receiver.verified(secret)
    finally:
        receiver.stop()
    assert payload["data"]["n"] == 1 and receiver.requests[0][0]["webhook-id"] == kept.id  # type: ignore[index]


def test_a_missing_secret_keeps_the_message_queued(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    project = with_webhook(project, 9)
    ping(project, 1)
    [attempt] = outbox.read_log(project)
    assert attempt.result == "failed" and SECRET_ENV in attempt.error
    assert len(outbox.pending(project)) == 1


# --------------------------------------------------------------------------- e-mail


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content = envelope.content  # type: ignore[attr-defined]
        self.messages.append(message_from_bytes(content, policy=email.policy.default))
        self.arrived.set()
        return "250 OK"


@contextmanager
def smtp_server(port: int = 0) -> Iterator[tuple[int, Inbox]]:
    """aiosmtpd on 127.0.0.1 (on ``port``, or a free one)."""
    inbox = Inbox()
    if not port:
        with reserved_port() as (free, _sock):
            port = free
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


def with_email(project: Project, port: int) -> Project:
    return configure(
        project,
        f"""
[notify]
app_url = "https://desk.example.org/"

[notify.email]
host = "127.0.0.1"
port = {port}
sender = "Translation desk <desk@example.org>"
security = "none"
""",
    )


def test_an_assignment_is_e_mailed_through_a_real_smtp_server(project: Project) -> None:
    from workflow.team import assignments, events

    with smtp_server() as (port, inbox):
        project = with_email(project, port)
        set_prefs(project, "ana", Prefs("ana@example.org", KINDS, "en"))
        set_prefs(project, "bo", Prefs("bo@example.org", ("mention",), "en"))
        set_prefs(project, "eva", Prefs("eva@example.org", ("mention",), "ca"))
        made, _ = assignments.assign(project, SLUG, "es", "ana", "marta", reviewer="bo")
        events.assigned(project, made, None)  # bo wants mentions only
        emit(project, "comment.created", SLUG, "es", "marta", {"eva": "mention"}, {"text": "Hola"})
        deadline = time.monotonic() + 10
        while len(inbox.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    mail, catalan = inbox.messages
    assert mail["To"] == "ana@example.org" and "desk@example.org" in mail["From"]
    assert mail["Subject"] == (
        "[The Harbour Review] Marta Soler assigned you to translate How the harbour was rebuilt"
        " into Spanish."
    )
    assert mail["Auto-Submitted"] == "auto-generated"
    text = mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert f"https://desk.example.org/review/{SLUG}/es" in text
    assert catalan["To"] == "eva@example.org"
    assert catalan["Subject"] == (
        "[The Harbour Review] Marta Soler t'ha esmentat a How the harbour was rebuilt (espanyol): "
        "«Hola»"
    ), "in the language eva chose"
    assert [a.result for a in outbox.read_log(project)] == ["delivered", "delivered"]


def test_e_mail_waits_while_the_smtp_server_is_down(project: Project) -> None:
    with reserved_port() as (port, _sock):
        project = with_email(project, port)
        set_prefs(project, "ana", Prefs("ana@example.org", KINDS, "en"))
        emit(project, "article.approved", SLUG, "es", "marta", {"ana": "approved"}, {"note": ""})
        assert [m.channel for m in outbox.pending(project)] == ["email"]
    with smtp_server(port) as (_port, inbox):  # the server is back (a new process)
        delivered = outbox.deliver_due(Project.load(project.root), notifications.send, force=True)
        assert [a.result for a in delivered] == ["delivered"]
    assert inbox.messages[0]["Subject"].endswith(
        "Marta Soler approved How the harbour was rebuilt in Spanish."
    )


def test_cli_notify_commands(project: Project) -> None:
    runner = CliRunner()
    secret = runner.invoke(cli, ["notify", "secret"]).output.strip()
    assert secret.startswith("whsec_") and len(secret_keys(secret)[0]) == 32
    root = ["-C", str(project.root)]
    email = [*root, "notify", "email", "ana"]
    result = runner.invoke(cli, [*email, "ana@example.org", "--kinds", "x"])
    assert result.exit_code == 1 and "unknown kind(s) x" in result.output
    result = runner.invoke(cli, [*email, "not an address"])
    assert result.exit_code == 1 and "is not an e-mail address" in result.output
    assert not (project.root / "instance/notify.json").exists()
    result = runner.invoke(
        cli, [*email, "ana@example.org", "--kinds", "mention", "--language", "ca"]
    )
    assert result.output.startswith("ana: e-mail to ana@example.org (mention)")
    assert "e-mail is off until [notify.email]" in result.output
    saved = json.loads((project.root / "instance/notify.json").read_text())
    assert saved == {"ana": {"email": "ana@example.org", "kinds": ["mention"], "language": "ca"}}
    result = runner.invoke(cli, [*root, "notify", "test"])
    assert result.exit_code == 1 and "no webhooks" in result.output


def test_the_readme_example_receiver_verifies_and_publishes_on_approval(
    project: Project, secret: str, fill, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    from workflow.extract import extract
    from workflow.languages import parse_language
    from workflow.release import approve

    example = ROOT / "examples" / "webhook_receiver.py"
    assert example.read_text() in (ROOT / "README.md").read_text(), "the README shows it whole"
    published = tmp_path / "published"
    with reserved_port() as (port, _sock):
        pass
    receiver = subprocess.Popen(
        [sys.executable, str(example), str(port), "touch", str(published)],
        env={**os.environ, "WORKFLOW_WEBHOOK_SECRET": secret},
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and receiver.poll() is None
                time.sleep(0.05)
        project = with_webhook(project, port)
        extract(project, [SLUG])
        fill(project.catalog_path(SLUG, parse_language("es")), lambda msgid: msgid)
        approve(project, SLUG, "es", "marta")
        assert published.exists()
        os.environ[SECRET_ENV] = new_secret()  # the receiver does not know this one
        ping(project, 1)
    finally:
        receiver.terminate()
        receiver.wait(10)
    assert [(a.event, a.result, a.error) for a in outbox.read_log(project)] == [
        ("article.approved", "delivered", ""),
        ("ping", "failed", "HTTP 401"),
    ]


def test_every_event_is_a_signed_webhook_of_its_type(project: Project, secret: str, fill) -> None:  # type: ignore[no-untyped-def]
    from workflow.extract import extract
    from workflow.languages import parse_language
    from workflow.release import approve, reject
    from workflow.team import assignments, comments, events

    receiver = Receiver(0).start()
    assert receiver.server is not None
    try:
        project = with_webhook(project, receiver.server.server_address[1])
        extract(project, [SLUG])
        made, _ = assignments.assign(project, SLUG, "es", "ana", "marta", reviewer="joan")
        events.assigned(project, made, None)
        asked, _ = comments.add_comment(project, SLUG, "es", "26", "¿2019?", "ana", question=True)
        events.commented(project, SLUG, asked, None)
        events.resolved(
            project, SLUG, comments.set_resolved(project, SLUG, asked.id, "marta"), "marta"
        )
        fill(project.catalog_path(SLUG, parse_language("es")), lambda msgid: msgid)
        events.after_save(project, SLUG, "es", 42, 42, "ana")
        reject(project, SLUG, "es", "marta", "Revisa las cifras")
        approve(project, SLUG, "es", "marta")
        article = project.article_path(SLUG)
        article.write_text(article.read_text().replace("Who paid", "Who paid for it", 1))
        extract(project, [SLUG])
        payloads = receiver.verified(secret)
    finally:
        receiver.stop()
    assert [(p["type"], p["data"]["language"]) for p in payloads] == [  # type: ignore[index]
        ("assignment.created", "es"),
        ("comment.created", "es"),
        ("comment.resolved", "es"),
        ("article.ready_for_approval", "es"),
        ("article.changes_requested", "es"),
        ("article.approved", "es"),
        ("article.source_changed", "es"),
        ("article.source_changed", "ca"),
    ]
    data = {p["type"]: p["data"] for p in payloads}  # type: ignore[index]
    assert data["assignment.created"]["translator"] == "ana"  # type: ignore[index]
    assert data["comment.created"]["question"] is True  # type: ignore[index]
    assert data["article.changes_requested"]["note"] == "Revisa las cifras"  # type: ignore[index]
    assert all(p["data"]["slug"] == SLUG for p in payloads)  # type: ignore[index]
