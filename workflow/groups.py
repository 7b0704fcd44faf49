"""Inline pieces grouped into sentences, each a well-formed run of markup.

The sentence splitter sees a unit's words (markup left out); this module cuts
the pieces (:mod:`workflow.inline`) at its sentence ends and decides what
happens to markup a sentence end falls inside:

* around whole sentences it stays outside the segments (*hoisted*):
  ``*One. Two.*`` → ``One.``, ``Two.``, rendered ``*Uno. Dos.*``;
* starting or ending inside a sentence it is closed where each sentence ends
  and opened again where the next begins, with pieces whose source is empty
  so an unchanged rendering is still the source byte for byte;
* sentences an image's alt text spans, sentences with no space between them,
  and markup that would touch emphasis of the same character stay one segment.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from workflow.inline import WS, Piece


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
