"""Benchmark: DeepL one text per request, one at a time, against batched and concurrent.

Usage::

    .venv/bin/python bench/deepl_bench.py                 # 500 segments, 50 ms latency
    .venv/bin/python bench/deepl_bench.py -n 2000 --latency 0.1

A local server speaking DeepL's protocol (``tests/fake_providers.py``) answers
every request after ``--latency`` seconds, as a distant API does.  One article
of ``-n`` distinct segments goes through the whole ``translate`` stage three
ways:

* one by one: one text per request, one request at a time, saved every 25
  texts — what calling DeepL through deep-translator did;
* batched: 50 texts per request, one at a time (``concurrency = 1``);
* batched and concurrent: the defaults (50 per request, 4 in flight).

Prints seconds, requests and segments per second for each, and the speed-up.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import sentence

from tests.fake_providers import serve
from workflow.engines.deepl import DeeplEngine
from workflow.extract import extract
from workflow.project import Project
from workflow.translate import Translation

#: label, [engines.deepl] settings, texts per request
WAYS: list[tuple[str, dict[str, Any], int]] = [
    ("one by one (1 text/request, 1 in flight)", {"batch_size": 25, "concurrency": 1}, 1),
    ("batched (50 texts/request, 1 in flight)", {"concurrency": 1}, 50),
    ("batched + concurrent (50/request, 4 in flight)", {}, 50),
]
KEY = {"DEEPL_API_KEY": "k"}


def make(root: Path, segments: int) -> None:
    """A project with one article of ``segments`` distinct segments (title included)."""
    rng = random.Random(99)
    seen: dict[str, None] = {}
    while len(seen) < segments - 1:
        text = sentence(rng)
        if "[" not in text and "*" not in text:
            seen[text] = None
    body = [" ".join(list(seen)[i : i + 5]) for i in range(0, len(seen), 5)]
    (root / "articles").mkdir(parents=True)
    (root / "locales").mkdir()
    (root / "articles" / "long-read.md").write_text(
        "---\ntitle: A long read about the harbour\npublished: 2024-05-01\n"
        "language: en\nstatus: ready\n---\n" + "\n\n".join(body) + "\n"
    )
    extract_config = (
        '[site]\nname = "Bench"\nbase_url = "https://bench.example.org/"\n'
        '[languages]\nsource = ["en"]\ntargets = ["en", "es"]\n'
        '[engines]\ndefault = "deepl"\n'
    )
    (root / "workflow.toml").write_text(extract_config)
    extract(Project.load(root), [])


def run(root: Path, url: str, settings: dict[str, Any], per_request: int) -> tuple[float, int]:
    table = "".join(f"{key} = {value}\n" for key, value in settings.items())
    config = root / "workflow.toml"
    config.write_text(config.read_text() + f'[engines.deepl]\nurl = "{url}"\n{table}')
    project = Project.load(root)
    deepl = DeeplEngine(project.config.engine_settings["deepl"], project.config.translate, KEY)
    deepl.per_request = per_request
    translation = Translation(project, environ=KEY, engines={"deepl": deepl})
    translation.plan()
    start = time.perf_counter()
    report = translation.run()
    seconds = time.perf_counter() - start
    assert not report.problems and not report.attention, report.problems
    return seconds, translation.total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--segments", type=int, default=500)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp, serve() as server:
        pristine = Path(tmp) / "pristine"
        make(pristine, args.segments)
        server.latency = args.latency
        for index, (label, settings, per_request) in enumerate(WAYS):
            root = Path(tmp) / f"way-{index}"
            shutil.copytree(pristine, root)
            before = server.translations
            seconds, sent = run(root, server.url("deepl"), settings, per_request)
            results.append((label, seconds, server.translations - before, sent))
    print(f"segments: {args.segments}, fake DeepL latency {args.latency * 1000:.0f} ms per request")
    base = results[0][1]
    for label, seconds, requests, sent in results:
        print(
            f"{label:48} {seconds:6.2f} s  {requests:4d} requests  "
            f"{sent / seconds:7,.0f} segments/s  ×{base / seconds:5.1f}"
        )


if __name__ == "__main__":
    main()
