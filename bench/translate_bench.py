"""Benchmark: `translate` with Apertium against Apertium alone, and re-run cost.

Usage::

    .venv/bin/python bench/translate_bench.py           # 20 generated articles, en→es
    .venv/bin/python bench/translate_bench.py -n 100 --repeat 5

Prints:

* words per second of a full ``translate`` run (memory, glossary, cache,
  batching, checks and catalogue writes included) and of ``apertium`` given
  exactly the same texts in one call, what a user would run by hand; their
  ratio (aim ≥ 0.8).  Trials alternate between the two, so a busy machine
  slows both alike; measure on a quiet machine (``uptime``) all the same;
* after editing 5% of the distinct sentences and re-extracting, the
  characters the second run sends as a share of the first (aim: close to 5%).
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_project

from workflow.extract import extract
from workflow.project import Project
from workflow.translate import Translation


def run(project: Project) -> tuple[float, int, int, list[str]]:
    """One translate run: (seconds, segments sent, characters sent, texts sent)."""
    start = time.perf_counter()
    translation = Translation(project, languages=["es"])
    translation.plan()
    texts = [t for texts in translation.to_send.values() for t in texts]
    report = translation.run()
    seconds = time.perf_counter() - start
    assert not report.problems, report.problems
    cost = report.costs[("apertium", "en", "es")]
    return seconds, cost.segments, cost.characters, texts


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--articles", type=int, default=20)
    parser.add_argument("--edit", type=float, default=0.05, help="share of sentences to edit")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        pristine = make_project(Path(tmp) / "pristine", args.articles, targets=("es",))
        extract(Project.load(pristine), [])
        timings, limits = [], []
        for trial in range(args.repeat):
            root = Path(tmp) / f"trial-{trial}"
            shutil.copytree(pristine, root)
            project = Project.load(root)
            seconds, segments, characters, texts = run(project)
            timings.append(seconds)
            start = time.perf_counter()
            subprocess.run(
                ["apertium", "-u", "-f", "txt", "eng-spa"],
                input="\n\n".join(" ".join(t.split()) for t in texts),
                capture_output=True,
                text=True,
                check=True,
            )
            limits.append(time.perf_counter() - start)
        seconds, limit = median(timings), median(limits)
        words = sum(len(t.split()) for t in texts)

        rng = random.Random(7)
        plain = [t for t in texts if "<" not in t and t.endswith(".")]
        edited = rng.sample(plain, max(1, round(len(texts) * args.edit)))
        for path in (root / "articles").glob("*.md"):
            text = original = path.read_text()
            for sentence in edited:
                text = text.replace(sentence, sentence[:-1] + " once more.")
            if text != original:
                path.write_text(text)
        extract(project, [])
        again_seconds, again_segments, again_chars, _ = run(project)

    print(f"articles:                   {args.articles}")
    print(f"distinct segments sent:     {segments:,} ({words:,} words, {characters:,} characters)")
    print(
        f"translate (full stage):     {seconds:.2f} s  {words / seconds:,.0f} words/s"
        f"  (median of {args.repeat}: {', '.join(f'{t:.2f}' for t in timings)})"
    )
    print(
        f"apertium, same text, 1 call:{limit:.2f} s  {words / limit:,.0f} words/s"
        f"  (median of {args.repeat}: {', '.join(f'{t:.2f}' for t in limits)})"
    )
    print(f"ratio translate / limit:    {limit / seconds:.2f}")
    print(f"edited sentences:           {len(edited)} of {len(texts)} ({args.edit:.0%})")
    print(
        f"re-run sent:                {again_segments} segments, {again_chars:,} characters "
        f"in {again_seconds:.2f} s"
    )
    print(f"re-run characters / first:  {again_chars / characters:.1%}")


if __name__ == "__main__":
    main()
