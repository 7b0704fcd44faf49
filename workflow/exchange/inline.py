"""Placeholders as inline codes, and back, for TMX and XLIFF.

Our segments carry Markdown's inline markup as ``<gN>…</gN>`` (wraps text)
and ``<xN/>`` (stands alone).  CAT tools protect inline codes, never plain
text that happens to look like a tag, so on the way out each placeholder
becomes the format's own code, and on the way in every code becomes the
placeholder again:

=========  ==========================================  ===================
format     ``<gN>…</gN>``                              ``<xN/>``
=========  ==========================================  ===================
TMX 1.4b   ``<bpt i=N>&lt;gN&gt;</bpt>…<ept i=N>…``    ``<ph x=N>…</ph>``
XLIFF 1.2  ``<g id=N>…</g>``                           ``<x id=N/>``
XLIFF 2    ``<pc id=N>…</pc>``                         ``<ph id=N/>``
=========  ==========================================  ===================

A translation whose pairs cross (``<g1><g2></g1></g2>``) cannot nest: XLIFF
gets isolated codes for it (``<bx/>``/``<ex/>``, ``<sc/>``/``<ec/>``).
"""

from __future__ import annotations

import re

from lxml import etree

from workflow.segment import PLACEHOLDER_RE

Part = str | tuple[str, str]  # text, or ("open" | "close" | "single", number)
_TOKEN = re.compile(r"^<(/?)g(\d+)>$|^<x(\d+)/>$")


def parts(text: str) -> list[Part]:
    """Text and placeholders, in order."""
    found: list[Part] = []
    position = 0
    for match in PLACEHOLDER_RE.finditer(text):
        if match.start() > position:
            found.append(text[position : match.start()])
        if match.group(3):
            found.append(("single", match.group(3)))
        else:
            found.append(("close" if match.group(1) else "open", match.group(2)))
        position = match.end()
    if position < len(text):
        found.append(text[position:])
    return found


def _append_text(parent: etree._Element, text: str) -> None:
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _nests(items: list[Part]) -> set[str]:
    """Numbers of pairs that open and close properly nested (the others become isolated)."""
    stack: list[str] = []
    good: set[str] = set()
    crossed: set[str] = set()
    for item in items:
        if isinstance(item, str) or item[0] == "single":
            continue
        kind, number = item
        if kind == "open":
            stack.append(number)
        elif stack and stack[-1] == number:
            stack.pop()
            if number not in crossed:
                good.add(number)
        else:
            crossed.add(number)
            if number in stack:
                stack.remove(number)
    return good - crossed


def fill(element: etree._Element, text: str, fmt: str) -> etree._Element:
    """Write ``text`` into ``element`` with placeholders as ``fmt``'s inline codes.

    ``fmt`` is ``tmx``, ``xliff1`` or ``xliff2``; ``element`` is the ``seg``,
    ``source`` or ``target`` element (its namespace is used for the codes).
    """
    ns = etree.QName(element).namespace
    tag = (lambda name: f"{{{ns}}}{name}") if ns else (lambda name: name)
    items = parts(text)
    nested = _nests(items) if fmt != "tmx" else set()
    stack = [element]
    for item in items:
        if isinstance(item, str):
            _append_text(stack[-1], item)
            continue
        kind, number = item
        parent = stack[-1]
        if fmt == "tmx":
            name, attrs = {
                "open": ("bpt", {"i": number, "x": number}),
                "close": ("ept", {"i": number}),
                "single": ("ph", {"x": number}),
            }[kind]
            code = etree.SubElement(parent, tag(name), attrs)
            code.text = (
                f"<g{number}>"
                if kind == "open"
                else (f"</g{number}>" if kind == "close" else f"<x{number}/>")
            )
        elif kind == "single":
            etree.SubElement(parent, tag("x" if fmt == "xliff1" else "ph"), {"id": number})
        elif number in nested and kind == "open":
            stack.append(
                etree.SubElement(parent, tag("g" if fmt == "xliff1" else "pc"), {"id": number})
            )
        elif number in nested:
            stack.pop()
        elif fmt == "xliff1":
            name = "bx" if kind == "open" else "ex"
            etree.SubElement(parent, tag(name), {"id": f"{kind}{number}", "rid": number})
        elif kind == "open":
            etree.SubElement(parent, tag("sc"), {"id": f"s{number}"})
        else:
            etree.SubElement(parent, tag("ec"), {"startRef": f"s{number}"})
    return element


def _number(value: str | None) -> str:
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    return digits or "0"


def text_of(element: etree._Element) -> str:
    """The text of a ``seg``/``source``/``target`` with every inline code as a placeholder."""
    out: list[str] = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):  # a comment or processing instruction
            out.append(child.tail or "")
            continue
        name = etree.QName(child).localname
        own = "".join(child.itertext())
        if name in ("g", "pc"):
            number = _number(child.get("id"))
            out.append(f"<g{number}>{text_of(child)}</g{number}>")
        elif name in ("bpt", "ept", "ph", "it") and _TOKEN.match(own.strip()):
            out.append(own.strip())  # the code carries our own placeholder
        elif name == "bpt":
            out.append(f"<g{_number(child.get('i'))}>")
        elif name == "ept":
            out.append(f"</g{_number(child.get('i'))}>")
        elif name in ("x", "ph"):
            out.append(f"<x{_number(child.get('id') or child.get('x'))}/>")
        elif name in ("bx", "sc"):
            out.append(f"<g{_number(child.get('rid') or child.get('id'))}>")
        elif name in ("ex", "ec"):
            out.append(f"</g{_number(child.get('rid') or child.get('startRef'))}>")
        else:  # mrk, hi, sub …: markers around text a CAT tool added; keep the text
            out.append(text_of(child))
        out.append(child.tail or "")
    return "".join(out)


#: Elements whose content is text with inline codes: never indented inside.
TEXT_ELEMENTS = {"seg", "source", "target", "note", "prop"}


def indent(element: etree._Element, level: int = 0) -> None:
    """Indent the structure for people who open the file, never inside a text element.

    (lxml's ``pretty_print`` would indent a ``<source>`` that starts with an
    inline code, adding whitespace to the text a CAT tool sees.)
    """
    children = list(element)
    if not children or etree.QName(element).localname in TEXT_ELEMENTS:
        return
    inner = "\n" + "  " * (level + 1)
    if not (element.text or "").strip():
        element.text = inner
    for child in children:
        indent(child, level + 1)
        if not (child.tail or "").strip():
            child.tail = inner
    children[-1].tail = "\n" + "  " * level
