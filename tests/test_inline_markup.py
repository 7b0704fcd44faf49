"""Generated paragraphs: sentences with emphasis, links and images over any span.

Hypothesis writes paragraphs of several sentences and wraps random runs of
words (inside one sentence, across sentence ends, around whole sentences) in
nested markup.  For every one: the identity rendering is the source byte for
byte, every segment holds markup that is whole (each ``<gN>`` closed in the
same segment), and a translation (every vowel accented) renders to the same HTML, allowing
only that an element cut at a sentence end becomes two adjacent ones
(``<strong>a.</strong> <strong>B</strong>`` for ``<strong>a. B</strong>``).
Runs of one delimiter character stacked on a word (``****a b**``) are left
out: CommonMark's delimiter rules make them ambiguous to begin with.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from workflow.segment import PLACEHOLDER_RE, placeholders_match, segment_body

WORDS = ["council", "harbour", "Vote", "plan", "Tax", "boats"]
ENDS = [".", "?", "!"]
MARKUP = [
    ("*", "*"),
    ("**", "**"),
    ("_", "_"),
    ("~~", "~~"),
    ("[", "](https://x.example/a)"),
    ("[", "][ref]"),
    ("![", "](img.png)"),
]
_ACCENTS = str.maketrans("aeiouAEIOU", "áéíóúÁÉÍÓÚ")


def translate(msgid: str) -> str:
    """Every vowel outside the placeholders accented (the engines' part is not tested here:
    the pseudo engine's padding next to a closing ``*`` can change what CommonMark
    reads as emphasis, as a careless translator's punctuation can)."""
    parts = PLACEHOLDER_RE.split(msgid)
    tokens = [m.group(0) for m in PLACEHOLDER_RE.finditer(msgid)]
    out = [parts[0].translate(_ACCENTS)]
    for token, index in zip(tokens, range(4, len(parts), 4), strict=True):
        out += [token, parts[index].translate(_ACCENTS)]
    return "".join(out)


_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


class _Shape(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kept = "".join(f" {k}={v}" for k, v in attrs if k in ("href", "src"))
        self.items.append(f"<{tag}{kept}>")

    def handle_endtag(self, tag: str) -> None:
        self.items.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not data.strip():
            self.items.append(" ")


def shape(markdown: str) -> str:
    """Tags with href/src; an element closed and reopened across a space counts once."""
    parser = _Shape()
    parser.feed(_MD.render(markdown))
    text = "".join(parser.items)
    while True:
        joined = re.sub(r"</(\w+)> ?<\1((?: \w+=[^>]*)?)>", "", text)
        if joined == text:
            return text.replace(" ", "")
        text = joined


@st.composite
def paragraphs(draw: st.DrawFn) -> str:
    count = draw(st.integers(2, 4))
    words: list[str] = []
    for _ in range(count):
        sentence = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=4))
        sentence[0] = sentence[0].capitalize()
        sentence[-1] += draw(st.sampled_from(ENDS))
        words += sentence
    opens = ["" for _ in words]
    closes = ["" for _ in words]
    used: list[tuple[int, int]] = []
    for _ in range(draw(st.integers(1, 3))):
        first = draw(st.integers(0, len(words) - 1))
        last = draw(st.integers(first, len(words) - 1))
        # properly nested with the spans already placed, never the same span twice
        if any(a < first <= b < last or first < a <= last < b for a, b in used):
            continue
        if (first, last) in used:
            continue
        used.append((first, last))
        left, right = draw(st.sampled_from(MARKUP))
        if set(left + right) & set(opens[first] + closes[last]) & set("*_~"):
            continue  # "****a b**" and the like: ambiguous to begin with, nobody writes it
        opens[first] = left + opens[first]
        closes[last] = closes[last] + right
    return " ".join(o + w + c for o, w, c in zip(opens, words, closes, strict=True))


@settings(max_examples=150, deadline=None)
@given(paragraphs())
def test_generated_paragraphs_keep_their_markup(paragraph: str) -> None:
    body = paragraph + "\n\n[ref]: https://x.example/ref\n"
    document = segment_body(body, "en")
    assert document.warnings == []
    assert document.render(lambda s: s.msgid).text == body
    for segment in document.segments():
        assert placeholders_match(segment.msgid, segment.msgid)
    translated = document.render(lambda s: translate(s.msgid)).text
    assert shape(translated) == shape(body), translated
