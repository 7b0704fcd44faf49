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

The article's own people (its authors, the image credit) are kept too, with
no glossary entry needed: :meth:`Glossary.with_names` adds them; so are web
and e-mail addresses written as text (``diplo.news``).

Case, the way a reader expects it:

* keep names match exactly as written (``Rose`` the name, not ``rose``);
* forced terms match in any case (``Town Council``, ``town council``) and are
  written as the glossary spells them, with a capital only when the term
  opens a sentence of the *translation*;
* an engine that sees a token where a sentence starts capitalises the word
  after it (Apertium: ``<x90/> Probablemente dijo``); when that word was
  lowercase in the source, its first letter is lowered again (not for
  languages that capitalise nouns, like German).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from workflow.article import FrontMatter
from workflow.errors import ConfigError, LanguageError
from workflow.languages import parse_language

#: Glossary tokens are numbered from here, far above any markup placeholder.
FIRST_TOKEN = 90
#: Languages whose nouns take a capital anywhere in a sentence.
NOUNS_CAPITALISED = {"de", "lb"}
_TOKEN = re.compile(r"<x(\d+)/>")
#: What may stand between a sentence start and its first word.
_OPENING = re.compile(r"(?:\s|</?g\d+>|<x\d+/>|[¿¡\"'«“‘(\[—–-])*$")
_SENTENCE_END = re.compile(r"[.!?…][\"'»”’)\]]*$")
#: Web and e-mail addresses written as text ("read diplo.news", "write to desk@…"): an
#: engine reads ``diplo.news`` as two words and translates the second.  A bare domain
#: needs a final label of two letters or more, so "e.g." and "U.S." are words.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_ADDRESS = re.compile(
    r"(?<![\w@/.-])(?:"
    r"(?:https?://|www\.)[^\s<>\"')\]]*[^\s<>\"')\].,;:!?]"  # a URL
    r"|[\w.+-]+@" + _LABEL + r"(?:\." + _LABEL + r")+"  # an e-mail address
    r"|" + _LABEL + r"(?:\." + _LABEL + r")*\.[A-Za-z]{2,24}"  # a bare domain
    r")(?![\w@-]|\.\w)"
)


def _starts_sentence(text: str, position: int) -> bool:
    """Whether ``position`` opens a sentence (only markup and opening marks before it)."""
    before = text[:position]
    match = _OPENING.search(before)
    stripped = before[: match.start()] if match else before
    if stripped.endswith(":") and match and any(q in match.group(0) for q in "\"'«“‘"):
        return True  # a quotation opening after a colon
    return not stripped or bool(_SENTENCE_END.search(stripped))


@dataclass(frozen=True)
class Protected:
    """A text with glossary hits swapped for tokens, and what each token becomes."""

    text: str
    replacements: dict[str, str] = field(default_factory=dict)
    terms: frozenset[str] = frozenset()  # tokens of forced terms (capitalised at a sentence start)
    lower_after: frozenset[str] = frozenset()  # tokens followed by a lowercase word in the source

    def restore(self, translated: str) -> str:
        if not self.replacements:
            return translated

        def lower(match: re.Match[str]) -> str:
            word = match.group(3)
            titled = word[1:].islower() or (len(word) == 1 and word != "I")
            if match.group(1) in self.lower_after and word[:1].isupper() and titled:
                word = word[:1].lower() + word[1:]
            return match.group(1) + match.group(2) + word

        if self.lower_after:
            translated = re.sub(r"(<x\d+/>)(\s+)(\w+)", lower, translated)

        def swap(match: re.Match[str]) -> str:
            token = match.group(0)
            value = self.replacements.get(token)
            if value is None:
                return token
            if token in self.terms and _starts_sentence(translated, match.start()):
                value = value[:1].upper() + value[1:]
            return value

        return _TOKEN.sub(swap, translated)


def article_names(meta: FrontMatter) -> tuple[str, ...]:
    """People named in an article's front matter: its authors and the image credit.

    A credit like ``Photo: Tomás Ferrer / Reuters`` gives ``Tomás Ferrer`` and
    ``Reuters``; an author's family name is kept on its own too (``Doe``
    said…), since articles name people by it.
    """
    names: list[str] = []
    credit = meta.image.credit if meta.image and meta.image.credit else ""
    parts = re.split(r"\s*(?:[/,;|&]|\band\b)\s*", credit.split(":", 1)[-1]) if credit else []
    for name in (*meta.authors, *parts):
        name = name.strip()
        if name and any(ch.isupper() for ch in name) and name not in names:
            names.append(name)
    for author in meta.authors:
        words = author.split()
        family = words[-1] if len(words) > 1 else ""
        if len(family) > 2 and family[0].isupper() and family not in names:
            names.append(family)
    return tuple(names)


@dataclass(frozen=True)
class Glossary:
    """Do-not-translate names and forced terms per language pair."""

    keep: tuple[str, ...] = ()
    terms: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    _patterns: dict[tuple[str, str], re.Pattern[str] | None] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    _derived: dict[tuple[str, ...], Glossary] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def with_names(self, names: Iterable[str]) -> Glossary:
        """This glossary with more names to keep (an article's authors, …)."""
        extra = tuple(n for n in names if n not in self.keep)
        if not extra:
            return self
        if extra not in self._derived:
            self._derived[extra] = Glossary((*self.keep, *extra), self.terms)
        return self._derived[extra]

    def _pattern(self, source: str, target: str) -> re.Pattern[str] | None:
        key = (source, target)
        if key not in self._patterns:
            words = sorted({*self.keep, *self.terms.get(key, {})}, key=len, reverse=True)
            alternatives = "|".join(re.escape(w) for w in words)
            self._patterns[key] = (
                re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) if words else None
            )
        return self._patterns[key]

    def protect(self, text: str, source: str, target: str) -> Protected:
        """Swap every glossary hit in ``text`` for a token."""
        pattern = self._pattern(source, target)
        if pattern is None and not _ADDRESS.search(text):
            return Protected(text)
        forced = {k.lower(): v for k, v in self.terms.get((source, target), {}).items()}
        keep = set(self.keep)
        replacements: dict[str, str] = {}
        terms: set[str] = set()
        lower_after: set[str] = set()
        nouns = parse_language(target).primary in NOUNS_CAPITALISED

        def swap(match: re.Match[str]) -> str:
            found = match.group(0)
            token = f"<x{FIRST_TOKEN + len(replacements)}/>"
            if found in keep:
                replacements[token] = found
            elif found.lower() in forced:
                replacements[token] = forced[found.lower()]
                terms.add(token)
            else:  # a keep-name in the wrong case is an ordinary word
                return found
            after = re.match(r"\s+([^\W\d_])", text[match.end() :])
            if after and after.group(1).islower() and not nouns:
                lower_after.add(token)
            return token

        def address(match: re.Match[str]) -> str:
            keep.add(match.group(0))
            return swap(match)

        protected = pattern.sub(swap, text) if pattern is not None else text
        protected = _ADDRESS.sub(address, protected)
        return Protected(protected, replacements, frozenset(terms), frozenset(lower_after))

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
