"""The review app's own language: chosen per person, worded by gettext, dated by Babel.

The interface language is the person's setting (``ui_language`` in
``instance/users.json``, chosen on the settings page) when the app has it,
else the browser's preference among the languages shipped in
``workflow/web/translations/``, else English.  Catalogues are compiled
``messages.mo`` files read once per process; dates and numbers come from CLDR
through Babel, so "28 Nov" is "28 nov" in Spanish and "28. Nov." in German.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from babel import Locale
from babel.dates import format_skeleton, format_time
from babel.numbers import format_percent
from babel.support import NullTranslations, Translations
from flask import g, request

TRANSLATIONS = Path(__file__).parent / "translations"


@functools.cache
def ui_languages() -> tuple[str, ...]:
    """Languages the app's own interface is translated into, English first."""
    found: list[str] = []
    if TRANSLATIONS.is_dir():
        found = sorted(
            p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES" / "messages.mo").exists()
        )
    return ("en", *found)


@functools.cache
def catalog(language: str) -> NullTranslations:
    if language == "en":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language], domain="messages")


def choose(setting: str | None) -> str:
    """The interface language for this request: the person's setting, else the browser's."""
    if setting and setting in ui_languages():
        return setting
    return request.accept_languages.best_match(ui_languages()) or "en"


def language() -> str:
    """The interface language of the current request (chosen once per request)."""
    chosen: str | None = g.get("ui_language")
    if chosen is None:
        chosen = g.ui_language = choose(getattr(g.get("user"), "ui_language", None))
    return chosen


def gettext(message: str, **params: object) -> str:
    """``message`` in the interface language, with ``%(name)s`` parameters filled in."""
    text = catalog(language()).ugettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    text = catalog(language()).ungettext(singular, plural, n)
    return text % {"num": n, **params}


def day(value: str | dt.date | dt.datetime) -> str:
    """A short date in the interface language: "28 Nov" (this year) or "28 Nov 2024"."""
    if isinstance(value, str):
        try:
            date = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    else:
        date = value.date() if isinstance(value, dt.datetime) else value
    return _day(date, date.year == dt.date.today().year, language())


@functools.lru_cache(maxsize=4096)
def _day(date: dt.date, this_year: bool, locale: str) -> str:
    """CLDR's short date, formatted once per day and language (Babel takes ~70 µs)."""
    return format_skeleton("MMMd" if this_year else "yMMMd", date, locale=locale)


def moment(value: str) -> str:
    """A date and time from an ISO timestamp, in the interface language: "28 nov, 14:02"."""
    try:
        when = dt.datetime.fromisoformat(value).astimezone()  # the server's time zone
    except ValueError:
        return value
    return f"{day(when)}, {format_time(when, 'short', locale=language())}"


def percent(value: float) -> str:
    return format_percent(value / 100, locale=language())


def language_name(tag: str) -> str:
    """A language's name in the interface language ("español", "Spanisch")."""
    try:
        return Locale.parse(tag.replace("-", "_")).get_display_name(language()) or tag
    except (ValueError, TypeError):
        return tag


def autonym(tag: str) -> str:
    """A language's name in itself, for the language chooser."""
    try:
        return Locale.parse(tag).get_display_name(tag) or tag
    except (ValueError, TypeError):
        return tag
