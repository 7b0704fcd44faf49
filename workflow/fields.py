"""Front matter fields as segments, and translated fields back from them.

Every translatable field (title, summary, image caption, …) is cut into
sentences like a paragraph, each its own catalogue entry whose ``msgctxt`` is
the field name, so a three-sentence caption is three entries a translation
memory can match one by one.  A field's translation is its sentences'
translations joined by the field's own spacing; a sentence without one stays
in the source language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from workflow.article import Article
from workflow.groups import split_pieces
from workflow.inline import Piece
from workflow.segment import Segment
from workflow.sentences import sentence_splitter


@dataclass
class Field:
    """One translatable field: its sentences and the spacing between them."""

    name: str
    pieces: list[str | Segment] = field(default_factory=list)

    def segments(self) -> Iterator[Segment]:
        for piece in self.pieces:
            if isinstance(piece, Segment):
                yield piece

    def text(self, lookup: Callable[[Segment], str | None]) -> tuple[str, int, int]:
        """The field in the target language: (text, sentences translated, untranslated)."""
        parts: list[str] = []
        done = missing = 0
        for piece in self.pieces:
            if isinstance(piece, str):
                parts.append(piece)
                continue
            translation = lookup(piece)
            if translation is None:
                missing += 1
                parts.append(piece.raw)
            else:
                done += 1
                parts.append(" ".join(translation.split()))
        return "".join(parts), done, missing


def _field_line(article: Article, name: str) -> int:
    key = name.split(".")[-1]
    text = article.source.decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines()[: article.body_line], start=1):
        if re.match(rf"\s*{re.escape(key)}\s*:", line):
            return number
    return 1


def front_matter_fields(article: Article) -> list[Field]:
    """The article's translatable fields, each cut into sentences."""
    split = sentence_splitter(article.meta.language.primary)
    fields = []
    # In the order the writer put them in, so the desk reads the front matter top down.
    items = article.meta.translatable()
    lines = {name: _field_line(article, name) for name, _ in items}
    for name, text in sorted(items, key=lambda item: lines[item[0]]):
        unit = Field(name)
        line = lines[name]
        for sentence in split_pieces([Piece("text", text)], split):
            core = "".join(p.raw for p in sentence.core)
            lead = "".join(p.raw for p in sentence.lead)
            trail = "".join(p.raw for p in sentence.trail)
            if lead:
                unit.pieces.append(lead)
            if core:
                unit.pieces.append(
                    Segment(
                        msgid=core,
                        raw=core,
                        line=line,
                        block=f"front matter: {name}",
                        context=name,
                        single_line=True,
                    )
                )
            if trail:
                unit.pieces.append(trail)
        fields.append(unit)
    return fields


def front_matter_segments(article: Article) -> list[Segment]:
    """Every sentence of every translatable field, ``msgctxt`` = field name."""
    return [s for unit in front_matter_fields(article) for s in unit.segments()]


def translated_fields(
    article: Article, table: Mapping[tuple[str | None, str], str]
) -> tuple[dict[str, str], int, int]:
    """Field texts with at least one sentence in ``table`` (``(msgctxt, msgid)`` →
    translation), and the sentence counts translated and untranslated."""
    texts: dict[str, str] = {}
    translated = untranslated = 0
    for unit in front_matter_fields(article):
        text, done, missing = unit.text(lambda segment: table.get(segment.key))
        translated += done
        untranslated += missing
        if done:
            texts[unit.name] = text
    return texts, translated, untranslated
