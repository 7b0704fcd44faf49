"""Benchmark: extract time against article size, up to the size limit (issue 10).

Usage::

    .venv/bin/python bench/limits_bench.py              # 32 KB … 256 KB (the default limit)
    .venv/bin/python bench/limits_bench.py --max-kb 2048

For each size it writes one article of that many kilobytes of plain prose,
extracts it into one language in a fresh project (in process, so start-up is
not counted) and prints the time, the time per 100 KB (flat when extract is
linear), and Translate Toolkit's ``md2po`` on the same Markdown side by side
when it can run (it needs ``translate-toolkit[markdown]``, i.e. mistletoe).
Run it on a quiet machine: a shared one makes every figure noisy.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from workflow.extract import extract
from workflow.project import Project

ROOT = Path(__file__).resolve().parent.parent
WORDS = " ".join(
    ("the council harbour rebuilt money fund town people said would could after",
     "before during water ship boat crane quay wall stone engineers residents")
).split()  # fmt: skip


def prose(size: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    paragraphs, total = [], 0
    while total < size:
        sentences = (
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."
            for _ in range(4)
        )
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        total += len(paragraph) + 2
    return "\n\n".join(paragraphs) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-kb", type=int, default=256)
    args = parser.parse_args()
    md2po = shutil.which("md2po") or str(Path(sys.executable).parent / "md2po")
    probe = subprocess.run([md2po, "--version"], capture_output=True, check=False)
    if probe.returncode != 0:
        md2po = ""
        print("(md2po cannot run here: pip install 'translate-toolkit[markdown]' to compare)")
    print(f"{'size':>8} {'extract':>9} {'per 100 KB':>11} {'md2po':>8}")
    size_kb = 32
    while size_kb <= args.max_kb:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            shutil.copy(ROOT / "workflow.toml", root / "workflow.toml")
            (root / "workflow.toml").open("a").write(f"\n[limits]\narticle_kb = {size_kb + 1}\n")
            (root / "articles").mkdir()
            body = prose(size_kb * 1024 - 80)
            head = "---\ntitle: Size\npublished: 2024-01-01\nlanguage: en\n---\n"
            (root / "articles" / "big.md").write_text(head + body)
            (root / "body.md").write_text(body)
            project = Project.load(root)
            start = time.perf_counter()
            extract(project, ["big"], ("es",))
            took = time.perf_counter() - start
            other = "-"
            if md2po:
                start = time.perf_counter()
                subprocess.run([md2po, "-i", "body.md", "-o", "body.pot"], cwd=root, check=True,
                               capture_output=True)  # fmt: skip
                other = f"{time.perf_counter() - start:.2f}s"
        print(f"{size_kb:>5} KB {took:>8.2f}s {took / size_kb * 100:>10.2f}s {other:>8}")
        size_kb *= 2


if __name__ == "__main__":
    main()
