"""The real Apertium engine on real sentences (Debian packages apertium-eng-spa, -eng-cat)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workflow.engines import EngineFailed
from workflow.engines.apertium import ApertiumEngine, clean_marks
from workflow.errors import EngineError
from workflow.glossary import Glossary
from workflow.languages import parse_language
from workflow.segment import placeholders_match

pytestmark = pytest.mark.skipif(shutil.which("apertium") is None, reason="apertium not installed")

EN, ES, CA, DE = (parse_language(t) for t in ("en", "es", "ca", "de"))


@pytest.fixture(scope="module")
def apertium() -> ApertiumEngine:
    return ApertiumEngine()


def test_lists_installed_pairs(apertium: ApertiumEngine) -> None:
    assert {"eng-spa", "eng-cat", "spa-eng"} <= apertium.modes


def test_english_to_spanish(apertium: ApertiumEngine) -> None:
    result = apertium.translate(["The big house is red.", "The council met on Monday."], EN, ES)
    assert result[0] == "La casa grande es roja."
    assert "lunes" in result[1].lower() and "consejo" in result[1].lower()


def test_english_to_catalan(apertium: ApertiumEngine) -> None:
    (result,) = apertium.translate(["The big house is red."], EN, CA)
    assert result.startswith("La casa gran és vermell")


def test_spanish_to_english(apertium: ApertiumEngine) -> None:
    (result,) = apertium.translate(["La casa grande es roja."], ES, EN)
    assert result == "The big house is red."


@pytest.mark.parametrize("target", [ES, CA])
def test_placeholders_survive(apertium: ApertiumEngine, target: object) -> None:
    texts = [
        "The council met on <g1>Monday</g1> and voted on the <g2>harbour plan</g2>.",
        "Read the <g1><g2>full report</g2></g1> online<x3/>today.",
        "Search for <x1/> in the planning register.",
    ]
    results = apertium.translate(texts, EN, target)  # type: ignore[arg-type]
    for text, result in zip(texts, results, strict=True):
        assert placeholders_match(text, result), (text, result)


def test_glossary_terms_survive(apertium: ApertiumEngine) -> None:
    glossary = Glossary(
        keep=("Joan Puig", "The Harbour Review"), terms={("en", "es"): {"breakwater": "rompeolas"}}
    )
    protected = glossary.protect(
        "Joan Puig told The Harbour Review that the breakwater was broken.", "en", "es"
    )
    assert "Joan Puig" not in protected.text and "breakwater" not in protected.text
    (answer,) = apertium.translate([protected.text], EN, ES)
    assert placeholders_match(protected.text, answer)
    result = protected.restore(answer)
    assert "Joan Puig" in result and "The Harbour Review" in result and "rompeolas" in result


def test_unknown_words_carry_no_marks(apertium: ApertiumEngine) -> None:
    (result,) = apertium.translate(["The xyzzyplonk was quorbled by Frobnitz."], EN, ES)
    assert "*" not in result and "#" not in result and "@" not in result
    assert "xyzzyplonk" in result


def test_clean_marks_keeps_marks_that_were_in_the_source() -> None:
    assert clean_marks("El #perro y @gato", "The dog and cat") == "El perro y gato"
    assert clean_marks("Sigue #harbour", "Follow #harbour") == "Sigue #harbour"


def test_batch_gives_what_single_calls_give(apertium: ApertiumEngine) -> None:
    """Blank lines isolate segments: nothing leaks from one into the next."""
    texts = [f"The council approved plan number {n}" for n in range(30)] + ["yes", "No!", "and so"]
    batch = apertium.translate(texts, EN, ES)
    assert len(batch) == len(texts)
    sample = texts[::7] + texts[-3:]
    assert [apertium.translate([t], EN, ES)[0] for t in sample] == batch[::7] + batch[-3:]


def test_missing_pair_says_what_to_install(apertium: ApertiumEngine) -> None:
    with pytest.raises(EngineError, match=r"no en→de pair installed .*apertium-deu-eng"):
        apertium.check_pair(EN, DE)


def test_missing_program_says_what_to_install() -> None:
    with pytest.raises(EngineError, match="install the Debian package 'apertium'"):
        ApertiumEngine(binary="/nonexistent/apertium").check_pair(EN, ES)


def test_hanging_engine_is_killed_with_a_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "apertium"
    fake.write_text('#!/bin/sh\nif [ "$1" = -l ]; then echo eng-spa; exit 0; fi\nexec sleep 30\n')
    fake.chmod(0o755)
    engine = ApertiumEngine(binary=str(fake), timeout=0.5)
    with pytest.raises(EngineFailed, match=r"apertium failed: no answer within \d+ s \(killed\)"):
        engine.translate(["Hello."], EN, ES)


def test_failing_engine_reports_its_message(tmp_path: Path) -> None:
    fake = tmp_path / "apertium"
    fake.write_text(
        '#!/bin/sh\nif [ "$1" = -l ]; then echo eng-spa; exit 0; fi\n'
        "echo 'Error: mode broken' >&2; exit 3\n"
    )
    fake.chmod(0o755)
    with pytest.raises(EngineFailed, match="exit status 3: Error: mode broken"):
        ApertiumEngine(binary=str(fake)).translate(["Hello."], EN, ES)


def test_progress_arrives_while_apertium_streams(apertium: ApertiumEngine) -> None:
    texts = [f"The council approved plan number {n} after a long debate." for n in range(400)]
    seen: list[int] = []
    result = apertium.translate(texts, EN, ES, progress=seen.append)
    assert len(result) == 400 and sum(seen) == 400
    assert len(seen) > 1, "reported as output streams in, not once at the end"


def test_a_prepared_pipeline_is_used_and_an_unused_one_stopped() -> None:
    engine = ApertiumEngine()
    engine.prepare(EN, ES)
    (process,) = engine._ready.values()
    assert engine.translate(["The big house is red."], EN, ES) == ["La casa grande es roja."]
    assert engine._ready == {} and process.poll() is not None, "fed and finished"
    engine.prepare(EN, ES)
    (waiting,) = engine._ready.values()
    waiting.kill()  # a prepared pipeline that died meanwhile is replaced
    waiting.wait()
    assert engine.translate(["The big house is red."], EN, ES) == ["La casa grande es roja."]
    engine.prepare(EN, CA)
    (unused,) = engine._ready.values()
    engine.close()
    assert unused.poll() is not None and engine._ready == {}


def test_a_quotation_opening_the_segment_keeps_its_mark_against_the_word(
    apertium: ApertiumEngine,
) -> None:
    """Apertium alone answers '" Estamos a punto," dijo…' (a space after the mark)."""
    (answer,) = apertium.translate(['"We are ready," said the CEO.'], EN, ES)
    assert answer.startswith('"') and not answer.startswith('" '), answer
    assert answer == answer.strip()


def test_markup_placeholders_keep_the_spacing_of_the_source(apertium: ApertiumEngine) -> None:
    (answer,) = apertium.translate(["<g1>He told reporters</g1> that it was over."], EN, ES)
    assert answer.startswith("<g1>") and not answer.startswith("<g1> "), answer
    assert " </g1>" not in answer
