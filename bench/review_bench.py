"""Benchmark: save latency of the review app when 20 translators save at once.

Usage::

    .venv/bin/python bench/review_bench.py                 # one process vs. workers, 20 clients
    .venv/bin/python bench/review_bench.py --workers 2     # only this serving model
    .venv/bin/python bench/review_bench.py --clients 40 --mode saturate

A generated article of about 300 segments is extracted and pseudo-translated;
the app runs on 127.0.0.1 as ``workflow serve`` in its own process(es), once
per serving model: one process (``--workers 1``, threads only) and several
workers with one writer process (the default of ``workflow serve``).  Each
client logs in; then all save together: a warm-up round (each its own
segment: the server parses the catalogue and compiles its templates, in every
worker — reported apart as the cold round), one shared segment (one wins, the
rest get a conflict), then, round after round, every client its own next
segment at the same instant.  Every save goes through the whole path a
person's does: session, CSRF, the QA gate, the group commit, the audit log,
the JSON answer worded in Spanish.

The clients run in their own processes (4 by default, threads within), so
the server shares no interpreter with them; each keeps one HTTP/1.1
connection, as a browser does, and times each save from sending the request
to having read the whole answer.

Prints, per serving model, the median and 95th percentile latency of the
saves after the warm-up (aim: 95th under 100 ms), that no save was lost
(every segment holds its client's text), that conflicts were reported (409),
and the server's CPU per save (every server process, user + system, from
/proc): on a shared machine latency follows the load, CPU per save does not.
Then the CPU per save in one process, stage by stage (``save_profile.py``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import queue
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
from typing import Any

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


def login(base: str) -> tuple[str, str]:
    """A logged-in session: its cookie header and its CSRF token."""
    session = requests.Session()
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    csrf = token.search(session.get(f"{base}/login").text).group(1)  # type: ignore[union-attr]
    session.post(
        f"{base}/login", data={"name": "bench", "password": "bench-password", "csrf_token": csrf}
    )
    csrf = token.search(session.get(f"{base}/").text).group(1)  # type: ignore[union-attr]
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    return cookie, csrf


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process and every process under it (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}  # pid → (parent, CPU seconds)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:  # gone meanwhile
            continue
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    tree, total, grew = {pid}, 0.0, True
    while grew:
        more = {p for p, (parent, _cpu) in stats.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    for p in tree:
        total += stats.get(p, (0, 0.0))[1]
    return total


@dataclass
class Client:
    """One translator: a session and the saves they make, in order.

    The first save warms the server up (its own segment: the catalogue parsed,
    templates compiled, in every worker), the second is the shared segment
    (all clients at once: one wins, the rest get a conflict), then their own.
    """

    cookie: str
    csrf: str
    bodies: list[bytes]


def clients_process(
    port: int,
    clients: list[Client],
    start: Any,
    warmed: Any,
    go: Any,
    rounds: Any,
    mode: str,
    results: Any,
) -> None:
    """Run some of the clients, one thread each, and report every save's latency and status.

    Each client keeps one HTTP/1.1 connection (as a browser does) and times each
    save from sending the request to having read the whole answer.
    """
    measured: list[tuple[float, int, int]] = []  # latency, status, which save of the client
    lock = threading.Lock()

    def work(client: Client) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {
            "Cookie": client.cookie,
            "X-CSRFToken": client.csrf,
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Accept-Language": "es",
        }
        start.wait()
        for number, body in enumerate(client.bodies):
            if number == 1:  # warmed up: the parent takes stock of the server's CPU
                warmed.wait()
                go.wait()
            elif number and mode == "burst":
                rounds.wait()  # every round, all clients save at the same moment
            began = time.perf_counter()
            connection.request("POST", f"/review/{SLUG}/es/save", body, headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - began
            with lock:
                measured.append((elapsed, response.status, number))
        connection.close()

    cpu = time.process_time()
    threads = [threading.Thread(target=work, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((measured, time.process_time() - cpu))


@dataclass
class Run:
    label: str
    latencies: list[float]
    first_round: list[float]  # the shared segment: conflicts
    cold: list[float]  # the warm-up round (not in the figures above)
    codes: dict[int, int]
    wall: float
    saved: int
    expected: int
    server_cpu: float  # seconds, every server process, during the measured saves
    client_cpu: float  # seconds per save, the client processes

    def p95(self, values: list[float] | None = None) -> float:
        ordered = sorted(self.latencies if values is None else values)
        return ordered[int(0.95 * (len(ordered) - 1))] * 1000


def collect(results: Any, children: list[Any]) -> list[Any]:
    """Every client process's report; a client that failed stops the bench (no hang)."""
    reports: list[Any] = []
    while len(reports) < len(children):
        try:
            reports.append(results.get(timeout=1))
        except queue.Empty:
            if any(c.exitcode not in (None, 0) for c in children):
                raise SystemExit("a client process failed (see above)") from None
    return reports


def body(entry: Any, text: str) -> bytes:
    """A save as the review page's script sends it."""
    return json.dumps(
        {
            "sid": segment_id(entry.msgctxt, entry.msgid),
            "base": entry.msgstr,
            "text": text,
            "action": "confirm",
            "force": True,  # the QA gate runs; "texto 3" lacks the source's numbers
        }
    ).encode()


def run(template: Path, workers: int, clients: int, mode: str, processes: int) -> Run:
    """One serving model on a fresh copy of the project."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        shutil.copytree(template, root)
        project = Project.load(root)
        language = parse_language("es")
        po = read_catalog(project.catalog_path(SLUG, language))
        entries = [e for e in po if not e.obsolete and "<" not in e.msgid]
        shared, warm, others = entries[0], entries[1 : clients + 1], entries[clients + 1 :]
        # `workflow serve` in its own processes, as in production, and the clients
        # in theirs: the server shares neither an interpreter nor a GIL with them.
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
        rounds = len(others) // clients
        others = others[: rounds * clients]  # every client gets the same number of rounds
        try:
            wait_for(base)
            people = []
            for index in range(clients):
                cookie, csrf = login(base)
                mine = [body(warm[index], f"texto {index}"), body(shared, f"shared {index}")]
                mine += [body(e, f"texto {index}") for e in others[index::clients]]
                people.append(Client(cookie, csrf, mine))
            context = multiprocessing.get_context("spawn")
            start, warmed, go = (context.Barrier(clients + 1) for _ in range(3))  # + this one
            together = context.Barrier(clients)
            results = context.Queue()
            groups = [people[i::processes] for i in range(processes)]
            children = [
                context.Process(
                    target=clients_process,
                    args=(port, group, start, warmed, go, together, mode, results),
                )
                for group in groups
                if group
            ]
            for child in children:
                child.start()
            start.wait()
            warmed.wait()
            server_cpu = process_cpu(server.pid)
            go.wait()
            wall = time.perf_counter()
            reports = collect(results, children)
            wall = time.perf_counter() - wall
            server_cpu = process_cpu(server.pid) - server_cpu
            for child in children:
                child.join()
        finally:
            os.killpg(server.pid, 15)
            server.wait(30)
        after = {
            (e.msgctxt, e.msgid): e.msgstr
            for e in read_catalog(project.catalog_path(SLUG, language))
        }
        mine = {(e.msgctxt, e.msgid): f"texto {i % clients}" for i, e in enumerate(warm + others)}
        saved = sum(1 for key, text in mine.items() if after.get(key) == text)
    every = [m for measured, _cpu in reports for m in measured]
    measured = [m for m in every if m[2] > 0]  # not the warm-up round
    codes: dict[int, int] = {}
    for _elapsed, status, _number in measured:
        codes[status] = codes.get(status, 0) + 1
    label = "one process" if workers == 1 else f"{workers} workers + writer"
    return Run(
        label,
        [elapsed for elapsed, _status, _number in measured],
        [elapsed for elapsed, _status, number in measured if number == 1],
        [elapsed for elapsed, _status, number in every if number == 0],
        codes,
        wall,
        saved,
        len(warm + others),
        server_cpu,
        sum(cpu for _measured, cpu in reports) / len(every),
    )


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
    parser.add_argument(
        "--client-processes",
        type=int,
        default=4,
        help="processes the clients run in (threads within each) [default: 4]",
    )
    parser.add_argument(
        "--no-profile", action="store_true", help="skip the in-process CPU per save"
    )
    args = parser.parse_args()
    from save_profile import measure, report

    from workflow.web.serving import default_workers

    before = os.getloadavg()
    models = [args.workers] if args.workers else [1, max(2, default_workers())]
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        build(template, args.segments)
        processes = max(1, min(args.client_processes, args.clients))
        runs = [run(template, n, args.clients, args.mode, processes) for n in models]
        if not args.no_profile:
            shutil.copytree(template, Path(tmp) / "profiled")
            profile = measure(Path(tmp) / "profiled", SLUG)
    load = os.getloadavg()
    print(
        f"article:        {args.segments} segments, {args.clients} clients ({args.mode}), "
        f"in {processes} client processes"
    )
    print(
        f"machine:        {os.cpu_count()} cores, load {before[0]:.1f} {before[1]:.1f} "
        f"{before[2]:.1f} before, {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} after"
    )
    print(f"{'':18}" + "".join(f"{r.label:>24}" for r in runs))
    rows = [
        ("saves", lambda r: f"{len(r.latencies)} in {r.wall:.1f} s"),
        ("median", lambda r: f"{statistics.median(r.latencies) * 1000:.1f} ms"),
        ("95th percentile", lambda r: f"{r.p95():.1f} ms"),
        ("max", lambda r: f"{max(r.latencies) * 1000:.1f} ms"),
        ("95th, conflicts", lambda r: f"{r.p95(r.first_round):.1f} ms"),
        (
            "cold round",
            lambda r: (
                f"median {statistics.median(r.cold) * 1000:.0f}, max {max(r.cold) * 1000:.0f} ms"
            ),
        ),
        ("server CPU/save", lambda r: f"{r.server_cpu / len(r.latencies) * 1000:.2f} ms"),
        ("client CPU/save", lambda r: f"{r.client_cpu * 1000:.2f} ms"),
        ("responses", lambda r: " ".join(f"{k}×{v}" for k, v in sorted(r.codes.items()))),
        ("saves kept", lambda r: f"{r.saved} of {r.expected}"),
    ]
    for name, cell in rows:
        print(f"{name:18}" + "".join(f"{cell(r):>24}" for r in runs))
    print(
        "(409 = a conflict reported: all but one client saved the shared segment after it changed;"
        "\n server CPU = every server process, user + system, while the clients saved)"
    )
    if not args.no_profile:
        print()
        print("\n".join(report(profile)))


if __name__ == "__main__":
    main()
