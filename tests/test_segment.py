"""Segmentation: blocks, sentences, placeholders, and rendering back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow.article import read_article
from workflow.segment import Segment, placeholders_match, segment_body

from .conftest import DATA, ROOT

MARKDOWN = sorted((DATA / "markdown").glob("*.md"))
ARTICLES = sorted((ROOT / "articles").glob("*.md"))


def msgids(body: str, language: str = "en") -> list[str]:
    return [s.msgid for s in segment_body(body, language).segments()]


def test_blocks_become_sentences() -> None:
    body = "# A title\n\nFirst sentence. Second one.\n\n- An item.\n\n> A quote.\n"
    assert msgids(body) == ["A title", "First sentence.", "Second one.", "An item.", "A quote."]


def test_urls_never_reach_the_msgid() -> None:
    body = 'Read [the plan](https://example.org/plan?a=1&b=2 "Plan") and <https://example.org/x>.\n'
    (segment,) = segment_body(body, "en").segments()
    assert segment.msgid == "Read <g1>the plan</g1> and <x2/>."
    assert "example.org" not in segment.msgid
    assert "link to https://example.org/plan?a=1&b=2" in segment.comment()


def test_emphasis_code_and_breaks_are_placeholders() -> None:
    body = "Some **bold *and nested*** text, `x = 1` code<br>and a  \nbreak.\n"
    (segment,) = segment_body(body, "en").segments()
    assert (
        segment.msgid
        == "Some <g1>bold <g2>and nested</g2></g1> text, <x3/> code<x4/>and a<x5/>break."
    )
    assert "x = 1" not in segment.msgid


def test_code_blocks_and_html_blocks_are_not_segmented() -> None:
    body = "```\nprint('Hello. World.')\n```\n\n    indented code.\n\n<div>\nRaw block.\n</div>\n"
    assert msgids(body) == []


def test_a_pair_spanning_two_sentences_stays_one_segment() -> None:
    body = "Intro. **Bold one. Bold two.** Outro.\n"
    assert msgids(body) == ["Intro.", "<g1>Bold one. Bold two.</g1>", "Outro."]


def test_closing_markup_stays_with_its_sentence() -> None:
    body = "**Bold sentence.** Next sentence.\n"
    assert msgids(body) == ["<g1>Bold sentence.</g1>", "Next sentence."]


def test_image_alt_text_is_translatable() -> None:
    body = "![A boat at the quay](boat.jpg)\n"
    (segment,) = segment_body(body, "en").segments()
    assert segment.msgid == "<g1>A boat at the quay</g1>"
    assert segment.restore("<g1>Un barco</g1>") == "![Un barco](boat.jpg)"


def test_text_without_letters_is_not_a_segment() -> None:
    assert msgids("| 2024 | 50% |\n|---|---|\n| 1 | 2 |\n") == []


def test_line_numbers_point_into_the_file() -> None:
    document = segment_body("Para one.\n\nPara two.\nStill two. Three.\n", "en", first_line=10)
    assert [(s.line, s.msgid) for s in document.segments()] == [
        (10, "Para one."),
        (12, "Para two."),
        (13, "Still two."),
        (13, "Three."),
    ]


def test_restore_allows_reordering_but_not_losing_placeholders() -> None:
    body = "The [council](https://c.example) met **today**.\n"
    (segment,) = segment_body(body, "en").segments()
    assert segment.msgid == "The <g1>council</g1> met <g2>today</g2>."
    assert segment.restore("<g2>Hoy</g2> se reunió el <g1>consejo</g1>.") == (
        "**Hoy** se reunió el [consejo](https://c.example)."
    )
    assert segment.restore("Hoy se reunió el <g1>consejo</g1>.") is None
    assert segment.restore("<g2>Hoy</g2> <g1>consejo <g1>x</g1></g1>.") is None
    assert segment.restore("</g2>Hoy<g2> el <g1>consejo</g1>.") is None


def test_placeholders_match() -> None:
    assert placeholders_match("<g1>a</g1> <x2/>", "<x2/> <g1>b</g1>")
    assert not placeholders_match("<g1>a</g1> <x2/>", "<g1>b</g1>")
    assert not placeholders_match("a", "<x1/> a")


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: p.name)
def test_round_trip_tricky_markdown_is_byte_identical(path: Path) -> None:
    body = path.read_bytes().decode("utf-8")
    document = segment_body(body, "en")
    assert document.warnings == []
    assert list(document.segments()), "every sample has something to translate"
    rendered = document.render(lambda segment: segment.msgid)
    assert rendered.text == body
    assert rendered.untranslated == 0 and not rendered.broken


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_round_trip_sample_articles_is_byte_identical(path: Path) -> None:
    article = read_article(path)
    document = segment_body(article.body, article.meta.language.primary, article.body_line)
    assert document.render(lambda segment: segment.msgid).text == article.body


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: p.name)
def test_translated_markdown_keeps_its_structure(path: Path) -> None:
    """Every segment replaced: the Markdown still parses to the same block structure."""
    from markdown_it import MarkdownIt

    body = path.read_text(encoding="utf-8")
    document = segment_body(body, "en")
    rendered = document.render(lambda s: "ZZ " + s.msgid + " ZZ").text
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])

    def shape(text: str) -> list[str]:
        return [t.type for t in md.parse(text) if t.type != "inline"]

    assert shape(rendered) == shape(body)
    links = lambda text: [  # noqa: E731
        (t.attrGet("href") or t.attrGet("src"))
        for block in md.parse(text)
        if block.children
        for t in block.children
        if t.type in ("link_open", "image")
    ]
    assert links(rendered) == links(body)


def test_translation_with_newline_in_quote_keeps_quote_markers() -> None:
    document = segment_body("> One line.\n", "en")
    text = document.render(lambda s: "Primera línea.\nSegunda línea.").text
    assert text == "> Primera línea.\n> Segunda línea.\n"


def test_translation_in_list_item_continues_indented() -> None:
    document = segment_body("- Item.\n- Other.\n", "en")
    text = document.render(lambda s: "Uno.\nDos." if s.msgid == "Item." else None).text
    assert text == "- Uno.\n  Dos.\n- Other.\n"


def test_heading_translation_stays_on_one_line() -> None:
    document = segment_body("## Title\n", "en")
    assert document.render(lambda s: "Títol\nllarg").text == "## Títol llarg\n"


def test_table_cell_translation_escapes_pipes() -> None:
    document = segment_body("| a |\n|---|\n| Yes or no |\n", "en")
    text = document.render(lambda s: "Sí | no" if s.msgid == "Yes or no" else None).text
    assert text == "| a |\n|---|\n| Sí \\| no |\n"


def test_broken_placeholders_keep_the_source_and_are_reported() -> None:
    document = segment_body("See [this](https://x.example).\n", "en")
    result = document.render(lambda s: "Mira esto.")
    assert result.text == "See [this](https://x.example).\n"
    assert [s.msgid for s in result.broken] == ["See <g1>this</g1>."]


def test_segment_comment_lists_placeholders() -> None:
    segment = Segment(
        msgid="<g1>x</g1> <x2/>",
        raw="",
        line=1,
        block="paragraph",
        placeholders=(("<g1>", "*", "emphasis"), ("</g1>", "*", ""), ("<x2/>", "`y`", "code `y`")),
    )
    assert segment.comment() == "paragraph\n<g1>…</g1> = emphasis\n<x2/> = code `y`"
