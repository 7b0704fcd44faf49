"""Incremental publishing: only what changed is read and rendered, and the site comes out
byte for byte as a clean build makes it."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from tests.test_publish import SLUG, page, review_and_approve
from workflow.extract import extract
from workflow.project import Project
from workflow.publish import build
from workflow.publish import inputs as inputs_module


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def clean_build(project: Project, out: Path) -> dict[str, bytes]:
    """What a build from nothing makes: no cache, no earlier output."""
    shutil.rmtree(project.root / ".workflow-cache")
    shutil.rmtree(out, ignore_errors=True)
    build(project, out)
    return tree(out)


@pytest.fixture
def published(project: Project) -> Path:
    extract(project, [])
    review_and_approve(project, "es")
    out = project.root / "public"
    first = build(project, out)
    assert first.rendered == first.pages - 3 - 1  # all but the front pages and the root
    return out


def test_a_publish_with_nothing_changed_renders_and_writes_nothing(
    project: Project, published: Path
) -> None:
    again = build(project, published)
    assert (again.rendered, again.written, again.removed) == (0, [], [])
    assert again.pages > 0


def test_one_edit_renders_only_that_articles_pages_and_matches_a_clean_build(
    project: Project, published: Path
) -> None:
    path = project.article_path(SLUG)
    path.write_text(path.read_text().replace("## Who paid", "## Who paid for it", 1))
    result = build(project, published)
    assert result.rendered == 2, "the English original and its Spanish translation"
    assert f"en/{SLUG}/index.html" in result.written
    assert not any(p.startswith(("en/mercado", "es/mercado")) for p in result.written)
    incremental = tree(published)
    assert clean_build(project, published) == incremental


def test_a_shared_input_renders_every_page_again(project: Project, published: Path) -> None:
    people = project.root / "people.toml"
    people.write_text(people.read_text().replace('"Ana Ruiz"', '"Ana Gómez Ruiz"'))
    result = build(project, published)
    assert result.rendered == result.pages - 4
    assert any("Ana Gómez Ruiz" in (published / p).read_text() for p in result.written)
    incremental = tree(published)
    assert clean_build(project, published) == incremental


def test_a_new_translation_and_a_changed_image_render_only_their_article(
    project: Project, published: Path
) -> None:
    from PIL import Image

    review_and_approve(project, "ca")
    result = build(project, published)
    assert result.rendered == 3, "the article's three versions: each links the new one"
    assert f"ca/{SLUG}/index.html" in result.written
    Image.new("RGB", (800, 450), "white").save(project.articles_dir / "media" / "mercado.jpg")
    result = build(project, published)
    written = [p for p in result.written if p.endswith("/index.html") and p.count("/") == 2]
    assert written == ["es/mercado-central/index.html"] and result.rendered == 1
    assert 'width="800" height="450"' in (published / written[0]).read_text()
    incremental = tree(published)
    assert clean_build(project, published) == incremental


def test_a_removed_page_is_rendered_again(project: Project, published: Path) -> None:
    (published / "es" / SLUG / "index.html").unlink()
    result = build(project, published)
    assert result.written == [f"es/{SLUG}/index.html"]


def test_unchanged_files_are_known_without_reading_them(
    project: Project, published: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File contents are hashed once; after that, a file whose identity (inode, size,
    modification time) is unchanged is not read.  A file modified just before a build
    (within the file clock's tick) is read again, so a same-size edit that keeps the
    modification time is still seen."""
    read: list[str] = []
    digest = hashlib.file_digest

    def counting(handle, name):  # type: ignore[no-untyped-def]
        read.append(handle.name)
        return digest(handle, name)

    monkeypatch.setattr(hashlib, "file_digest", counting)
    monkeypatch.setattr(inputs_module, "RACY_NS", 0)  # trust every file (nothing is racy)
    build(project, published)
    read.clear()
    assert build(project, published).written == []
    assert read == [], "nothing changed, nothing read"

    monkeypatch.setattr(inputs_module, "RACY_NS", 2_000_000_000)
    path = project.article_path("mercado-central")
    path.write_text(path.read_text())  # modified just now
    build(project, published)  # so its hash is not trusted next time
    before = path.stat()
    text = path.read_text()
    with path.open("r+", encoding="utf-8") as handle:  # same inode, same size
        handle.write(text.replace("el sábado", "el domingo", 1))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same time
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert "es/mercado-central/index.html" in build(project, published).written


def test_article_pages_are_checked_from_the_heads_they_are_rendered_with(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site-wide hreflang checks read article pages' heads from the data they are
    rendered with, not from the HTML: the template must write exactly that head."""
    import workflow.publish.pages as pages
    from workflow.publish.check import read_head

    extract(project, [])
    review_and_approve(project, "es")
    review_and_approve(project, "ca")
    seen: dict[str, object] = {}
    real = pages.page_head

    def spy(page):  # type: ignore[no-untyped-def]
        head = real(page)
        seen[page["url"]] = head
        return head

    monkeypatch.setattr(pages, "page_head", spy)
    out = project.root / "public"
    result = build(project, out)
    assert len(seen) == result.rendered > 3
    base = project.config.base_url
    for url, head in seen.items():
        html = (out / url.removeprefix(base) / "index.html").read_text(encoding="utf-8")
        assert read_head(html) == head, url


def test_a_damaged_memory_means_a_full_build_not_a_failure(
    project: Project, published: Path
) -> None:
    cache = project.root / ".workflow-cache"
    for name in [*cache.glob("publish-*.pickle"), *cache.glob("publish-*.json")]:
        name.write_bytes(b"\x80\x05not what it was")
    path = project.article_path(SLUG)
    path.write_text(path.read_text().replace("## Who paid", "## Who paid for it", 1))
    result = build(project, published)
    assert result.rendered == result.pages - 4
    incremental = tree(published)
    assert clean_build(project, published) == incremental


def test_without_the_rendered_bodies_the_memory_reads_articles_again(
    project: Project, published: Path
) -> None:
    """The memory knows bodies by key only: if the body cache is gone, articles are read
    again from their files (their pages, unchanged, are kept)."""
    (project.root / ".workflow-cache" / "publish.sqlite").unlink()
    path = project.article_path(SLUG)
    path.write_text(path.read_text().replace("## Who paid", "## Who paid for it", 1))
    result = build(project, published)
    assert result.rendered == 2
    assert "es/feed.xml" in result.written or "en/feed.xml" in result.written
    incremental = tree(published)
    assert clean_build(project, published) == incremental


def test_a_touched_source_redates_its_update_notice_as_a_clean_build_does(
    project: Project, published: Path
) -> None:
    """No git and no extract since the approval: the notice is dated by the file's time, so
    a new time alone (same text) must reach the page."""
    path = project.article_path(SLUG)
    path.write_text(path.read_text().replace("## Who paid", "## Who paid for it", 1))
    build(project, published)
    noon = dt.datetime(2031, 2, 3, 12, 0, tzinfo=dt.UTC).timestamp()
    os.utime(path, (noon, noon))
    result = build(project, published)
    assert f"es/{SLUG}/index.html" in result.written
    notice = page(published, f"es/{SLUG}").classes["outdated"]
    assert "3 de febrero de 2031" in notice
    assert tree(published) == clean_build(project, project.root / "clean")
