"""What CLDR says about writing a language, for the quality checks.

Quotation marks are carried here (CLDR 45 delimiters, checked against
cldr-json for de, fr, it, es, ca and pt): Babel ships no delimiter data.
Decimal symbols come from Babel's CLDR number data, region included
(``es`` writes ``2,5``, ``es-MX`` writes ``2.5``), and so do the English language
names findings use.
"""

from __future__ import annotations

import functools

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol

#: CLDR 45 delimiters: (quotation start, end, alternate start, alternate end).
QUOTES: dict[str, tuple[str, str, str, str]] = {
    "en": ("“", "”", "‘", "’"),
    "es": ("“", "”", "‘", "’"),
    "pt": ("“", "”", "‘", "’"),
    "ca": ("«", "»", "“", "”"),
    "it": ("«", "»", "“", "”"),
    "fr": ("«", "»", "«", "»"),
    "de": ("„", "“", "‚", "‘"),
    "nl": ("‘", "’", "“", "”"),
    "pl": ("„", "”", "«", "»"),
    "ru": ("«", "»", "„", "“"),
    "uk": ("«", "»", "„", "“"),
    "ja": ("「", "」", "『", "』"),
}
#: Every character used as a quotation mark somewhere, plus ASCII.
QUOTE_CHARS = set("\"'«»„“”‚‘’‹›「」『』")


@functools.cache
def decimal_symbol(tag: str) -> str:
    """CLDR's decimal separator for a language tag (``es`` → ``,``, ``es-MX`` → ``.``)."""
    try:
        return get_decimal_symbol(Locale.parse(tag, sep="-"))
    except (ValueError, LookupError, UnknownLocaleError):  # an unknown tag: no opinion
        return ""


@functools.cache
def english_name(tag: str) -> str:
    """A language's English name for a message (``ca`` → Catalan, ``es-MX`` → Spanish
    (Mexico)); the tag itself when CLDR does not know it."""
    try:
        return Locale.parse(tag, sep="-").english_name or tag
    except (ValueError, LookupError, UnknownLocaleError):
        return tag
