"""How ``workflow serve`` serves: one process, or several workers and one writer.

Python runs one thread at a time per process, so one server process uses one
core however many threads it has.  With ``--workers N`` (N > 1) the work is
split the way a database splits it:

* **N worker processes** (spawned, each a waitress server on the one shared
  listening socket; the kernel hands each connection to one of them) do
  everything HTTP: sessions, CSRF, pages, JSON answers, the QA wording;
* **the parent process is the only writer of catalogues**: it holds the
  :class:`~workflow.saver.Saver` — its group commit, its parsed catalogues —
  and the workers send it every save over a Unix socket
  (:class:`RemoteSaver`, same interface as the Saver).

One writer keeps what the Saver caches true (no process re-parses a catalogue
because another one wrote it: 30-60 ms each time for a long article), and saves
from all workers join the same group commits.  Writers outside the app (the
command line, Poedit) are still seen: the Saver checks the file's stamp under
the file lock.  The Unix socket lives in a private temporary folder and every
connection must answer a challenge with a random key (``multiprocessing``'s
authentication), so only the workers can talk to it.  Lazy commits (``[git]``)
run in the parent only, and the notifications that saves announce are sent
from the parent's own background deliverer.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import tempfile
import threading
import time
import traceback
from dataclasses import fields
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from typing import Any

from workflow.errors import WorkflowError
from workflow.saver import Save, Saver

#: What a worker sends (the save as the person made it) and gets back (its answer).
_ASKED = ("sid", "base", "text", "action", "who", "force", "silence", "reason")
_ANSWERED = tuple(f.name for f in fields(Save) if f.name not in _ASKED and f.name != "done")


def default_workers() -> int:
    """One worker per core (at least one, at most four: the writer needs a core too)."""
    return max(1, min(4, os.cpu_count() or 1))


class RemoteSaver:
    """A :class:`~workflow.saver.Saver` in another process, reached over a Unix socket."""

    def __init__(self, address: str, authkey: bytes) -> None:
        self.address = address
        self.authkey = authkey
        self._local = threading.local()

    def _connection(self) -> Connection:
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = Client(self.address, family="AF_UNIX", authkey=self.authkey)
            except OSError as exc:
                raise WorkflowError("the review app's writer is not running") from exc
            self._local.conn = conn
        return conn

    def save(self, slug: str, language: str, save: Save) -> Save:
        asked = {name: getattr(save, name) for name in _ASKED}
        for attempt in range(2):
            conn = self._connection()
            try:
                conn.send(("save", slug, language, asked))
                status, payload = conn.recv()
                break
            except (OSError, EOFError) as exc:  # the writer restarted: connect again, once
                self._local.conn = None
                if attempt:
                    raise WorkflowError("the review app's writer is not answering") from exc
        if status == "error":
            raise WorkflowError(str(payload))
        for name, value in payload.items():
            setattr(save, name, value)
        save.done.set()
        return save


class SaverService:
    """The writer's side: answers workers' saves with the one Saver of this process."""

    def __init__(self, saver: Saver) -> None:
        self.saver = saver
        self.authkey = secrets.token_bytes(32)
        self.folder = tempfile.mkdtemp(prefix="workflow-saver-")  # 0700: only we can reach it
        self.address = str(Path(self.folder) / "saver.sock")
        self.listener = Listener(self.address, family="AF_UNIX", authkey=self.authkey)
        self._thread = threading.Thread(target=self._accept, name="saver", daemon=True)

    def start(self) -> SaverService:
        self._thread.start()
        return self

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _accept(self) -> None:
        while True:
            try:
                conn = self.listener.accept()
            except OSError:
                return  # closed
            except Exception:  # a failed handshake (wrong key): refuse that one only
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: Connection) -> None:
        with conn:
            while True:
                try:
                    _op, slug, language, asked = conn.recv()
                except (EOFError, OSError):
                    return
                try:
                    done = self.saver.save(slug, language, Save(**asked))
                    reply: tuple[str, Any] = (
                        "ok",
                        {name: getattr(done, name) for name in _ANSWERED},
                    )
                except WorkflowError as exc:
                    reply = ("error", exc.message)
                except Exception:  # logged here; the worker answers with one clear line
                    traceback.print_exc()
                    reply = ("error", "the catalogue could not be saved")
                try:
                    conn.send(reply)
                except OSError:
                    return


def _worker(
    root: str, config: dict[str, Any], sock: socket.socket, address: str, key: bytes, threads: int
) -> None:
    """One worker process: the app on the shared socket, saves sent to the writer."""
    from waitress import serve

    from workflow.web import create_app

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops us
    app = create_app(
        {**config, "SAVER": RemoteSaver(address, key), "LAZY_COMMIT": False}, Path(root)
    )
    serve(app, sockets=[sock], threads=threads, ident="workflow")


def serve_workers(
    root: Path,
    config: dict[str, Any],
    sock: socket.socket,
    workers: int,
    threads: int,
) -> None:
    """Serve on ``sock`` with ``workers`` processes and this one as the writer, until stopped."""
    from workflow.project import Project

    project = Project.load(root)
    service = SaverService(Saver(project)).start()
    committer = _lazy_committer(project)
    # Saves announce events (e.g. "ready for approval") here, in the writer: its own
    # deliverer sends webhooks and e-mail in the background, never in a save's path.
    from workflow.team.notifications import start_deliverer, stop_deliverer

    start_deliverer(project)
    context = multiprocessing.get_context("spawn")  # no fork of a threaded process

    def start() -> Any:
        process = context.Process(
            target=_worker,
            args=(str(root), config, sock, service.address, service.authkey, threads),
            daemon=True,
        )
        process.start()
        return process

    processes = [start() for _ in range(workers)]
    stopping = threading.Event()
    deaths: list[float] = []  # when workers died, to give up on a crash loop

    def stop(*_args: object) -> None:
        stopping.set()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        while not stopping.wait(1.0):
            if committer is not None:
                committer.nudge()  # approvals in the workers are in the audit log
            for i, process in enumerate(processes):
                if not process.is_alive():  # a worker died: another takes its place
                    now = time.monotonic()
                    deaths[:] = [t for t in deaths if now - t < 60] + [now]
                    if len(deaths) > 3 * workers:
                        raise WorkflowError("the review app's workers keep failing; see above")
                    print(f"workflow: worker exited ({process.exitcode}); starting another")
                    processes[i] = start()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        for process in processes:
            process.terminate()
        deadline = time.monotonic() + 10
        for process in processes:
            process.join(max(0.1, deadline - time.monotonic()))
        if committer is not None:
            committer.close()
        stop_deliverer(project)
        service.close()
        sock.close()


def listen(host: str, port: int) -> socket.socket:
    """The server's socket, bound (or one clear error: port taken, address unknown).

    It is not listening yet: waitress starts listening when a worker is ready,
    so a client that comes too early is refused (and tries again) rather than
    left waiting.
    """
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError:
            sock.close()
            raise
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno and exc.errno > 0 else str(exc)
        raise WorkflowError(f"cannot listen on {host}:{port}: {reason}") from exc
    return sock


def _lazy_committer(project: Any) -> Any:
    """The lazy committer, run by the writer only (when the project asks for one)."""
    from flask import Flask

    from workflow.lazycommit import install

    holder = Flask(__name__)
    return install(holder, project)
