"""Sentence splitting with pysbd, plus the newsroom's corrections, and a fast path.

pysbd knows the sentence rules of ~20 languages; others borrow a close
relative's rules (Catalan those of Spanish) or English.  pysbd still splits
after some abbreviations (``Sr.``, ``p. m.``); two corrections run after it:

* a break after a known abbreviation of the language is undone;
* a "sentence" that starts with a lowercase letter after a full stop is joined
  to the one before (``3 p. m. del lunes``), since sentences in cased scripts
  start with a capital.

pysbd was half of ``workflow extract``'s time: it runs some two hundred
regular expressions over every paragraph, mostly to find abbreviations.  Most
newsroom sentences need none of that: when every ``.``, ``?`` and ``!`` in a
text ends a word of two or more letters that is no abbreviation pysbd or we
know, and is followed by a space and a capital letter, the breaks are plain
and :func:`_plain_breaks` cuts the text there itself.  Anything else (a
number, an initial, a quote, an ellipsis, a URL, a lowercase start) goes to
pysbd.  ``tests/test_sentences.py`` checks on generated text that the fast
path always agrees with pysbd when it answers.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from functools import lru_cache

import pysbd

_PYSBD = {
    "ar",
    "nl",
    "da",
    "es",
    "en",
    "mr",
    "zh",
    "ru",
    "fa",
    "el",
    "ja",
    "it",
    "kk",
    "fr",
    "pl",
    "hy",
    "my",
    "ur",
    "de",
    "bg",
    "am",
    "sk",
    "hi",
}
#: Languages without pysbd rules of their own, mapped to the closest that has.
_BORROW = {"ca": "es", "gl": "es", "pt": "es", "oc": "fr", "eu": "es", "uk": "ru", "be": "ru"}

#: Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "en": ("Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Jr", "Sr", "vs", "No", "approx", "Gen", "Sen"),
    "es": (
        "Sr",
        "Sra",
        "Srta",
        "Sres",
        "Dr",
        "Dra",
        "Ud",
        "Uds",
        "Vd",
        "Vds",
        "D",
        "Da",
        "núm",
        "pág",
        "art",
        "Avda",
        "aprox",
        "Prof",
        "Lic",
        "Ing",
    ),
    "ca": ("Sr", "Sra", "Srta", "Dr", "Dra", "núm", "pàg", "art", "Av", "aprox", "Prof"),
    "de": ("Hr", "Fr", "Dr", "Prof", "Nr", "bzw", "ca", "evtl", "ggf", "inkl", "vgl", "usw", "St"),
    "fr": ("M", "Mme", "Mlle", "Dr", "Pr", "St", "Ste", "av", "env", "p"),
}

_POSSIBLE_BREAK = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s")
_ENDS_WITH_PERIOD = re.compile(r"\.[\"'”’»)\]]*\s*$")


def _splitter_language(primary: str) -> str:
    if primary in _PYSBD:
        return primary
    return _BORROW.get(primary, "en")


@lru_cache(maxsize=32)
def _segmenter(language: str) -> pysbd.Segmenter:
    return pysbd.Segmenter(language=language, clean=False)


@lru_cache(maxsize=32)
def _abbreviation_re(primary: str) -> re.Pattern[str] | None:
    words = _ABBREVIATIONS.get(primary)
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?:^|[\s(\"'«“])(?:{alternatives})\.\s*$")


def _first_letter(text: str) -> str | None:
    for char in text:
        if char.isalpha():
            return char
        if char.isdigit():
            return None
    return None


def _pysbd_parts(segmenter: pysbd.Segmenter, text: str) -> list[str]:
    """pysbd's sentences as consecutive slices of ``text`` (whitespace kept).

    ``Segmenter.segment`` finds each sentence again with one freshly compiled
    regular expression per sentence, which took 40% of extract time; the
    sentences come in order, so a moving ``str.find`` does the same job.
    """
    starts = [0]
    cursor = 0
    for sentence in segmenter.processor(text).process():
        found = text.find(sentence, cursor)
        if found < 0:  # pysbd changed the text: keep what we have as one piece
            return [text]
        if found > starts[-1]:
            starts.append(found)
        cursor = found + len(sentence)
    starts.append(len(text))
    return [text[a:b] for a, b in itertools.pairwise(starts) if a < b]


_TERMINATOR = re.compile(r"[.!?…。！？]")
_CLOSERS = ")]\"'”’»"


@lru_cache(maxsize=32)
def _known_abbreviations(language: str, primary: str) -> frozenset[str]:
    rules = pysbd.languages.Language.get_language_code(language).Abbreviation
    words = {*rules.ABBREVIATIONS, *rules.PREPOSITIVE_ABBREVIATIONS, *rules.NUMBER_ABBREVIATIONS}
    words.update(w.lower() for w in _ABBREVIATIONS.get(primary, ()))
    return frozenset(w.lower() for w in words)


def _plain_breaks(text: str, abbreviations: frozenset[str]) -> list[str] | None:
    """The sentences of a text whose every break is plain, or ``None`` to ask pysbd."""
    if "\n" in text or "\r" in text:
        return None
    cuts = [0]
    end = len(text.rstrip())
    for match in _TERMINATOR.finditer(text):
        at = match.start()
        if text[at] not in ".!?":
            return None
        word_end = at
        while word_end > 0 and text[word_end - 1] in _CLOSERS:
            word_end -= 1
        word_start = word_end
        while word_start > 0 and text[word_start - 1].isalpha():
            word_start -= 1
        word = text[word_start:word_end]
        if len(word) < 2 or word.lower() in abbreviations:
            return None
        before = text[word_start - 1] if word_start > 0 else " "
        if not before.isspace() and before != "(":
            return None  # "e-mail." or "x.y." : leave to pysbd
        if at + 1 >= end:
            if text[at + 1 : end]:
                return None
            continue
        after = at + 1
        if after >= len(text) or not text[after].isspace():
            return None
        while after < len(text) and text[after].isspace():
            after += 1
        if not text[after].isupper():
            return None
        cuts.append(after)
    cuts.append(len(text))
    return [text[a:b] for a, b in itertools.pairwise(cuts) if a < b]


@lru_cache(maxsize=32)
def sentence_splitter(primary: str, fast: bool = True) -> Callable[[str], list[str]]:
    """A function that splits text into sentences whose concatenation is the text.

    Trailing whitespace stays with the sentence before it, so joining the parts
    gives back the input exactly.
    """
    language = _splitter_language(primary)
    segmenter = _segmenter(language)
    abbreviation = _abbreviation_re(primary)
    known = _known_abbreviations(language, primary)

    @lru_cache(maxsize=4096)
    def split(text: str) -> list[str]:
        if not text.strip():
            return [text] if text else []
        if not _POSSIBLE_BREAK.search(text.rstrip()):
            return [text]  # no full stop, ? or ! before more text: one sentence
        plain = _plain_breaks(text, known) if fast else None
        if plain is not None:
            return plain
        return _pysbd_split(text)

    def _pysbd_split(text: str) -> list[str]:
        parts = _pysbd_parts(segmenter, text)
        merged: list[str] = []
        for part in parts:
            if merged:
                previous = merged[-1]
                first = _first_letter(part)
                joined = (
                    (first is not None and first.islower() and _ENDS_WITH_PERIOD.search(previous))
                    or (abbreviation is not None and abbreviation.search(previous))
                    or not previous.strip()
                )
                if joined:
                    merged[-1] = previous + part
                    continue
            merged.append(part)
        return merged

    return lambda text: list(split(text))
