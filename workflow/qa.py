"""Quality checks on translations: the release gate's eyes.

Each check has a stable name, a severity (``error`` blocks approval,
``warning`` does not) and a one-line message.  A message is a gettext msgid
with named parameters (``"%(token)s is missing"``), marked with :func:`N_`,
so the review app can show it in the translator's language while the command
line prints the English.  Checks look at one segment at a
time: its source text, its translation, the two languages and the glossary.

A check can be silenced for one segment with a reason, written into the
entry as a translator comment, which any PO editor shows and keeps::

    # workflow: silence numbers: "3 p.m." is "15 h" in Spanish (ana 2024-12-04)

What each language writes (quotation marks, decimal symbols) comes from
CLDR, see :mod:`workflow.cldr`.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import polib

from workflow.catalog import PROVENANCE
from workflow.cldr import QUOTE_CHARS, QUOTES, decimal_symbol, english_name
from workflow.glossary import Glossary
from workflow.numbers import DECIMAL, NUMBER, false_billion, rescale
from workflow.segment import PLACEHOLDER_RE, placeholder_tokens

ERROR, WARNING = "error", "warning"


def N_(message: str) -> str:
    """Mark a message for the review app's interface catalogue (translated there)."""
    return message


@dataclass(frozen=True)
class Finding:
    """One problem found in one segment.

    ``template`` is the English msgid, ``params`` its named values; ``message``
    is the two put together.
    """

    check: str
    severity: str
    template: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def message(self) -> str:
        """In English (the desk words it in the interface language: ``web.labels.finding``)."""
        return self.template % self.named(english_name)

    def named(self, name: Callable[[str], str]) -> dict[str, str]:
        """The parameters, a ``language`` one (a tag in the data) given as ``name`` calls it."""
        params = dict(self.params)
        if "language" in params:
            params["language"] = name(params["language"])
        return params

    def __str__(self) -> str:
        return f"{self.severity} {self.check}: {self.message}"


def _finding(check: str, severity: str, template: str, **params: object) -> Finding:
    return Finding(check, severity, template, tuple((k, str(v)) for k, v in params.items()))


@dataclass(frozen=True)
class Segment:
    """What the checks see."""

    source: str
    translation: str
    source_language: str  # primary subtag
    target_language: str
    source_pair: tuple[str, str] = ("", "")  # full tags, for glossary terms


_OPENERS, _CLOSERS = "([{", ")]}"
_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]|[\w.+-]+@[\w-]+\.[\w.-]+\w"
)
_WORD = re.compile(r"\w+", re.UNICODE)
_END = re.compile(r"([.!?…:;。！？]*)[\s\"'«»„“”‚‘’‹›)\]]*$")
_MARKUP = re.compile(r"</?[A-Za-z][^>]*>|\]\(|(?<!\\)[*_`]{1,2}\w|!\[")

Check = Callable[[Segment, Glossary], Iterable[Finding]]
CHECKS: dict[str, tuple[str, Check]] = {}


def check(name: str, severity: str) -> Callable[[Check], Check]:
    """Register a check under a stable name."""

    def register(function: Check) -> Check:
        CHECKS[name] = (severity, function)
        return function

    return register


def _text(value: str) -> str:
    """The words of a segment: placeholders removed.

    Every placeholder starts with ``<``; most segments have none, and the
    placeholder pattern (four look-behinds at every character) was the biggest
    single cost of checking a catalogue, so those skip it."""
    return PLACEHOLDER_RE.sub(" ", value) if "<" in value else value


@check("placeholders", ERROR)
def _placeholders(seg: Segment, glossary: Glossary) -> Iterable[Finding]:
    want, got = (
        Counter(placeholder_tokens(seg.source)),
        Counter(placeholder_tokens(seg.translation)),
    )
    missing = want - got
    for token in dict.fromkeys(placeholder_tokens(seg.source)):  # in the source's order
        if token in missing:
            yield _finding("placeholders", ERROR, N_("%(token)s is missing"), token=token)
    for token in sorted(got - want):
        extra = (
            N_("%(token)s is duplicated") if token in want else N_("%(token)s is not in the source")
        )
        yield _finding("placeholders", ERROR, extra, token=token)
    opened: set[str] = set()
    for token in placeholder_tokens(seg.translation):
        if token.startswith("</") and "<" + token[2:] not in opened:
            yield _finding(
                "placeholders", ERROR, N_("%(token)s comes before its opening tag"), token=token
            )
        elif token.startswith("<g"):
            opened.add(token)


@check("markup", ERROR)
def _markup(seg: Segment, glossary: Glossary) -> Iterable[Finding]:
    typed = _MARKUP.findall(_text(seg.translation))
    if typed and not _MARKUP.findall(_text(seg.source)):
        yield _finding(
            "markup",
            ERROR,
            N_("Markdown or HTML typed into the translation: %(typed)r"),
            typed=typed[0],
        )


def _numbers(text: str) -> Counter[str]:
    return Counter(re.sub(r"\D", "", n) for n in NUMBER.findall(_text(text)))


@check("numbers", ERROR)
def _numbers_check(seg: Segment, glossary: Glossary) -> Iterable[Finding]:
    source, target = _numbers(seg.source), _numbers(seg.translation)
    missing, extra = source - target, target - source
    if missing and extra:
        rescale(missing, extra, _text(seg.source), _text(seg.translation), seg.source_pair)
    false = false_billion(seg.source, seg.translation, (seg.source_language, seg.target_language))
    if false is not None:
        yield _finding(
            "numbers",
            ERROR,
            N_("“%(word)s” is a million million in %(language)s: a billion is “%(right)s”"),
            word=false[0],
            language=seg.target_language,
            right=false[1],
        )
    lost, added = ", ".join(sorted(missing)), ", ".join(sorted(extra))
    if missing and extra:
        template = N_("numbers differ: missing %(missing)s; not in the source %(extra)s")
    elif missing:
        template = N_("numbers differ: missing %(missing)s")
    elif extra:
        template = N_("numbers differ: not in the source %(extra)s")
    else:
        return
    yield _finding("numbers", ERROR, template, missing=lost, extra=added)


@check("decimals", WARNING)
def _decimals(seg: Segment, glossary: Glossary) -> Iterable[Finding]:
    """A decimal kept in the source's notation where the target's differs (10.5 in Spanish)."""
    source_tag, target_tag = seg.source_pair
    ours, theirs = decimal_symbol(source_tag), decimal_symbol(target_tag)
    if not ours or not theirs or ours == theirs:
        return
    written = {m.group(0) for m in DECIMAL.finditer(_text(seg.source)) if m.group(2) == ours}
    for match in DECIMAL.finditer(_text(seg.translation)):
        if match.group(0) in written:
            yield _finding(
                "decimals",
                WARNING,
                N_("%(number)s: %(language)s writes decimals with %(symbol)s (%(fixed)s)"),
                number=match.group(0),
                language=target_tag,
                symbol=f"'{theirs}'",
                fixed=f"{match.group(1)}{theirs}{match.group(3)}",
            )


@check("urls", ERROR)
def _urls(seg: Segment, glossary: Glossary) -> Iterable[Finding]:
    source, target = Counter(_URL.findall(seg.source)), Counter(_URL.findall(seg.translation))
    for url in sorted(source - target):
        yield _finding("urls", ERROR, N_("%(url)s is missing or changed"), url=url)
    for url in sorted(target - source):
        yield _finding("urls", ERROR, N_("%(url)s is not in the source"), url=url)


@check("glossary", ERROR)
def _glossary(seg: Segment, glossary: Glossary) -> Iterable[Finding]:
    for name in glossary.keep:
        if (
            re.search(rf"(?<!\w){re.escape(name)}(?!\w)", seg.source)
            and name not in seg.translation
        ):
            yield _finding("glossary", ERROR, N_("%(name)r must stay as it is"), name=name)


@check("terms", WARNING)
def _terms(seg: Segment, glossary: Glossary) -> Iterable[Finding]:
    for term, forced in glossary.forced_terms(*seg.source_pair).items():
        pattern = rf"(?<!\w){re.escape(term)}(?!\w)"
        if (
            re.search(pattern, seg.source, re.IGNORECASE)
            and forced.lower() not in seg.translation.lower()
        ):
            yield _finding(
                "terms",
                WARNING,
                N_("%(term)r should be translated as %(forced)r"),
                term=term,
                forced=forced,
            )


@check("untranslated", WARNING)
def _untranslated(seg: Segment, glossary: Glossary) -> Iterable[Finding]:
    words = _WORD.findall(_text(seg.source))
    if seg.translation == seg.source and len(words) > 1 and any(w.isalpha() for w in words):
        names = {word for name in glossary.keep for word in _WORD.findall(name)}
        if not all(word in names for word in words):
            yield _finding("untranslated", WARNING, N_("translation is identical to the source"))


@check("whitespace", WARNING)
def _whitespace(seg: Segment, glossary: Glossary) -> Iterable[Finding]:
    t, s = seg.translation, seg.source
    if t[: len(t) - len(t.lstrip())] != s[: len(s) - len(s.lstrip())]:
        yield _finding("whitespace", WARNING, N_("leading whitespace differs from the source"))
    if t[len(t.rstrip()) :] != s[len(s.rstrip()) :]:
        yield _finding("whitespace", WARNING, N_("trailing whitespace differs from the source"))
    if "  " in t.strip() and "  " not in s.strip():
        yield _finding("whitespace", WARNING, N_("double space"))


def _ending(text: str) -> str:
    match = _END.search(_text(text).rstrip())
    ending = match.group(1) if match else ""
    return {"。": ".", "！": "!", "？": "?", "...": "…"}.get(ending, ending)


@check("punctuation", WARNING)
def _punctuation(seg: Segment, glossary: Glossary) -> Iterable[Finding]:
    source, target = _ending(seg.source), _ending(seg.translation)
    if source != target:
        if not target:
            template = N_("ends with nothing, the source with %(source)r")
        elif not source:
            template = N_("ends with %(end)r, the source with nothing")
        else:
            template = N_("ends with %(end)r, the source with %(source)r")
        yield _finding("punctuation", WARNING, template, end=target, source=source)


@check("brackets", WARNING)
def _brackets(seg: Segment, glossary: Glossary) -> Iterable[Finding]:
    text = _text(seg.translation)
    depth: list[str] = []
    for char in text:
        if char in _OPENERS:
            depth.append(char)
        elif char in _CLOSERS and (
            not depth or _OPENERS.index(depth.pop()) != _CLOSERS.index(char)
        ):
            yield _finding("brackets", WARNING, N_("unbalanced %(char)r"), char=char)
            return
    if depth:
        yield _finding("brackets", WARNING, N_("unclosed %(char)r"), char=depth[-1])


_APOSTROPHE = re.compile(r"(?<=\w)[’'](?=\w)")


@check("quotes", WARNING)
def _quotes(seg: Segment, glossary: Glossary) -> Iterable[Finding]:
    text = _APOSTROPHE.sub("", _text(seg.translation))  # l’ajuntament: an apostrophe, not a quote
    used = [c for c in text if c in QUOTE_CHARS and c != "'"]
    marks = QUOTES.get(seg.target_language)
    if marks and used:
        allowed = set(marks)
        wrong = sorted({c for c in used if c not in allowed})
        if wrong:
            primary = f"{marks[0]}…{marks[1]}"
            alternate = f"{marks[2]}…{marks[3]}"
            yield _finding(
                "quotes",
                WARNING,
                N_(
                    "quotation marks %(marks)s are not %(language)s's"
                    " (%(primary)s, inside %(alternate)s)"
                ),
                marks=" ".join(wrong),
                language=seg.target_language,
                primary=primary,
                alternate=alternate,
            )
            return
    straight = text.count('"')
    if straight % 2:
        yield _finding("quotes", WARNING, N_("unbalanced %(marks)s"), marks='"')
    if marks:
        # French nests «…» in «…»: one pair, checked once
        for start, end in dict.fromkeys(((marks[0], marks[1]), (marks[2], marks[3]))):
            if start != end and text.count(start) != text.count(end):
                yield _finding(
                    "quotes", WARNING, N_("unbalanced %(marks)s"), marks=f"{start}…{end}"
                )


@check("doubled", WARNING)
def _doubled(seg: Segment, glossary: Glossary) -> Iterable[Finding]:
    def doubles(text: str) -> set[str]:
        words = _WORD.findall(_text(text).lower())
        return {a for a, b in itertools.pairwise(words) if a == b and not a.isdigit()}

    for word in sorted(doubles(seg.translation) - doubles(seg.source)):
        yield _finding("doubled", WARNING, N_("doubled word %(word)r"), word=word)


@check("length", WARNING)
def _length(seg: Segment, glossary: Glossary) -> Iterable[Finding]:
    source, target = len(_text(seg.source).strip()), len(_text(seg.translation).strip())
    if source >= 20 and not 0.4 <= target / source <= 2.5:
        yield _finding(
            "length",
            WARNING,
            N_("%(target)s characters for %(source)s in the source"),
            target=target,
            source=source,
        )


def silenced(entry: polib.POEntry) -> dict[str, str]:
    """Checks silenced on an entry, with their reasons."""
    out = {}
    for line in (entry.tcomment or "").splitlines():
        if line.startswith(PROVENANCE + "silence "):
            name, _, reason = line[len(PROVENANCE) + len("silence ") :].partition(": ")
            out[name.strip()] = reason.strip()
    return out


def run_checks(
    source: str,
    translation: str,
    source_tag: str,
    target_tag: str,
    glossary: Glossary | None = None,
    skip: Iterable[str] = (),
) -> list[Finding]:
    """Every finding for one segment, errors first."""
    if not translation:
        return []
    seg = Segment(
        source,
        translation,
        source_tag.split("-")[0],
        target_tag.split("-")[0],
        (source_tag, target_tag),
    )
    skipped = set(skip)
    found = [
        finding
        for name, (_severity, function) in CHECKS.items()
        if name not in skipped
        for finding in function(seg, glossary or Glossary())
    ]
    return sorted(found, key=lambda f: (f.severity != ERROR, f.check))


@dataclass(frozen=True)
class EntryReport:
    """The findings of one catalogue entry (silenced ones left out, but counted)."""

    line: str
    msgid: str
    findings: tuple[Finding, ...]
    silenced: tuple[str, ...] = ()

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]


def check_catalog(
    po: polib.POFile, source_tag: str, target_tag: str, glossary: Glossary | None = None
) -> list[EntryReport]:
    """Run every check on every translated entry of a catalogue."""
    reports = []
    for entry in po:
        if entry.obsolete or not entry.msgstr:
            continue
        quiet = silenced(entry)
        findings = run_checks(entry.msgid, entry.msgstr, source_tag, target_tag, glossary)
        kept = tuple(f for f in findings if f.check not in quiet)
        hushed = tuple(sorted({f.check for f in findings if f.check in quiet}))
        if kept or hushed:
            # the source line; the file alone for the site's strings (no line numbers)
            where = entry.occurrences[0] if entry.occurrences else ("?", "")
            line = where[1] or where[0]
            reports.append(EntryReport(line, entry.msgid, kept, hushed))
    return reports
