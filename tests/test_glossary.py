"""Glossary protection and the pseudo engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow.engines.pseudo import PseudoEngine, pseudo_localise
from workflow.errors import ConfigError
from workflow.glossary import Glossary, load_glossary
from workflow.languages import parse_language
from workflow.segment import placeholders_match

GLOSSARY = Glossary(
    keep=("Joan Puig", "The Harbour Review", "Puig"),
    terms={("en", "es"): {"town council": "ayuntamiento", "breakwater": "rompeolas"}},
)


def test_keep_names_and_forced_terms_become_tokens() -> None:
    protected = GLOSSARY.protect(
        "Joan Puig said the town council fixed the breakwater.", "en", "es"
    )
    assert protected.text == "<x90/> said the <x91/> fixed the <x92/>."
    assert protected.restore("<x90/> dijo que el <x91/> arregló el <x92/>.") == (
        "Joan Puig dijo que el ayuntamiento arregló el rompeolas."
    )


def test_longest_match_wins_and_words_are_whole() -> None:
    protected = GLOSSARY.protect("Puig and Joan Puig, not Puigdemont.", "en", "es")
    assert protected.text == "<x90/> and <x91/>, not Puigdemont."


def test_forced_term_keeps_sentence_case() -> None:
    protected = GLOSSARY.protect("Town council meets.", "en", "es")
    assert protected.restore(protected.text) == "Ayuntamiento meets."


def test_keep_names_are_case_sensitive() -> None:
    protected = GLOSSARY.protect("the harbour review was slow", "en", "es")
    assert protected.text == "the harbour review was slow"


def test_terms_only_apply_to_their_pair() -> None:
    assert GLOSSARY.protect("The town council met.", "en", "ca").replacements == {}


def test_tokens_do_not_clash_with_markup_placeholders() -> None:
    protected = GLOSSARY.protect("<g1>Joan Puig</g1> met <x2/> today.", "en", "es")
    assert protected.text == "<g1><x90/></g1> met <x2/> today."
    assert not placeholders_match(protected.text, "<g1></g1> met <x2/> today.")


def test_load_glossary_reports_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "glossary.toml"
    path.write_text('keep = "x"\nextra = 1\n[terms."en:qq"]\na = "b"\n[terms.enes]\na = "b"\n')
    with pytest.raises(ConfigError) as info:
        load_glossary(path)
    assert len(info.value.problems) == 4
    assert load_glossary(tmp_path / "missing.toml") == Glossary()


def test_sample_glossary_loads() -> None:
    glossary = load_glossary(Path(__file__).resolve().parent.parent / "glossary.toml")
    assert "Joan Puig" in glossary.keep
    assert glossary.forced_terms("en", "ca")["town council"] == "ajuntament"


def test_pseudo_localisation_keeps_placeholders_and_lengthens() -> None:
    text = "The <g1>council</g1> met <x2/> today."
    result = pseudo_localise(text)
    assert placeholders_match(text, result)
    assert result.startswith("⟦Ŧĥé <g1>çöûñçîļ</g1>") and result.endswith("⟧")
    assert len(result) > len(text) * 1.2
    en, ca = parse_language("en"), parse_language("ca")
    assert PseudoEngine().translate([text], en, ca) == [result]
