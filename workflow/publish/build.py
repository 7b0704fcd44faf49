"""The build recipe: collect, render, check, write what changed."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from workflow.audit import record
from workflow.errors import PublishError
from workflow.fsutil import write_if_changed
from workflow.project import Project
from workflow.publish.feeds import render_feeds, render_sitemap
from workflow.publish.markdown import MarkdownCache
from workflow.publish.model import collect
from workflow.publish.pages import environment, render_articles, render_indexes, render_root

HERE = Path(__file__).parent
MANIFEST = ".workflow-published"


@dataclass
class BuildResult:
    written: list[str]
    unchanged: int
    removed: list[str]
    pages: int


def build(project: Project, out: Path) -> BuildResult:
    """Build the site into ``out``: the recipe."""
    from workflow.publish.check import check_site
    from workflow.publish.strings import load_site_catalogs

    site = collect(project)
    env = environment()
    env.globals["site_catalogs"] = load_site_catalogs(project)
    media = project.articles_dir / "media"
    files: dict[str, str] = {}
    markdown = MarkdownCache(project.root)
    try:
        render_articles(site, env, files, media, markdown)
    finally:
        markdown.close()
    render_indexes(site, env, files)
    render_feeds(site, env, files)
    render_root(site, env, files)
    render_sitemap(site, env, files)
    for name in ("site.css", "choose.js"):
        files[f"static/{name}"] = (HERE / "static" / name).read_text(encoding="utf-8")
    problems = check_site(site, files)
    if problems:
        raise PublishError("the site fails its checks:\n" + "\n".join(f"  - {p}" for p in problems))
    result = _write(out, files, media)
    if result.written or result.removed:
        record(project.root, "publish", written=len(result.written), removed=len(result.removed))
    return result


def _write(out: Path, files: dict[str, str], media: Path) -> BuildResult:
    out.mkdir(parents=True, exist_ok=True)
    written = [rel for rel, text in sorted(files.items()) if write_if_changed(out / rel, text)]
    names = set(files)
    if media.is_dir():
        for item in sorted(media.iterdir()):
            rel = f"media/{item.name}"
            names.add(rel)
            target = out / rel
            if item.is_file() and (not target.exists() or target.read_bytes() != item.read_bytes()):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(item, target)
                written.append(rel)
    manifest = out / MANIFEST
    before = set(manifest.read_text().split("\n")) - {""} if manifest.exists() else set()
    removed = sorted(before - names)
    for rel in removed:  # only files an earlier publish wrote: never anything else in `out`
        (out / rel).unlink(missing_ok=True)
    write_if_changed(manifest, "\n".join(sorted(names)) + "\n")
    pages = sum(1 for rel in files if rel.endswith(".html"))
    return BuildResult(written, len(names) - len(written), removed, pages)
