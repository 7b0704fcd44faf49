"""Old translations cut to today's sentences, when the segmenter now splits finer.

A paragraph in italics was one segment before segmenter version 3 and is one
per sentence now.  Its reviewed translation must not become a single 30 %
fuzzy match (or an obsolete entry nobody sees): the old msgid and msgstr are
cut into sentences by the same rules (:func:`workflow.groups.split_pieces`),
and when the source side gives exactly today's segments and the translation
the same number of sentences with the same placeholders, each new segment
gets its sentence of the old translation as a fuzzy suggestion, with the old
msgid kept as ``#| msgid``.  The old entry itself stays (obsolete) in the
catalogue, so nothing a person wrote is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

import polib

from workflow.catalog import PROVENANCE
from workflow.groups import split_pieces
from workflow.inline import Piece
from workflow.segment import PLACEHOLDER_RE, Segment, placeholders_match, translatable
from workflow.sentences import sentence_splitter

Split = Callable[[str], list[str]]


def _pieces(form: str) -> list[Piece]:
    """A msgid or msgstr as pieces; each token's number is kept in ``pair``."""
    pieces: list[Piece] = []
    position = 0
    for match in PLACEHOLDER_RE.finditer(form):
        if match.start() > position:
            pieces.append(Piece("text", form[position : match.start()]))
        closing, pair, atom = match.groups()
        if atom is not None:
            pieces.append(Piece("atom", match.group(0), int(atom)))
        else:
            pieces.append(Piece("close" if closing else "open", match.group(0), int(pair)))
        position = match.end()
    if position < len(form):
        pieces.append(Piece("text", form[position:]))
    return pieces


def _sentences(form: str, split: Split) -> list[list[Piece]]:
    """The translatable sentences of a form, as pieces still carrying old numbers."""
    cores = [s.core for s in split_pieces(_pieces(form), split)]
    return [core for core in cores if translatable(core)]


def _numbering(core: list[Piece]) -> dict[tuple[str, int], int]:
    """Old token → the number it has in a segment of its own (as the segmenter counts)."""
    numbers: dict[tuple[str, int], int] = {}
    for piece in core:
        if piece.kind in ("open", "atom"):
            numbers[(piece.kind, piece.pair)] = len(numbers) + 1
    return numbers


def _renumbered(core: list[Piece], numbers: dict[tuple[str, int], int]) -> str | None:
    out: list[str] = []
    for piece in core:
        if piece.kind in ("text", "space"):
            out.append(piece.raw)
            continue
        number = numbers.get(("atom" if piece.kind == "atom" else "open", piece.pair))
        if number is None:
            return None
        tokens = {"open": f"<g{number}>", "close": f"</g{number}>", "atom": f"<x{number}/>"}
        out.append(tokens[piece.kind])
    return "".join(out)


def cut(msgid: str, msgstr: str, source: Split, target: Split) -> list[tuple[str, str]] | None:
    """``(new msgid, its part of msgstr)`` per sentence, or ``None`` if they do not align."""
    ids = _sentences(msgid, source)
    strs = _sentences(msgstr, target)
    if len(ids) < 2 or len(ids) != len(strs):
        return None
    pairs = []
    for id_core, str_core in zip(ids, strs, strict=True):
        numbers = _numbering(id_core)
        new_id = _renumbered(id_core, numbers)
        new_str = _renumbered(str_core, numbers)
        if new_id is None or new_str is None or not placeholders_match(new_id, new_str):
            return None
        pairs.append((new_id, new_str))
    return pairs


def carry_over(
    po: polib.POFile,
    segments: Iterable[Segment],
    source: str,
    target: str,
    today: dt.date | None = None,
) -> polib.POFile:
    """``po`` with entries added for new segments cut out of an old, longer entry.

    ``source`` and ``target`` are primary language subtags.  Only entries no
    longer in the article are cut, and only into segments the catalogue does
    not have yet; ``po`` is changed in place and returned.
    """
    wanted = {s.key for s in segments}
    have = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
    old = [e for e in po if not e.obsolete and e.msgstr and (e.msgctxt, e.msgid) not in wanted]
    if not old:
        return po
    split_source, split_target = sentence_splitter(source), sentence_splitter(target)
    date = (today or dt.date.today()).isoformat()
    for entry in old:
        pairs = cut(entry.msgid, entry.msgstr, split_source, split_target)
        if pairs is None:
            continue
        keys = [(entry.msgctxt, msgid) for msgid, _ in pairs]
        if not all(key in wanted and key not in have for key in keys):
            continue
        reviewed = "fuzzy" not in entry.flags
        note = f"{PROVENANCE}memory {date} cut from a reviewed translation of a longer segment"
        comment = "\n".join(filter(None, [entry.tcomment, note if reviewed else ""]))
        for (context, msgid), (_, msgstr) in zip(keys, pairs, strict=True):
            po.append(
                polib.POEntry(
                    msgctxt=context,
                    msgid=msgid,
                    msgstr=msgstr,
                    flags=["fuzzy"],
                    tcomment=comment,
                    previous_msgid=entry.msgid,
                    previous_msgctxt=entry.msgctxt,
                )
            )
            have.add((context, msgid))
    return po
