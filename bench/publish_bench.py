"""Benchmark: full publish of a generated corpus, then an incremental publish after one edit.

Usage::

    .venv/bin/python bench/publish_bench.py            # 1000 articles × 3 languages
    .venv/bin/python bench/publish_bench.py -n 100

Every article is written in English and translated into Spanish and Catalan;
the translations are filled in (as if reviewed) and approved with the real
approval gate, so the site has 3 versions of each article.  Prints pages per
second of a full publish, the time of a publish with nothing changed, and of
one after editing one article.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import polib

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_project

from workflow.extract import extract
from workflow.project import Project
from workflow.publish import build
from workflow.release import approve


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--articles", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp), args.articles, targets=("es", "ca"))
        (root / "people.toml").write_text('[editor]\nname = "The Editor"\neditor = true\n')
        project = Project.load(root)
        start = time.perf_counter()
        extract(project, [])
        for slug in project.slugs():
            for language in project.config.target_languages[1:]:
                path = project.catalog_path(slug, language)
                po = polib.pofile(str(path))
                for entry in po:
                    entry.msgstr = entry.msgid  # stands in for a reviewed translation
                    entry.tcomment = (
                        "workflow: machine apertium 2026-01-01\nworkflow: reviewed bench 2026-01-02"
                    )
                po.save()
                approve(project, slug, language.tag, "editor")
        prepare = time.perf_counter() - start

        out = root / "public"
        start = time.perf_counter()
        full = build(project, out)
        full_time = time.perf_counter() - start

        start = time.perf_counter()
        again = build(project, out)
        noop_time = time.perf_counter() - start

        edited = project.article_path(project.slugs()[7])
        edited.write_text(edited.read_text().replace("The council", "The town council", 1))
        start = time.perf_counter()
        one = build(project, out)
        one_time = time.perf_counter() - start

    print(f"articles × languages:       {args.articles} × 3 ({full.pages} pages)")
    print(f"preparing (extract+approve): {prepare:.1f} s")
    print(
        f"full publish:                {full_time:.2f} s  ({full.pages / full_time:,.0f} pages/s, "
        f"{len(full.written)} files written)"
    )
    print(f"publish, nothing changed:    {noop_time:.2f} s  ({len(again.written)} files written)")
    print(
        f"publish after one edit:      {one_time:.2f} s  ({len(one.written)} files written: "
        f"{', '.join(sorted(one.written)[:6])})"
    )


if __name__ == "__main__":
    main()
