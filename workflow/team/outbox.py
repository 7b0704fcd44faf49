"""The persistent outbox: webhooks and e-mails are kept on disk until they are delivered.

Recipe:

1. **enqueue** — each delivery becomes one file, ``instance/outbox/<time>-<id>.json``,
   written atomically before anyone tries to send it; a crash, a restart or
   a receiver that is down loses nothing;
2. **deliver** — one deliverer at a time (a lock; the others skip) takes the
   due messages in the order they were made, one attempt each.  After a
   failure the other messages for the same receiver wait for the next pass,
   so they stay in order and a dead receiver costs one timeout, not one per
   message;
3. **retry** — a failed attempt waits ``backoff`` seconds, doubling up to
   ``backoff_cap``; a message still failing after ``retry_hours`` moves to
   ``instance/outbox/failed/`` (never deleted: ``workflow notify retry``
   queues it again);
4. **log** — every attempt is a line in ``instance/deliveries.jsonl``.

Delivery is at least once: a receiver that answered but whose answer was
lost gets the message again, with the same ``webhook-id`` to dedupe on.
``workflow serve`` runs a deliverer thread woken by every new message;
without the app, each command delivers what it queued before it exits, and
``workflow notify deliver`` (e.g. from cron) retries what is due.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from workflow.fsutil import append_text, atomic_write_bytes
from workflow.project import Project
from workflow.team.webhooks import DeliveryError

OUTBOX = "outbox"
FAILED = "failed"
LOG = "deliveries.jsonl"


@dataclass(frozen=True)
class Message:
    """One delivery to one receiver: a webhook request or an e-mail."""

    id: str
    channel: str  # webhook | email
    target: str  # the URL, or the e-mail address
    event: str  # event type (or notification kind, for e-mail)
    body: str  # the webhook's JSON body; for e-mail, JSON with subject and text
    created: float
    secret_env: str = ""
    attempts: int = 0
    next_at: float = 0.0
    last_error: str = ""


@dataclass(frozen=True)
class Attempt:
    """One line of the delivery log."""

    time: str
    id: str
    channel: str
    target: str
    event: str
    attempt: int
    result: str  # delivered | failed | gave up
    error: str = ""
    retry_at: str = ""


Sender = Callable[[Project, Message], None]


def _folder(project: Project) -> Path:
    return project.root / "instance" / OUTBOX


def _file(folder: Path, message: Message) -> Path:
    return folder / f"{int(message.created * 1000):014d}-{message.id}.json"


def _write(path: Path, message: Message) -> None:
    atomic_write_bytes(path, json.dumps(asdict(message), ensure_ascii=False).encode("utf-8"))
    path.chmod(0o600)  # may carry people's addresses


def enqueue(project: Project, message: Message) -> Path:
    """Keep a message on disk until it is delivered."""
    path = _file(_folder(project), message)
    _write(path, message)
    return path


def _read(path: Path) -> Message | None:
    try:
        return Message(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def pending(project: Project, failed: bool = False) -> list[Message]:
    """Messages waiting (or, with ``failed``, set aside), oldest first."""
    folder = _folder(project) / FAILED if failed else _folder(project)
    found = [_read(p) for p in sorted(folder.glob("*.json"))] if folder.is_dir() else []
    return [m for m in found if m is not None]


def _iso(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="seconds")


def _log(project: Project, attempt: Attempt) -> None:
    line = json.dumps(asdict(attempt), ensure_ascii=False, sort_keys=True) + "\n"
    append_text(project.root / "instance" / LOG, line)


def read_log(project: Project, limit: int = 0) -> list[Attempt]:
    """The delivery log, oldest first (the last ``limit`` lines when given)."""
    path = project.root / "instance" / LOG
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        with contextlib.suppress(ValueError, TypeError):
            found.append(Attempt(**json.loads(line)))
    return found[-limit:] if limit else found


@contextlib.contextmanager
def _only_deliverer(project: Project) -> Iterator[bool]:
    """True for the one process (and thread) delivering now; others get False and skip."""
    folder = _folder(project)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".deliver.lock", "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


_local = threading.Lock()  # flock is per open file: threads of one process need this too


def deliver_due(
    project: Project, send: Sender, now: float | None = None, force: bool = False
) -> list[Attempt]:
    """One attempt for every due message (every message, with ``force``).

    Returns what was attempted; empty when another deliverer is busy.
    """
    if not _local.acquire(blocking=False):
        return []
    try:
        with _only_deliverer(project) as mine:
            return _deliver(project, send, now, force) if mine else []
    finally:
        _local.release()


def _deliver(project: Project, send: Sender, now: float | None, force: bool) -> list[Attempt]:
    settings = project.config.team
    folder = _folder(project)
    done: list[Attempt] = []
    held_back: set[tuple[str, str]] = set()  # receivers that failed in this pass
    for path in sorted(folder.glob("*.json")):
        message = _read(path)
        clock = time.time() if now is None else now
        if message is None or (message.next_at > clock and not force):
            if message is not None:
                held_back.add((message.channel, message.target))  # keep order per receiver
            continue
        if (message.channel, message.target) in held_back:
            continue
        attempt = message.attempts + 1
        try:
            send(project, message)
        except DeliveryError as exc:
            error = exc.message
        else:
            path.unlink(missing_ok=True)
            done.append(_record(project, message, attempt, "delivered"))
            continue
        held_back.add((message.channel, message.target))
        clock = time.time() if now is None else now
        if clock - message.created > settings.retry_hours * 3600:
            failed = folder / FAILED
            failed.mkdir(exist_ok=True)
            _write(failed / path.name, replace(message, attempts=attempt, last_error=error))
            path.unlink(missing_ok=True)
            done.append(_record(project, message, attempt, "gave up", error))
            continue
        wait = min(settings.backoff_cap, settings.backoff * 2 ** (attempt - 1))
        later = replace(message, attempts=attempt, next_at=clock + wait, last_error=error)
        _write(path, later)
        done.append(_record(project, message, attempt, "failed", error, _iso(later.next_at)))
    return done


def _record(
    project: Project, message: Message, attempt: int, result: str, error: str = "", retry: str = ""
) -> Attempt:
    entry = Attempt(
        _iso(time.time()),
        message.id,
        message.channel,
        message.target,
        message.event,
        attempt,
        result,
        error,
        retry,
    )
    _log(project, entry)
    return entry


def requeue_failed(project: Project) -> int:
    """Give every set-aside message a new retry period; returns how many."""
    folder = _folder(project)
    count = 0
    for path in sorted((folder / FAILED).glob("*.json")) if (folder / FAILED).is_dir() else []:
        message = _read(path)
        if message is None:
            continue
        _write(folder / path.name, replace(message, created=time.time(), next_at=0.0))
        path.unlink()
        count += 1
    return count


def next_due(project: Project) -> float | None:
    """When the earliest waiting message is due (epoch seconds), or None."""
    times = [m.next_at for m in pending(project)]
    return min(times) if times else None


class Deliverer:
    """A background thread delivering the outbox, woken by new messages (``workflow serve``)."""

    def __init__(self, project: Project, send: Sender, idle: float = 30.0) -> None:
        self.project = project
        self.send = send
        self.idle = idle
        self.wake = threading.Event()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="workflow-deliverer", daemon=True)

    def start(self) -> Deliverer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.wake.set()
        self.thread.join(5)

    def _run(self) -> None:
        while not self.stopped.is_set():
            self.wake.clear()
            try:
                deliver_due(self.project, self.send)
            except Exception:  # a bad message or a full disk must not stop delivery for good
                logging.getLogger(__name__).exception("delivering the outbox failed")
            due = next_due(self.project)
            wait = self.idle if due is None else max(0.05, min(self.idle, due - time.time()))
            self.wake.wait(wait)


def message_body(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)
