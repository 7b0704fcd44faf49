"""Publish-time checks on the built pages, read back from the HTML itself.

A build fails, naming every problem, when a page has no self canonical or no
self hreflang link, when hreflang links are not reciprocal (page A lists B but
B does not list A), when ``<html lang>`` does not match the language the page
is published under, or when a tag is not a valid language tag.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from workflow.errors import LanguageError
from workflow.languages import parse_language

_TAG = re.compile(r"<(html|link)\b([^>]*)>", re.IGNORECASE)
_ATTR = re.compile(r'([a-zA-Z:-]+)="([^"]*)"')


@dataclass
class Head:
    """What the checks read from a page's head."""

    lang: str = ""
    canonical: str = ""
    alternates: dict[str, str] = field(default_factory=dict)


def read_head(text: str) -> Head:
    """The page's ``<html>`` tag and ``<head>`` links (the body is not read).

    The pages are ours (Jinja2 templates, every attribute double-quoted and
    escaped), so their tags are read with two regular expressions, a tenth of
    the cost of an HTML parser on thousands of pages.
    """
    head = Head()
    end = text.find("</head>")
    for match in _TAG.finditer(text if end < 0 else text[:end]):
        values = {k.lower(): html.unescape(v) for k, v in _ATTR.findall(match.group(2))}
        if match.group(1).lower() == "html":
            head.lang = values.get("lang", "")
        elif values.get("rel") == "canonical":
            head.canonical = values.get("href", "")
        elif values.get("rel") == "alternate" and "hreflang" in values:
            head.alternates[values["hreflang"]] = values.get("href", "")
    return head


def check_site(site: object, files: dict[str, str]) -> list[str]:
    """Every problem with the built pages (empty: the site is fine)."""
    heads = {rel: read_head(text) for rel, text in files.items() if rel.endswith(".html")}
    return check_heads(site.base_url, heads)  # type: ignore[attr-defined]


def check_heads(base: str, pages: dict[str, Head]) -> list[str]:
    """Every problem with the pages whose heads are given by path (``es/x/index.html``).

    A build reads the head of every page it renders once, and keeps the heads of the
    pages it did not need to render again, so the whole site is checked every time."""
    heads = {base + rel.removesuffix("index.html"): head for rel, head in pages.items()}
    problems: list[str] = []
    for url, head in heads.items():
        where = url.removeprefix(base) or "/"
        section = where.split("/")[0]
        if head.canonical != url:
            problems.append(f"{where}: canonical is {head.canonical!r}, not the page itself")
        try:
            lang = parse_language(head.lang).tag
        except LanguageError:
            problems.append(f"{where}: <html lang={head.lang!r}> is not a valid language tag")
            continue
        if section and section != lang:
            problems.append(
                f"{where}: <html lang={lang!r}> but the page is published under {section}/"
            )
        if head.alternates and url not in head.alternates.values():
            problems.append(f"{where}: no hreflang link to itself")
        elif head.alternates.get(lang, url) != url and head.alternates.get("x-default") != url:
            problems.append(f"{where}: hreflang {lang} points to another page than itself")
        if head.alternates and "x-default" not in head.alternates:
            problems.append(f"{where}: no x-default hreflang link")
        for tag, target in head.alternates.items():
            if tag == "x-default":
                continue
            try:
                parse_language(tag)
            except LanguageError:
                problems.append(f"{where}: hreflang {tag!r} is not a valid language tag")
                continue
            other = heads.get(target)
            if other is None:
                problems.append(f"{where}: hreflang {tag} points to {target}, which is not built")
            elif url not in other.alternates.values():
                problems.append(f"{where}: {target} does not link back to it")
    return problems
