"""The project glossary: names engines must not translate, terms they must.

``glossary.toml`` at the project root::

    # Names and titles that stay as they are in every language.
    keep = ["The Harbour Review", "Joan Puig"]

    # Forced translations, per language pair (source:target).
    [terms."en:es"]
    "town council" = "ayuntamiento"

Before an engine sees a text, every glossary hit is swapped for a placeholder
token (``<x90/>``, ``<x91/>``…) that engines already keep intact; afterwards
the token becomes the kept name or the forced term.  The caller then checks
that every token came back exactly once.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from workflow.errors import ConfigError, LanguageError
from workflow.languages import parse_language

#: Glossary tokens are numbered from here, far above any markup placeholder.
FIRST_TOKEN = 90


@dataclass(frozen=True)
class Protected:
    """A text with glossary hits swapped for tokens, and what each token becomes."""

    text: str
    replacements: dict[str, str] = field(default_factory=dict)

    def restore(self, translated: str) -> str:
        for token, value in self.replacements.items():
            translated = translated.replace(token, value)
        return translated


@dataclass(frozen=True)
class Glossary:
    """Do-not-translate names and forced terms per language pair."""

    keep: tuple[str, ...] = ()
    terms: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def _pattern(self, source: str, target: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
        forced = {k.lower(): v for k, v in self.terms.get((source, target), {}).items()}
        words = sorted({*self.keep, *forced}, key=len, reverse=True)
        if not words:
            return None, forced
        alternatives = "|".join(re.escape(w) for w in words)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE), forced

    def protect(self, text: str, source: str, target: str) -> Protected:
        """Swap every glossary hit in ``text`` for a token."""
        pattern, forced = self._pattern(source, target)
        if pattern is None:
            return Protected(text)
        keep = set(self.keep)
        replacements: dict[str, str] = {}

        def swap(match: re.Match[str]) -> str:
            found = match.group(0)
            if found in keep:
                value = found
            elif found.lower() in forced:
                value = forced[found.lower()]
                if found[:1].isupper() and value[:1].islower():
                    value = value[:1].upper() + value[1:]
            else:  # a keep-name in the wrong case is an ordinary word
                return found
            token = f"<x{FIRST_TOKEN + len(replacements)}/>"
            replacements[token] = value
            return token

        return Protected(pattern.sub(swap, text), replacements)

    def forced_terms(self, source: str, target: str) -> dict[str, str]:
        return dict(self.terms.get((source, target), {}))


def load_glossary(path: Path, display: str = "glossary.toml") -> Glossary:
    """Read the glossary; a missing file is an empty glossary."""
    if not path.exists():
        return Glossary()
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(display, [f"not valid UTF-8 TOML: {exc}"]) from exc
    problems: list[str] = []
    keep = data.get("keep", [])
    if not isinstance(keep, list) or not all(isinstance(k, str) and k.strip() for k in keep):
        problems.append("keep: must be a list of names")
        keep = []
    terms: dict[tuple[str, str], dict[str, str]] = {}
    raw_terms = data.get("terms", {})
    if not isinstance(raw_terms, dict):
        problems.append("terms: must be a table of 'source:target' tables")
        raw_terms = {}
    for pair_key, table in raw_terms.items():
        pair = str(pair_key)
        src, sep, dst = pair.partition(":")
        try:
            if not sep:
                raise LanguageError("pair keys are 'source:target', for example \"en:es\"")
            key = (parse_language(src).tag, parse_language(dst).tag)
        except LanguageError as exc:
            problems.append(f"terms.{pair}: {exc.message}")
            continue
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            problems.append(f"terms.{pair}: must map source terms to target terms")
            continue
        terms[key] = dict(table)
    for name in data:
        if name not in ("keep", "terms"):
            problems.append(f"{name}: unknown key (expected keep, terms)")
    if problems:
        raise ConfigError(display, problems)
    return Glossary(tuple(k.strip() for k in keep), terms)
