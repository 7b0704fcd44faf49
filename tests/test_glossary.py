"""Glossary protection and the pseudo engine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from workflow.article import FrontMatter, Image
from workflow.engines.pseudo import PseudoEngine, pseudo_localise
from workflow.errors import ConfigError
from workflow.glossary import Glossary, article_names, load_glossary
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


def test_forced_terms_match_any_case_and_capitalise_only_at_a_sentence_start() -> None:
    mid = GLOSSARY.protect("Then the Town Council met.", "en", "es")
    assert mid.text == "Then the <x90/> met."
    assert mid.restore("Entonces el <x90/> se reunió.") == "Entonces el ayuntamiento se reunió."
    start = GLOSSARY.protect("TOWN COUNCIL meets.", "en", "es")
    assert start.restore("<x90/> se reúne.") == "Ayuntamiento se reúne."
    assert start.restore("Hoy se reúne el <x90/>.") == "Hoy se reúne el ayuntamiento."
    quoted = GLOSSARY.protect("He said the town council met.", "en", "es")
    assert quoted.restore("Dijo: «<x90/> se reunió». ¿<x90/>?") == (
        "Dijo: «Ayuntamiento se reunió». ¿Ayuntamiento?"
    )
    assert quoted.restore("<g1><x90/></g1> se reunió.") == "<g1>Ayuntamiento</g1> se reunió."


def test_case_after_a_protected_name_stays_as_in_the_source() -> None:
    glossary = Glossary(keep=("Kim Jong-un", "Joan Puig"))
    protected = glossary.protect("Kim Jong-un probably said it.", "en", "es")
    # Apertium sees a token where the sentence starts and capitalises the next word
    assert (
        protected.restore("<x90/> Probablemente lo dijo.") == "Kim Jong-un probablemente lo dijo."
    )
    both = glossary.protect("Kim Jong-un and Joan Puig met.", "en", "es")
    assert both.restore("<x90/> Y <x91/> Se reunieron.") == "Kim Jong-un y Joan Puig se reunieron."
    # a capital the source had, or an acronym, stays
    named = glossary.protect("Kim Jong-un Said It.", "en", "es")
    assert named.restore("<x90/> Dijo.") == "Kim Jong-un Dijo."
    assert protected.restore("<x90/> EEUU lo dijo.") == "Kim Jong-un EEUU lo dijo."
    # German capitalises nouns: left alone
    german = glossary.protect("Kim Jong-un house burned.", "en", "de")
    assert german.restore("<x90/> Haus brannte.") == "Kim Jong-un Haus brannte."


def test_article_names_are_kept_without_a_glossary() -> None:
    meta = FrontMatter(
        title="t",
        published=dt.date(2024, 1, 1),
        language=parse_language("en"),
        authors=("Jane Doe", "Chung Eui-sung"),
        image=Image(src="a.jpg", credit="Photo: Tomás Ferrer / Reuters"),
    )
    names = article_names(meta)
    assert names == ("Jane Doe", "Chung Eui-sung", "Tomás Ferrer", "Reuters", "Doe", "Eui-sung")
    glossary = Glossary().with_names(names)
    protected = glossary.protect("Chung Eui-sung sang, and Doe wrote it down.", "en", "es")
    assert protected.text == "<x90/> sang, and <x91/> wrote it down."
    assert Glossary().with_names(()) == Glossary()


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Read diplo.news or write to desk@diplo.news.", ["diplo.news", "desk@diplo.news"]),
        (
            "See https://example.org/a?b=1, then www.x.org.",
            ["https://example.org/a?b=1", "www.x.org"],
        ),
        ("Go to <g1>diplo.news</g1> today.", ["diplo.news"]),
        ("The U.S. and e.g. Node.js at 4.5 p.m. on No.10", ["Node.js"]),
        ("Nothing to keep here.", []),
    ],
)
def test_addresses_written_as_text_are_kept_with_no_glossary(text: str, kept: list[str]) -> None:
    protected = Glossary().protect(text, "en", "es")
    assert list(protected.replacements.values()) == kept
    assert protected.restore(protected.text) == text
