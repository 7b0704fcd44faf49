"""Benchmark: save latency of the review app when 20 translators save at once.

Usage::

    .venv/bin/python bench/review_bench.py                 # one process vs. workers, 20 clients
    .venv/bin/python bench/review_bench.py --workers 2     # only this serving model
    .venv/bin/python bench/review_bench.py --clients 40 --mode saturate

A generated article of about 300 segments is extracted and pseudo-translated;
the app runs on 127.0.0.1 as ``workflow serve`` in its own process(es), once
per serving model: one process (``--workers 1``, threads only) and several
workers with one writer process (the default of ``workflow serve``).  Each
client logs in, then all start together: first everyone saves one shared
segment (one wins, the rest get a conflict), then, round after round, every
client saves its own next segment at the same instant.  Every save goes
through the whole path a person's does: session, CSRF, the QA gate, the
group commit, the audit log, the JSON answer worded in Spanish.

Prints, per serving model, the median and 95th percentile latency of every
save request (aim: 95th under 100 ms), that no save was lost (every segment
holds its client's text) and that conflicts were reported (409).  The
machine's load is printed too: on a shared machine, figures vary run to run.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import article, make_project

from workflow.catalog import read_catalog
from workflow.extract import extract
from workflow.languages import parse_language
from workflow.project import Project
from workflow.review import segment_id
from workflow.translate import Translation
from workflow.users import UserStore

SLUG = "long-read"


def build(root: Path, segments: int) -> None:
    make_project(root, 0, targets=("es",))
    rng = random.Random(3)
    text = article(rng, 1)
    while text.count(".") < segments * 1.15:
        text += "\n" + article(rng, 2).split("---\n", 2)[2]
    (root / "articles" / f"{SLUG}.md").write_text(text)
    project = Project.load(root)
    extract(project, [])
    translation = Translation(project, engine="pseudo")
    translation.plan()
    translation.run()
    UserStore(root / "instance").add("bench", "editor", (), "bench-password")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/login", timeout=5)
            return
        except requests.RequestException:  # not listening yet, or workers still starting
            time.sleep(0.1)
    raise SystemExit("the review app did not start")


def login(base: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    csrf = token.search(session.get(f"{base}/login").text).group(1)  # type: ignore[union-attr]
    session.post(
        f"{base}/login", data={"name": "bench", "password": "bench-password", "csrf_token": csrf}
    )
    return session, token.search(session.get(f"{base}/").text).group(1)  # type: ignore[union-attr]


@dataclass
class Run:
    label: str
    latencies: list[float]
    first_round: list[float]
    codes: dict[int, int]
    wall: float
    saved: int
    expected: int

    def p95(self, values: list[float] | None = None) -> float:
        ordered = sorted(self.latencies if values is None else values)
        return ordered[int(0.95 * (len(ordered) - 1))] * 1000


def run(template: Path, workers: int, clients: int, mode: str) -> Run:
    """One serving model on a fresh copy of the project."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(template, root)
        project = Project.load(root)
        language = parse_language("es")
        po = read_catalog(project.catalog_path(SLUG, language))
        entries = [e for e in po if not e.obsolete and "<" not in e.msgid]
        shared, others = entries[0], entries[1:]
        # `workflow serve` in its own processes, as in production, so the clients
        # here do not compete with it for one interpreter.
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "workflow",
                "-C",
                str(root),
                "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for(base)
            sessions = [login(base) for _ in range(clients)]
            barrier = threading.Barrier(clients)
            rounds = len(others) // clients
            others = others[: rounds * clients]  # every client gets the same number of rounds
            latencies: list[float] = []
            first_round: list[float] = []  # the shared segment: cold caches, conflicts
            codes: dict[int, int] = {}
            lock = threading.Lock()

            def save(
                session: requests.Session, csrf: str, entry: object, text: str, first: bool = False
            ) -> None:
                start = time.perf_counter()
                response = session.post(
                    f"{base}/review/{SLUG}/es/save",
                    json={
                        "sid": segment_id(entry.msgctxt, entry.msgid),  # type: ignore[attr-defined]
                        "base": entry.msgstr,  # type: ignore[attr-defined]
                        "text": text,
                        "action": "confirm",
                        "force": True,  # the QA gate runs; "texto 3" lacks the source's numbers
                    },
                    headers={
                        "X-CSRFToken": csrf,
                        "Accept": "application/json",
                        "Accept-Language": "es",
                    },
                )
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    if first:
                        first_round.append(elapsed)
                    codes[response.status_code] = codes.get(response.status_code, 0) + 1

            def work(index: int) -> None:
                session, csrf = sessions[index]
                barrier.wait()
                save(session, csrf, shared, f"shared {index}", first=True)
                for entry in others[index::clients]:
                    if mode == "burst":
                        barrier.wait()  # every round, all clients save at the same moment
                    save(session, csrf, entry, f"texto {index}")

            threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
            wall = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - wall
        finally:
            os.killpg(server.pid, 15)
            server.wait(30)
        after = {
            (e.msgctxt, e.msgid): e.msgstr
            for e in read_catalog(project.catalog_path(SLUG, language))
        }
        mine = {(e.msgctxt, e.msgid): f"texto {i % clients}" for i, e in enumerate(others)}
        saved = sum(1 for key, text in mine.items() if after.get(key) == text)
    label = "one process" if workers == 1 else f"{workers} workers + writer"
    return Run(label, latencies, first_round, codes, wall, saved, len(others))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=300)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, help="only this serving model")
    parser.add_argument(
        "--mode",
        choices=["burst", "saturate"],
        default="burst",
        help="burst: rounds in which all clients save at once; saturate: save back to back",
    )
    args = parser.parse_args()
    from workflow.web.serving import default_workers

    models = [args.workers] if args.workers else [1, max(2, default_workers())]
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        build(template, args.segments)
        runs = [run(template, workers, args.clients, args.mode) for workers in models]
    load = os.getloadavg()
    print(f"article:        {args.segments} segments, {args.clients} clients ({args.mode})")
    print(f"machine:        {os.cpu_count()} cores, load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"{'':16}" + "".join(f"{r.label:>24}" for r in runs))
    rows = [
        ("saves", lambda r: f"{len(r.latencies)} in {r.wall:.1f} s"),
        ("median", lambda r: f"{statistics.median(r.latencies) * 1000:.1f} ms"),
        ("95th percentile", lambda r: f"{r.p95():.1f} ms"),
        ("max", lambda r: f"{max(r.latencies) * 1000:.1f} ms"),
        (
            "95th, warm",
            lambda r: f"{r.p95([x for x in r.latencies if x not in r.first_round]):.1f} ms",
        ),
        ("responses", lambda r: " ".join(f"{k}×{v}" for k, v in sorted(r.codes.items()))),
        ("saves kept", lambda r: f"{r.saved} of {r.expected}"),
    ]
    for name, cell in rows:
        print(f"{name:16}" + "".join(f"{cell(r):>24}" for r in runs))
    print(
        "(409 = a conflict reported: all but one client saved the shared segment after it changed)"
    )


if __name__ == "__main__":
    main()
