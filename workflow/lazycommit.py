"""The review app commits on its own: after a quiet period, and on every approval.

Weblate's "lazy commit": translators save segment after segment; committing
each save would bury the history in one-line commits, never committing loses
work to a broken disk.  So after every request that may have written
something, the app nudges a background thread that reads the new lines of
the audit log: an approval is synced at once; other events (reviews) start
or extend a quiet period (``[git] commit_after`` seconds), after which
everything is synced — committed per person, pulled, merged, pushed (unless
``[git] push = false``).  Requests never wait for git.

Enabled by ``[git] commit_after = N`` (``workflow init --git`` writes 600),
and only when the project is in a git repository.
"""

from __future__ import annotations

import threading
import time

from flask import Flask, Response, request

from workflow.audit import LOG_PATH
from workflow.errors import WorkflowError
from workflow.project import Project


class LazyCommitter:
    """A background thread that syncs after quiet periods and on approvals."""

    def __init__(self, project: Project, quiet: float, push: bool = True) -> None:
        self.project = project
        self.quiet = quiet
        self.push = push
        self.log = project.root / LOG_PATH
        self._seen = self.log.stat().st_size if self.log.exists() else 0
        self._due: float | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.syncs = 0  # completed syncs, for tests and logs
        self.last_error = ""
        self._thread = threading.Thread(target=self._run, name="workflow-lazy-commit", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """Something may have been written: look at the audit log soon."""
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=30)

    def _new_events(self) -> tuple[bool, bool]:
        """(anything new, an approval among it) since the last look."""
        try:
            size = self.log.stat().st_size
        except FileNotFoundError:
            return False, False
        if size <= self._seen:
            self._seen = size
            return False, False
        with self.log.open("rb") as handle:
            handle.seek(self._seen)
            text = handle.read(size - self._seen).decode("utf-8", "replace")
        self._seen = size
        return True, '"event": "approve"' in text

    def _run(self) -> None:
        while not self._stop.is_set():
            timeout = None if self._due is None else max(0.0, self._due - time.monotonic())
            self._wake.wait(timeout)
            self._wake.clear()
            new, approved = self._new_events()
            if new:
                self._due = time.monotonic() + self.quiet
            if approved or (self._due is not None and time.monotonic() >= self._due):
                self._due = None
                self._sync()

    def _sync(self) -> None:
        from workflow.gitsync import sync

        try:
            sync(self.project, push=self.push)
            self.last_error = ""
        except WorkflowError as exc:  # shown in the log; the next quiet period tries again
            self.last_error = exc.message
            print(f"workflow: lazy commit: {exc.message}", flush=True)
        self.syncs += 1


def install(app: Flask, project: Project) -> LazyCommitter | None:
    """Wire lazy commits into the review app (one line in ``create_app``)."""
    from workflow.gitsync import git

    settings = project.config.git
    if settings.commit_after <= 0 or app.config.get("LAZY_COMMIT") is False:
        return None
    if git(project.root, "rev-parse", "--git-dir", check=False).returncode != 0:
        return None
    committer = LazyCommitter(project, settings.commit_after, settings.push)
    app.extensions["workflow.lazy_commit"] = committer

    def nudge(response: Response) -> Response:
        if request.method == "POST":
            committer.nudge()
        return response

    app.after_request(nudge)
    return committer
