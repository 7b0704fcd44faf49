"""The build recipe: collect, render, check, write what changed."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from workflow.audit import record
from workflow.errors import PublishError
from workflow.executor import Executor
from workflow.fsutil import write_if_changed
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


def build(
    project: Project,
    out: Path,
    now: dt.datetime | None = None,
    executor: Executor | None = None,
) -> BuildResult:
    """Build the site into ``out``: the recipe.

    With an ``executor`` (a Dask cluster), article bodies are rendered there
    first; every file is still written here.
    """
    from workflow.publish.check import check_site
    from workflow.publish.strings import load_site_catalogs, missing_strings

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
    render_sitemaps(site, env, files, now or dt.datetime.now(dt.UTC))
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
    return result


def _write(out: Path, files: dict[str, str], copies: dict[str, Path], media: Path) -> BuildResult:
    out.mkdir(parents=True, exist_ok=True)
    written = [rel for rel, text in sorted(files.items()) if write_if_changed(out / rel, text)]
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
    write_if_changed(manifest, "\n".join(sorted(names)) + "\n")
    pages = sum(1 for rel in files if rel.endswith(".html"))
    return BuildResult(written, len(names) - len(written), removed, pages)
