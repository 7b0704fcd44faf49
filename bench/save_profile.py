"""Where a save's CPU goes: the review app in this process, saves one after another.

Usage::

    .venv/bin/python bench/save_profile.py                # 300 saves, CPU per stage
    .venv/bin/python bench/save_profile.py --cprofile     # and cProfile's top functions

The app is the real one (``create_app`` on a generated 300-segment article,
logged in through the login form); each save is the JSON post the review page
makes, through Flask's test client: session check, CSRF, body validation, the
QA gate, the group commit (one save per commit here: nobody else is saving),
the catalogue written durably, the audit log, notifications and the answer
worded in Spanish.  CPU is ``time.process_time`` (user + system, so the
kernel's work for fsync counts), which a busy machine does not inflate the
way it inflates wall time: on a shared machine this is the figure to compare.
Stages are timed by wrapping the functions that do them; a stage's figure
includes the stages indented under it.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import pstats
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: (indent, label, module, attribute): the functions timed as stages.
STAGES = [
    (0, "request inside the app (WSGI)", "flask.app", "Flask.wsgi_app"),
    (1, "session check (sessions.sqlite3)", "workflow.web.sessions", "Sessions.check"),
    (1, "CSRF token", "flask_wtf.csrf", "CSRFProtect.protect"),
    (1, "body validation", "workflow.web.review", "save_body"),
    (1, "saver: queue, QA gate, commit", "workflow.saver", "Saver.save"),
    (2, "QA gate and apply", "workflow.saver", "Saver._apply"),
    (2, "catalogue serialised", "workflow.catalog", "catalog_text"),
    (2, "catalogue written (fsync, rename)", "workflow.catalog", "atomic_write_bytes"),
    (2, "audit log (one append per commit)", "workflow.saver", "record_all"),
    (2, "notifications", "workflow.team.events", "after_save"),
    (1, "JSON answer in Spanish", "workflow.web.review", "answer"),
]


@dataclass
class Profile:
    saves: int
    cpu: float  # seconds, the whole process (test client included)
    wall: float
    stages: dict[str, float] = field(default_factory=dict)  # label → CPU seconds

    def per_save(self, seconds: float) -> float:
        return seconds / self.saves * 1000


@contextlib.contextmanager
def _timed(totals: dict[str, float]) -> Iterator[None]:
    """Wrap every stage's function so that its CPU time adds up in ``totals``."""
    import importlib

    undo: list[Callable[[], None]] = []
    for _indent, label, module_name, name in STAGES:
        owner: Any = importlib.import_module(module_name)
        *path, attribute = name.split(".")
        for part in path:
            owner = getattr(owner, part)
        original = getattr(owner, attribute, None)
        if original is None:  # an older version of the code, without this stage
            continue

        def timed(*args: Any, _f: Any = original, _label: str = label, **kwargs: Any) -> Any:
            start = time.process_time()
            try:
                return _f(*args, **kwargs)
            finally:
                totals[_label] = totals.get(_label, 0.0) + time.process_time() - start

        setattr(owner, attribute, functools.wraps(original)(timed))
        undo.append(functools.partial(setattr, owner, attribute, original))
    try:
        yield
    finally:
        for step in reversed(undo):
            step()


def measure(root: Path, slug: str, language: str = "es", cprofile: bool = False) -> Profile:
    """Save every plain segment of ``slug`` once, one after another; CPU per stage."""
    from workflow.catalog import read_catalog
    from workflow.languages import parse_language
    from workflow.project import Project
    from workflow.review import segment_id
    from workflow.web import create_app

    app = create_app({}, root)
    client = app.test_client()
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    csrf = token.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    client.post("/login", data={"name": "bench", "password": "bench-password", "csrf_token": csrf})
    csrf = token.search(client.get("/").text).group(1)  # type: ignore[union-attr]
    project = Project.load(root)
    po = read_catalog(project.catalog_path(slug, parse_language(language)))
    entries = [e for e in po if not e.obsolete and "<" not in e.msgid]

    def save(entry: Any, text: str) -> None:
        response = client.post(
            f"/review/{slug}/{language}/save",
            json={
                "sid": segment_id(entry.msgctxt, entry.msgid),
                "base": entry.msgstr,
                "text": text,
                "action": "confirm",
                "force": True,
            },
            headers={"X-CSRFToken": csrf, "Accept": "application/json", "Accept-Language": "es"},
        )
        if response.status_code != 200:
            raise SystemExit(f"a save failed: {response.status_code} {response.text[:200]}")

    save(entries[0], "primera")  # warm: the catalogue parsed, the templates compiled
    stages: dict[str, float] = {}
    profiler = cProfile.Profile()
    with _timed(stages):
        cpu, wall = time.process_time(), time.perf_counter()
        if cprofile:
            profiler.enable()
        for i, entry in enumerate(entries[1:]):
            save(entry, f"texto {i}")
        if cprofile:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if cprofile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"workflow|flask_wtf", 40)
    return Profile(len(entries) - 1, cpu, wall, stages)


def report(profile: Profile) -> list[str]:
    lines = [
        f"CPU per save, in one process, {profile.saves} saves one after another "
        f"(one commit each): {profile.per_save(profile.cpu):.2f} ms "
        f"(wall {profile.per_save(profile.wall):.2f} ms)"
    ]
    for indent, label, _module, _name in STAGES:
        seconds = profile.stages.get(label, 0.0)
        lines.append(
            f"  {'  ' * indent}{label:<{40 - 2 * indent}} {profile.per_save(seconds):6.2f} ms"
        )
    rest = profile.cpu - profile.stages.get(STAGES[0][1], 0.0)
    lines.append(f"  {'test client (not the server)':<40} {profile.per_save(rest):6.2f} ms")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--segments", type=int, default=300)
    parser.add_argument("--cprofile", action="store_true", help="also print cProfile's table")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from review_bench import SLUG, build

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        build(root, args.segments)
        profile = measure(root, SLUG, cprofile=args.cprofile)
    print("\n".join(report(profile)))


if __name__ == "__main__":
    main()
