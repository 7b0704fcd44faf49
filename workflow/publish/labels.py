"""How each version says it was made: the whole chain of origin, with people's names.

Readers of a translation learn, in their language: whether the original was
itself a translation (from which language, by whom), whether this version was
machine translated (by which engine) and from which version, who reviewed it,
who approved it and when.  People appear by their display names
(:class:`workflow.people.People`), never by login.

Language names sit after "in" ("the original in German") in every sentence,
the one place where a bare language name is grammatical in every shipped
language ("del original en alemán", "de l'original en alemany", "aus dem
Original auf Deutsch"); contractions such as "de l'anglès" / "del castellà"
need no rules that way.
"""

from __future__ import annotations

import datetime as dt
import functools

from babel.core import Locale
from babel.dates import format_date
from babel.lists import format_list

from workflow.languages import Language
from workflow.publish.model import Site, Version
from workflow.publish.strings import CatalogTranslations

#: How engines are named to readers (the config uses lowercase ids).
ENGINE_NAMES = {
    "apertium": "Apertium",
    "deepl": "DeepL",
    "google": "Google Translate",
    "microsoft": "Microsoft Translator",
    "mymemory": "MyMemory",
    "libre": "LibreTranslate",
    "chatgpt": "ChatGPT",
    "pseudo": "pseudo-localisation",
}


@functools.cache
def language_name(language: Language, page: Language) -> str:
    """``language``'s name in the page's language ("inglés", "Englisch"); once per pair
    in a build, where thousands of labels name the same few."""
    return Locale.parse(language.locale.language).get_display_name(page.locale) or language.tag


def local_date(value: dt.date, language: Language) -> str:
    return format_date(value, format="long", locale=language.locale)


def people_list(names: tuple[str, ...] | list[str], site: Site, page: Language) -> str:
    shown = [site.people.display(n) for n in names]
    return format_list(shown, locale=page.locale) if shown else ""


def engine_names(version: Version) -> tuple[str, ...]:
    return tuple(ENGINE_NAMES.get(e, e) for e in version.engines)


def label(version: Version, site: Site, t: CatalogTranslations) -> str:
    """The full account of how this version was made (empty for an original)."""
    page = version.language
    origin = site.sources[version.slug].meta
    parts = []
    if origin.translated_from is not None:
        values = {
            "language": language_name(origin.language, page),
            "original": language_name(origin.translated_from, page),
            "translator": people_list(origin.translators, site, page),
        }
        if version.is_source:
            values["language"] = values["original"]
            text = (
                t.gettext("Translated by %(translator)s from the original in %(language)s.")
                if origin.translators
                else t.gettext("Translated from the original in %(language)s.")
            )
        else:
            text = (
                t.gettext(
                    "The version in %(language)s was translated by %(translator)s "
                    "from the original in %(original)s."
                )
                if origin.translators
                else t.gettext(
                    "The version in %(language)s was translated from the original in %(original)s."
                )
            )
        parts.append(text % values)
    if not version.is_source:
        parts.append(_this_version(version, site, t, chained=origin.translated_from is not None))
    return " ".join(parts)


def _this_version(version: Version, site: Site, t: CatalogTranslations, chained: bool) -> str:
    page = version.language
    when = version.released
    values = {
        "language": language_name(version.source, page),
        "engine": ", ".join(engine_names(version)),
        "reviewers": people_list(version.reviewers or (version.approved_by,), site, page),
        "editor": site.people.display(version.approved_by),
        "date": local_date(when.date(), page) if when else "",
    }
    if version.engines and chained:
        text = t.gettext(
            "Machine translated (%(engine)s) from the version in %(language)s, reviewed by "
            "%(reviewers)s and approved by %(editor)s on %(date)s."
        )
    elif version.engines:
        text = t.gettext(
            "Machine translated (%(engine)s) from the original in %(language)s, reviewed by "
            "%(reviewers)s and approved by %(editor)s on %(date)s."
        )
    elif chained:
        text = t.gettext(
            "Translated by %(reviewers)s from the version in %(language)s and approved by "
            "%(editor)s on %(date)s."
        )
    else:
        text = t.gettext(
            "Translated by %(reviewers)s from the original in %(language)s and approved by "
            "%(editor)s on %(date)s."
        )
    return text % values


def short_label(version: Version, site: Site, t: CatalogTranslations) -> str:
    """One line for lists (front pages): where this version was translated from."""
    origin = site.sources[version.slug].meta
    page = version.language
    if version.is_source:
        if origin.translated_from is None:
            return ""
        name = language_name(origin.translated_from, page)
        return t.gettext("Translated from the original in %(language)s.") % {"language": name}
    name = language_name(version.source, page)
    if origin.translated_from is not None:
        return t.gettext("Translated from the version in %(language)s.") % {"language": name}
    return t.gettext("Translated from the original in %(language)s.") % {"language": name}


def outdated_notice(version: Version, t: CatalogTranslations) -> str:
    if not version.outdated or version.changed_on is None:
        return ""
    return t.gettext(
        "The original was updated on %(date)s; this translation follows the earlier version."
    ) % {"date": local_date(version.changed_on, version.language)}
