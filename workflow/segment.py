"""Markdown bodies to sentence segments with placeholders, and back.

markdown-it-py parses the body.  Every inline run of a heading, paragraph, list
item, quote or table cell becomes a *unit*; its inline markup (emphasis, links
with their URLs, images, code, raw HTML, hard breaks) becomes numbered
placeholders, so translators and engines see only words:

    See the **[council's plan](https://example.org/plan "Plan")** for details.
    → msgid "See the <g1><g2>council's plan</g2></g1> for details."

``<gN>…</gN>`` wraps text that must stay wrapped; ``<xN/>`` stands alone.  The
unit is split into sentences (:mod:`workflow.sentences`) and each sentence is a
:class:`Segment` that remembers the exact source text it came from.

Rendering works on the source text itself, never on a re-serialised tree: each
unit's source span is replaced by its translated sentences with the original
markup restored and the container prefixes (``> ``, list indentation) put back
on every line.  A segment whose translation equals its msgid is written back as
its original bytes, so an identity translation reproduces the body exactly.
Code blocks, fenced code and raw HTML blocks are never segmented.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from workflow.groups import split_pieces
from workflow.inline import Glue, Mismatch, Piece, pieces_of
from workflow.numbers import DECIMAL
from workflow.sentences import sentence_splitter

#: Bump when segmentation changes, so cached extract results are recomputed.
SEGMENTER_VERSION = "4"

#: A placeholder token.  One preceded by an odd number of backslashes is an
#: escaped literal in the source (``\<g1>``); one after an even number is a
#: token after an escaped backslash (``C:\\</g1>``).  Runs of up to seven
#: backslashes are told apart, far more than any text has.
PLACEHOLDER_RE = re.compile(
    r"(?<!(?<!\\)\\)(?<!(?<!\\)\\\\\\)(?<!(?<!\\)\\\\\\\\\\)(?<!(?<!\\)\\\\\\\\\\\\\\)"
    r"(?:<(/?)g(\d+)>|<x(\d+)/>)"
)
#: Anything that looks like a placeholder, escaped or not.
_LOOKALIKE_RE = re.compile(r"</?g\d+>|<x\d+/>")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    logging.getLogger("markdown_it").disabled = True  # its per-rule debug calls cost 3 %
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    md.disable("text_join")  # keep escapes and entities as their own tokens
    return md


@dataclass(frozen=True)
class Segment:
    """One sentence (or front matter field) to translate.

    ``raw`` is the sentence's exact source; ``out`` (when set) its source as a
    standalone piece of Markdown, with the markup the segmenter closed or
    reopened around it (see :func:`workflow.groups.split_pieces`).
    """

    msgid: str
    raw: str
    line: int
    block: str
    context: str | None = None
    placeholders: tuple[tuple[str, str, str], ...] = ()  # (token, markup written, description)
    single_line: bool = False
    escape_pipes: bool = False
    out: str | None = None

    @property
    def key(self) -> tuple[str | None, str]:
        """The catalogue key: ``(msgctxt, msgid)``."""
        return (self.context, self.msgid)

    @property
    def written(self) -> str:
        """The source sentence as written when the sentences around it are translated."""
        return self.raw if self.out is None else self.out

    def comment(self) -> str:
        """A translator-facing note: what block this is and what each token stands for."""
        lines = [self.block]
        seen: set[str] = set()
        for token, _raw, description in self.placeholders:
            if token.startswith("</"):
                continue
            if token in seen:
                continue
            seen.add(token)
            shown = f"{token}…</{token[1:]}" if token.startswith("<g") else token
            lines.append(f"{shown} = {description}")
        return "\n".join(lines)

    def restore(self, translation: str) -> str | None:
        """Turn a translation back into Markdown, or ``None`` if its tokens are wrong.

        Every placeholder of the msgid must appear exactly once, and a pair's
        opening token must come before its closing one.
        """
        if translation == self.msgid:
            return self.written
        if not placeholders_match(self.msgid, translation):
            return None
        raws = {token: raw for token, raw, _ in self.placeholders}
        if self.single_line:
            translation = re.sub(r"\s*\n\s*", " ", translation)
        out: list[str] = []
        position = 0
        for match in PLACEHOLDER_RE.finditer(translation):
            out.append(self._text(translation[position : match.start()]))
            out.append(raws[match.group(0)])
            position = match.end()
        out.append(self._text(translation[position:]))
        return "".join(out)

    def _text(self, text: str) -> str:
        if self.escape_pipes:
            return re.sub(r"(?<!\\)\|", r"\\|", text)
        return text


def placeholder_tokens(text: str) -> list[str]:
    """The placeholder tokens of a text, in order."""
    return [m.group(0) for m in PLACEHOLDER_RE.finditer(text)]


def placeholders_match(source: str, translation: str) -> bool:
    """Whether ``translation`` has exactly the placeholders of ``source``, pairs in order."""
    tokens = placeholder_tokens(translation)
    if Counter(tokens) != Counter(placeholder_tokens(source)):
        return False
    if Counter(_LOOKALIKE_RE.findall(translation)) != Counter(_LOOKALIKE_RE.findall(source)):
        return False  # an escaped token ("\\</g1>") would reach the page as text
    opened: set[str] = set()
    for token in tokens:
        if token.startswith("</"):
            if "<" + token[2:] not in opened:
                return False
        elif token.startswith("<g"):
            opened.add(token)
    return True


def make_segment(core: list[Piece], line: int, block: str, flags: dict[str, bool]) -> Segment:
    numbers: dict[int, int] = {}
    form: list[str] = []
    holders: list[tuple[str, str, str]] = []
    count = 0
    for piece in core:
        if piece.kind == "text":
            form.append(piece.raw)
            continue
        if piece.kind == "space":
            form.append(" ")
            continue
        if piece.kind == "close":
            token = f"</g{numbers[piece.pair]}>"
            description = ""
        else:
            count += 1
            if piece.kind == "open":
                numbers[piece.pair] = count
                token = f"<g{count}>"
            else:
                token = f"<x{count}/>"
            description = piece.description
        form.append(token)
        holders.append((token, piece.written, description))
    raw = "".join(p.raw for p in core)
    written = "".join(p.written for p in core)
    return Segment(
        msgid="".join(form),
        raw=raw,
        out=None if written == raw else written,
        line=line,
        block=block,
        placeholders=tuple(holders),
        single_line=flags["single_line"],
        escape_pipes=flags["escape_pipes"],
    )


def translatable(core: list[Piece]) -> bool:
    """Whether a sentence has anything to translate: a word, or a decimal number (a
    table cell's ``2.5`` is ``2,5`` in Spanish)."""
    return any(
        p.kind == "text" and (any(ch.isalpha() for ch in p.raw) or DECIMAL.search(p.raw))
        for p in core
    )


# --------------------------------------------------------------------------- units


@dataclass
class Unit:
    """One inline run of the body and where it sits in the source lines."""

    block: str
    spans: list[tuple[int, int, int]]  # (line index, start column, end column)
    pieces: list[str | Segment] = field(default_factory=list)  # glue (Glue, str) and segments
    single_line: bool = False

    def segments(self) -> Iterator[Segment]:
        for piece in self.pieces:
            if isinstance(piece, Segment):
                yield piece


@dataclass
class RenderResult:
    """A rendered body and what went into it."""

    text: str
    translated: int = 0
    untranslated: int = 0
    broken: list[Segment] = field(default_factory=list)


@dataclass
class Document:
    """A segmented Markdown body."""

    body: str
    units: list[Unit]
    warnings: list[str] = field(default_factory=list)

    def segments(self) -> Iterator[Segment]:
        for unit in self.units:
            yield from unit.segments()

    def render(self, lookup: Callable[[Segment], str | None]) -> RenderResult:
        """Rebuild the body with ``lookup(segment)`` as each segment's translation.

        ``None`` (no translation) or a translation with broken placeholders
        leaves the source sentence in place and is counted.
        """
        result = RenderResult("")
        lines = self.body.split("\n")
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line) + 1)
        edits: list[tuple[int, int, str]] = []
        for unit in self.units:
            translations = {id(s): lookup(s) for s in unit.segments()}
            # Unchanged (or untranslated) throughout: the source, byte for byte.
            exact = all(translations[id(s)] in (None, s.msgid) for s in unit.segments())
            parts: list[str] = []
            for piece in unit.pieces:
                if not isinstance(piece, Segment):
                    parts.append(piece if exact or not isinstance(piece, Glue) else piece.out)
                    continue
                translation = translations[id(piece)]
                restored = piece.restore(translation) if translation is not None else None
                if translation is None:
                    result.untranslated += 1
                elif restored is None:
                    result.broken.append(piece)
                else:
                    result.translated += 1
                if exact:
                    parts.append(piece.raw)
                else:
                    parts.append(restored if restored is not None else piece.written)
            text = "".join(parts)
            first, start, _ = unit.spans[0]
            last, _, end = unit.spans[-1]
            edits.append((offsets[first] + start, offsets[last] + end, _reflow(unit, lines, text)))
        body = self.body
        for begin, end, replacement in sorted(edits, reverse=True):
            body = body[:begin] + replacement + body[end:]
        result.text = body
        return result


def _continuation(prefix: str) -> str:
    """The prefix for an extra line: quote markers kept, list markers blanked."""
    return "".join(ch if ch in "> \t" else " " for ch in prefix)


def _reflow(unit: Unit, lines: list[str], text: str) -> str:
    """Put the container prefix of each source line back in front of each line."""
    out_lines = text.split("\n")
    prefixes = [lines[index][:start] for index, start, _ in unit.spans]
    newlines = ["\r\n" if lines[index].endswith("\r") else "\n" for index, _, _ in unit.spans]
    out = [out_lines[0]]
    for j, line in enumerate(out_lines[1:], start=1):
        if j < len(prefixes):
            out.append(newlines[j - 1] + prefixes[j] + line)
        else:
            out.append(newlines[-1] + _continuation(prefixes[-1]) + line)
    return "".join(out)


def _block_kind(stack: list[str], token: Token) -> str:
    if token.type == "heading_open":
        return f"heading {token.tag}"
    if token.type in ("th_open", "td_open"):
        return "table cell"
    if "list_item_open" in stack:
        return "list item"
    if "blockquote_open" in stack:
        return "quote"
    return "paragraph"


def _locate(
    content: str, first: int, lines: list[str], cursors: dict[int, int], in_table: bool = False
) -> list[tuple[int, int, int]]:
    """Find each line of ``content`` in the source lines starting at ``first``.

    A paragraph's line is the end of its source line (after the container's
    ``> `` or indentation); a table cell is the next occurrence on its row
    after the cell before it (``Yes | Yes`` has the same text twice).
    """
    spans = []
    parts = content.split("\n")
    for i, part in enumerate(parts):
        index = first + i
        if index >= len(lines):
            raise Mismatch("content runs past the block")
        line = lines[index].removesuffix("\r")
        floor = cursors.get(index, 0)
        last = i == len(parts) - 1
        trimmed = line.rstrip() if last else line
        if in_table:
            start = line.find(part, floor)
        elif trimmed.endswith(part) and len(trimmed) - len(part) >= floor:
            start = len(trimmed) - len(part)
        elif last:
            start = line.find(part, floor)
        else:
            raise Mismatch("line is not a suffix")
        if start < 0 or line[start : start + len(part)] != part:
            raise Mismatch("line not found")
        spans.append((index, start, start + len(part)))
        cursors[index] = start + len(part)
    return spans


#: A GFM task list box at the start of a list item: kept out of the msgid.
_TASK_BOX = re.compile(r"\[[ xX]\][ \t]+(?=\S)")


def segment_body(body: str, language: str, first_line: int = 1) -> Document:
    """Segment a Markdown body written in ``language`` (a primary language subtag).

    ``first_line`` is the file line where the body starts, for references.
    """
    split = sentence_splitter(language)
    env: dict[str, object] = {}
    tokens = _markdown().parse(body, env)
    lines = body.split("\n")
    document = Document(body, [])
    cursors: dict[int, int] = {}
    stack: list[str] = []
    block = "paragraph"
    item_start = False
    for token in tokens:
        if token.nesting == 1:
            stack.append(token.type)
            item_start = token.type == "list_item_open" or (
                item_start and token.type == "paragraph_open"
            )
            if token.type in ("heading_open", "th_open", "td_open", "paragraph_open"):
                block = _block_kind(stack, token)
        elif token.nesting == -1 and stack:
            stack.pop()
        if token.type != "inline" or not token.content.strip() or token.map is None:
            continue
        single = block.startswith("heading") or block == "table cell"
        content, children = token.content, token.children or []
        if block == "table cell" and "|" in content:
            # markdown-it unescapes "\|" inside cells; align against the source form.
            content = content.replace("|", "\\|")
            children = _markdown().parseInline(content, env)[0].children or []
        box = _TASK_BOX.match(content) if item_start else None
        item_start = False
        try:
            spans = _locate(content, token.map[0], lines, cursors, block == "table cell")
            if box:
                content = content[box.end() :]
                children = _markdown().parseInline(content, env)[0].children or []
            pieces = pieces_of(content, children)
        except Mismatch as exc:
            document.warnings.append(
                f"line {first_line + token.map[0]}: {block} kept untranslated ({exc})"
            )
            continue
        unit = Unit(block=block, spans=spans, single_line=single)
        if box:
            unit.pieces.append(box.group(0))
        flags = {"single_line": single, "escape_pipes": block == "table cell"}
        line = first_line + token.map[0]
        for sentence in split_pieces(pieces, split):
            if sentence.lead:
                unit.pieces.append(Glue(sentence.lead))
            if translatable(sentence.core):
                unit.pieces.append(make_segment(sentence.core, line, block, flags))
            elif sentence.core:
                unit.pieces.append(Glue(sentence.core))
            if sentence.trail:
                unit.pieces.append(Glue(sentence.trail))
            every = [*sentence.lead, *sentence.core, *sentence.trail]
            line += "".join(p.raw for p in every).count("\n")
        document.units.append(unit)
    return document
