"""Benchmark: save latency of the review app under 20 concurrent clients.

Usage::

    .venv/bin/python bench/review_bench.py              # 300-segment article, 20 clients
    .venv/bin/python bench/review_bench.py --clients 40

A generated article of about 300 segments is extracted and pseudo-translated;
the app runs on 127.0.0.1 as ``workflow serve`` (waitress) in its own process.  Each
client logs in, then all start together: first everyone saves one shared
segment (one wins, the rest get a conflict), then each saves its own share of
the other segments, one after another.  Prints the median and 95th percentile
latency of every save request (aim: 95th under 100 ms).
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import os

from corpus import article, make_project

from workflow.catalog import read_catalog
from workflow.extract import extract
from workflow.project import Project
from workflow.review import segment_id
from workflow.translate import Translation
from workflow.users import UserStore

EXTRA = os.environ.get("SERVE_ARGS", "").split()


def build(root: Path, segments: int) -> tuple[Project, str]:
    make_project(root, 0, targets=("es",))
    rng = random.Random(3)
    text = article(rng, 1)
    while text.count(".") < segments * 1.15:
        text += "\n" + article(rng, 2).split("---\n", 2)[2]
    (root / "articles" / "long-read.md").write_text(text)
    project = Project.load(root)
    extract(project, [])
    translation = Translation(project, engine="pseudo")
    translation.plan()
    translation.run()
    UserStore(root / "instance").add("bench", "editor", (), "bench-password")
    return project, "long-read"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/login", timeout=1)
            return
        except requests.ConnectionError:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=300)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--mode",
        choices=["burst", "saturate"],
        default="burst",
        help="burst: rounds in which all clients save at once; saturate: save back to back",
    )
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        project, slug = build(Path(tmp), args.segments)
        language = project.config.target_languages[1]
        po = read_catalog(project.catalog_path(slug, language))
        entries = [e for e in po if not e.obsolete and "<" not in e.msgid]
        shared, others = entries[0], entries[1:]
        # The server runs as `workflow serve` in its own process, as in production,
        # so the 20 clients here do not compete with it for one interpreter.
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "workflow",
                "-C",
                str(project.root),
                "serve",
                "--port",
                str(port),
                *EXTRA,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(base)
        clients = [login(base) for _ in range(args.clients)]
        barrier = threading.Barrier(args.clients)
        rounds = len(others) // args.clients
        others = others[: rounds * args.clients]  # every client gets the same number of rounds
        latencies: list[float] = []
        first_round: list[float] = []  # the shared segment: cold server caches, conflicts
        codes: dict[int, int] = {}
        lock = threading.Lock()

        def save(
            session: requests.Session, csrf: str, entry: object, text: str, first: bool = False
        ) -> None:
            start = time.perf_counter()
            response = session.post(
                f"{base}/review/{slug}/{language.tag}/save",
                json={
                    "sid": segment_id(entry.msgctxt, entry.msgid),
                    "base": entry.msgstr,  # type: ignore[attr-defined]
                    "text": text,
                    "action": "confirm",
                    "force": True,  # the QA gate runs, but "texto 3" may lack the source's numbers
                },
                headers={"X-CSRFToken": csrf, "Accept": "application/json"},
            )
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if first:
                    first_round.append(elapsed)
                codes[response.status_code] = codes.get(response.status_code, 0) + 1

        def work(index: int) -> None:
            session, csrf = clients[index]
            barrier.wait()
            save(session, csrf, shared, f"shared {index}", first=True)
            for entry in others[index :: args.clients]:
                if args.mode == "burst":
                    barrier.wait()  # every round, all clients save at the same moment
                save(session, csrf, entry, f"texto {index}")

        threads = [threading.Thread(target=work, args=(i,)) for i in range(args.clients)]
        wall = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - wall
        server.terminate()
        server.wait(10)
        saved = sum(
            1
            for e in read_catalog(project.catalog_path(slug, language))
            if e.msgstr.startswith("texto")
        )

    ordered = sorted(latencies)
    warm = sorted(latencies)
    for value in first_round:
        warm.remove(value)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(f"article segments:      {len(po)}")
    print(f"clients:               {args.clients} ({args.mode})")
    print(
        f"save requests:         {len(latencies)} in {wall:.2f} s ({len(latencies) / wall:.0f}/s)"
    )
    print(f"responses:             {dict(sorted(codes.items()))}  (409 = conflict reported)")
    print(f"segments saved:        {saved} of {len(others)} distinct")
    print(f"latency median:        {statistics.median(ordered) * 1000:.1f} ms")
    print(f"latency 95th:          {p95 * 1000:.1f} ms")
    print(f"latency max:           {ordered[-1] * 1000:.1f} ms")
    warm_p95 = warm[int(0.95 * (len(warm) - 1))]
    print(
        f"after the first round: median {statistics.median(warm) * 1000:.1f} ms, "
        f"95th {warm_p95 * 1000:.1f} ms (first round, cold caches: max "
        f"{max(first_round) * 1000:.1f} ms)"
    )


if __name__ == "__main__":
    main()
