"""Git as the shared store (``workflow sync``): commit, pull, merge, push.

A recipe, in order:

1. **check**: the project must be inside a git repository; otherwise nothing
   happens at all;
2. **set up** (idempotent): the merge driver in the repository's git config,
   so catalogues, releases and the audit log merge by meaning (see
   :mod:`workflow.mergepo`); with ``--setup`` also ``.gitattributes`` and
   ``.gitignore`` lines, committed;
3. **commit** what changed under the project, one commit per person: the new
   lines of the audit log say who reviewed, translated, approved or extracted
   which catalogue, so each file is committed with its last editor as the
   author and the others as ``Co-authored-by`` trailers; files nobody in the
   log touched (an article edited in an editor) are committed by whoever runs
   sync;
4. **pull**: fetch and merge the upstream branch (the driver resolves every
   catalogue; other files that both sides changed stop the merge, which is
   undone, and are named);
5. **push**, pulling again if someone pushed meanwhile.

All of it runs under one lock per repository, so the review app's lazy
commits (:mod:`workflow.lazycommit`) and a person's ``workflow sync`` take turns.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from workflow.audit import LOG_PATH, Event, current_user
from workflow.errors import GitError
from workflow.fsutil import file_lock
from workflow.gitcredit import attribute, commit_subject
from workflow.project import Project

DRIVER = "workflow"
#: What ``.gitattributes`` needs (a line is added only when missing).
ATTRIBUTES = (
    "*.po merge=workflow",
    "*.mo -text -diff merge=workflow",
    "logs/audit.jsonl merge=workflow",
)
IGNORED = ("/instance/", "/public/", "/.workflow-cache/", "*.lock")
#: An address for people who have none on record (a reserved domain: never delivered).
NO_MAIL = "users.workflow.invalid"
PUSH_TRIES = 3


@dataclass
class SyncReport:
    """What a sync did."""

    commits: list[str] = field(default_factory=list)  # "author: subject"
    pulled: int = 0  # commits brought in from the remote
    conflicts: dict[str, int] = field(default_factory=dict)  # catalogue → entries marked
    pushed: str = ""  # "origin/main" when pushed
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- git


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("GIT_TERMINAL_PROMPT", "0")  # never wait for a password on a terminal
    env["LC_ALL"] = "C"  # messages we read are git's English ones
    return env


def git(
    repo: Path,
    *args: str,
    check: bool = True,
    env: Mapping[str, str] | None = None,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run git in ``repo``; a failure is one :class:`GitError` with git's own words."""
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=repo,
            capture_output=True,
            text=True,
            check=False,
            env={**_env(), **(env or {})},
            input=stdin,
            timeout=600,
        )
    except FileNotFoundError as exc:
        raise GitError("git is not installed (Debian: apt-get install git)") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"git {args[0]} took more than 10 minutes; stopped") from exc
    if check and result.returncode != 0:
        said = (result.stderr or result.stdout).strip().splitlines()
        raise GitError(f"git {args[0]} failed: {' '.join(said[-3:]) or result.returncode}")
    return result


def repository(project: Project) -> Path:
    """The work tree holding the project; an error if there is none."""
    found = git(project.root, "rev-parse", "--show-toplevel", check=False)
    if found.returncode != 0:
        raise GitError(
            f"{project.root} is not in a git repository: nothing done "
            "(start one with `git init`, or `workflow init --git`)"
        )
    return Path(found.stdout.strip()).resolve()


def driver_command() -> str:
    """The merge driver as git runs it: this very interpreter, so no activated venv is needed."""
    return f"{shlex.quote(sys.executable)} -m workflow merge-po %O %A %B %P"


def configure(repo: Path) -> bool:
    """Register the merge driver in the repository's own git config; return whether changed."""
    wanted = {
        f"merge.{DRIVER}.name": "workflow: catalogues by entry, releases by date, log by time",
        f"merge.{DRIVER}.driver": driver_command(),
    }
    changed = False
    for key, value in wanted.items():
        now = git(repo, "config", "--local", "--get", key, check=False).stdout.strip()
        if now != value:
            git(repo, "config", "--local", key, value)
            changed = True
    return changed


def _add_lines(path: Path, lines: Iterable[str]) -> bool:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    have = {line.strip() for line in text.splitlines()}
    missing = [line for line in lines if line not in have]
    if not missing:
        return False
    if text and not text.endswith("\n"):
        text += "\n"
    path.write_text(text + "".join(f"{line}\n" for line in missing), encoding="utf-8")
    return True


def setup(project: Project) -> list[str]:
    """Driver config, ``.gitattributes`` and ``.gitignore``; commit those two; say what changed."""
    repo = repository(project)
    done = []
    if configure(repo):
        done.append("merge driver registered in .git/config")
    files = []
    if _add_lines(project.root / ".gitattributes", ATTRIBUTES):
        files.append(".gitattributes")
    if _add_lines(project.root / ".gitignore", IGNORED):
        files.append(".gitignore")
    if files:
        paths = [str(project.root / name) for name in files]
        git(repo, "add", "--", *paths)
        git(
            repo,
            "commit",
            "-q",
            "-m",
            "workflow: merge catalogues by entry",
            "--",
            *paths,
            env=_me(repo),
        )
        done.append(f"{' and '.join(files)} written and committed")
    return done


def init_repository(root: Path, commit_after: int = 600) -> list[str]:
    """``workflow init --git``: a repository (unless already in one), set up, first commit."""
    if git(root, "rev-parse", "--git-dir", check=False).returncode != 0:
        git(root, "init", "-q", "--initial-branch=main")
    config = root / "workflow.toml"
    text = config.read_text(encoding="utf-8")
    if "[git]" not in text:
        text += (
            "\n[git]\n"
            f"commit_after = {commit_after}   # seconds without a save before the review app "
            "commits (0 = never)\n"
            "push = true            # and pushes, when there is a remote\n"
        )
        config.write_text(text, encoding="utf-8")
    project = Project.load(root)
    done = setup(project)
    repo = repository(project)
    git(repo, "add", "-A", "--", str(root))
    if git(repo, "diff", "--cached", "--quiet", check=False).returncode:
        git(repo, "commit", "-q", "-m", "workflow: new project", env=_me(repo))
        done.append("first commit made")
    return done


# --------------------------------------------------------------------------- who did what


def _me(repo: Path) -> dict[str, str]:
    """A fallback identity when this repository has none (a server, a fresh container)."""
    env: dict[str, str] = {}
    name = git(repo, "config", "user.name", check=False).stdout.strip()
    mail = git(repo, "config", "user.email", check=False).stdout.strip()
    if not name:
        env["GIT_AUTHOR_NAME"] = env["GIT_COMMITTER_NAME"] = current_user()
    if not mail:
        env["GIT_AUTHOR_EMAIL"] = env["GIT_COMMITTER_EMAIL"] = f"{current_user()}@{NO_MAIL}"
    return env


def author_line(repo: Path, person: str) -> str:
    """``Name <mail>`` for a person of the audit log."""
    name = git(repo, "config", "user.name", check=False).stdout.strip()
    mail = git(repo, "config", "user.email", check=False).stdout.strip()
    if person == name and mail:
        return f"{name} <{mail}>"
    return f"{person} <{person}@{NO_MAIL}>"


def new_events(repo: Path, project: Project) -> list[Event]:
    """Audit events logged since the last commit (the lines the work tree has and HEAD lacks)."""
    import json

    path = project.root / LOG_PATH
    if not path.exists():
        return []
    rel = path.relative_to(repo).as_posix()
    committed = git(repo, "show", f"HEAD:{rel}", check=False)
    old = set(committed.stdout.splitlines()) if committed.returncode == 0 else set()
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line in old:
            continue
        try:
            events.append(Event(**json.loads(line)))
        except (ValueError, TypeError):
            continue
    return events


# --------------------------------------------------------------------------- sync


def changed_files(repo: Path, project: Project) -> list[str]:
    """Project files (relative to the project) that differ from HEAD or are new."""
    status = git(repo, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ".")
    found = []
    records = status.stdout.split("\0")
    index = 0
    while index < len(records):
        item = records[index]
        index += 1
        if len(item) < 4:
            continue
        code, path = item[:2], item[3:]
        if code[0] in "RC":
            index += 1  # the rename's old name follows
        absolute = (repo / path).resolve()
        if absolute == project.root or project.root in absolute.parents:
            found.append(absolute.relative_to(project.root).as_posix())
    return sorted(found)


def commit(project: Project, repo: Path | None = None) -> list[str]:
    """Commit every change under the project, one commit per person; return their subjects."""
    repo = repo or repository(project)
    changed = changed_files(repo, project)
    if not changed:
        return []
    events = new_events(repo, project)
    groups = attribute([rel for rel in changed if rel != LOG_PATH], events)
    mine = groups.pop((), [])
    if LOG_PATH in changed:
        mine.append(LOG_PATH)
    made: list[str] = []
    me = _me(repo)
    for people, files in [*groups.items(), ((), mine)]:
        if not files:
            continue
        paths = [str(project.root / rel) for rel in files]
        git(repo, "add", "-A", "--", *paths)
        if not git(repo, "diff", "--cached", "--quiet", check=False).returncode:
            continue  # e.g. a file written back with the same content
        if people:
            subject = commit_subject(people[0], files, events)
            trailers = "".join(f"\nCo-authored-by: {author_line(repo, who)}" for who in people[1:])
            message = f"{subject}\n\n{len(files)} file(s); who did what is in the audit log\n"
            message += trailers
            author = ["--author", author_line(repo, people[0])]
        else:
            subject = f"{current_user()}: {len(files)} file(s) changed"
            message, author = subject, []
        git(repo, "commit", "-q", "-m", message, *author, "--", *paths, env=me)
        made.append(subject)
    return made


def upstream(repo: Path) -> tuple[str, str] | None:
    """``(remote, branch)`` to pull from and push to, or None when there is no remote."""
    found = git(repo, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}", check=False)
    if found.returncode == 0 and "/" in found.stdout:
        remote, _, branch = found.stdout.strip().partition("/")
        return remote, branch
    remotes = git(repo, "remote").stdout.split()
    if len(remotes) != 1:
        return None
    branch = git(repo, "rev-parse", "--abbrev-ref", "HEAD", check=False).stdout.strip()
    return (remotes[0], branch) if branch and branch != "HEAD" else None


def pull(project: Project, repo: Path, remote: str, branch: str) -> tuple[int, dict[str, int]]:
    """Fetch and merge; return commits brought in and catalogues with conflicts marked."""
    git(repo, "fetch", "-q", remote)
    ref = f"{remote}/{branch}"
    if git(repo, "rev-parse", "--verify", "-q", ref, check=False).returncode != 0:
        return 0, {}  # the remote has no such branch yet: the push creates it
    before = git(repo, "rev-parse", "HEAD", check=False).stdout.strip()
    counted = git(repo, "rev-list", "--count", f"HEAD..{ref}").stdout.strip()
    incoming = int(counted or 0)
    if not incoming:
        return 0, {}
    merged = git(repo, "merge", "--no-edit", "-q", ref, check=False, env=_me(repo))
    if merged.returncode != 0:
        unmerged = git(repo, "diff", "--name-only", "--diff-filter=U").stdout.split()
        git(repo, "merge", "--abort", check=False)
        if unmerged:
            raise GitError(
                "both sides changed "
                + ", ".join(unmerged)
                + ": nothing was merged (your commits are kept; "
                "merge by hand with `git pull`, then `workflow sync` again)"
            )
        raise GitError(f"git merge failed: {(merged.stderr or merged.stdout).strip()}")
    return incoming, _marked(project, repo, before)


def _marked(project: Project, repo: Path, before: str) -> dict[str, int]:
    """Catalogues the merge changed that now hold ``workflow: conflict`` notes, with counts."""
    from workflow.catalog import read_catalog
    from workflow.mergepo import conflicts

    names = git(repo, "diff", "--name-only", before, "HEAD", "--", "*.po").stdout.split()
    found: dict[str, int] = {}
    for name in names:
        path = repo / name
        if not path.exists():
            continue
        count = len(conflicts(read_catalog(path, name)))
        if count:
            found[project.relative(path)] = count
    return found


def sync(project: Project, push: bool = True) -> SyncReport:
    """Commit, pull, merge and push: the recipe."""
    repo = repository(project)
    report = SyncReport()
    git_dir = Path(git(repo, "rev-parse", "--absolute-git-dir").stdout.strip())
    with file_lock(git_dir / "workflow-sync"):
        configure(repo)
        report.commits = commit(project, repo)
        target = upstream(repo)
        if target is None:
            report.notes.append("no remote: committed here only (add one with `git remote add`)")
            return report
        remote, branch = target
        for attempt in range(PUSH_TRIES):
            pulled, marked = pull(project, repo, remote, branch)
            report.pulled += pulled
            report.conflicts.update(marked)
            if not push:
                break
            pushed = git(repo, "push", "-q", "-u", remote, f"HEAD:{branch}", check=False)
            if pushed.returncode == 0:
                report.pushed = f"{remote}/{branch}"
                break
            if attempt == PUSH_TRIES - 1:
                said = (pushed.stderr or pushed.stdout).strip().splitlines()
                raise GitError(f"git push failed: {' '.join(said[-3:])}")
    return report
