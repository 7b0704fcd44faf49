"""Inline Markdown as pieces: text, soft breaks and markup, aligned with the source.

markdown-it-py's inline tokens carry no source positions, so :class:`_Aligner`
walks them along the unit's source text and records the exact source of every
token.  Markup becomes "open"/"close" pairs (emphasis, links, images) or
"atoms" (code, raw HTML, hard breaks, autolinks) that the segmenter turns into
placeholders; :func:`split_pieces` groups pieces into sentences without ever
separating a pair.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.token import Token

_SOFT = re.compile(r"[ \t]*\n[ \t]*")
_HARD = re.compile(r"(?:[ \t]*|\\)\n[ \t]*")
WS = " \t\r\n"


@dataclass
class Piece:
    """A run of a unit's inline source: text, soft whitespace or markup."""

    kind: str  # "text" | "space" | "open" | "close" | "atom"
    raw: str
    pair: int = 0  # pairs an "open" with its "close"
    description: str = ""


class Mismatch(Exception):
    """The token stream could not be aligned with the source text."""


def _link_tail(content: str, c: int) -> int:
    """End offset of a link's closing part (``](url "title")``, ``][ref]`` or ``]``)."""
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
            return p + 1
    if pos < end and content[pos] == "[":
        close = content.find("]", pos + 1)
        if close >= 0:
            return close + 1
    return pos


_DESCRIBE = {"em": "emphasis", "strong": "strong emphasis", "s": "strikethrough"}


class _Aligner:
    """Walks markdown-it inline tokens along the unit's source, producing pieces."""

    def __init__(self, content: str) -> None:
        self.content = content
        self.c = 0
        self.pieces: list[Piece] = []
        self.stack: list[int] = []
        self.pairs = 0

    def expect(self, text: str) -> None:
        if not self.content.startswith(text, self.c):
            raise Mismatch(f"expected {text!r} at {self.c}")

    def add(self, kind: str, raw: str, description: str = "", pair: int = 0) -> None:
        self.pieces.append(Piece(kind, raw, pair, description))
        self.c += len(raw)

    def open(self, raw: str, description: str) -> None:
        self.pairs += 1
        self.stack.append(self.pairs)
        self.add("open", raw, description, self.pairs)

    def close(self, raw: str) -> None:
        if not self.stack:
            raise Mismatch("close without open")
        self.add("close", raw, pair=self.stack.pop())

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
                self.open("[", f"link to {token.attrGet('href')}")
            elif kind == "link_close":
                self.close(content[self.c : _link_tail(content, self.c)])
            elif kind == "image":
                self.expect("![")
                self.open("![", f"image {token.attrGet('src')}")
                self.walk(token.children or [])
                self.close(content[self.c : _link_tail(content, self.c)])
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


def split_pieces(pieces: list[Piece], split: Callable[[str], list[str]]) -> list[list[Piece]]:
    """Group pieces into sentences; markup pairs never straddle two sentences."""
    # Text seen by the sentence splitter: text as is, soft breaks as a space,
    # atoms as a neutral word, pair markers as nothing.
    flat: list[str] = []
    starts: list[int] = []
    position = 0
    for piece in pieces:
        starts.append(position)
        form = {"text": piece.raw, "space": " ", "atom": " X "}.get(piece.kind, "")
        flat.append(form)
        position += len(form)
    sentences = split("".join(flat))
    bounds = []
    offset = 0
    for sentence in sentences[:-1]:
        offset += len(sentence)
        bounds.append(offset)

    def sentence_at(pos: int) -> int:
        return sum(1 for b in bounds if b <= pos)

    groups: list[list[Piece]] = [[] for _ in range(len(bounds) + 1)]
    for piece, start in zip(pieces, starts, strict=True):
        if piece.kind == "text":
            cuts = [b - start for b in bounds if start < b < start + len(piece.raw)]
            index = sentence_at(start)
            previous = 0
            for cut in [*cuts, len(piece.raw)]:
                groups[index].append(Piece("text", piece.raw[previous:cut]))
                index += 1
                previous = cut
        elif piece.kind == "close" or piece.kind == "space":
            groups[sentence_at(max(start - 1, 0))].append(piece)
        else:
            groups[sentence_at(start)].append(piece)
    groups = [g for g in groups if g]
    # Merge sentences until every open marker sits with its close marker.
    merged: list[list[Piece]] = []
    open_pairs: set[int] = set()
    for group in groups:
        if merged and open_pairs:
            merged[-1].extend(group)
        else:
            merged.append(list(group))
        for piece in group:
            if piece.kind == "open":
                open_pairs.add(piece.pair)
            elif piece.kind == "close":
                open_pairs.discard(piece.pair)
    return merged


def strip_group(group: list[Piece]) -> tuple[str, list[Piece], str]:
    """Split leading and trailing whitespace off a sentence: (lead, core, trail)."""
    core = list(group)
    lead: list[str] = []
    trail: list[str] = []
    while core and core[0].kind in ("space", "text") and not core[0].raw.strip(WS):
        lead.append(core.pop(0).raw)
    if core and core[0].kind == "text":
        text = core[0].raw
        stripped = text.lstrip(WS)
        lead.append(text[: len(text) - len(stripped)])
        core[0] = Piece("text", stripped)
    while core and core[-1].kind in ("space", "text") and not core[-1].raw.strip(WS):
        trail.insert(0, core.pop().raw)
    if core and core[-1].kind == "text":
        text = core[-1].raw
        stripped = text.rstrip(WS)
        trail.insert(0, text[len(stripped) :])
        core[-1] = Piece("text", stripped)
    return "".join(lead), core, "".join(trail)
