"""The build recipe: collect, render, check, write what changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from workflow.audit import record
from workflow.errors import PublishError
from workflow.executor import Executor
from workflow.project import Project
from workflow.publish.feeds import render_feeds, render_sitemaps
from workflow.publish.incremental import Memory
from workflow.publish.inputs import inputs_fingerprint
from workflow.publish.markdown import MarkdownCache
from workflow.publish.media import Media
from workflow.publish.model import collect
from workflow.publish.pages import (
    environment,
    feed_body,
    render_articles,
    render_indexes,
    render_root,
    render_withdrawn,
)

HERE = Path(__file__).parent
MANIFEST = ".workflow-published"
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
    #: Article pages rendered (the others were kept: their inputs had not changed).
    rendered: int = 0


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
    that: see :func:`~workflow.publish.inputs.inputs_fingerprint`.  Otherwise
    only articles whose own inputs changed are read and rendered again
    (:mod:`workflow.publish.incremental`); front pages, feeds and sitemaps are
    made every time.  Article bodies are rendered across this machine's cores,
    or with an ``executor`` (a Dask cluster) there; every file is still
    written here.
    """
    from workflow.publish.check import check_heads, read_head
    from workflow.publish.strings import catalog_path, load_site_catalogs, missing_strings

    now = now or dt.datetime.now(dt.UTC)
    state = state_path(project, out)
    memory = Memory(project, out, state.parent, state.stem)
    fingerprint = inputs_fingerprint(project, out, now, memory.hashes)
    unchanged = _unchanged(project, out, fingerprint)
    if unchanged is not None:
        memory.hashes.save()
        return unchanged
    env = environment(state.parent / "templates")
    catalogs = load_site_catalogs(project)
    env.globals["site_catalogs"] = catalogs
    strings = memory.strings_key(
        [catalog_path(project, lang).with_suffix(".mo") for lang in project.config.languages]
    )
    media = Media(project.articles_dir)
    files: dict[str, str] = {}
    markdown = MarkdownCache(project.root)
    try:
        memory.load(markdown)
        site = collect(project, memory)
        articles = render_articles(site, env, files, media, markdown, memory, strings, executor)
        render_feeds(site, env, files, lambda version: feed_body(site, media, markdown, version))
    finally:
        markdown.close()
    if media.problems:
        raise PublishError(
            "missing images:\n" + "\n".join(f"  - {p}" for p in sorted(set(media.problems)))
        )
    render_indexes(site, env, files)
    render_root(site, env, files)
    render_sitemaps(site, env, files, now)
    heads = dict(articles.heads)
    heads.update(
        (rel, read_head(text))
        for rel, text in files.items()
        if rel.endswith(".html") and rel not in heads
    )
    problems = check_heads(site.base_url, heads)
    render_withdrawn(site, env, files)  # notices pointing elsewhere: not checked as pages
    if problems:
        raise PublishError("the site fails its checks:\n" + "\n".join(f"  - {p}" for p in problems))
    copies = {rel: HERE / src for rel, src in STATIC.items()}
    result = _write(out, files, copies, media.folder, articles.kept)
    result.rendered = articles.rendered
    if result.written or result.removed:
        record(project.root, "publish", written=len(result.written), removed=len(result.removed))
    result.interface_missing = [  # every language but the templates' own
        lang.tag for lang in project.site_languages() if missing_strings(catalogs[lang.tag])
    ]
    memory.save()
    done = {
        "fingerprint": inputs_fingerprint(project, out, now, memory.hashes),  # after the record
        "pages": result.pages,
        "interface_missing": result.interface_missing,
    }
    _write_file(state, json.dumps(done, sort_keys=True) + "\n")
    memory.hashes.save()
    return result


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


def _write(
    out: Path, files: dict[str, str], copies: dict[str, Path], media: Path, kept: set[str]
) -> BuildResult:
    """Write what changed; ``kept`` pages were not rendered again and stay as they are."""
    out.mkdir(parents=True, exist_ok=True)
    written = [rel for rel, text in sorted(files.items()) if _write_file(out / rel, text)]
    names = set(files) | kept
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
    pages = sum(1 for rel in names if rel.endswith(".html") and not rel.startswith("media/"))
    return BuildResult(written, len(names) - len(written), removed, pages)
