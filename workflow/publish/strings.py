"""The site's own interface strings (navigation, labels, notices) through gettext.

The strings are extracted with Babel from the site templates and from this
package's Python (``gettext`` calls), and merged into a catalogue of their own
per language, ``locales/<lang>/LC_MESSAGES/site.po``, by ``workflow extract``.
Translators review it like an article (the review app lists it as ``site``),
an editor approves it (``workflow approve site --lang es``).

Every project starts complete: reviewed translations of every string ship with
the package (``workflow/publish/locales/<lang>/LC_MESSAGES/site.po`` for
Spanish, Catalan, German, French, Portuguese and Italian), and a project's
new ``site.po`` starts from them.  The site uses the project's approved
``site.mo`` where it has one, else the shipped translation, else English —
and ``status`` and ``publish`` name every language where English would show
(:func:`missing_strings`).

References name the file only (``#: workflow/publish/templates/base.html``),
never a line, so editing a template does not rewrite every catalogue.
"""

from __future__ import annotations

import functools
import gettext
import re
from pathlib import Path

import polib
from babel.messages.extract import extract_from_dir
from jinja2 import Environment

from workflow.catalog import merge, new_catalog, read_catalog, set_provenance, write_catalog
from workflow.fsutil import file_lock
from workflow.languages import Language
from workflow.project import Project
from workflow.segment import Segment

HERE = Path(__file__).parent
DOMAIN = "site"
#: Reviewed translations of the site's strings, shipped with the package.
SHIPPED = HERE / "locales"
SHIPPED_LANGUAGES = ("ca", "de", "es", "fr", "it", "pt")
SHIPPED_NOTE = "shipped with workflow (reviewed)"
#: A string's block names the file it comes from (the catalogue's extracted comment).
_BLOCK_NAME = "site interface ({})"
_BLOCK = re.compile(r"site interface \((.+)\)")


class CatalogTranslations(gettext.NullTranslations):
    """gettext translations from a dict of reviewed entries."""

    def __init__(self, messages: dict[str, str]) -> None:
        super().__init__()
        self.messages = messages

    def gettext(self, message: str) -> str:
        return self.messages.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def interface_strings() -> list[Segment]:
    """Every interface string of the site, in file order, with the file it comes from."""
    # Jinja's Babel extractor always reads {% trans %} blocks (it adds the i18n extension)
    method_map = [("templates/**.html", "jinja2"), ("*.py", "python")]
    found: dict[str, Segment] = {}
    for filename, _line, message, _comments, _context in extract_from_dir(
        str(HERE), method_map=method_map, keywords={"_": None, "gettext": None}
    ):
        if isinstance(message, str) and message not in found:
            found[message] = Segment(
                msgid=message, raw=message, line=0, block=_BLOCK_NAME.format(filename)
            )
    return list(found.values())


def file_references(po: polib.POFile) -> None:
    """``#: workflow/publish/<file>`` without a line number: stable across template edits."""
    for entry in po:
        found = _BLOCK.fullmatch(entry.comment)
        entry.occurrences = [(f"workflow/publish/{found[1]}", "")] if found else []


@functools.cache
def shipped_messages(gettext_id: str) -> dict[str, str]:
    """The package's reviewed translations for a language (``pt_BR`` falls back to ``pt``)."""
    for name in (gettext_id, gettext_id.split("_")[0]):
        path = SHIPPED / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.is_file():
            po = polib.pofile(str(path))
            return {e.msgid: e.msgstr for e in po.translated_entries() if not e.obsolete}
    return {}


@functools.cache
def shipped_msgids() -> tuple[str, ...]:
    """Every interface string, from the template shipped with the package (``site.pot``;
    a test keeps it equal to what the templates contain)."""
    pot = polib.pofile(str(SHIPPED / f"{DOMAIN}.pot"))
    return tuple(e.msgid for e in pot if not e.obsolete)


def catalog_path(project: Project, language: Language) -> Path:
    return project.inside("locales", language.gettext_id, "LC_MESSAGES", f"{DOMAIN}.po")


def update_site_catalogs(project: Project) -> list[str]:
    """Merge the current interface strings into every language's ``site.po``.

    A string nobody translated yet starts from the translation shipped with
    the package (reviewed, noted as such), so a new project is complete.
    """
    strings = interface_strings()
    changed = []
    for language in project.site_languages():
        path = catalog_path(project, language)
        shipped = shipped_messages(language.gettext_id)
        with file_lock(path):
            old = (
                read_catalog(path, project.relative(path))
                if path.exists()
                else new_catalog(
                    language, f"{project.config.site_name} site", "workflow/publish/templates"
                )
            )
            po = merge(old, strings, "workflow/publish")
            file_references(po)
            for entry in po:
                if not entry.obsolete and not entry.msgstr and entry.msgid in shipped:
                    entry.msgstr = shipped[entry.msgid]
                    if "fuzzy" in entry.flags:
                        entry.flags.remove("fuzzy")
                    set_provenance(entry, SHIPPED_NOTE)
            if write_catalog(po, path):
                changed.append(language.tag)
    return changed


def load_site_catalogs(project: Project) -> dict[str, CatalogTranslations]:
    """Interface translations per language tag: the project's approved ``site.mo`` over the
    package's shipped translations; a string in neither stays English.

    Like articles, a project's own changes reach readers only once an editor has
    approved them (``workflow approve site --lang es``).
    """
    from workflow.release import read_release

    out: dict[str, CatalogTranslations] = {}
    for language in project.config.languages:
        messages = dict(shipped_messages(language.gettext_id))
        release = read_release(catalog_path(project, language).with_suffix(".mo"))
        if release is not None:
            messages.update(
                {msgid: text for (_ctx, msgid), text in release.messages.items() if text}
            )
        out[language.tag] = CatalogTranslations(messages)
    return out


def missing_strings(translations: CatalogTranslations) -> list[str]:
    """Interface strings that would show in English."""
    return [m for m in shipped_msgids() if not translations.messages.get(m)]


def site_translations(env: Environment, language: Language) -> CatalogTranslations:
    """Install ``language``'s interface strings in ``env`` and return them."""
    catalogs: dict[str, CatalogTranslations] = env.globals.get("site_catalogs", {})  # type: ignore[assignment]
    translations = catalogs.get(language.tag) or CatalogTranslations({})
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    return translations
