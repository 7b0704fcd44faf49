"""``scripts/demo`` leaves the checkout clean: ``git status --porcelain`` prints nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_demo_leaves_git_status_clean(tmp_path: Path) -> None:
    """The demo's own script on a copy of the checkout's files (tracked and versioned as they
    are now), with this environment's ``workflow`` instead of a new setup."""
    copy = tmp_path / "checkout"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source = ROOT / rel
        if source.is_file():
            (copy / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / rel)
    git(copy, "init", "-q")
    git(copy, "add", "-A")
    git(copy, "commit", "-qm", "checkout")
    workflow = Path(sys.executable).with_name("workflow")
    env = {**os.environ, "WORKFLOW": str(workflow)}
    env.pop("WORKFLOW_PROJECT", None)
    result = subprocess.run(
        ["bash", "scripts/demo", "--no-serve"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "== publish" in result.stdout and (copy / "public" / "index.html").is_file()
    assert git(copy, "status", "--porcelain") == ""
