"""Inline Markdown as pieces: text, soft breaks and markup, aligned with the source.

markdown-it-py's inline tokens carry no source positions, so :class:`_Aligner`
walks them along the unit's source text and records the exact source of every
token.  Markup becomes "open"/"close" pairs (emphasis, links, images) or
"atoms" (code, raw HTML, hard breaks, autolinks) that the segmenter turns into
placeholders; :func:`split_pieces` groups pieces into sentences without ever
separating a pair.
"""

from __future__ import annotations

import itertools
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


@dataclass
class Sentence:
    """One sentence of a unit: glue before it, the sentence itself, glue after it."""

    lead: list[Piece]
    core: list[Piece]
    trail: list[Piece]


def _flat(piece: Piece) -> str:
    """What the sentence splitter sees: atoms as a neutral word, pair markers as nothing."""
    if piece.kind == "text":
        return piece.raw
    return {"space": " ", "atom": " X "}.get(piece.kind, "")


def _blank(piece: Piece) -> bool:
    return piece.kind in ("space", "text") and not piece.raw.strip(WS)


def _cut(pieces: list[Piece], split: Callable[[str], list[str]]) -> list[list[Piece]]:
    """Pieces grouped by the sentence they fall in (text pieces cut at sentence ends)."""
    starts: list[int] = []
    flat: list[str] = []
    position = 0
    for piece in pieces:
        starts.append(position)
        flat.append(_flat(piece))
        position += len(flat[-1])
    sentences = split("".join(flat))
    if len(sentences) < 2:
        return [list(pieces)] if pieces else []
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
        elif piece.kind in ("close", "space"):
            groups[sentence_at(max(start - 1, 0))].append(piece)
        else:
            groups[sentence_at(start)].append(piece)
    return [g for g in groups if g]


def _ranges(groups: list[list[Piece]]) -> dict[int, tuple[int, int]]:
    """Each pair's (group of its open, group of its close)."""
    opened: dict[int, int] = {}
    ranges: dict[int, tuple[int, int]] = {}
    for index, group in enumerate(groups):
        for piece in group:
            if piece.kind == "open":
                opened[piece.pair] = index
            elif piece.kind == "close":
                ranges[piece.pair] = (opened[piece.pair], index)
    return ranges


def _hoisted(groups: list[list[Piece]], ranges: dict[int, tuple[int, int]]) -> set[int]:
    """Pairs around whole sentences: their markup stays outside the segments.

    ``*One. Two.*`` gives the segments ``One.`` and ``Two.`` with ``*`` before
    the first and after the last, so the translation renders as the source
    did.  A pair is hoisted when its open starts its first sentence, its close
    ends its last, and every pair around it is hoisted too.
    """
    hoisted: set[int] = set()
    stack: list[int] = []
    for group in groups:
        for at, piece in enumerate(group):
            if piece.kind == "close":
                stack.remove(piece.pair)
            if piece.kind != "open":
                continue
            first, last = ranges[piece.pair]
            closing = groups[last]
            end = next(
                i for i, p in enumerate(closing) if p.kind == "close" and p.pair == piece.pair
            )
            if (
                first < last
                and all(pair in hoisted for pair in stack)
                and all(_blank(p) or (p.kind == "open" and p.pair in hoisted) for p in group[:at])
                and all(_blank(p) or p.kind == "close" for p in closing[end + 1 :])
            ):
                hoisted.add(piece.pair)
            stack.append(piece.pair)
    return hoisted


def _must_merge(
    groups: list[list[Piece]], ranges: dict[int, tuple[int, int]], hoisted: set[int]
) -> tuple[int, int] | None:
    """A run of sentences a pair cannot be closed and reopened across (an image's alt
    text, or sentences with no space between them to put the markup in)."""
    openers = {p.pair: p for g in groups for p in g if p.kind == "open"}
    for pair, (first, last) in ranges.items():
        if first == last or pair in hoisted:
            continue
        spaced = all(
            "".join(_flat(p) for p in groups[k])[-1:] in tuple(WS) for k in range(first, last)
        )
        if not openers[pair].splittable or not spaced:
            return first, last
    return None


def _strip(group: list[Piece], hoisted: set[int]) -> Sentence:
    """Split leading and trailing whitespace and hoisted markup off a sentence."""
    core = list(group)
    lead: list[Piece] = []
    trail: list[Piece] = []

    def edge(piece: Piece) -> bool:
        return _blank(piece) or (piece.kind in ("open", "close") and piece.pair in hoisted)

    while core and edge(core[0]):
        lead.append(core.pop(0))
    if core and core[0].kind == "text":
        text = core[0].raw
        stripped = text.lstrip(WS)
        if stripped != text:
            lead.append(Piece("text", text[: len(text) - len(stripped)]))
            core[0] = Piece("text", stripped)
    while core and edge(core[-1]):
        trail.insert(0, core.pop())
    if core and core[-1].kind == "text":
        text = core[-1].raw
        stripped = text.rstrip(WS)
        if stripped != text:
            trail.insert(0, Piece("text", text[len(stripped) :]))
            core[-1] = Piece("text", stripped)
    return Sentence(lead, core, trail)


def split_pieces(pieces: list[Piece], split: Callable[[str], list[str]]) -> list[Sentence]:
    """Group pieces into sentences, each a well-formed run of markup.

    A pair around whole sentences stays outside them (see :func:`_hoisted`);
    one that starts or ends inside a sentence is closed where each sentence
    ends and opened again where the next begins (``Intro **one. Two** end.``
    → ``Intro <g1>one.</g1>`` and ``<g1>Two</g1> end.``), with pieces whose
    source is empty, so an unchanged rendering is still the source byte for
    byte.  Sentences an image's alt text spans are kept together.
    """
    groups = _cut(pieces, split)
    if not any(p.kind == "open" for p in pieces):  # no markup pairs: nothing to keep whole
        return [_strip(group, set()) for group in groups]
    while True:
        ranges = _ranges(groups)
        hoisted = _hoisted(groups, ranges)
        run = _must_merge(groups, ranges, hoisted)
        if run is None:
            sentences = _sentences(groups, ranges, hoisted)
            run = _clash(sentences, ranges)
            if run is None:
                return sentences
        first, last = run
        groups[first : last + 1] = [[p for g in groups[first : last + 1] for p in g]]


def _sentences(
    groups: list[list[Piece]], ranges: dict[int, tuple[int, int]], hoisted: set[int]
) -> list[Sentence]:
    openers = {p.pair: p for g in groups for p in g if p.kind == "open"}
    closers = {p.pair: p for g in groups for p in g if p.kind == "close"}
    sentences = []
    for index, group in enumerate(groups):
        sentence = _strip(group, hoisted)
        spanning = sorted(
            pair
            for pair, (first, last) in ranges.items()
            if first < last and pair not in hoisted and first <= index <= last
        )
        if sentence.core:
            reopen = [p for p in spanning if ranges[p][0] < index]
            reclose = [p for p in reversed(spanning) if ranges[p][1] > index]
            sentence.core[:0] = [_synthetic(openers[p], "open") for p in reopen]
            sentence.core.extend(_synthetic(closers[p], "close") for p in reclose)
        sentences.append(sentence)
    return sentences


def _clash(sentences: list[Sentence], ranges: dict[int, tuple[int, int]]) -> tuple[int, int] | None:
    """A pair whose added markup would touch emphasis markup of the same character.

    ``__a._ b_`` (emphasis in emphasis) closed after ``a.`` would give
    ``__a.__``, which CommonMark reads as strong emphasis: such sentences stay
    one segment.
    """
    for sentence in sentences:
        for before, after in itertools.pairwise(sentence.core):
            if before.kind not in ("open", "close") or after.kind not in ("open", "close"):
                continue
            if before.raw and after.raw:
                continue  # both as written in the source
            chars = set(before.written[-1:]) & set(after.written[:1]) & set("*_~")
            if chars:
                added = after if not after.raw else before
                return ranges[added.pair]
    return None


def _synthetic(piece: Piece, kind: str) -> Piece:
    return Piece(kind, "", piece.pair, piece.description, piece.written, piece.splittable)
