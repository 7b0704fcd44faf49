"""The translate stage pinned down where a mutation run found it unguarded: a
segment retried alone is sent with its language pair, and the LLM engine gets
the style guide from the folder its own settings name, for an article of one
sentence too (``scripts/mutation translate``)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from workflow.catalog import provenance, read_catalog, write_catalog
from workflow.extract import extract
from workflow.languages import Language, parse_language
from workflow.project import Project
from workflow.translate import Translation

from .fake_providers import FakeProviders, serve
from .test_translate import FakeEngine, entries, translation

ES = parse_language("es")
ONE = """---
title: Quay
published: 2024-08-19
language: en
status: ready
---
The [quay](https://q.example) opened.
"""


@pytest.fixture
def server() -> Iterator[FakeProviders]:
    with serve() as state:
        yield state


def test_a_segment_retried_alone_is_sent_with_its_language_pair(project: Project) -> None:
    extract(project, ["harbour-rebuilt"])
    engine = FakeEngine()
    answer = engine.translate
    pairs: list[tuple[int, str, str]] = []

    def flaky(
        texts: Sequence[str], source: Language, target: Language, progress: object = None
    ) -> list[str]:
        pairs.append((len(texts), source.tag, target.tag))
        answers = answer(texts, source, target)
        return [a.replace("<g1>", "") for a in answers] if len(texts) > 1 else answers

    engine.translate = flaky  # type: ignore[method-assign]
    work = translation(project, engine, "harbour-rebuilt")
    work.plan()
    report = work.run()
    assert report.attention == []
    alone = [p for p in pairs if p[0] == 1]
    assert alone and set(alone) == {(1, "en", "es")}
    assert all(e.msgstr for e in entries(project, "harbour-rebuilt").values())


def test_the_llm_gets_the_style_guide_its_settings_name_for_a_one_sentence_article(
    sample: Path, server: FakeProviders
) -> None:
    config = sample / "workflow.toml"
    config.write_text(
        config.read_text().replace('default = "apertium"', 'default = "llm"')
        + f'\n[engines.llm]\nurl = "{server.url("llm")}"\nmodel = "fake-7b"\n'
        + 'styleguides = "guides/llm"\n'
    )
    (sample / "styleguides").mkdir()
    (sample / "styleguides" / "es.md").write_text("Not this one.\n")
    (sample / "guides" / "llm").mkdir(parents=True)
    (sample / "guides" / "llm" / "es.md").write_text("Tutea al lector.\n")
    (sample / "articles" / "quay.md").write_text(ONE)
    project = Project.load(sample)
    extract(project, ["quay"])
    path = project.catalog_path("quay", ES)
    po = read_catalog(path)
    po.find("Quay", msgctxt="title").msgstr = "Muelle"  # reviewed: one sentence left to send
    write_catalog(po, path)
    translation = Translation(project, ["quay"], ["es"], environ={})
    translation.plan()
    report = translation.run()
    assert report.problems == [] and report.attention == []
    (body,) = server.chats()
    system, user = body["messages"][0]["content"], body["messages"][1]["content"]
    assert json.loads(user)["segments"] == [{"id": 1, "text": "The <g1>quay</g1> opened."}]
    assert "Tutea al lector." in system and "Not this one." not in system
    assert all(e.msgstr for e in entries(project, "quay").values())


def test_an_empty_answer_is_named_in_the_report_and_noted_on_the_entry(project: Project) -> None:
    extract(project, ["harbour-rebuilt"])
    found = entries(project, "harbour-rebuilt")
    longest = max((m for m in found if "<" not in m), key=len)
    assert len(longest) > 61
    engine = FakeEngine(answer=lambda text: "" if text == longest else f"«{text}»")
    work = translation(project, engine, "harbour-rebuilt")
    work.plan()
    report = work.run()
    assert report.attention == [f"harbour-rebuilt [es] {longest[:60]!r}"]
    entry = entries(project, "harbour-rebuilt")[longest]
    assert entry.msgstr == ""
    assert provenance(entry)[0] == "attention apertium 2026-01-02: no usable answer; answer was ''"
