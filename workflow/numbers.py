"""Numbers as each language writes them, for the quality checks.

``1.800`` is 1800 in Spanish and 1.8 in English; "$350 billion" is "350.000
millones de dólares".  Values are read with Babel's CLDR number data; the
scale words (million, Mrd., millones …) are carried here for the languages the
desk works in.  Text given here has its placeholders taken out already.
"""

from __future__ import annotations

import re
from collections import Counter

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, parse_decimal

#: Digits with single separators between them (``10,000.5``, ``10 000``); ``2019, 2020`` is two.
NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f' ]\d+)*")
#: A decimal number: one separator, and not three digits after it (``1.500`` may be grouping).
DECIMAL = re.compile(r"(?<![\d.,])(\d+)([.,])(\d{1,2}|\d{4,})(?![\d.,]|[.,]\d)")


#: A thousand, a million, a billion: how far apart one number told at two scales can be.
_FACTORS = (1e3, 1e6, 1e9)


def number_value(token: str, tag: str) -> float | None:
    """A number as written in a language (``1.800`` in Spanish is 1800, in English 1.8)."""
    try:
        return float(parse_decimal(token, locale=Locale.parse(tag, sep="-")))
    except (ValueError, LookupError, UnknownLocaleError, NumberFormatError):
        return None


#: Words that scale the number before them, in the languages the desk works in:
#: "$350 billion" is "350.000 millones de dólares" in Spanish, "1,8 Mrd." in German.
SCALE_WORD = re.compile(
    r"\s*(?:thousand|million|billion|trillion|bn|mn"  # not "m", "k": metres, kilos
    r"|tausend|mio|mrd|millionen?|milliarden?|billionen?"
    r"|mil|mill[oó]n|millones|bill[oó]n|billones|mili[oó]ns?|bili[oó]ns?|miliards?"
    r"|mille|millions?|milliards?|mila|milion[ei]|miliard[oi]|milh[ãa]o|milh[õo]es"
    r"|bilh[ãa]o|bilh[õo]es)\b",
    re.IGNORECASE,
)


def _scaled(text: str, tag: str) -> list[tuple[str, float, bool]]:
    """Each number: its digits, its value in ``tag``'s notation, and whether a scale
    word (million, billion, Mrd., millones …) follows it."""
    found = []
    for match in NUMBER.finditer(text):
        value = number_value(match.group(0), tag)
        if value is not None:
            scaled = bool(SCALE_WORD.match(text, match.end()))
            found.append((re.sub(r"\D", "", match.group(0)), value, scaled))
    return found


def rescale(
    missing: Counter[str], extra: Counter[str], source: str, translation: str, pair: tuple[str, str]
) -> None:
    """Take out of ``missing`` and ``extra`` the pairs that are one number told at
    another scale: "$350 billion" and "350.000 millones", "1.8 billion" and "1.800
    millones" (a thousand, a million or a billion times, beside a scale word)."""
    ours = [n for n in _scaled(source, pair[0]) if missing[n[0]]]
    theirs = [n for n in _scaled(translation, pair[1]) if extra[n[0]]]
    taken: set[int] = set()  # each number in the translation answers one in the source
    for digits, value, scaled in ours:
        for index, (other, their_value, their_scaled) in enumerate(theirs):
            if (
                index in taken
                or not (missing[digits] and extra[other])
                or not (scaled or their_scaled)
            ):
                continue
            small, large = sorted((value, their_value))
            if small > 0 and any(abs(large - small * f) < 1e-6 * large for f in _FACTORS):
                missing[digits] -= 1
                extra[other] -= 1
                taken.add(index)
                break
    missing += Counter()  # drop the zeros
    extra += Counter()


#: "billion" in English is a thousand million; these words are a million million.
_LONG_SCALE = {
    "es": (r"bill[oó]n(?:es)?", "mil millones"),
    "ca": (r"bili[oó]ns?", "mil milions"),
    "fr": (r"billions?", "milliard"),
    "de": (r"Billionen?", "Milliarde"),
    "it": (r"bilion[ei]", "miliardo"),
    "nl": (r"biljoen(?:en)?", "miljard"),
    "pt": (r"bili(?:ão|ões)", "mil milhões"),
}
_BILLION = re.compile(r"\b(?:billions?|bn)\b", re.IGNORECASE)
_TRILLION = re.compile(r"\btrillions?\b", re.IGNORECASE)


def false_billion(
    source: str, translation: str, languages: tuple[str, str]
) -> tuple[str, str] | None:
    """An English billion translated as the target's million million ("1.8 bilions" in
    Catalan), as ``(the word used, the right one)``."""
    source_language, target_language = languages
    if source_language != "en" or target_language not in _LONG_SCALE:
        return None
    if not _BILLION.search(source) or _TRILLION.search(source):
        return None  # "2 trillion" is rightly "2 billones"
    pattern, right = _LONG_SCALE[target_language]
    found = re.search(rf"\b{pattern}\b", translation, re.IGNORECASE)
    return (found.group(0), right) if found else None
