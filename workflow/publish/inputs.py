"""What a build reads, known by content without reading what did not change.

Every input (articles, releases, config, people, images, the package's own
templates, strings and code) is known by the SHA-256 of its bytes, so an edit
is seen even when it keeps the size and lands within one tick of the file
clock.  Hashing thousands of files on every publish would cost seconds, so
:class:`FileHashes` keeps each file's hash beside its identity (inode, size,
modification time) in ``.workflow-cache`` and reads only files whose identity
changed.  Git's "racy clean" rule keeps that honest: a file modified shortly
before a build started could change again within the same tick without its
identity changing, so its hash is not trusted next time (read again).

From these hashes :func:`inputs_fingerprint` makes one digest of everything a
build reads (a publish where it matches does nothing), and the build keys each
article's pages by the hashes of that article's own inputs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

from workflow.audit import LOG_PATH
from workflow.people import PEOPLE_FILE
from workflow.project import Project

PACKAGE = Path(__file__).resolve().parent.parent
#: A file modified this close to the start of the build may change again unseen (same tick).
RACY_NS = 2_000_000_000
#: Files read whole by the build whose change must reach every page: the config, the people.
SHARED = ("workflow.toml", PEOPLE_FILE, "instance/users.json")
#: Where update notices get their dates (only articles with an outdated version depend on it).
HISTORY = (LOG_PATH, ".git/index", ".git/HEAD")
MISSING = "-"


class FileHashes:
    """Content hashes of files, remembered by file identity between builds."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.started = time.time_ns()
        try:
            known = json.loads(path.read_text())
        except (OSError, ValueError):
            known = {}
        self.known: dict[str, list[object]] = {
            k: v
            for k, v in (known.items() if isinstance(known, dict) else [])
            if isinstance(v, list) and len(v) == 4
        }
        self.seen: dict[str, list[object]] = {}

    def sha(self, path: Path | str, info: os.stat_result | None = None) -> str:
        """The file's hash (:data:`MISSING` when there is no such file)."""
        key = str(path)
        if info is None:
            try:
                info = os.stat(key)
            except (FileNotFoundError, NotADirectoryError):
                return MISSING
        identity: list[object] = [info.st_ino, info.st_size, info.st_mtime_ns]
        old = self.seen.get(key) or self.known.get(key)
        if old is not None and old[:3] == identity:
            digest = str(old[3])
        else:
            try:
                with open(key, "rb") as handle:
                    digest = hashlib.file_digest(handle, "sha256").hexdigest()
            except (FileNotFoundError, IsADirectoryError):
                return MISSING
        self.seen[key] = [*identity, digest]
        return digest

    def mtime_ns(self, path: Path | str) -> int:
        """The modification time of a file :meth:`sha` has seen (0 if it has not)."""
        entry = self.seen.get(str(path))
        return int(entry[2]) if entry else 0  # type: ignore[call-overload]

    def save(self) -> None:
        """Remember the hashes of files not modified within :data:`RACY_NS` of the build's
        start (those are read again next time)."""
        trusted = {
            key: entry
            for key, entry in self.seen.items()
            if self.started - int(entry[2]) > RACY_NS  # type: ignore[call-overload]
        }
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        tmp.write_text(json.dumps(trusted, separators=(",", ":")))
        os.replace(tmp, self.path)


def _files(folder: Path, depth: int) -> Iterator[os.DirEntry[str]]:
    """Every file under ``folder`` (``depth`` levels of folders at most), but bytecode."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if depth > 0 and entry.name != "__pycache__":
                yield from _files(Path(entry.path), depth - 1)
        elif entry.is_file():
            yield entry


def package_key(hashes: FileHashes) -> str:
    """One hash of the package (templates, shipped strings, static files, code): a new
    version of workflow renders every page again."""
    digest = hashlib.sha256()
    for entry in sorted(_files(PACKAGE, 8), key=lambda e: e.path):
        digest.update(f"{entry.path}\0{hashes.sha(entry.path, entry.stat())}\n".encode())
    return digest.hexdigest()


def project_files(project: Project) -> list[str]:
    """Every project file a build may read: articles, images, releases, and the rest."""
    root = project.root
    found = [e.path for e in _files(root / "articles", 8)]
    for entry in _files(root / "locales", 2):
        if entry.name.endswith(".mo"):
            found.append(entry.path)
    found += [str(root / rel) for rel in (*SHARED, *HISTORY)]
    return sorted(found)


def inputs_fingerprint(project: Project, out: Path, now: dt.datetime, hashes: FileHashes) -> str:
    """One hash of everything a build reads, and today's date (the News sitemap's window
    is whole days).  A withdrawal removes a ``.mo``, so it is seen too.  An article's
    modification time counts as well: with no git and no extract since an approval, an
    update notice is dated by it, so a new time alone must reach the page."""
    digest = hashlib.sha256(f"{now.date().isoformat()}\0{out.resolve()}\0".encode())
    digest.update(package_key(hashes).encode())
    for path in project_files(project):
        digest.update(f"{path}\0{hashes.sha(path)}\n".encode())
        if path.endswith(".md"):
            digest.update(f"{hashes.mtime_ns(path)}\n".encode())
    return digest.hexdigest()
