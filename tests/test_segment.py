"""Segmentation: blocks, sentences, placeholders, and rendering back exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from workflow.article import read_article
from workflow.segment import Segment, placeholder_tokens, placeholders_match, segment_body

from .conftest import DATA, ROOT

MARKDOWN = sorted((DATA / "markdown").glob("*.md"))
ARTICLES = sorted((ROOT / "articles").glob("*.md"))


def html(text: str) -> str:
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


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


def test_a_pair_around_whole_sentences_stays_outside_them() -> None:
    body = "Intro. **Bold one. Bold two.** Outro.\n"
    assert msgids(body) == ["Intro.", "Bold one.", "Bold two.", "Outro."]


def test_closing_markup_stays_with_its_sentence() -> None:
    body = "**Bold sentence.** Next sentence.\n"
    assert msgids(body) == ["<g1>Bold sentence.</g1>", "Next sentence."]


BIO = (
    "*Jane Doe covers local government for The Harbour Review. She has lived in\n"
    "the town since 2011.*\n"
)


def test_italic_bio_gives_one_segment_per_sentence_and_renders_back() -> None:
    document = segment_body(BIO, "en")
    assert msgids(BIO) == [
        "Jane Doe covers local government for The Harbour Review.",
        "She has lived in the town since 2011.",
    ]
    assert document.render(lambda s: s.msgid).text == BIO
    spanish = {
        "Jane Doe covers local government for The Harbour Review.": "Jane Doe cubre el gobierno.",
        "She has lived in the town since 2011.": "Vive en la ciudad desde 2011.",
    }
    text = document.render(lambda s: spanish[s.msgid]).text
    assert text == "*Jane Doe cubre el gobierno. Vive en la ciudad desde 2011.*\n"
    assert html(text) == (
        "<p><em>Jane Doe cubre el gobierno. Vive en la ciudad desde 2011.</em></p>\n"
    )


def test_one_sentence_translated_and_the_other_not_keeps_the_emphasis() -> None:
    document = segment_body(BIO, "en")
    text = document.render(lambda s: "Vive aquí." if s.msgid.startswith("She") else None).text
    assert text.startswith("*Jane Doe covers") and text.endswith("Vive aquí.*\n")


def test_a_link_spanning_two_sentences_gives_two_segments_with_its_target() -> None:
    body = 'See [the plan. It is long](https://x.example/p "Plan") today.\n'
    document = segment_body(body, "en")
    first, second = document.segments()
    assert (first.msgid, second.msgid) == ("See <g1>the plan.</g1>", "<g1>It is long</g1> today.")
    assert "link to https://x.example/p" in second.comment()
    assert document.render(lambda s: s.msgid).text == body  # byte for byte
    translated = document.render(
        lambda s: {first.msgid: "Mira <g1>el plan.</g1>", second.msgid: "<g1>Es largo</g1> hoy."}[
            s.msgid
        ]
    ).text
    assert translated == (
        'Mira [el plan.](https://x.example/p "Plan") [Es largo](https://x.example/p "Plan") hoy.\n'
    )
    # untranslated sentences next to translated ones are closed too
    half = document.render(lambda s: "<g1>Es largo</g1> hoy." if s is second else None).text
    assert half == (
        'See [the plan.](https://x.example/p "Plan") [Es largo](https://x.example/p "Plan") hoy.\n'
    )
    assert html(half).count('href="https://x.example/p"') == 2


def test_a_link_around_two_whole_sentences_stays_one_link() -> None:
    body = "[One sentence here. Another one.](https://x.example)\n"
    assert msgids(body) == ["One sentence here.", "Another one."]
    text = segment_body(body, "en").render(lambda s: "Una." if "One" in s.msgid else "Otra.").text
    assert text == "[Una. Otra.](https://x.example)\n"


def test_bold_split_inside_sentences_reopens_nested_markup() -> None:
    body = "Intro **one. [Two](/t) three** end.\n"
    document = segment_body(body, "en")
    assert msgids(body) == ["Intro <g1>one.</g1>", "<g1><g2>Two</g2> three</g1> end."]
    text = document.render(lambda s: s.msgid.replace("one", "uno").replace("end", "fin")).text
    assert html(text) == (
        '<p>Intro <strong>uno.</strong> <strong><a href="/t">Two</a> three</strong> fin.</p>\n'
    )


def test_added_markup_never_touches_emphasis_of_the_same_character() -> None:
    # closing the outer emphasis after "one." would write "__one.__": strong emphasis
    assert msgids("__Council one._ Two_ three.\n") == ["<g1><g2>Council one.</g2> Two</g1> three."]
    assert msgids("Intro **one. *Two* three** end.\n") == [
        "Intro <g1>one. <g2>Two</g2> three</g1> end."
    ]


def test_image_alt_text_split_only_around_whole_sentences() -> None:
    assert msgids("Look. ![A boat. Big.](b.jpg) Nice.\n") == ["Look.", "A boat.", "Big.", "Nice."]
    assert msgids("See ![a boat. Big](b.jpg) now.\n") == ["See <g1>a boat. Big</g1> now."]


def test_sentences_without_space_between_them_stay_together_inside_markup() -> None:
    assert msgids("前**一。二**后。\n", "ja") == ["前<g1>一。二</g1>后。"]


@pytest.mark.parametrize(
    ("body", "translated"),
    [
        ("Use [the docs][] today.\n\n[the docs]: /docs\n", "Usa [la guía][the docs] hoy."),
        ("Use [the docs] today.\n\n[the docs]: /docs\n", "Usa [la guía][the docs] hoy."),
        ("Use [the\ndocs][] today.\n\n[the docs]: /docs\n", "Usa [la guía][the docs] hoy."),
        ("Use ![the docs] today.\n\n[the docs]: /docs\n", "Usa ![la guía][the docs] hoy."),
        ("Use ![the docs][] today.\n\n[the docs]: /docs\n", "Usa ![la guía][the docs] hoy."),
        ("Use [the docs][ref] today.\n\n[ref]: /docs\n", "Usa [la guía][ref] hoy."),
    ],
)
def test_translated_reference_link_keeps_its_target(body: str, translated: str) -> None:
    document = segment_body(body, "en")
    (segment,) = document.segments()
    assert segment.msgid == "Use <g1>the docs</g1> today."
    assert document.render(lambda s: s.msgid).text == body
    text = document.render(lambda s: "Usa <g1>la guía</g1> hoy.").text
    assert text.split("\n")[0] == translated
    assert 'href="/docs"' in html(text) or 'src="/docs"' in html(text)
    assert "[" not in html(text)


def test_backslash_before_a_placeholder_does_not_hide_it() -> None:
    body = "Type **C:\\\\** here.\n"  # the Markdown text **C:\\** (an escaped backslash)
    document = segment_body(body, "en")
    (segment,) = document.segments()
    assert segment.msgid == "Type <g1>C:\\\\</g1> here."
    assert placeholder_tokens(segment.msgid) == ["<g1>", "</g1>"]
    assert document.render(lambda s: "Escribe <g1>C:\\\\</g1> aquí.").text == (
        "Escribe **C:\\\\** aquí.\n"
    )
    # a single backslash escapes the token: it is text, so the translation is broken
    bad = "Escribe <g1>C:\\</g1> aquí."
    assert not placeholders_match(segment.msgid, bad)
    result = document.render(lambda s: bad)
    assert result.broken == [segment] and "</g1>" not in html(result.text)


def test_escaped_token_lookalike_in_source_is_text() -> None:
    (segment,) = segment_body("Write \\<g1> literally.\n", "en").segments()
    assert placeholder_tokens(segment.msgid) == []
    assert placeholders_match(segment.msgid, "Escribe \\<g1> literalmente.")
    assert not placeholders_match(segment.msgid, "Escribe literalmente.")


def test_task_boxes_stay_out_of_the_msgid() -> None:
    body = "- [x] Done and dusted.\n- [ ] Not yet. Soon.\n- [X]Not a box.\n"
    document = segment_body(body, "en")
    assert msgids(body) == ["Done and dusted.", "Not yet.", "Soon.", "[X]Not a box."]
    assert document.render(lambda s: s.msgid).text == body
    text = document.render(lambda s: "Hecho." if s.msgid.startswith("Done") else None).text
    assert text.startswith("- [x] Hecho.\n- [ ] Not yet.")


def test_table_row_with_two_identical_cells_without_outer_pipes() -> None:
    body = "Feature | Old | New\n--- | --- | ---\nFast | Yes | Yes\n"
    document = segment_body(body, "en")
    assert document.warnings == []
    assert msgids(body) == ["Feature", "Old", "New", "Fast", "Yes", "Yes"]
    text = document.render(lambda s: {"Yes": "Sí", "Fast": "Rápido"}.get(s.msgid)).text
    assert text.endswith("Rápido | Sí | Sí\n")


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


def test_a_decimal_number_alone_is_a_segment_a_whole_number_is_not() -> None:
    """A table cell's 2.5 is 2,5 in Spanish: a translator must be able to write it."""
    body = "| City | Share | Year |\n|---|---:|---:|\n| Seoul | 2.5 | 2019 |\n\n3.14\n\n42\n"
    assert msgids(body) == ["City", "Share", "Year", "Seoul", "2.5", "3.14"]
    spanish = {"2.5": "2,5", "3.14": "3,14", "Seoul": "Seúl"}
    text = segment_body(body, "en").render(lambda s: spanish.get(s.msgid)).text
    assert "| Seúl | 2,5 | 2019 |" in text and "\n3,14\n" in text and "\n42\n" in text
