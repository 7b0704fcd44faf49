"""Benchmark: extract a generated corpus, then re-extract after editing one article.

Usage::

    .venv/bin/python bench/extract_bench.py            # N=1000 articles
    .venv/bin/python bench/extract_bench.py -n 100
    .venv/bin/python bench/extract_bench.py --no-mdpo  # only our own figures

Prints words, segments and catalogues per second of the first extract, and the
time of a re-extract after one article changed (only its catalogues should be
rewritten).  Side by side, the same corpus through mdpo's ``md2po`` (the tool a
newsroom would otherwise pick to put Markdown into PO files), once per article
per target language so both write the same number of catalogues.  mdpo is no
dependency of ours: the first run installs it into its own environment,
``.bench-venv/`` (``python -m venv .bench-venv && .bench-venv/bin/pip install
mdpo``).  mdpo cuts by paragraph, we by sentence, so we write more entries.
Last, the sentence splitter alone: pysbd (with our corrections) against the
fast path that answers plain sentences itself and asks pysbd the rest.

A first extract of many articles runs in one worker process per core (see
``workflow.extract``), so "time" is wall-clock and "CPU" adds this process's
and its workers' CPU time.

The machine is shared: compare figures taken at the same time, when ``uptime``
shows little load, and rerun.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_project

from workflow.extract import extract
from workflow.project import Project

BENCH_VENV = Path(__file__).resolve().parent.parent / ".bench-venv"

#: Run inside the bench environment: md2po every article into one PO file per
#: target language, timed inside the process (no interpreter start counted).
MDPO = """
import sys, time
from pathlib import Path
from mdpo.md2po import markdown_to_pofile
root, langs = Path(sys.argv[1]), sys.argv[2].split(",")
files = sorted((root / "articles").glob("*.md"))
start, cpu = time.perf_counter(), time.process_time()
entries = 0
for path in files:
    for lang in langs:
        out = root / "mdpo" / lang / (path.stem + ".po")
        out.parent.mkdir(parents=True, exist_ok=True)
        entries += len(markdown_to_pofile(str(path), po_filepath=str(out), save=True, wrapwidth=0))
print(time.perf_counter() - start, time.process_time() - cpu, entries // len(langs))
"""


def mdpo_python() -> Path | None:
    """The bench environment's Python with mdpo installed, made on first use."""
    python = BENCH_VENV / "bin" / "python"
    try:
        if not python.exists():
            print("installing mdpo into .bench-venv/ (once) …", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        probe = subprocess.run([str(python), "-c", "import mdpo.md2po"], capture_output=True)
        if probe.returncode != 0:
            subprocess.run([str(python), "-m", "pip", "install", "-q", "mdpo"], check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"mdpo not available ({exc}); showing our figures only", file=sys.stderr)
        return None
    return python


def run_mdpo(python: Path, root: Path, languages: list[str]) -> tuple[float, float, int]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [str(python), "-c", MDPO, str(root), ",".join(languages)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    seconds, cpu, entries = result.stdout.split()
    return float(seconds), float(cpu), int(entries)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (extract's workers)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def splitter_figures(count: int = 600) -> list[str]:
    """The sentence splitter alone on corpus paragraphs as extract sees them (markup gone):
    pysbd with our corrections against the fast path that falls back to it."""
    import random
    import re

    from corpus import paragraph

    from workflow.sentences import sentence_splitter

    rng = random.Random(7)
    texts = [
        re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", paragraph(rng, 6)).replace("*", "")
        for _ in range(count)
    ]
    lines = []
    answers = []
    for name, fast in (("pysbd + corrections", False), ("fast path, pysbd fallback", True)):
        split = sentence_splitter("en", fast)
        start = time.process_time()
        answers.append([split(text) for text in texts])
        lines.append(f"  {name:27} {time.process_time() - start:7.3f} s CPU")
    same = sum(a == b for a, b in zip(*answers, strict=True))
    lines.append(f"  same sentences for {same} of {count} paragraphs")
    return [f"sentence splitter alone, {count} paragraphs:", *lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--articles", type=int, default=1000)
    parser.add_argument("--no-mdpo", action="store_true", help="skip the mdpo comparison")
    args = parser.parse_args()
    python = None if args.no_mdpo else mdpo_python()
    mdpo: tuple[float, float, int] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp), args.articles)
        if python is not None:
            mdpo = run_mdpo(python, root, ["es", "ca"])
        words = sum(len(p.read_text().split()) for p in (root / "articles").glob("*.md"))
        project = Project.load(root)

        start, cpu_start = time.perf_counter(), cpu_seconds()
        results = extract(project, [])
        first = time.perf_counter() - start
        first_cpu = cpu_seconds() - cpu_start
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
    if mdpo is not None:
        seconds, cpu, entries = mdpo
        print()
        print(f"{'':26}{'workflow extract':>18}{'mdpo md2po':>14}")
        print(f"{'catalogues written':26}{catalogues:>18}{catalogues:>14}")
        print(f"{'entries per language':26}{segments:>18,}{entries:>14,}")
        print(f"{'first extract, seconds':26}{first:>18.2f}{seconds:>14.2f}")
        print(f"{'  of which CPU, seconds':26}{first_cpu:>18.2f}{cpu:>14.2f}")
        print(f"{'words per second':26}{words / first:>18,.0f}{words / seconds:>14,.0f}")
        print(f"workflow / mdpo, time:    {first / seconds:.2f}  (below 1: workflow is faster)")
        print(f"workflow / mdpo, CPU:     {first_cpu / cpu:.2f}  (steadier on a busy machine)")
    print()
    print("\n".join(splitter_figures()))
    print(f"load average at the end:  {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
