"""The site's own interface strings (navigation, labels, notices) through gettext.

The strings are extracted with Babel from the site templates and from this
package's Python (``gettext`` calls), and merged into a catalogue of their own
per language, ``locales/<lang>/LC_MESSAGES/site.po``, by ``workflow extract``.
Translators review it like an article (the review app lists it as ``site``),
an editor approves it (``workflow approve site --lang es``), and the site uses
the approved release, ``site.mo``, falling back to English without one.
"""

from __future__ import annotations

import gettext
from pathlib import Path

from babel.messages.extract import extract_from_dir
from jinja2 import Environment

from workflow.catalog import merge, new_catalog, read_catalog, write_catalog
from workflow.fsutil import file_lock
from workflow.languages import Language
from workflow.project import Project
from workflow.segment import Segment

HERE = Path(__file__).parent
DOMAIN = "site"


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
    """Every interface string of the site, with where it comes from."""
    method_map = [("templates/**.html", "jinja2"), ("*.py", "python")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found: dict[str, Segment] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(HERE), method_map=method_map, options_map=options, keywords={"_": None, "gettext": None}
    ):
        if isinstance(message, str) and message not in found:
            found[message] = Segment(
                msgid=message, raw=message, line=line, block=f"site interface ({filename})"
            )
    return list(found.values())


def catalog_path(project: Project, language: Language) -> Path:
    return project.inside("locales", language.gettext_id, "LC_MESSAGES", f"{DOMAIN}.po")


def update_site_catalogs(project: Project) -> list[str]:
    """Merge the current interface strings into every language's ``site.po``."""
    strings = interface_strings()
    changed = []
    for language in project.config.languages:
        if language.primary == "en":
            continue  # the templates are written in English
        path = catalog_path(project, language)
        with file_lock(path):
            old = (
                read_catalog(path, project.relative(path))
                if path.exists()
                else new_catalog(
                    language, f"{project.config.site_name} site", "workflow/publish/templates"
                )
            )
            po = merge(old, strings, "workflow/publish")
            if write_catalog(po, path):
                changed.append(language.tag)
    return changed


def load_site_catalogs(project: Project) -> dict[str, CatalogTranslations]:
    """Approved interface translations per language tag, from the ``site.mo`` releases.

    Like articles, the site's strings reach readers only once an editor has
    approved them (``workflow approve site --lang es``); until then, English.
    """
    from workflow.release import read_release

    out: dict[str, CatalogTranslations] = {}
    for language in project.config.languages:
        release = read_release(catalog_path(project, language).with_suffix(".mo"))
        messages = (
            {msgid: text for (_ctx, msgid), text in release.messages.items()} if release else {}
        )
        out[language.tag] = CatalogTranslations(messages)
    return out


def site_translations(env: Environment, language: Language) -> CatalogTranslations:
    """Install ``language``'s interface strings in ``env`` and return them."""
    catalogs: dict[str, CatalogTranslations] = env.globals.get("site_catalogs", {})  # type: ignore[assignment]
    translations = catalogs.get(language.tag) or CatalogTranslations({})
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    return translations
