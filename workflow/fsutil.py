"""Small file-system helpers: atomic writes, locks and hashes.

Catalogues are edited by several people and processes; a crash half way through
a write must never leave a truncated file behind.  Everything is written to a
temporary file in the same folder and moved over the target with
:func:`os.replace`, which is atomic on POSIX file systems.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` through a temporary file and an atomic rename.

    ``durable``: the data reaches the disk (fsync) before the rename, so even a
    power cut leaves the old file or the new one.  Without it a power cut can
    leave an empty file: only for files a command can make again from others.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp_name, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def write_if_changed(path: Path, text: str) -> bool:
    """Atomically write ``text`` unless the file already holds exactly that.

    Returns whether the file was written.  Leaving unchanged files alone keeps
    git diffs and incremental builds quiet.
    """
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    atomic_write_bytes(path, data)
    return True


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``<path>.lock`` while the block runs.

    The lock file sits beside the locked file (and is git-ignored) so every
    process that writes a catalogue — the CLI, the review app, a second
    terminal — serialises on the same lock.
    """
    lock_path = path.with_name(f".{path.name}.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def append_text(path: Path, text: str) -> None:
    """Append ``text`` under the file's lock with ``O_APPEND``: whole lines, never a rewrite.

    For append-only logs (the audit log, the desk's comment and notification
    files, the delivery log) written by several processes at once.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(path):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, text.encode("utf-8"))
        finally:
            os.close(fd)


def content_hash(*parts: bytes | str) -> str:
    """A short, stable SHA-256 hex digest of the given parts."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()[:16]
