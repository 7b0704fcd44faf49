"""Fan-out on a local Dask cluster: the same catalogues and the same site as in-process."""

from __future__ import annotations

import datetime as dt
import pickle
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from workflow.catalog import read_catalog
from workflow.cli import cli
from workflow.engines import EngineFailed
from workflow.executor import (
    DaskExecutor,
    ExecutorError,
    InProcess,
    RemoteFailure,
    _Unwrapped,
    open_executor,
)
from workflow.extract import extract
from workflow.project import Project
from workflow.publish import build
from workflow.translate import Translation

ARTICLES = ["harbour-rebuilt"]


@pytest.fixture(scope="module")
def cluster() -> Iterator[DaskExecutor]:
    executor = DaskExecutor(processes=2)
    try:
        yield executor
    finally:
        executor.close()


def catalogues(root: Path) -> dict[str, list[tuple[str | None, str, str, bool]]]:
    found = {}
    for path in sorted((root / "locales").glob("*/LC_MESSAGES/*.po")):
        po = read_catalog(path)
        found[path.relative_to(root).as_posix()] = [
            (e.msgctxt, e.msgid, e.msgstr, "fuzzy" in e.flags) for e in po
        ]
    return found


def test_translate_on_dask_gives_what_in_process_gives(
    sample: Path, tmp_path: Path, cluster: DaskExecutor
) -> None:
    twin = tmp_path / "twin"
    shutil.copytree(sample, twin)
    results = []
    for root, executor in ((sample, None), (twin, cluster)):
        project = Project.load(root)
        extract(project, ARTICLES)
        translation = Translation(project, ARTICLES, ["es"], engine="apertium", executor=executor)
        translation.plan()
        assert translation.total > 30
        report = translation.run()
        assert not report.problems and report.filled > 30
        results.append(catalogues(root))
    assert results[0] == results[1]


def test_publish_on_dask_writes_the_same_site(
    sample: Path, tmp_path: Path, cluster: DaskExecutor
) -> None:
    project = Project.load(sample)
    extract(project, ARTICLES)
    now = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)  # the same news sitemap both ways
    here = build(project, tmp_path / "here", now)
    shutil.rmtree(sample / ".workflow-cache")  # nothing rendered yet: all of it on the cluster
    there = build(project, tmp_path / "there", now, executor=cluster)
    assert here.pages == there.pages > 0
    for path in sorted((tmp_path / "here").rglob("*")):
        if path.is_file():
            twin = tmp_path / "there" / path.relative_to(tmp_path / "here")
            assert twin.read_bytes() == path.read_bytes(), path


def test_map_keeps_order_in_chunks(cluster: DaskExecutor) -> None:
    items = [f"# Title {n}\n\nBody *{n}*." for n in range(37)]
    from workflow.publish.markdown import render_html

    assert cluster.map(render_html, items) == InProcess().map(render_html, items)


def test_an_engine_failure_on_a_worker_comes_back_as_engine_failed() -> None:
    again = pickle.loads(pickle.dumps(RemoteFailure("deepl", "HTTP 503", 5)))

    class Future:
        def result(self) -> None:
            raise again

    with pytest.raises(EngineFailed) as info:
        _Unwrapped(Future()).result()
    assert info.value.message == "deepl failed after 5 attempts: HTTP 503"


@pytest.mark.parametrize("spec", ["local:0", "local:two", "http://x", "cluster"])
def test_a_bad_executor_is_one_error(spec: str, sample: Path) -> None:
    with pytest.raises(ExecutorError):
        open_executor(spec)
    result = CliRunner().invoke(cli, ["--project", str(sample), "publish", "--executor", spec])
    assert result.exit_code == 1 and result.output.startswith("Error: --executor")
    assert isinstance(open_executor(""), InProcess)
