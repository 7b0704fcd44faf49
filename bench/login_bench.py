"""Benchmark: how long the review app takes to refuse a known and an unknown name,
and how fast a password guesser is slowed down (issue 10).

Usage::

    .venv/bin/python bench/login_bench.py            # 15 rounds
    .venv/bin/python bench/login_bench.py -n 40

Starts ``workflow serve`` on 127.0.0.1 for a throwaway project, then over real
HTTP: (1) wrong passwords for a known and an unknown name, interleaved, with
the throttle's counts cleared between attempts (so every answer is a real
password check), printing the median of each and their ratio (the goal: within
20 %); (2) wrong passwords for one name as fast as possible until the throttle
answers 429, printing attempts, seconds and guesses per second.  Before issue
10 a known name took ~170 ms and an unknown one ~20 ms, and 300 guesses in a
row were all checked.  Figures are noisy on a shared machine: run it quietly.
"""

from __future__ import annotations

import argparse
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copy(ROOT / "workflow.toml", root / "workflow.toml")
        (root / "articles").mkdir()
        workflow = [sys.executable, "-m", "workflow", "--project", str(root)]
        add = [*workflow, "user", "add", "ana", "--role", "editor", "--password", "a-long-secret"]
        subprocess.run(add, check=True, capture_output=True)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = subprocess.Popen([*workflow, "serve", "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        url = f"http://127.0.0.1:{port}/login"
        try:
            http = requests.Session()
            for _ in range(300):
                try:
                    page = http.get(url, timeout=5).text
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
            match = re.search(r'name="csrf_token" value="([^"]+)"', page)
            assert match
            token = match.group(1)
            counts = sqlite3.connect(root / "instance" / "sessions.sqlite3", isolation_level=None)

            def attempt(name: str) -> tuple[int, float]:
                start = time.perf_counter()
                form = {"name": name, "password": "wrong-guess", "csrf_token": token}
                answer = http.post(url, data=form, allow_redirects=False)
                return answer.status_code, time.perf_counter() - start

            times: dict[str, list[float]] = {"ana": [], "nobody": []}
            attempt("ana"), attempt("nobody")  # warm up
            for _ in range(args.rounds):
                for name in times:
                    counts.execute("DELETE FROM failures")
                    status, took = attempt(name)
                    assert status == 401, status
                    times[name].append(took)
            known, unknown = (statistics.median(times[n]) * 1000 for n in ("ana", "nobody"))
            print(f"refusing a known name:   median {known:6.1f} ms  ({args.rounds} tries)")
            print(f"refusing an unknown name: median {unknown:6.1f} ms  "
                  f"(ratio {unknown / known:.2f}; before issue 10: ~20 vs ~170 ms)")  # fmt: skip

            counts.execute("DELETE FROM failures")
            start, tries, status = time.perf_counter(), 0, 401
            while status == 401 and tries < 300:
                status, _took = attempt("ana")
                tries += 1
            took = time.perf_counter() - start
            print(f"guessing one password: answer {status} after {tries} tries in {took:.1f} s; "
                  f"then locked for 2 s, 4 s, 8 s … up to 15 min per failure "
                  f"(before: 300 guesses at 5.8/s, all checked)")  # fmt: skip
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
