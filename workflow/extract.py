"""Stage 1a: articles to catalogues (``workflow extract``).

For each article and each of its target languages the current segments are
merged into ``locales/<lang>/LC_MESSAGES/<slug>.po``.  The catalogue header
records a hash of the source article and the segmenter version; when both are
unchanged the article is not even parsed again, which keeps a re-extract of a
large newsroom archive after one edit down to milliseconds.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path

import polib

from workflow.article import Article
from workflow.audit import record
from workflow.catalog import (
    ENTRIES,
    SOURCE_HASH,
    SOURCE_LANGUAGE,
    Stats,
    live_entries,
    merge,
    new_catalog,
    read_catalog,
    read_header,
    stats,
    write_catalog,
)
from workflow.errors import ArticleError, CatalogError, WorkflowError
from workflow.fields import front_matter_segments
from workflow.fsutil import atomic_write_bytes, content_hash, file_lock
from workflow.languages import Language
from workflow.potext import catalog_text
from workflow.project import Project
from workflow.resegment import carry_over
from workflow.segment import SEGMENTER_VERSION, Document, Segment, segment_body
from workflow.team import events


@dataclass(frozen=True)
class ExtractResult:
    """What extract did for one article in one language."""

    slug: str
    language: str
    action: str  # "created" | "updated" | "unchanged" | "skipped (draft)"
    stats: Stats | None = None


def source_hash(article: Article) -> str:
    """Identifies the source text and the segmenter that cut it."""
    return content_hash(article.source, SEGMENTER_VERSION)


def segment_article(article: Article) -> tuple[list[Segment], Document]:
    """The article's front matter segments and its segmented body."""
    document = segment_body(article.body, article.meta.language.primary, article.body_line)
    return front_matter_segments(article), document


def extract_article(
    project: Project,
    article: Article,
    targets: list[Language],
    force: bool = False,
    accept_lost: bool = False,
) -> list[ExtractResult]:
    """Create or merge the article's catalogue in each target language.

    A catalogue with fewer entries than it should have is refused unless
    ``accept_lost`` (then the lost entries come back untranslated).
    """
    force = force or accept_lost
    if article.meta.status == "draft":
        return [ExtractResult(article.slug, t.tag, "skipped (draft)") for t in targets]
    digest = source_hash(article)
    source_ref = project.relative(article.path)
    segments: list[Segment] | None = None
    fresh: list[polib.POEntry] | None = None  # a new catalogue's entries, alike in every language
    results = []
    for language in targets:
        path = project.catalog_path(article.slug, language)
        if not force and path.exists() and read_header(path).get(SOURCE_HASH) == digest:
            results.append(ExtractResult(article.slug, language.tag, "unchanged"))
            continue
        if segments is None:
            front, document = segment_article(article)
            segments = front + list(document.segments())
        with file_lock(path):
            # an empty file is what a power cut can leave of a fresh catalogue: made again
            existed = path.exists() and path.stat().st_size > 0
            if existed:
                old = read_catalog(path, project.relative(path), accept_lost)
                old = carry_over(old, segments, article.meta.language.primary, language.primary)
                po = merge(old, segments, source_ref)
            else:
                name = f"{project.config.site_name} {article.slug}"
                po = new_catalog(language, name, source_ref)
                if fresh is None:
                    fresh = list(merge(po, segments, source_ref))
                po.extend(fresh)
            po.metadata[SOURCE_HASH] = digest
            po.metadata[SOURCE_LANGUAGE] = article.meta.language.tag
            po.metadata["Language"] = language.gettext_id
            po.metadata["Plural-Forms"] = language.plural_forms
            po.metadata[ENTRIES] = str(live_entries(po))
            written = write_catalog(po, path) if existed else _write_fresh(po, path)
        action = "created" if not existed else ("updated" if written else "unchanged")
        results.append(ExtractResult(article.slug, language.tag, action, stats(po)))
    return results


def _write_fresh(po: polib.POFile, path: Path) -> bool:
    """Write a catalogue made from scratch, without waiting for the disk (no fsync).

    It holds nothing the article does not: a power cut can at worst leave it
    empty, and the next extract makes it again.  Waiting for the disk for each of
    an archive's thousands of new catalogues was a third of a first extract.
    """
    atomic_write_bytes(path, catalog_text(po).encode("utf-8"), durable=False)
    return True


#: Articles to extract before more processes pay for their start.
PARALLEL_FROM = 24
_PROJECT: Project | None = None  # the project, in a worker process


def _extract_one(
    project: Project, slug: str, languages: tuple[str, ...], force: bool, accept_lost: bool = False
) -> tuple[list[ExtractResult], str | None]:
    try:
        article = project.article(slug)
        targets = project.targets(article, languages)
        return extract_article(project, article, targets, force, accept_lost), None
    except (ArticleError, CatalogError) as exc:
        return [], exc.message


def _start_worker(root: Path) -> None:
    global _PROJECT
    if _PROJECT is None:  # spawned, not forked
        _PROJECT = Project.load(root)


def _in_worker(
    job: tuple[str, tuple[str, ...], bool, bool],
) -> tuple[list[ExtractResult], str | None]:
    assert _PROJECT is not None
    return _extract_one(_PROJECT, *job)


def _outcomes(
    project: Project,
    slugs: list[str],
    languages: tuple[str, ...],
    force: bool,
    accept_lost: bool = False,
) -> Iterator[tuple[str, tuple[list[ExtractResult], str | None]]]:
    """Each article's results, from worker processes when there are many articles.

    Articles are independent (one catalogue each per language, each written
    under its own lock), so a large first extract uses every core; this
    process alone writes the audit log.  Forked workers share the loaded
    project; where this process runs threads (a progress bar), workers are
    spawned instead, since forking a threaded process is unsafe.
    """
    workers = min(os.cpu_count() or 1, 8, len(slugs) // (PARALLEL_FROM // 2))
    if workers < 2 or len(slugs) < PARALLEL_FROM:
        for slug in slugs:
            yield slug, _extract_one(project, slug, languages, force, accept_lost)
        return
    global _PROJECT
    forking = threading.active_count() == 1 and "fork" in get_all_start_methods()
    _PROJECT = project if forking else None
    context = get_context("fork" if forking else "spawn")
    jobs = [(slug, languages, force, accept_lost) for slug in slugs]
    try:
        with ProcessPoolExecutor(workers, context, _start_worker, (project.root,)) as pool:
            yield from zip(slugs, pool.map(_in_worker, jobs, chunksize=4), strict=True)
    finally:
        _PROJECT = None


def extract(
    project: Project,
    slugs: list[str],
    languages: tuple[str, ...] = (),
    force: bool = False,
    advance: Callable[[str], None] | None = None,
    accept_lost: bool = False,
) -> list[ExtractResult]:
    """Extract every named article (all when ``slugs`` is empty).

    A broken article does not stop the others: its error is collected and all
    errors are raised together at the end, one line each.
    """
    results: list[ExtractResult] = []
    failures: list[str] = []
    for slug, (done, failure) in _outcomes(
        project, project.select(slugs), languages, force, accept_lost
    ):
        if failure is not None:
            failures.append(failure)
        results.extend(done)
        changed = {r.language: r.action for r in done if r.action in ("created", "updated")}
        if changed:
            record(project.root, "extract", slug=slug, languages=changed)
            events.source_changed(project, slug, changed)
        if advance is not None:
            advance(slug)
    if failures:
        raise ExtractError(failures, results)
    return results


class ExtractError(WorkflowError):
    """Some articles could not be extracted; the others were."""

    def __init__(self, failures: list[str], results: list[ExtractResult]) -> None:
        self.failures = failures
        self.results = results
        super().__init__("\n".join(failures))
