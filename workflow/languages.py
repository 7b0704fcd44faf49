"""Language tags: BCP 47 in, CLDR data out.

Tags in config and front matter are BCP 47 (``pt-BR``, ``sr-Latn``).  They are
checked against CLDR through Babel, so a typo such as ``sp`` or ``en-XX`` fails
early with its name.  gettext itself spells locales with an underscore
(``pt_BR``); :attr:`Language.gettext_id` is that form, used for folder names
and the PO ``Language`` header.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

from workflow.errors import LanguageError


@dataclass(frozen=True)
class Language:
    """A validated language: its canonical BCP 47 tag and its Babel locale."""

    tag: str
    locale: Locale

    @property
    def gettext_id(self) -> str:
        """The gettext spelling (``pt_BR``) used for folders and PO headers."""
        return self.tag.replace("-", "_")

    @property
    def primary(self) -> str:
        """The primary language subtag (``pt`` for ``pt-BR``)."""
        return self.locale.language

    @property
    def autonym(self) -> str:
        """The language's name in itself (``Deutsch``, ``català``)."""
        return self.locale.get_display_name(self.locale) or self.tag

    @property
    def direction(self) -> str:
        """``rtl`` or ``ltr``, as CLDR says for this locale."""
        return "rtl" if self.locale.character_order == "right-to-left" else "ltr"

    @property
    def plural_forms(self) -> str:
        """The gettext ``Plural-Forms`` header value from CLDR plural rules."""
        return str(get_plural(self.locale).plural_forms)

    def __str__(self) -> str:
        return self.tag


def parse_language(tag: object) -> Language:
    """Validate a BCP 47 tag with Babel and return its canonical form.

    Raises :class:`LanguageError` with the offending tag for anything CLDR does
    not know (a list or a table from YAML or TOML included).
    """
    if not isinstance(tag, str) or not tag.strip():
        shown = repr(tag) if len(repr(tag)) <= 40 else repr(tag)[:39] + "…"
        raise LanguageError(f"unknown language tag {shown} (use BCP 47, such as 'en' or 'pt-BR')")
    return _parse_language(tag)


@lru_cache(maxsize=256)
def _parse_language(tag: str) -> Language:
    text = tag.strip().replace("_", "-")
    try:
        locale = Locale.parse(text, sep="-")
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise LanguageError(f"unknown language tag {tag!r}") from exc
    parts = [locale.language]
    if locale.script:
        parts.append(locale.script)
    if locale.territory:
        parts.append(locale.territory)
    if locale.variant:
        parts.append(locale.variant)
    return Language("-".join(parts), locale)
