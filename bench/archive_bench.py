"""Benchmark: an archive translated and published in-process and on a local Dask cluster.

Usage::

    .venv/bin/python bench/archive_bench.py              # 200 articles, en→es, local:2
    .venv/bin/python bench/archive_bench.py -n 1000 --executor local:4
    .venv/bin/python bench/archive_bench.py --executor tcp://scheduler:8786

Generates N articles (bench/corpus.py) and extracts them, then:

* ``translate`` with Apertium, en→es, on two copies of the project: one in
  this process, one on the Dask executor (no memory or engine cache to help);
* approves the Spanish versions of one copy and ``publish``-es it twice, in
  this process and on the executor, each with an empty Markdown cache;

and prints seconds and words (pages) per second side by side, with
``apertium`` given the same texts in one call — what a person would run
instead.  The catalogues and the site must come out identical both ways.

On a 2-core machine two Dask workers cannot beat one process (the engine
already uses a core, and the cluster costs its start-up and transfers):
parity is the expectation.  The point is that the same command scales out by
changing ``--executor`` to a cluster's address.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_project

from workflow.catalog import read_catalog, write_catalog
from workflow.executor import Executor, open_executor
from workflow.extract import extract
from workflow.project import Project
from workflow.publish import build
from workflow.release import approve
from workflow.translate import Translation


def translate(project: Project, executor: Executor | None) -> tuple[float, list[str]]:
    start = time.perf_counter()
    translation = Translation(project, languages=["es"], engine="apertium", executor=executor)
    translation.plan()
    texts = [t for texts in translation.to_send.values() for t in texts]
    report = translation.run()
    assert not report.problems, report.problems
    return time.perf_counter() - start, texts


def approve_all(project: Project) -> None:
    """Every Spanish version reviewed as the machine left it, then approved."""
    for slug in project.slugs():
        path = project.catalog_path(slug, project.config.target_languages[1])
        po = read_catalog(path)
        for entry in po:
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                entry.previous_msgid = None
                entry.tcomment += "\nworkflow: reviewed bench 2026-01-02"
        write_catalog(po, path)
        approve(project, slug, "es", "editor")


def publish(project: Project, executor: Executor | None, folder: str) -> tuple[float, int]:
    """A full publish into ``folder`` with nothing rendered yet (the Markdown cache emptied)."""
    (project.root / ".workflow-cache" / "publish.sqlite").unlink(missing_ok=True)
    out = project.root / folder
    start = time.perf_counter()
    now = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)  # the same news sitemap both ways
    result = build(project, out, now, executor=executor)
    return time.perf_counter() - start, result.pages


def digest(root: Path, pattern: str) -> str:
    sha = hashlib.sha256()
    for path in sorted(root.glob(pattern)):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".po":  # the dates say when each run wrote it
                dates = (b'"PO-Revision-Date', b'"POT-Creation-Date')
                data = b"\n".join(line for line in data.splitlines() if not line.startswith(dates))
            sha.update(path.relative_to(root).as_posix().encode() + b"\0" + data)
    return sha.hexdigest()[:12]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--articles", type=int, default=200)
    parser.add_argument("--executor", default="local:2", help="the Dask side (default local:2)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pristine = make_project(Path(tmp) / "pristine", args.articles, targets=("es",))
        (pristine / "people.toml").write_text('[editor]\nname = "The Editor"\neditor = true\n')
        extract(Project.load(pristine), [])
        start = time.perf_counter()
        cluster = open_executor(args.executor)
        started = time.perf_counter() - start
        try:
            here, there = (Path(tmp) / name for name in ("here", "there"))
            shutil.copytree(pristine, here)
            shutil.copytree(pristine, there)
            translated = [translate(Project.load(here), None)]
            translated.append(translate(Project.load(there), cluster))
            texts = translated[0][1]
            same_catalogues = digest(here, "locales/*/LC_MESSAGES/*.po") == digest(
                there, "locales/*/LC_MESSAGES/*.po"
            )
            project = Project.load(here)  # one approved project, published both ways
            approve_all(project)
            published = [publish(project, None, "public-here")]
            published.append(publish(project, cluster, "public-there"))
            sites = [digest(here / folder, "**/*") for folder in ("public-here", "public-there")]
            same_site = sites[0] == sites[1]
        finally:
            cluster.close()

        start = time.perf_counter()
        subprocess.run(
            ["apertium", "-u", "-f", "txt", "eng-spa"],
            input="\n\n".join(texts),
            capture_output=True,
            text=True,
            check=True,
        )
        alone = time.perf_counter() - start

    words = sum(len(t.split()) for t in texts)
    print(f"articles: {args.articles}, en→es, {len(texts):,} distinct segments, {words:,} words")
    print(f"{'':24}{'translate':>11}{'words/s':>10}{'publish':>10}{'pages/s':>10}")
    for label, (seconds, _), (spent, pages) in zip(
        ("in-process", args.executor), translated, published, strict=True
    ):
        print(
            f"{label:24}{seconds:10.2f}s{words / seconds:10,.0f}{spent:9.2f}s{pages / spent:10,.0f}"
        )
    print(f"{'apertium alone, 1 call':24}{alone:10.2f}s{words / alone:10,.0f}")
    print(f"cluster start-up: {started:.1f} s (not in the figures above)")
    print(f"same catalogues both ways: {'yes' if same_catalogues else 'NO'}")
    print(f"same site both ways:       {'yes' if same_site else 'NO'}")
    if not (same_catalogues and same_site):
        sys.exit(1)


if __name__ == "__main__":
    main()
