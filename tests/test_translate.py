"""The translate stage: memory, glossary, cache, deduplication, safety."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import polib
import pytest
from click.testing import CliRunner

from workflow.catalog import provenance, read_catalog
from workflow.cli import cli
from workflow.config import TranslateSettings
from workflow.drafts import text_hash
from workflow.engines import EngineFailed
from workflow.engines.deepl import DeeplEngine
from workflow.extract import extract
from workflow.glossary import Glossary, article_names
from workflow.languages import Language, parse_language
from workflow.project import Project
from workflow.render import render
from workflow.translate import Report, Translation

from .conftest import check_all_catalogs, msgfmt_check
from .fake_providers import serve

ES, CA = parse_language("es"), parse_language("ca")
TODAY = "2026-01-02"


class FakeEngine:
    """Records every text it is sent; answers «text» (placeholders intact)."""

    name = "fake"

    def __init__(self, answer: Callable[[str], str] | None = None, fail_on_call: int = 0) -> None:
        self.sent: list[str] = []
        self.calls = 0
        self.answer = answer or (lambda text: f"«{text}»")
        self.fail_on_call = fail_on_call

    def check_pair(self, source: Language, target: Language) -> None:
        return None

    def translate(
        self,
        texts: Sequence[str],
        source: Language,
        target: Language,
        progress: Callable[[int], None] | None = None,
    ) -> list[str]:
        self.calls += 1
        if self.fail_on_call and self.calls >= self.fail_on_call:
            raise EngineFailed("fake", "HTTP 500", 5)
        self.sent.extend(texts)
        if progress is not None:
            progress(len(texts))
        return [self.answer(text) for text in texts]


def sent_form(project: Project, msgid: str, slug: str = "harbour-rebuilt") -> str:
    """A msgid as an engine gets it: the article's authors and credit kept as tokens."""
    names = article_names(project.article(slug).meta)
    return Glossary().with_names(names).protect(msgid, "en", "es").text


def translation(
    project: Project,
    engine: Any,
    *slugs: str,
    to: Sequence[str] = ("es",),
    engines: Mapping[str, Any] | None = None,
    **options: Any,
) -> Translation:
    """A run with ``engine`` as Apertium (and any other ``engines``), dated TODAY."""
    import datetime as dt

    return Translation(
        project,
        slugs,
        to,
        engines={"apertium": engine, **(engines or {})},
        today=dt.date.fromisoformat(TODAY),
        **options,
    )


def run(
    project: Project, engine: FakeEngine, *slugs: str, to: Sequence[str] = (), dry: bool = False
) -> Report:
    work = translation(project, engine, *slugs, to=to, engines={"deepl": engine})
    report = work.plan()
    return report if dry else work.run()


def entries(project: Project, slug: str, language: Language = ES) -> dict[str, polib.POEntry]:
    return {
        e.msgid: e for e in read_catalog(project.catalog_path(slug, language)) if not e.obsolete
    }


def review(
    project: Project,
    slug: str,
    language: Language = ES,
    which: Callable[[str], bool] = lambda m: True,
) -> None:
    path = project.catalog_path(slug, language)
    po = polib.pofile(str(path))
    for entry in po:
        if which(entry.msgid):
            entry.msgstr = entry.msgstr or f"R {entry.msgid}"
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.tcomment = "workflow: reviewed ana 2026-01-01"
    po.save()


def test_fills_every_segment_as_fuzzy_with_provenance(project: Project) -> None:
    extract(project, [])
    engine = FakeEngine()
    report = run(project, engine, "harbour-rebuilt")
    found = entries(project, "harbour-rebuilt")
    assert all(e.msgstr == f"«{e.msgid}»" for e in found.values())
    assert all("fuzzy" in e.flags for e in found.values())
    assert all(
        provenance(e)[0] == f"machine apertium {TODAY}"
        and provenance(e)[1].startswith(f"draft {text_hash(e.msgstr)}")  # + glossary hits
        for e in found.values()
    )
    assert report.filled == 2 * len(found)  # es and ca
    assert check_all_catalogs(project.locales_dir) == 7
    rendered = render(project, "harbour-rebuilt", "es", include_fuzzy=True)
    assert rendered.untranslated == 0 and not rendered.broken


def test_reviewed_translations_are_never_changed(project: Project) -> None:
    extract(project, ["harbour-rebuilt"])
    review(project, "harbour-rebuilt", which=lambda m: "harbour" in m)
    path = project.catalog_path("harbour-rebuilt", ES)
    reviewed = {
        m: (e.msgstr, e.flags, e.tcomment)
        for m, e in entries(project, "harbour-rebuilt").items()
        if e.msgstr
    }
    assert reviewed
    engine = FakeEngine()
    run(project, engine, "harbour-rebuilt", to=["es"])
    after = entries(project, "harbour-rebuilt")
    for msgid, state in reviewed.items():
        assert (after[msgid].msgstr, after[msgid].flags, after[msgid].tcomment) == state
        assert msgid not in engine.sent
    msgfmt_check(path)


def test_changed_source_is_retranslated_and_nothing_else_is_sent(project: Project) -> None:
    extract(project, ["harbour-rebuilt"])
    run(project, FakeEngine(), "harbour-rebuilt", to=["es"])
    review(project, "harbour-rebuilt")
    path = project.article_path("harbour-rebuilt")
    path.write_text(
        path.read_text().replace("Not everyone\nagrees.", "Not everyone\nagrees with him.")
    )
    extract(project, ["harbour-rebuilt"])
    engine = FakeEngine()
    run(project, engine, "harbour-rebuilt", to=["es"])
    assert engine.sent == ["Not everyone agrees with him."]
    changed = entries(project, "harbour-rebuilt")["Not everyone agrees with him."]
    assert changed.msgstr == "«Not everyone agrees with him.»" and "fuzzy" in changed.flags
    assert changed.previous_msgid == "Not everyone agrees."
    assert provenance(changed) == [
        f"machine apertium {TODAY}",
        f"draft {text_hash(changed.msgstr)}",
        "previous translation: «Not everyone agrees.»",
    ]
    again = FakeEngine()
    run(project, again, "harbour-rebuilt", to=["es"])
    assert again.sent == [], "a machine-filled changed segment is not sent again"


def test_exact_memory_match_is_used_before_any_engine(project: Project) -> None:
    extract(project, ["harbour-rebuilt"])
    review(project, "harbour-rebuilt")
    story = project.articles_dir / "follow-up.md"
    story.write_text(
        "---\ntitle: Follow-up\npublished: 2024-09-01\nlanguage: en\n---\n"
        "The money came from three sources. Something entirely new happened.\n"
    )
    extract(project, ["follow-up"])
    engine = FakeEngine()
    report = run(project, engine, "follow-up", to=["es"])
    found = entries(project, "follow-up")
    assert (
        found["The money came from three sources."].msgstr == "R The money came from three sources."
    )
    assert provenance(found["The money came from three sources."]) == [
        f"memory {TODAY}",
        f"draft {text_hash('R The money came from three sources.')}",
    ]
    assert "The money came from three sources." not in engine.sent
    assert report.costs[("apertium", "en", "es")].memory == 1


def test_same_sentence_in_two_articles_is_sent_once(project: Project) -> None:
    for slug in ("one", "two"):
        (project.articles_dir / f"{slug}.md").write_text(
            f"---\ntitle: Story {slug}\npublished: 2024-09-01\nlanguage: en\n---\n"
            "The harbour reopened today. The harbour reopened today.\n"
        )
    extract(project, ["one", "two"])
    engine = FakeEngine()
    report = run(project, engine, "one", "two", to=["es"])
    assert engine.sent.count("The harbour reopened today.") == 1
    assert report.costs[("apertium", "en", "es")].repeats == 1
    assert (
        entries(project, "two")["The harbour reopened today."].msgstr
        == "«The harbour reopened today.»"
    )


def test_second_run_sends_nothing_already_answered(project: Project) -> None:
    extract(project, ["harbour-rebuilt"])
    first = FakeEngine()
    run(project, first, "harbour-rebuilt")
    shutil.rmtree(project.locales_dir)
    extract(project, ["harbour-rebuilt"])
    second = FakeEngine()
    report = run(project, second, "harbour-rebuilt")
    assert second.sent == [] and first.sent
    assert report.costs[("apertium", "en", "es")].cached == len(entries(project, "harbour-rebuilt"))
    assert all(e.msgstr for e in entries(project, "harbour-rebuilt").values())


def test_dry_run_counts_but_sends_and_writes_nothing(project: Project) -> None:
    extract(project, ["harbour-rebuilt", "mercado-central"])
    before = {p: p.read_bytes() for p in project.locales_dir.rglob("*.po")}
    engine = FakeEngine()
    planned = run(project, engine, "harbour-rebuilt", "mercado-central", dry=True)
    assert engine.calls == 0
    assert before == {p: p.read_bytes() for p in project.locales_dir.rglob("*.po")}
    cost = planned.costs[("apertium", "en", "es")]
    assert cost.segments == len(entries(project, "harbour-rebuilt")) - cost.repeats
    sent = {sent_form(project, t) for t in entries(project, "harbour-rebuilt")}
    assert cost.characters == sum(len(t) for t in sent)
    real = run(project, FakeEngine(), "harbour-rebuilt", "mercado-central")
    assert {k: v.segments for k, v in real.costs.items()} == {
        k: v.segments for k, v in planned.costs.items()
    }


def test_interrupted_run_keeps_every_finished_batch(project: Project, sample: Path) -> None:
    config = sample / "workflow.toml"
    config.write_text(config.read_text() + "\n[translate]\nbatch_size = 5\n")
    project = Project.load(sample)
    extract(project, ["harbour-rebuilt"])
    failing = FakeEngine(fail_on_call=3)
    report = run(project, failing, "harbour-rebuilt", to=["es"])
    total = len(entries(project, "harbour-rebuilt"))
    done = [e for e in entries(project, "harbour-rebuilt").values() if e.msgstr]
    assert len(done) == 10 == len(failing.sent)
    assert report.problems == [
        f"fake failed after 5 attempts: HTTP 500; {total - 10} segments still to do for en→es"
    ]
    msgfmt_check(project.catalog_path("harbour-rebuilt", ES))
    resumed = FakeEngine()
    run(project, resumed, "harbour-rebuilt", to=["es"])
    assert len(resumed.sent) == total - 10
    assert not set(resumed.sent) & set(failing.sent)


def test_online_engine_failing_with_500s_leaves_a_valid_catalogue(project: Project) -> None:
    extract(project, ["harbour-rebuilt"])
    path = project.catalog_path("harbour-rebuilt", ES)
    before = path.read_bytes()
    with serve() as server:
        server.faults = ["500"] * 50
        policy = TranslateSettings(timeout=1, retries=2, backoff=0.01, backoff_cap=0.02)
        deepl = DeeplEngine({"url": server.url("deepl")}, policy, {"DEEPL_API_KEY": "k"})
        translation = Translation(project, ["harbour-rebuilt"], ["es"], engines={"apertium": deepl})
        translation.plan()
        report = translation.run()
    total = len(entries(project, "harbour-rebuilt"))
    assert report.problems == [
        f"deepl failed after 3 attempts: HTTP 500; {total} segments still to do for en→es"
    ]
    assert path.read_bytes() == before
    msgfmt_check(path)
    assert not list(path.parent.glob(".*.tmp"))


def test_lost_placeholder_is_retried_alone_then_marked_for_attention(project: Project) -> None:
    extract(project, ["harbour-rebuilt"])
    engine = FakeEngine(
        answer=lambda text: "sin marcas" if "<g" in text or "<x" in text else f"«{text}»"
    )
    report = run(project, engine, "harbour-rebuilt", to=["es"])
    broken = [m for m in entries(project, "harbour-rebuilt") if "<" in sent_form(project, m)]
    assert broken and len(report.attention) == len(broken)
    for msgid in broken:
        entry = entries(project, "harbour-rebuilt")[msgid]
        assert entry.msgstr == ""
        assert provenance(entry)[0].startswith(f"attention apertium {TODAY}: placeholders lost")
        assert entry.msgstr == ""
        assert engine.sent.count(sent_form(project, msgid)) == 2, "sent in the batch, then alone"
    msgfmt_check(project.catalog_path("harbour-rebuilt", ES))
    fixed = FakeEngine()
    run(project, fixed, "harbour-rebuilt", to=["es"])
    again = sorted(sent_form(project, m) for m in broken)
    assert sorted(fixed.sent) == again, "not cached: asked again next run"


def test_placeholder_lost_in_batch_but_kept_alone_is_stored(project: Project) -> None:
    extract(project, ["harbour-rebuilt"])
    engine = FakeEngine()
    batch_answer = engine.translate

    def flaky(
        texts: Sequence[str], source: Language, target: Language, progress: object = None
    ) -> list[str]:
        answers = batch_answer(texts, source, target)
        return [a.replace("<g1>", "") for a in answers] if len(texts) > 1 else answers

    engine.translate = flaky  # type: ignore[method-assign]
    report = run(project, engine, "harbour-rebuilt", to=["es"])
    assert report.attention == []
    assert all(e.msgstr for e in entries(project, "harbour-rebuilt").values())


def test_glossary_names_and_terms_are_protected(project: Project, sample: Path) -> None:
    (sample / "glossary.toml").write_text(
        'keep = ["Joan Puig"]\n[terms."en:es"]\n"breakwater" = "rompeolas"\n'
    )
    project = Project.load(sample)
    extract(project, ["harbour-rebuilt"])
    engine = FakeEngine()
    run(project, engine, "harbour-rebuilt", to=["es"])
    assert not any("Joan Puig" in t or "breakwater" in t for t in engine.sent)
    found = entries(project, "harbour-rebuilt")
    puig = next(e for m, e in found.items() if "Joan Puig" in m)
    assert "Joan Puig" in puig.msgstr and "<x9" not in puig.msgstr
    storm = next(e for m, e in found.items() if "breakwater" in m)
    assert "rompeolas" in storm.msgstr and "breakwater" not in storm.msgstr


def test_unavailable_engine_is_one_line_and_other_pairs_still_run(project: Project) -> None:
    extract(project, [])
    translation = Translation(project, environ={})
    translation.engines["apertium"] = FakeEngine()
    translation.plan()
    report = translation.run()
    assert len(report.problems) == 1
    assert report.problems[0].startswith(
        "deepl is not configured: set the environment variable DEEPL_API_KEY"
    )
    assert report.problems[0].endswith("(segments to do: de→en: 22, de→es: 22, de→ca: 22)")
    assert all(e.msgstr for e in entries(project, "mercado-central", CA).values())


@pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium not installed")
def test_real_apertium_translates_a_whole_article(project: Project) -> None:
    extract(project, ["harbour-rebuilt"])
    translation = Translation(project, ["harbour-rebuilt"], ["es", "ca"])
    translation.plan()
    report = translation.run()
    assert report.problems == [] and report.attention == []
    for language in (ES, CA):
        found = entries(project, "harbour-rebuilt", language)
        assert all(e.msgstr and "fuzzy" in e.flags for e in found.values())
        msgfmt_check(project.catalog_path("harbour-rebuilt", language))
        rendered = render(project, "harbour-rebuilt", language.tag, include_fuzzy=True)
        assert rendered.untranslated == 0 and not rendered.broken
        assert '(https://ec.europa.eu/regional_policy/funding/erdf_en "ERDF")' in rendered.text


def test_cli_dry_run_and_pseudo_engine(sample: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["--project", str(sample), "extract"])
    assert result.exit_code == 0
    result = runner.invoke(
        cli, ["--project", str(sample), "translate", "--dry-run", "--engine", "pseudo"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "would be sent" in result.output and "pseudo" in result.output and "de→ca" in result.output
    )
    assert "filled" not in result.output
    result = runner.invoke(cli, ["--project", str(sample), "translate", "--engine", "pseudo"])
    assert result.exit_code == 0, result.output
    assert "segment(s) filled" in result.output
    po = read_catalog(sample / "locales" / "ca" / "LC_MESSAGES" / "fahrradstrassen.po")
    assert all(e.msgstr.startswith("⟦") for e in po)
    result = runner.invoke(cli, ["--project", str(sample), "translate", "--engine", "nope"])
    assert result.exit_code == 1 and "unknown engine 'nope'" in result.output


def test_progress_counts_every_segment_once(project: Project) -> None:
    extract(project, ["harbour-rebuilt"])
    translation = Translation(project, ["harbour-rebuilt"], engines={"apertium": FakeEngine()})
    translation.plan()
    seen: list[int] = []
    translation.run(seen.append)
    assert sum(seen) == translation.total > 0
