"""Server-side session validity and login throttling for the review app.

Flask keeps its session in a signed cookie, which nobody can forge but
anybody can keep: a copied cookie stayed valid after logout.  So the cookie
now carries only a random session token, and the server decides whether that
token still opens anything:

1. **login** stores ``sha256(token)`` in ``instance/sessions.sqlite3`` with the
   person's name and their *stamp* (a digest of password hash, role and
   languages, :attr:`workflow.users.User.stamp`);
2. **every request** looks the token up: unknown, idle longer than the
   configured time, or a stamp that no longer matches the person (password,
   role or languages changed, person removed — by the app, the CLI or an edit
   of ``users.json``) ends the session at once;
3. **logout** deletes the row, so a replayed cookie is refused.

Login throttling (:class:`Throttle`) counts failed logins per account name and
per client address in the same database, so every ``serve`` worker process
shares them.  After a few free failures each further one locks the key for
twice as long as the last (2 s, 4 s, 8 s … at most 15 minutes); a success
clears the account's count, and counts are forgotten after a quiet hour.  A
locked key is refused before any password is checked.  Names are counted
whether or not they exist, so the lock tells nothing about who has an account.

Why not Flask-Limiter: it limits requests per time window, in per-process
memory unless a Redis or Memcached server runs; we want failures only, a
growing lock that a success resets, and one shared count across ``serve``
workers with nothing to install — about sixty lines over SQLite.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

#: Failures allowed before the first lock, per account name and per client address
#: (an office behind one NAT address shares the second).
FREE_FAILURES = {"name": 5, "addr": 20}
FIRST_LOCK = 2.0
MAX_LOCK = 15 * 60.0
FORGET_AFTER = 60 * 60.0
DEFAULT_IDLE = 2 * 60 * 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    key TEXT PRIMARY KEY, user TEXT NOT NULL, stamp TEXT NOT NULL,
    created REAL NOT NULL, seen REAL NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user);
CREATE TABLE IF NOT EXISTS failures (
    key TEXT PRIMARY KEY, count INTEGER NOT NULL, last REAL NOT NULL, until REAL NOT NULL);
"""


class _Database:
    """One SQLite connection per process and thread (``serve`` runs threads, maybe workers)."""

    def __init__(self, instance: Path) -> None:
        self.path = instance / "sessions.sqlite3"
        self._local = threading.local()

    def __call__(self) -> sqlite3.Connection:
        held: tuple[int, sqlite3.Connection] | None = getattr(self._local, "db", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(_SCHEMA)
        self.path.chmod(0o600)
        self._local.db = (os.getpid(), db)
        return db


def _digest(token: str) -> str:
    """What the database keeps of a token: reading the file opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    """Valid review-app sessions: started at login, checked per request, ended on logout."""

    def __init__(
        self, instance: Path, idle: float = DEFAULT_IDLE, clock: Callable[[], float] = time.time
    ) -> None:
        self.db = _Database(instance)
        self.idle = idle
        self.clock = clock

    def start(self, user: str, stamp: str) -> str:
        """A new session for ``user``; returns the token for the cookie."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self.db() as db:
            db.execute(
                "INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
                (_digest(token), user, stamp, now, now),
            )
            db.execute("DELETE FROM sessions WHERE seen < ?", (now - self.idle,))
        return token

    def check(self, token: str, stamp_of: Callable[[str], str | None]) -> str | None:
        """The name the session belongs to, or ``None`` (and the session ended).

        ``stamp_of(name)`` is the person's current stamp, ``None`` once removed.
        """
        key = _digest(token)
        db = self.db()
        row = db.execute("SELECT user, stamp, seen FROM sessions WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        user, stamp, seen = row
        now = self.clock()
        current = stamp_of(user)
        if now - seen > self.idle or current is None or not secrets.compare_digest(current, stamp):
            db.execute("DELETE FROM sessions WHERE key = ?", (key,))
            return None
        if now - seen > min(60.0, self.idle / 10):  # write at most once a minute per session
            db.execute("UPDATE sessions SET seen = ? WHERE key = ?", (now, key))
        return str(user)

    def end(self, token: str) -> None:
        self.db().execute("DELETE FROM sessions WHERE key = ?", (_digest(token),))

    def end_all(self, user: str) -> None:
        """End every session of one person (removal)."""
        self.db().execute("DELETE FROM sessions WHERE user = ?", (user,))


class Throttle:
    """Failed-login counts with a growing lock, per key (``name:…``, ``addr:…``)."""

    def __init__(self, instance: Path, clock: Callable[[], float] = time.time) -> None:
        self.db = _Database(instance)
        self.clock = clock

    def wait(self, keys: Iterable[str]) -> int:
        """Seconds until every key may try again (0: go ahead)."""
        keys = list(keys)
        marks = ",".join("?" * len(keys))
        row = self.db().execute(f"SELECT MAX(until) FROM failures WHERE key IN ({marks})", keys)
        until = row.fetchone()[0]
        return max(0, math.ceil(until - self.clock())) if until is not None else 0

    def failed(self, keys: Iterable[str]) -> None:
        now = self.clock()
        db = self.db()
        db.execute("BEGIN IMMEDIATE")  # two workers failing at once both count
        try:
            for key in keys:
                row = db.execute("SELECT count, last FROM failures WHERE key = ?", (key,))
                found = row.fetchone()
                count = 1 if found is None or now - found[1] > FORGET_AFTER else found[0] + 1
                over = count - FREE_FAILURES[key.partition(":")[0]]
                lock = min(FIRST_LOCK * 2 ** min(over - 1, 30), MAX_LOCK) if over > 0 else 0.0
                db.execute(
                    "INSERT OR REPLACE INTO failures VALUES (?, ?, ?, ?)",
                    (key, count, now, now + lock),
                )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def succeeded(self, keys: Iterable[str]) -> None:
        with self.db() as db:
            db.executemany("DELETE FROM failures WHERE key = ?", [(key,) for key in keys])


def throttle_keys(name: str, address: str | None) -> tuple[str, str]:
    """The account name as typed (case folded) and the client address."""
    return f"name:{name.strip().casefold()[:200]}", f"addr:{address or '-'}"


def cookie_secure(host: str, behind_proxy: bool = False, override: bool | None = None) -> bool:
    """Whether cookies must say ``Secure``: unless the app listens on loopback only.

    Behind a reverse proxy the browser speaks HTTPS to the proxy, so cookies
    are ``Secure`` even when the app itself listens on 127.0.0.1.
    """
    if override is not None:
        return override
    if behind_proxy:
        return True
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return True  # a host name: whatever it resolves to, it is not loopback only
