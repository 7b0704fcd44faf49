"""Benchmark: extract a generated corpus, then re-extract after editing one article.

Usage::

    .venv/bin/python bench/extract_bench.py            # N=1000 articles
    .venv/bin/python bench/extract_bench.py -n 100

Prints words, segments and catalogues per second of the first extract, and the
time of a re-extract after one article changed (only its catalogues should be
rewritten).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_project

from workflow.extract import extract
from workflow.project import Project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--articles", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp), args.articles)
        words = sum(len(p.read_text().split()) for p in (root / "articles").glob("*.md"))
        project = Project.load(root)

        start = time.perf_counter()
        results = extract(project, [])
        first = time.perf_counter() - start
        segments = sum(r.stats.total for r in results if r.stats and r.language == "es")
        catalogues = sum(1 for r in results if r.action == "created")

        start = time.perf_counter()
        again = extract(project, [])
        noop = time.perf_counter() - start

        edited = root / "articles" / "article-00007.md"
        edited.write_text(edited.read_text().replace("The council", "The town council", 1))
        before = {p: p.stat().st_mtime_ns for p in (root / "locales").rglob("*.po")}
        start = time.perf_counter()
        after = extract(project, [])
        one_edit = time.perf_counter() - start
        rewritten = sum(
            1 for p in (root / "locales").rglob("*.po") if p.stat().st_mtime_ns != before[p]
        )

    print(f"articles:                 {args.articles}")
    print(f"source words:             {words:,}")
    print(f"segments per language:    {segments:,}")
    print(f"catalogues written:       {catalogues}")
    print(f"first extract:            {first:.2f} s  ({words / first:,.0f} words/s)")
    unchanged = sum(r.action == "unchanged" for r in again)
    print(f"re-extract, no change:    {noop:.3f} s  ({unchanged} unchanged)")
    print(
        f"re-extract, one edit:     {one_edit:.3f} s  ({rewritten} catalogues rewritten, "
        f"{sum(r.action == 'updated' for r in after)} updated)"
    )
    print(f"one edit / first extract: {one_edit / first:.4f}")


if __name__ == "__main__":
    main()
