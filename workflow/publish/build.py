"""The build recipe: collect, render, check, write what changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from workflow.audit import LOG_PATH, record
from workflow.errors import PublishError
from workflow.executor import Executor
from workflow.people import PEOPLE_FILE
from workflow.project import Project
from workflow.publish.feeds import render_feeds, render_sitemaps
from workflow.publish.markdown import MarkdownCache
from workflow.publish.media import Media
from workflow.publish.model import collect
from workflow.publish.pages import (
    environment,
    render_articles,
    render_indexes,
    render_root,
    render_withdrawn,
)

HERE = Path(__file__).parent
PACKAGE = HERE.parent
MANIFEST = ".workflow-published"
#: Inputs fingerprinted by content rather than by modification time.
_READ = {".md", ".mo", ".toml", ".json"}
#: Files of the package copied as they are: the style, the script, the icons.
STATIC = {
    "static/site.css": "static/site.css",
    "static/site.js": "static/site.js",
    "favicon.svg": "static/favicon.svg",
    "favicon.ico": "static/favicon.ico",
}


@dataclass
class BuildResult:
    written: list[str]
    unchanged: int
    removed: list[str]
    pages: int
    #: Languages whose readers see some of the site's interface in English.
    interface_missing: list[str] = field(default_factory=list)


def build(
    project: Project,
    out: Path,
    now: dt.datetime | None = None,
    executor: Executor | None = None,
) -> BuildResult:
    """Build the site into ``out``: the recipe.

    A publish whose inputs are all as the last one left them (every article,
    release, image, people file, the config, the package's own templates and
    code, the day) and whose output is all there does nothing more than check
    that: see :func:`inputs_fingerprint`.  Article bodies are rendered across
    this machine's cores, or with an ``executor`` (a Dask cluster) there;
    every file is still written here.
    """
    from workflow.publish.check import check_site
    from workflow.publish.strings import load_site_catalogs, missing_strings

    now = now or dt.datetime.now(dt.UTC)
    fingerprint = inputs_fingerprint(project, out, now)
    unchanged = _unchanged(project, out, fingerprint)
    if unchanged is not None:
        return unchanged
    site = collect(project)
    env = environment()
    catalogs = load_site_catalogs(project)
    env.globals["site_catalogs"] = catalogs
    media = Media(project.articles_dir)
    files: dict[str, str] = {}
    markdown = MarkdownCache(project.root)
    try:
        if executor is not None:
            markdown.warm((v.markdown for vs in site.articles.values() for v in vs), executor)
        bodies = render_articles(site, env, files, media, markdown)
    finally:
        markdown.close()
    if media.problems:
        raise PublishError(
            "missing images:\n" + "\n".join(f"  - {p}" for p in sorted(set(media.problems)))
        )
    render_indexes(site, env, files)
    render_feeds(site, env, files, bodies)
    render_root(site, env, files)
    render_sitemaps(site, env, files, now)
    problems = check_site(site, files)
    render_withdrawn(site, env, files)  # notices pointing elsewhere: not checked as pages
    if problems:
        raise PublishError("the site fails its checks:\n" + "\n".join(f"  - {p}" for p in problems))
    copies = {rel: HERE / src for rel, src in STATIC.items()}
    result = _write(out, files, copies, media.folder)
    if result.written or result.removed:
        record(project.root, "publish", written=len(result.written), removed=len(result.removed))
    result.interface_missing = [  # every language but the templates' own
        lang.tag for lang in project.site_languages() if missing_strings(catalogs[lang.tag])
    ]
    state = {
        "fingerprint": inputs_fingerprint(project, out, now),  # after the audit record
        "pages": result.pages,
        "interface_missing": result.interface_missing,
    }
    _write_file(state_path(project, out), json.dumps(state, sort_keys=True) + "\n")
    return result


def inputs_fingerprint(project: Project, out: Path, now: dt.datetime) -> str:
    """One hash of everything a build reads.

    The project's text (articles, releases, config, people: a few megabytes)
    by content, so an edit is seen even within one tick of the file clock;
    the rest by name, size and modification time: the package's own files
    (templates, strings, code), images, the audit log and git's index (where
    update notices get their dates).  And today's date: the News sitemap's
    window is whole days.  A withdrawal removes a ``.mo``, so it is seen too.
    """
    digest = hashlib.sha256(f"{now.date().isoformat()}\0{out.resolve()}".encode())
    root = project.root
    roots = [
        (PACKAGE, "**/*"),
        (root / "articles", "**/*"),
        (root / "locales", "*/LC_MESSAGES/*.mo"),
    ]
    single = [
        root / "workflow.toml",
        root / PEOPLE_FILE,
        root / "instance" / "users.json",
        root / LOG_PATH,
        root / ".git" / "index",
        root / ".git" / "HEAD",
    ]
    paths = [p for folder, pattern in roots if folder.is_dir() for p in folder.glob(pattern)]
    for path in sorted(paths) + single:
        if "__pycache__" in path.parts:
            continue
        try:
            info = path.stat()
        except FileNotFoundError:
            digest.update(f"{path}\0-\n".encode())
            continue
        if stat.S_ISDIR(info.st_mode):
            continue
        digest.update(f"{path}\0{info.st_size}\0".encode())
        if path.suffix in _READ and path.is_relative_to(root):
            digest.update(hashlib.sha256(path.read_bytes()).digest())  # same size, same tick
        else:
            digest.update(f"{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def state_path(project: Project, out: Path) -> Path:
    """Where the last build into ``out`` left its fingerprint (derived data, safe to delete)."""
    from workflow.memory import cache_dir

    name = hashlib.sha256(str(out.resolve()).encode()).hexdigest()[:16]
    return cache_dir(project.root) / f"publish-{name}.json"


def _unchanged(project: Project, out: Path, fingerprint: str) -> BuildResult | None:
    """The last build's result if nothing it read has changed and its output is all there."""
    try:
        state = json.loads(state_path(project, out).read_text())
        names = (out / MANIFEST).read_text().split()
    except (OSError, ValueError):
        return None
    if state.get("fingerprint") != fingerprint or not all((out / n).is_file() for n in names):
        return None
    return BuildResult([], len(names), [], state["pages"], state["interface_missing"])


def _write_file(path: Path, text: str) -> bool:
    """Write ``text`` unless the file holds it already: a temporary file and an atomic rename,
    so a reader never sees half a page.  No fsync per page (the site is derived from the
    project and rebuilt at will; syncing thousands of files was a tenth of a full build)."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return True


def _write(out: Path, files: dict[str, str], copies: dict[str, Path], media: Path) -> BuildResult:
    out.mkdir(parents=True, exist_ok=True)
    written = [rel for rel, text in sorted(files.items()) if _write_file(out / rel, text)]
    names = set(files)
    if media.is_dir():
        copies.update({f"media/{item.name}": item for item in media.iterdir() if item.is_file()})
    for rel, source in sorted(copies.items()):
        names.add(rel)
        target = out / rel
        if not target.exists() or target.read_bytes() != source.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            written.append(rel)
    manifest = out / MANIFEST
    before = set(manifest.read_text().split("\n")) - {""} if manifest.exists() else set()
    removed = sorted(before - names)
    for rel in removed:  # only files an earlier publish wrote: never anything else in `out`
        (out / rel).unlink(missing_ok=True)
    _write_file(manifest, "\n".join(sorted(names)) + "\n")
    pages = sum(1 for rel in files if rel.endswith(".html"))
    return BuildResult(written, len(names) - len(written), removed, pages)
