"""Rebuild only what changed: what each article's pages were made from, remembered.

An article page depends on that article alone: its source, the releases of its
translations, the images it shows, and what every page shares (the package's
templates and code, the config, the people, the site's interface strings).
No page lists another article (front pages, feeds and sitemaps do, and they
are made again on every build: a handful of files).  So a build remembers,
per article,

* what :func:`~workflow.publish.model.collect` made of it (:class:`Collected`)
  and the hashes of the files it read to do so, and
* the pages rendered from that (:class:`Rendered`): their paths, the images
  they consulted and their heads (for the site-wide hreflang checks),

and on the next build reads and renders again only articles whose inputs
changed.  An article with an outdated translation also depends on the audit
log and git (its update notice is dated from them), so only such articles are
collected again when those move.  The memory is derived data in
``.workflow-cache`` (a pickle written and read by this module only), deleted
at will: the next build is then a full one, with the same output.
"""

from __future__ import annotations

import copyreg
import dataclasses
import functools
import hashlib
import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from workflow.article import Article
from workflow.languages import Language, parse_language
from workflow.project import Project
from workflow.publish.check import Head
from workflow.publish.inputs import HISTORY, SHARED, FileHashes, package_key
from workflow.publish.markdown import MarkdownCache
from workflow.publish.model import Version

#: Bump when what is remembered changes shape.
FORMAT = 2


@dataclass
class Collected:
    """One article as collected, and the files (path → hash) it was collected from."""

    article: Article
    versions: list[Version]
    withdrawn: list[Language]
    deps: dict[str, str]
    key: str = ""


@dataclass
class Rendered:
    """One article's pages, and what they were rendered from."""

    source: str  # Collected.key
    strings: str  # the interface strings' key
    media: dict[str, str]  # image path → hash
    heads: dict[str, Head] = field(default_factory=dict)  # page path → head


class Memory:
    """What the last successful build into ``out`` was made from."""

    def __init__(self, project: Project, out: Path, cache: Path, name: str) -> None:
        self.project = project
        self.out = out
        self.path = cache / f"{name}.pickle"
        self.hashes = FileHashes(cache / "publish-files.json")
        self.collected: dict[str, Collected] = {}
        self.rendered: dict[str, Rendered] = {}
        self.package = package_key(self.hashes)
        shared = [self.package] + [self.hashes.sha(project.root / rel) for rel in SHARED]
        self.shared = hashlib.sha256("\0".join(shared).encode()).hexdigest()
        self.fresh: dict[str, Collected] = {}

    def load(self, bodies: MarkdownCache) -> None:
        """Read what the last build remembered (not needed when nothing changed at all).

        Article bodies are not kept here but by their key: an article whose rendered
        body is no longer in the ``bodies`` cache is read again."""
        try:
            with self.path.open("rb") as handle:
                stored = pickle.load(handle)  # our own derived data, in the project
            if stored.get("format") == FORMAT:
                self.collected = stored["collected"]
                self.rendered = stored["rendered"]
            keys = {v.body_key for c in self.collected.values() for v in c.versions}
            there = bodies.has(keys)
            self.collected = {
                slug: entry
                for slug, entry in self.collected.items()
                if all(v.body_key in there for v in entry.versions)
            }
        except Exception:  # unreadable, truncated, of an older shape: it is derived data
            self.collected, self.rendered = {}, {}  # no memory: a full build

    # -- collecting ------------------------------------------------------------

    def recall(self, slug: str) -> Collected | None:
        """The article as last collected, if none of the files it was made from changed."""
        entry = self.collected.get(slug)
        if entry is None or entry.key != self._key(entry.deps):
            return None
        self.fresh[slug] = entry
        return entry

    def remember(
        self,
        article: Article,
        versions: list[Version],
        withdrawn: list[Language],
        read: list[Path],
    ) -> None:
        """Note what ``article`` was collected into, and from which files."""
        root = self.project.root
        paths = [str(p) for p in read]
        if any(v.outdated for v in versions):  # its notice is dated by the log, git, the file
            paths += [str(root / rel) for rel in HISTORY]
        deps = {p: self.hashes.sha(p) for p in paths}
        if any(v.outdated for v in versions):
            source = self.project.article_path(article.slug)
            deps[f"mtime:{source}"] = str(self.hashes.mtime_ns(source))
        # pages use the article's front matter only; its text is in the source version
        entry = Collected(
            dataclasses.replace(article, body="", source=b""), versions, withdrawn, deps
        )
        entry.key = self._key(deps)
        self.fresh[article.slug] = entry

    def _key(self, deps: dict[str, str]) -> str:
        digest = hashlib.sha256(self.shared.encode())
        for path, old in sorted(deps.items()):
            if path.startswith("mtime:"):
                self.hashes.sha(path[6:])
                now = str(self.hashes.mtime_ns(path[6:]))
            else:
                now = self.hashes.sha(path)
            digest.update(f"{path}\0{now if now == old else '!'}\n".encode())
        return digest.hexdigest()

    # -- rendering -------------------------------------------------------------

    def strings_key(self, release_paths: list[Path]) -> str:
        """The interface strings every page shows: the package's and the approved ``site.mo``."""
        parts = [self.package] + [self.hashes.sha(p) for p in release_paths]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def pages(self, slug: str, strings: str, paths: list[str]) -> Rendered | None:
        """The article's pages as last rendered, if they would come out the same and are all
        still in the output folder."""
        entry = self.rendered.get(slug)
        collected = self.fresh.get(slug)
        if entry is None or collected is None or entry.source != collected.key:
            return None
        if entry.strings != strings or set(entry.heads) != set(paths):
            return None
        if any(self.hashes.sha(p) != h for p, h in entry.media.items()):
            return None
        if not all(os.path.isfile(self.out / p) for p in paths):
            return None
        return entry

    def rendered_now(
        self, slug: str, strings: str, media: set[Path], heads: dict[str, Head]
    ) -> None:
        collected = self.fresh[slug]
        used = {str(p): self.hashes.sha(p) for p in media}
        self.rendered[slug] = Rendered(collected.key, strings, used, heads)

    def save(self) -> None:
        """Keep what this build was made from (only after it succeeded)."""
        live = set(self.fresh)
        collected = {  # bodies by their key only (the rendered-body cache has them)
            slug: dataclasses.replace(
                entry, versions=[dataclasses.replace(v, markdown="") for v in entry.versions]
            )
            for slug, entry in self.fresh.items()
        }
        data = {
            "format": FORMAT,
            "collected": collected,
            "rendered": {s: r for s, r in self.rendered.items() if s in live},
        }
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            _Pickler(handle).dump(data)
        os.replace(tmp, self.path)
        self.hashes.save()


@functools.cache
def _language(tag: str) -> Language:
    return parse_language(tag)


def _reduce_language(language: Language) -> tuple[Callable[[str], Language], tuple[str]]:
    return _language, (language.tag,)


class _Pickler(pickle.Pickler):
    """Languages by tag: a Babel locale carries its whole CLDR data once it has been used."""

    def __init__(self, file: BinaryIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.dispatch_table = {**copyreg.dispatch_table, Language: _reduce_language}
