"""Inline Markdown as pieces: text, soft breaks and markup, aligned with the source.

markdown-it-py's inline tokens carry no source positions, so :class:`_Aligner`
walks them along the unit's source text and records the exact source of every
token.  Markup becomes "open"/"close" pairs (emphasis, links, images) or
"atoms" (code, raw HTML, hard breaks, autolinks) that the segmenter turns into
placeholders; :func:`workflow.groups.split_pieces` groups pieces into
sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.token import Token

_SOFT = re.compile(r"[ \t]*\n[ \t]*")
_HARD = re.compile(r"(?:[ \t]*|\\)\n[ \t]*")
WS = " \t\r\n"


@dataclass
class Piece:
    """A run of a unit's inline source: text, soft whitespace or markup.

    ``raw`` is the exact source; ``out`` is what a *translated* rendering
    writes instead (``None``: the same).  They differ for markup the segmenter
    had to add or change: a closing ``**`` put in where a sentence ends inside
    bold text (``raw`` is empty), or a shortcut link ``[docs]`` that must become
    ``[texto][docs]`` so a translated label keeps its target.
    """

    kind: str  # "text" | "space" | "open" | "close" | "atom"
    raw: str
    pair: int = 0  # pairs an "open" with its "close"
    description: str = ""
    out: str | None = None
    splittable: bool = True  # may be closed and reopened at a sentence end (not images)

    @property
    def written(self) -> str:
        return self.raw if self.out is None else self.out


class Glue(str):
    """Source text between segments (whitespace, markup around whole sentences).

    A ``str`` of the exact source, with ``out``: what a translated rendering
    writes instead.
    """

    out: str

    def __new__(cls, pieces: Sequence[Piece]) -> Glue:
        glue = super().__new__(cls, "".join(p.raw for p in pieces))
        glue.out = "".join(p.written for p in pieces)
        return glue


class Mismatch(Exception):
    """The token stream could not be aligned with the source text."""


def _label_end(content: str, pos: int) -> int:
    """End of a link label ``[…]`` starting at ``pos`` (after its ``]``), or -1."""
    p = pos + 1
    while p < len(content):
        char = content[p]
        if char == "\\":
            p += 2
            continue
        if char == "[":
            return -1
        if char == "]":
            return p + 1
        p += 1
    return -1


def _link_tail(content: str, c: int, label: str) -> tuple[int, str | None]:
    """The end of a link's closing part, and what a translation must write instead.

    The closing part is ``](url "title")``, ``][ref]``, ``][]`` or ``]``.  A
    collapsed ``[label][]`` or shortcut ``[label]`` reference takes its target
    from its own text, so a translated text would lose it: it is written as a
    full reference, ``][label]``, whenever the sentence is translated.
    """
    if not content.startswith("]", c):
        raise Mismatch("expected ']'")
    end = len(content)
    pos = c + 1
    if pos < end and content[pos] == "(":
        p = pos + 1
        while p < end and content[p] in WS:
            p += 1
        if p < end and content[p] != ")":
            dest = parseLinkDestination(content, p, end)
            if dest.ok:
                p = dest.pos
                while p < end and content[p] in WS:
                    p += 1
                title = parseLinkTitle(content, p, end)
                if title.ok and p < end and content[p] in "\"'(":
                    p = title.pos
                    while p < end and content[p] in WS:
                        p += 1
        if p < end and content[p] == ")":
            return p + 1, None
    full = " ".join(label.split())
    if pos < end and content[pos] == "[":
        close = _label_end(content, pos)
        if close == pos + 2:  # collapsed: [label][]
            return close, f"][{full}]"
        if close >= 0:
            return close, None
    return pos, f"][{full}]"


_DESCRIBE = {"em": "emphasis", "strong": "strong emphasis", "s": "strikethrough"}


class _Aligner:
    """Walks markdown-it inline tokens along the unit's source, producing pieces."""

    def __init__(self, content: str) -> None:
        self.content = content
        self.c = 0
        self.pieces: list[Piece] = []
        self.stack: list[int] = []
        self.labels: list[int] = []  # where each open link's text starts
        self.pairs = 0

    def expect(self, text: str) -> None:
        if not self.content.startswith(text, self.c):
            raise Mismatch(f"expected {text!r} at {self.c}")

    def add(self, kind: str, raw: str, description: str = "", pair: int = 0) -> Piece:
        piece = Piece(kind, raw, pair, description)
        self.pieces.append(piece)
        self.c += len(raw)
        return piece

    def open(self, raw: str, description: str) -> Piece:
        self.pairs += 1
        self.stack.append(self.pairs)
        return self.add("open", raw, description, self.pairs)

    def close(self, raw: str) -> Piece:
        if not self.stack:
            raise Mismatch("close without open")
        return self.add("close", raw, pair=self.stack.pop())

    def open_link(self, raw: str, description: str, splittable: bool = True) -> None:
        self.open(raw, description).splittable = splittable
        self.labels.append(self.c)

    def close_link(self) -> None:
        start = self.labels.pop()
        end, out = _link_tail(self.content, self.c, self.content[start : self.c])
        self.close(self.content[self.c : end]).out = out

    def walk(self, tokens: Sequence[Token]) -> None:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            content = self.content
            if kind == "text" or kind == "text_special":
                text = token.content if kind == "text" else token.markup
                self.expect(text)
                self.add("text", text)
            elif kind == "softbreak":
                match = _SOFT.match(content, self.c)
                if not match:
                    raise Mismatch("soft break")
                self.add("space", match.group(0))
            elif kind == "hardbreak":
                match = _HARD.match(content, self.c)
                if not match:
                    raise Mismatch("hard break")
                self.add("atom", match.group(0), "line break")
            elif kind.endswith("_open") and kind[:-5] in _DESCRIBE:
                self.expect(token.markup)
                self.open(token.markup, _DESCRIBE[kind[:-5]])
            elif kind.endswith("_close") and kind[:-6] in _DESCRIBE:
                self.expect(token.markup)
                self.close(token.markup)
            elif kind == "link_open" and token.info == "auto":
                self.expect("<")
                end = content.find(">", self.c)
                if end < 0:
                    raise Mismatch("autolink")
                self.add("atom", content[self.c : end + 1], f"link {token.attrGet('href')}")
                while tokens[index].type != "link_close":
                    index += 1
            elif kind == "link_open":
                self.expect("[")
                self.open_link("[", f"link to {token.attrGet('href')}")
            elif kind == "link_close":
                self.close_link()
            elif kind == "image":
                self.expect("![")
                self.open_link("![", f"image {token.attrGet('src')}", splittable=False)
                self.walk(token.children or [])
                self.close_link()
            elif kind == "code_inline":
                self.expect(token.markup)
                n = len(token.markup)
                closing = re.compile(rf"(?<!`)`{{{n}}}(?!`)")
                match = closing.search(content, self.c + n)
                if not match:
                    raise Mismatch("code span")
                raw = content[self.c : match.end()]
                self.add("atom", raw, f"code {raw}")
            elif kind == "html_inline":
                self.expect(token.content)
                self.add("atom", token.content, f"HTML {token.content}")
            else:
                raise Mismatch(f"unexpected token {kind}")
            index += 1


def pieces_of(content: str, children: Sequence[Token]) -> list[Piece]:
    aligner = _Aligner(content)
    aligner.walk(children)
    if aligner.c != len(content) or aligner.stack:
        raise Mismatch("source not fully consumed")
    return aligner.pieces
