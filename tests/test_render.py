"""Render: a catalogue back into a complete article."""

from __future__ import annotations

from collections.abc import Callable

import polib
import pytest

from workflow.article import parse_article, split_front_matter
from workflow.errors import CatalogError
from workflow.extract import extract
from workflow.languages import parse_language
from workflow.project import Project
from workflow.render import render

SLUGS = [
    ("harbour-rebuilt", "es"),
    ("harbour-rebuilt", "ca"),
    ("mercado-central", "en"),
    ("mercado-central", "ca"),
    ("fahrradstrassen", "en"),
]


@pytest.mark.parametrize(("slug", "lang"), SLUGS)
def test_identity_catalogue_renders_the_source_body_byte_for_byte(
    project: Project, fill: Callable[..., None], slug: str, lang: str
) -> None:
    extract(project, [slug])
    fill(project.catalog_path(slug, parse_language(lang)), lambda msgid: msgid)
    result = render(project, slug, lang)
    source_body = split_front_matter(project.article_path(slug).read_text())[1]
    assert split_front_matter(result.text)[1] == source_body
    assert result.untranslated == 0 and not result.broken


def test_translated_article_has_translated_front_matter_and_body(
    project: Project, fill: Callable[..., None]
) -> None:
    extract(project, ["harbour-rebuilt"])
    fill(project.catalog_path("harbour-rebuilt", parse_language("es")), lambda m: f"«{m}»")
    result = render(project, "harbour-rebuilt", "es")
    article = parse_article(result.text.encode(), project.article_path("x"), "x")
    assert article.meta.title == "«How the harbour was rebuilt»"
    assert article.meta.language.tag == "es"
    assert article.meta.translated_from is not None and article.meta.translated_from.tag == "en"
    assert article.meta.image is not None and article.meta.image.credit == "Tomás Ferrer"
    assert "## «Who paid»" in article.body
    assert "[European structural fund](https://ec.europa.eu/" in result.text
    assert "`harbour-2019`" in result.text


def test_untranslated_and_fuzzy_segments_stay_in_the_source_language(
    project: Project, fill: Callable[..., None]
) -> None:
    extract(project, ["harbour-rebuilt"])
    path = project.catalog_path("harbour-rebuilt", parse_language("es"))
    fill(path, lambda m: f"ES {m}", fuzzy=True)
    po = polib.pofile(str(path))
    reviewed = po.find("Who paid")
    reviewed.flags = []
    po.save()
    result = render(project, "harbour-rebuilt", "es")
    assert result.translated == 1
    assert "## ES Who paid" in result.text and "## Who decided" in result.text
    fuzzy = render(project, "harbour-rebuilt", "es", include_fuzzy=True)
    assert fuzzy.untranslated == 0 and "## ES Who decided" in fuzzy.text
    # counts are per occurrence: a sentence used twice counts twice
    assert result.untranslated == fuzzy.translated - 1 >= len(po) - 1


def test_broken_placeholders_are_reported_not_rendered(
    project: Project, fill: Callable[..., None]
) -> None:
    extract(project, ["harbour-rebuilt"])
    path = project.catalog_path("harbour-rebuilt", parse_language("es"))
    fill(path, lambda m: "sin marcas")
    result = render(project, "harbour-rebuilt", "es")
    assert result.broken and all("<g" in b or "<x" in b for b in result.broken)
    assert '(https://ec.europa.eu/regional_policy/funding/erdf_en "ERDF")' in result.text


def test_render_without_catalogue_says_what_to_run(project: Project) -> None:
    with pytest.raises(CatalogError, match="run `workflow extract harbour-rebuilt`"):
        render(project, "harbour-rebuilt", "es")


def test_render_in_the_source_language_is_the_source(project: Project) -> None:
    text = render(project, "harbour-rebuilt", "en").text
    assert text == project.article_path("harbour-rebuilt").read_text()
