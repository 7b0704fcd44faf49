"""Stage 1b: a catalogue back to an article (``workflow render``).

The source article is segmented again and every segment is looked up in the
catalogue of the target language.  Reviewed translations are used; fuzzy
(machine or outdated) ones only when asked, as ``msgfmt`` would skip them too.
A segment without a usable translation stays in the source language and is
counted, so the output is always a complete, valid article.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polib

from workflow.article import format_article
from workflow.catalog import read_catalog
from workflow.errors import CatalogError
from workflow.extract import segment_article
from workflow.fields import translated_fields
from workflow.languages import parse_language
from workflow.project import SITE, Project
from workflow.segment import Segment


@dataclass
class Rendered:
    """A rendered article and the figures behind it."""

    text: str
    translated: int = 0
    untranslated: int = 0
    broken: list[str] = field(default_factory=list)  # "line N: msgid" with bad placeholders


def render(project: Project, slug: str, language: str, include_fuzzy: bool = False) -> Rendered:
    """Write article ``slug`` in ``language`` from its catalogue (``site``: the site's strings,
    one ``English<TAB>translation`` line each)."""
    if slug == SITE:
        return _render_site(project, language, include_fuzzy)
    article = project.article(slug)
    target = parse_language(language)
    if target.tag == article.meta.language.tag:
        return Rendered(article.source.decode("utf-8"))
    path = project.catalog_path(slug, target)
    if not path.exists():
        raise CatalogError(
            f"{project.relative(path)}: no catalogue (run `workflow extract {slug}` first)"
        )
    table = _usable(read_catalog(path, project.relative(path)), include_fuzzy)

    def lookup(segment: Segment) -> str | None:
        return table.get(segment.key)

    _front, document = segment_article(article)
    body = document.render(lookup)
    out = Rendered("", body.translated, body.untranslated)
    out.broken = [f"line {s.line}: {s.msgid}" for s in body.broken]
    texts, translated, untranslated = translated_fields(article, table)
    out.translated += translated
    out.untranslated += untranslated
    meta = article.meta.with_translations(texts, target)
    out.text = format_article(meta, body.text)
    return out


def _usable(po: polib.POFile, include_fuzzy: bool) -> dict[tuple[str | None, str], str]:
    """Translations to use: reviewed ones, and fuzzy ones only when asked."""
    return {
        (e.msgctxt, e.msgid): e.msgstr
        for e in po
        if not e.obsolete and e.msgstr and (include_fuzzy or "fuzzy" not in e.flags)
    }


def _render_site(project: Project, language: str, include_fuzzy: bool) -> Rendered:
    target = parse_language(language)
    if target.tag not in {lang.tag for lang in project.site_languages()}:
        raise CatalogError(f"the site's strings are not translated into {target.tag}")
    path = project.catalog_path(SITE, target)
    if not path.exists():
        raise CatalogError(f"{project.relative(path)}: no catalogue (run `workflow extract` first)")
    po = read_catalog(path, project.relative(path))
    table = _usable(po, include_fuzzy)
    out = Rendered("")
    lines = []
    for entry in po:
        if entry.obsolete:
            continue
        text = table.get((entry.msgctxt, entry.msgid))
        if text is None:
            out.untranslated += 1
        else:
            out.translated += 1
        lines.append(f"{entry.msgid}\t{text if text is not None else entry.msgid}\n")
    out.text = "".join(lines)
    return out
