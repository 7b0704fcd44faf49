"""The translate stage's promises that a mutation run found no test holding
(``scripts/mutation translate``, issue 15): what a run records, how a failed
engine stops only its own pairs, batch sizes, the answer cache and memory on
reopened drafts, engine set-up and clean-up, and calls sent to a cluster."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import polib
import pytest

from workflow.catalog import provenance
from workflow.engines import engine_names
from workflow.errors import ConfigError, EngineError
from workflow.extract import extract
from workflow.languages import Language, parse_language
from workflow.project import Project
from workflow.translate import Translation

from .test_translate import TODAY, FakeEngine, entries, review, run, translation
from .test_translate_pinned import ONE

ES, CA = parse_language("es"), parse_language("ca")
SLUG = "harbour-rebuilt"


def audit(project: Project, kind: str) -> list[dict[str, Any]]:
    lines = (project.root / "logs" / "audit.jsonl").read_text().splitlines()
    return [e for e in map(json.loads, lines) if e["event"] == kind]


def test_an_unknown_engine_is_refused_naming_every_known_one(project: Project) -> None:
    with pytest.raises(EngineError) as refused:
        Translation(project, engine="babelfish")
    assert refused.value.message == (
        f"unknown engine 'babelfish' (known: {', '.join(engine_names())})"
    )


def test_engines_are_made_with_the_environment_given(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DEEPL_API_KEY", raising=False)
    extract(project, [SLUG])
    without = Translation(project, [SLUG], ["es"], engine="deepl", environ={})
    assert any("set the environment variable DEEPL_API_KEY" in p for p in without.plan().problems)
    given = Translation(project, [SLUG], ["es"], engine="deepl", environ={"DEEPL_API_KEY": "k"})
    assert given._engine("deepl").key == "k"  # type: ignore[attr-defined]
    monkeypatch.setenv("DEEPL_API_KEY", "from-the-shell")
    default = Translation(project, [SLUG], ["es"], engine="deepl")
    assert default._engine("deepl").key == "from-the-shell"  # type: ignore[attr-defined]


def test_a_broken_glossary_is_named_by_the_path_the_config_gives(
    project: Project, sample: Path
) -> None:
    config = sample / "workflow.toml"
    config.write_text(config.read_text() + '\n[glossary]\npath = "terms/names.toml"\n')
    (sample / "terms").mkdir()
    (sample / "terms" / "names.toml").write_text("keep = [\n")
    with pytest.raises(ConfigError, match=r"terms/names\.toml"):
        Translation(Project.load(sample))


def test_each_run_records_per_pair_what_it_sent(project: Project) -> None:
    extract(project, [])
    cost = run(project, FakeEngine(), SLUG, to=["es"]).costs[("apertium", "en", "es")]
    run(project, FakeEngine(), to=["ca"])
    first, *rest = audit(project, "translate")
    detail = first["detail"]
    assert (first["language"], detail["engine"], detail["source"]) == ("es", "apertium", "en")
    assert detail["articles"] == [SLUG] and detail["redo"] is False
    assert detail["segments"] == cost.segments == len(entries(project, SLUG))
    assert detail["characters"] == cost.characters > 1000
    assert detail["memory"] == detail["cached"] == 0
    assert {e["detail"]["articles"] for e in rest} == {"all"}
    assert {(e["detail"]["source"], e["language"]) for e in rest} == {
        ("en", "ca"),
        ("es", "ca"),
        ("de", "ca"),
    }


def test_an_engine_that_fails_stops_its_other_pairs_while_other_engines_go_on(
    project: Project,
) -> None:
    extract(project, [])
    failing, other = FakeEngine(fail_on_call=1), FakeEngine()
    work = translation(project, other, to=["es", "ca"], engines={"deepl": failing})
    work.plan()
    pairs = list(work.units)
    report = work.run()
    assert pairs[:2] == [("deepl", "de", "es"), ("deepl", "de", "ca")], "then Apertium's"
    left = sum(len(u.texts) for u in work.units[("deepl", "de", "ca")])
    assert f"de→ca: deepl stopped earlier; {left} segments still to do" in report.problems
    assert failing.calls == 1, "one failed call, and no pair of it sent again"
    assert all(e.msgstr for e in entries(project, SLUG, CA).values()), "Apertium went on"


def test_a_missing_catalogue_is_one_line_and_the_others_are_translated(
    project: Project,
) -> None:
    extract(project, [])
    missing = project.catalog_path(SLUG, ES)
    missing.unlink()
    report = run(project, FakeEngine(), SLUG, to=["es", "ca"])
    assert report.problems == [
        f"locales/es/LC_MESSAGES/{SLUG}.po: no catalogue (run `workflow extract {SLUG}` first)"
    ]
    assert all(e.msgstr for e in entries(project, SLUG, CA).values())


def test_the_sites_strings_are_translated_when_named(project: Project) -> None:
    extract(project, [])
    path = project.root / "locales" / "es" / "LC_MESSAGES" / "site.po"
    po = polib.pofile(str(path))
    po[0].msgstr = ""
    po.save()
    engine = FakeEngine()
    run(project, engine, "site", to=["es"])
    assert engine.sent == [po[0].msgid]
    assert polib.pofile(str(path))[0].msgstr == f"«{po[0].msgid}»"


class Sized(FakeEngine):
    """An engine that says how many texts it takes per call."""

    batch_size = 2


def test_batches_are_the_engines_size_else_25_for_an_engine_of_unknown_name(
    project: Project,
) -> None:
    extract(project, [SLUG])
    calls: list[int] = []
    for engine in (Sized(), FakeEngine()):
        answer = engine.translate

        def counted(texts: Sequence[str], *args: Any, answer: Callable[..., Any] = answer) -> Any:
            calls.append(len(texts))
            return answer(texts, *args)

        engine.translate = counted  # type: ignore[method-assign]
        calls.clear()
        work = translation(project, engine, SLUG, redo=isinstance(engine, FakeEngine))
        work.plan()
        work.run()
        size = 2 if isinstance(engine, Sized) else 25
        assert calls and max(calls) == size and calls[0] == size


class Prepared(FakeEngine):
    """An engine that loads a pair ahead (as Apertium does) and frees it at the end."""

    def __init__(self) -> None:
        super().__init__()
        self.prepared: list[tuple[str, str]] = []
        self.closed = 0

    def prepare(self, source: Language, target: Language) -> None:
        self.prepared.append((source.tag, target.tag))

    def close(self) -> None:
        self.closed += 1


def test_an_engine_is_prepared_for_its_pair_and_closed_after_the_run(
    project: Project, sample: Path
) -> None:
    (sample / "articles" / "quay.md").write_text(ONE)
    extract(project, ["quay"])
    review(project, "quay", which=lambda msgid: msgid == "Quay")  # one segment left to send
    engine = Prepared()
    work = translation(project, engine, "quay")
    work.plan()
    assert engine.prepared == [("en", "es")]
    work.run()
    assert engine.closed == 1


def test_a_cached_answer_is_noted_with_the_engine_that_gave_it(project: Project) -> None:
    extract(project, [SLUG])
    run(project, FakeEngine(), SLUG, to=["es"])
    path = project.catalog_path(SLUG, ES)
    po = polib.pofile(str(path))
    po[0].msgstr, po[0].tcomment = "", ""
    po.save()
    engine = FakeEngine()
    report = run(project, engine, SLUG, to=["es"])
    assert engine.sent == [] and report.costs[("apertium", "en", "es")].cached == 1
    assert provenance(polib.pofile(str(path))[0])[0] == f"machine apertium {TODAY}"


def test_reopened_drafts_take_exact_memory_matches_and_count_them(
    project: Project, sample: Path
) -> None:
    source = sample / "articles" / f"{SLUG}.md"
    (sample / "articles" / "harbour-copy.md").write_text(source.read_text())
    extract(project, [])
    run(project, FakeEngine(), SLUG, "harbour-copy", to=["es"])
    path = project.catalog_path("harbour-copy", ES)
    po = polib.pofile(str(path))
    for entry in po:  # every sentence reviewed there, differently from the machine
        entry.msgstr = ""
    po.save()
    review(project, "harbour-copy")  # "R <msgid>"
    work = translation(project, FakeEngine(), SLUG, redo=True)
    report = work.plan()
    work.run()
    drafts = entries(project, SLUG)
    assert report.costs[("apertium", "en", "es")].memory == len(drafts) > 1
    assert all(e.msgstr == f"R {e.msgid}" for e in drafts.values())
    assert all(provenance(e)[0] == f"memory {TODAY}" for e in drafts.values())


def test_an_answer_with_a_placeholder_the_text_has_not_is_not_used(project: Project) -> None:
    extract(project, [SLUG])
    engine = FakeEngine(answer=lambda text: f"{text} <x9/>")
    report = run(project, engine, SLUG, to=["es"])
    found = entries(project, SLUG).values()
    assert any("<" not in e.msgid for e in found) and all(e.msgstr == "" for e in found)
    assert len(report.attention) == len(found)


def test_an_engine_answering_too_few_texts_has_the_rest_retried_alone(
    project: Project,
) -> None:
    extract(project, [SLUG])
    engine = FakeEngine()
    answer = engine.translate

    def short(texts: Sequence[str], *args: Any) -> list[str]:
        return answer(texts, *args)[: max(1, len(texts) - 1)]

    engine.translate = short  # type: ignore[method-assign]
    report = run(project, engine, SLUG, to=["es"])
    assert report.attention == []
    assert all(
        e.msgstr == f"«{e.msgid}»" for e in entries(project, SLUG).values() if "<" not in e.msgid
    )


def test_a_new_author_reopens_the_drafts_that_name_them(project: Project, sample: Path) -> None:
    path = sample / "articles" / "quay.md"
    path.write_text(ONE.replace("opened.", "opened. Marta Vidal cut the ribbon."))
    extract(project, ["quay"])
    run(project, FakeEngine(), "quay", to=["es"])
    path.write_text(path.read_text().replace("status: ready", "author: Marta Vidal\nstatus: ready"))
    engine = FakeEngine()
    report = run(project, engine, "quay", to=["es"])
    assert report.reopened == 1
    assert len(engine.sent) == 1 and "Marta Vidal" not in engine.sent[0]


def test_a_run_stamps_the_revision_date_and_keeps_the_creation_date(project: Project) -> None:
    extract(project, [SLUG])
    path = project.catalog_path(SLUG, ES)
    po = polib.pofile(str(path))
    po.metadata["POT-Creation-Date"] = po.metadata["PO-Revision-Date"] = "2020-01-01 00:00+0000"
    po.save()
    run(project, FakeEngine(), SLUG, to=["es"])
    after = polib.pofile(str(path)).metadata
    assert after["POT-Creation-Date"] == "2020-01-01 00:00+0000"
    assert after["PO-Revision-Date"] != "2020-01-01 00:00+0000"


class FakeCluster:
    """An executor that is not this process: calls run here, but as a cluster gets them."""

    name = "fake cluster"
    workers = 2

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future[Any]:
        self.calls.append(args)
        future: Future[Any] = Future()
        future.set_result(fn(*args))
        return future

    def map(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        return [fn(item) for item in items]

    def close(self) -> None:
        return None


@pytest.fixture
def cluster() -> Iterator[FakeCluster]:
    yield FakeCluster()


def test_engine_calls_reach_a_cluster_with_the_engines_name_and_the_config(
    project: Project, cluster: FakeCluster
) -> None:
    extract(project, [SLUG])
    work = Translation(project, [SLUG], ["es"], engine="pseudo", executor=cluster)
    work.plan()
    work.run()
    assert cluster.calls and all(c[:2] == ("pseudo", project.config) for c in cluster.calls)
    assert all(e.msgstr for e in entries(project, SLUG).values())


class Named(FakeEngine):
    """A fake engine under another name, or another model of one (``cache_key``)."""

    def __init__(self, name: str, cache_key: str | None = None) -> None:
        super().__init__()
        self.name = name
        if cache_key is not None:
            self.cache_key = cache_key


def test_one_engines_answers_are_not_served_as_anothers(project: Project) -> None:
    extract(project, [SLUG])
    path = project.catalog_path(SLUG, ES)
    blank = polib.pofile(str(path))  # the catalogue before any draft
    sent = {}
    for engine in (
        Named("fake"),
        Named("other"),
        Named("llm", "llm:model-a"),
        Named("llm", "llm:model-b"),
    ):
        blank.save(str(path))
        run(project, engine, SLUG, to=["es"])
        sent[engine.cache_key if hasattr(engine, "cache_key") else engine.name] = len(engine.sent)
    assert set(sent.values()) == {len(entries(project, SLUG))}, sent  # none answered from the cache
    blank.save(str(path))
    again = Named("llm", "llm:model-b")
    run(project, again, SLUG, to=["es"])
    assert again.sent == [], "the same model's answers are reused"


def test_apertium_gets_a_whole_article_in_one_call(project: Project) -> None:
    extract(project, [SLUG])
    engine = Named("apertium")
    calls: list[int] = []
    answer = engine.translate

    def counted(texts: Sequence[str], *args: Any) -> list[str]:
        calls.append(len(texts))
        return answer(texts, *args)

    engine.translate = counted  # type: ignore[method-assign]
    run(project, engine, SLUG, to=["es"])
    assert calls == [len(entries(project, SLUG))] and calls[0] > 25
