"""Sentence splitting: pysbd plus abbreviation and lowercase corrections."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.sentences import sentence_splitter


def split(language: str, text: str) -> list[str]:
    parts = sentence_splitter(language)(text)
    assert "".join(parts) == text, "splitting must never lose or change text"
    return [p.strip() for p in parts]


def test_english_abbreviations_do_not_end_sentences() -> None:
    text = "Mr. Smith met Dr. Jones at 5 p.m. on Monday. They talked about the U.S. economy."
    assert split("en", text) == [
        "Mr. Smith met Dr. Jones at 5 p.m. on Monday.",
        "They talked about the U.S. economy.",
    ]


def test_english_quotes_stay_with_their_sentence() -> None:
    text = 'He said "Stop. Now." and left. "Is it over?" she asked. "No!" he answered.'
    assert split("en", text) == [
        'He said "Stop. Now." and left.',
        '"Is it over?" she asked.',
        '"No!" he answered.',
    ]


def test_spanish_titles_and_times() -> None:
    text = "El Sr. García llegó a las 3 p. m. del lunes. ¿Qué pasó? ¡Nada!"
    assert split("es", text) == [
        "El Sr. García llegó a las 3 p. m. del lunes.",
        "¿Qué pasó?",
        "¡Nada!",
    ]


def test_german_ordinals_and_abbreviations() -> None:
    text = "Am 4. Dezember 2024 kam Herr Dr. Müller z. B. spät. Das ist gut."
    assert split("de", text) == [
        "Am 4. Dezember 2024 kam Herr Dr. Müller z. B. spät.",
        "Das ist gut.",
    ]


def test_catalan_borrows_spanish_rules() -> None:
    text = "La Sra. Puig va arribar tard. Després va marxar."
    assert split("ca", text) == ["La Sra. Puig va arribar tard.", "Després va marxar."]


@pytest.mark.parametrize("language", ["en", "xx", "ca", "ja"])
def test_repeated_sentences_and_whitespace_survive(language: str) -> None:
    text = "Same. Same.  Same!\nNew line here."
    assert len(split(language, text)) >= 1


def test_unsupported_language_falls_back_to_english_rules() -> None:
    assert split("sw", "Hello there. Goodbye now.") == ["Hello there.", "Goodbye now."]


TRICKY = [
    "Mr.",
    "Dr.",
    "U.S.",
    "p.m.",
    "No.",
    "vs.",
    "approx.",
    "Sr.",
    "Sra.",
    "z.",
    "B.",
    "J.",
    "4.",
    "2011.",
    "3.5",
    "e.g.",
    "etc.",
    "Inc.",
    "St.",
    "Jan.",
    "II.",
    "NATO.",
    "i.e.",
    "(see",
    "it)",
    '"Stop.',
    'now."',
    "—",
    "¿Qué",
    "¡Ya!",
    "...",
    "…",
    "ok?!",
    "x.org",
]
PLAIN = [
    "The",
    "council",
    "met",
    "today.",
    "It",
    "voted!",
    "Why?",
    "Harbour",
    "plan",
    "was",
    "late.",
    "(details).",
    "a",
    "Monday.",
    "and",
    "Elena",
    "said",
    "yes.",
]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["en", "es", "de", "fr", "ca"]),
    st.lists(st.sampled_from(PLAIN + TRICKY), min_size=1, max_size=25),
    st.sampled_from([" ", "  "]),
)
def test_fast_path_agrees_with_pysbd(language: str, words: list[str], space: str) -> None:
    """Whenever the fast path answers, it answers what pysbd (with corrections) does."""
    text = space.join(words)
    assert sentence_splitter(language)(text) == sentence_splitter(language, fast=False)(text)


def test_fast_path_takes_plain_newsroom_text() -> None:
    from workflow.sentences import _known_abbreviations, _plain_breaks

    text = "The council met on Monday (details). It voted! Why? Nobody knows."
    assert _plain_breaks(text, _known_abbreviations("en", "en")) == [
        "The council met on Monday (details). ",
        "It voted! ",
        "Why? ",
        "Nobody knows.",
    ]
    assert _plain_breaks("Dr. Puig met Mr. Vidal.", _known_abbreviations("en", "en")) is None
