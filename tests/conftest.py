"""Shared fixtures: a copy of the sample project and GNU gettext checks."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import polib
import pytest
from flask import Flask

from workflow.project import Project

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


def msgfmt_check(path: Path) -> None:
    """Fail the test unless GNU ``msgfmt --check`` accepts the catalogue."""
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"msgfmt --check {path}:\n{result.stderr}"


def check_all_catalogs(root: Path) -> int:
    """Run ``msgfmt --check`` on every PO file below ``root``; return how many
    article catalogues there are (the site's ``site.po`` files are checked too)."""
    paths = sorted(root.rglob("*.po"))
    for path in paths:
        msgfmt_check(path)
    return sum(1 for path in paths if path.name != "site.po")


def make_sample(tmp_path: Path) -> Path:
    """A copy of the repository's sample project (config and articles, no catalogues)."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(ROOT / "workflow.toml", root / "workflow.toml")
    shutil.copy(ROOT / "people.toml", root / "people.toml")  # names, and marta the editor
    shutil.copytree(ROOT / "articles", root / "articles")
    (root / "locales").mkdir()
    for strings in (ROOT / "locales").glob("*/LC_MESSAGES/site.[pm]o"):  # the site's interface
        target = root / strings.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(strings, target)
    return root


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    """A copy of the repository's sample project (config and articles, no catalogues)."""
    return make_sample(tmp_path)


@pytest.fixture
def project(sample: Path) -> Project:
    return Project.load(sample)


SLUG = "harbour-rebuilt"
PASSWORDS = {"ana": "ana-secret-1", "bo": "bo-secret-12", "marta": "marta-secret"}


@pytest.fixture(scope="session")
def reviewable(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample project with harbour-rebuilt extracted and pseudo-translated, and three
    people: made once per session (scrypt hashes and translation take seconds) and copied."""
    from workflow.extract import extract
    from workflow.translate import Translation
    from workflow.users import UserStore

    root = make_sample(tmp_path_factory.mktemp("reviewable"))
    project = Project.load(root)
    extract(project, [SLUG])
    translation = Translation(project, [SLUG], engine="pseudo")
    translation.plan()
    translation.run()
    store = UserStore(project.root / "instance")
    store.add("ana", "translator", ("es",), PASSWORDS["ana"])
    store.add("bo", "translator", ("ca",), PASSWORDS["bo"])
    store.add("marta", "editor", (), PASSWORDS["marta"])
    return root


@pytest.fixture
def app(project: Project, reviewable: Path) -> Iterator[Flask]:
    """The review app on the sample project: harbour-rebuilt pseudo-translated, three people."""
    from workflow.web import create_app

    shutil.rmtree(project.root)
    shutil.copytree(reviewable, project.root)
    app = create_app({"TESTING": True}, project.root)
    yield app


@pytest.fixture
def fill() -> Callable[..., None]:
    """Set msgstr of every entry of a PO file with a function of its msgid."""

    def fill(path: Path, make: Callable[[str], str], fuzzy: bool = False) -> None:
        po = polib.pofile(str(path))
        for entry in po:
            entry.msgstr = make(entry.msgid)
            if fuzzy:
                entry.flags = ["fuzzy"]
            elif "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save()

    return fill


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many cases each fuzz target ran and how they ended (tests/test_fuzz.py)."""
    import sys

    fuzz = sys.modules.get("tests.test_fuzz")
    for target, tally in (getattr(fuzz, "TALLY", None) or {}).items():
        terminalreporter.write_line(
            f"fuzz {target}: {tally['cases']} cases, {tally['results']} results, "
            f"{tally['errors']} one-line errors"
        )


def machine_drafted(project: Project, slug: str, story: str) -> Project:
    """``story`` as article ``slug``, extracted and pseudo-translated (open machine drafts),
    with Joan Puig kept by the glossary."""
    from workflow.extract import extract
    from workflow.translate import Translation

    (project.articles_dir / f"{slug}.md").write_text(story, encoding="utf-8")
    (project.root / "glossary.toml").write_text('keep = ["Joan Puig"]\n', "utf-8")
    extract(project, [slug])
    translation = Translation(project, [slug], engine="pseudo")
    translation.plan()
    translation.run()
    return project
