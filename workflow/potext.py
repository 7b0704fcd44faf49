"""The text of a PO file: checking it before polib parses it, and writing it exactly.

polib is lenient where a translation desk must not be: it truncates an
unterminated string and takes a msgid without msgstr, so a half-saved file would
be "repaired" with text lost (:func:`lint_po` refuses it first), and it accepts a
header ``msgfmt --check`` refuses (:func:`header_problems`).  Writing, polib
serialises every entry on every save; :func:`catalog_text` gives exactly
``str(po)`` but reuses the text of entries that did not change, which is most of
the cost of a review save or a translate batch.
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Callable

import polib

_PO_LINE = re.compile(
    r'^(?:#[~|]\s*)?(?:(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*$'
)


def lint_po(text: str) -> str | None:
    """The first syntax problem polib would silently accept, as ``line N: …``.

    polib is lenient: it truncates an unterminated string and accepts a msgid
    without msgstr.  A translator's half-saved file must be refused, not
    "repaired" and written back with text missing.
    """
    waiting: int | None = None  # line of a msgid still waiting for its msgstr
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or (stripped.startswith("#") and not stripped.startswith(("#~", "#|"))):
            continue
        match = _PO_LINE.match(stripped)
        if match is None:
            if stripped.startswith(("#~", "#|")) and '"' not in stripped:
                continue
            return f"line {number}: not a valid PO line: {stripped[:40]!r}"
        keyword = match.group(1)
        if stripped.startswith("#|"):
            continue
        if keyword == "msgid" and waiting is not None:
            return f"line {waiting}: msgid without msgstr"
        if keyword == "msgid":
            waiting = number
        elif keyword and keyword.startswith("msgstr"):
            waiting = None
    if waiting is not None:
        return f"line {waiting}: msgid without msgstr"
    return None


_PLURAL_FORMS = re.compile(
    r"^\s*nplurals\s*=\s*(?P<n>[^;]*?)\s*;\s*plural\s*=\s*(?P<expr>[^;]*?)\s*;?\s*$"
)


@functools.cache
def _plural_problem(value: str) -> str | None:
    """What ``msgfmt --check`` would say about a ``Plural-Forms`` value, or ``None``."""
    match = _PLURAL_FORMS.match(value)
    if match is None:
        return "must read 'nplurals=N; plural=EXPRESSION;'"
    if not match["n"].isdigit() or int(match["n"]) < 1:
        return f"nplurals must be a whole number of at least 1, not {match['n'][:20]!r}"
    count = int(match["n"])
    try:
        plural = gettext.c2py(match["expr"])
    except (ValueError, RecursionError) as exc:
        return f"plural is not a valid expression ({exc})"
    try:
        largest = max(plural(n) for n in range(1001))  # what msgfmt evaluates
    except ZeroDivisionError:
        return "plural can divide by zero"
    if largest >= count:
        return f"nplurals = {count} but plural can be as large as {largest}"
    return None


def header_problems(po: polib.POFile) -> list[str]:
    """Header problems that make the catalogue unsafe to compile or to read as UTF-8."""
    problems = []
    content_type = po.metadata.get("Content-Type")
    charset = re.search(r"charset=([^\s;]+)", content_type or "")
    if charset is None:
        problems.append(
            f"header Content-Type {content_type or ''!r} names no charset "
            "(workflow reads and writes 'text/plain; charset=UTF-8')"
        )
    elif charset.group(1).upper().replace("_", "-") not in ("UTF-8", "UTF8"):
        problems.append(
            f"header Content-Type charset {charset.group(1)[:20]!r} is not UTF-8 "
            "(workflow reads and writes UTF-8: convert the file with msgconv)"
        )
    plural_forms = po.metadata.get("Plural-Forms", "").strip()
    count = None
    if plural_forms:
        problem = _plural_problem(plural_forms)
        if problem is not None:
            problems.append(f"header Plural-Forms {plural_forms[:60]!r}: {problem}")
        else:
            count = int(_PLURAL_FORMS.match(plural_forms)["n"])  # type: ignore[index]
    for entry in po:
        if entry.msgid_plural and not entry.obsolete:
            if not plural_forms:
                problems.append("plural entries need a Plural-Forms header")
                break
            forms = len(entry.msgstr_plural)
            if count is not None and forms != count and any(entry.msgstr_plural.values()):
                problems.append(f"nplurals = {count} but {entry.msgid[:30]!r} has {forms} forms")
                break
    return problems


_ENTRY_TEXT: dict[tuple[object, ...], str] = {}
_ENTRY_TEXT_LIMIT = 500_000


def _entry_text(entry: polib.POEntry, wrap: int) -> str:
    """polib's text for one entry, remembered by the entry's content.

    Serialising is most of the cost of saving a catalogue; a review save or a
    translate batch changes a few entries of hundreds, so the others' text is
    reused.  The key is every field polib writes, so a changed entry is never
    served stale text.
    """
    key = (
        entry.msgid,
        entry.msgstr,
        entry.msgctxt,
        entry.msgid_plural,
        tuple(sorted(entry.msgstr_plural.items())),
        entry.comment,
        entry.tcomment,
        tuple(tuple(o) for o in entry.occurrences),
        tuple(entry.flags),
        entry.previous_msgctxt,
        entry.previous_msgid,
        entry.previous_msgid_plural,
        entry.obsolete,
        wrap,
    )
    text = _ENTRY_TEXT.get(key)
    if text is None:
        text = entry.__unicode__(wrap)
        if len(_ENTRY_TEXT) >= _ENTRY_TEXT_LIMIT:
            _ENTRY_TEXT.clear()
        _ENTRY_TEXT[key] = text
    return text


def catalog_text(
    po: polib.POFile, entry_text: Callable[[polib.POEntry, int], str] = _entry_text
) -> str:
    """The exact file text polib writes for ``po`` (``str(po)``), built faster.

    ``entry_text`` gives one entry's text; a writer that knows which entries
    it changed (the review app's saver) passes one that remembers the others'.
    """
    head = []
    for line in po.header.split("\n"):
        if not line:
            head.append("#\n")
        elif line[:1] in (",", ":"):
            head.append(f"#{line}\n")
        else:
            head.append(f"# {line}\n")
    parts = [po.metadata_as_entry().__unicode__(po.wrapwidth)]
    parts += [entry_text(e, po.wrapwidth) for e in po if not e.obsolete]
    parts += [entry_text(e, po.wrapwidth) for e in po if e.obsolete]
    return "".join(head) + "\n".join(parts)  # every part ends in a newline
