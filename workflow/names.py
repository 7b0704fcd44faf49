"""Likely names an article has and the glossary lacks (``workflow glossary suggest``).

An engine that does not know a name translates it: Apertium makes "Trump"
"Triunfo" and "Chung Eui-sung" "Chung Eui-cantado".  Two signs point at a
name worth adding to ``keep`` in ``glossary.toml``:

* a run of two or more capitalised words (``Chung Eui-sung``, ``Banco de
  España``), anywhere but as an ordinary word opening a sentence;
* a word or name the machine drafts in the article's catalogues changed:
  present in the source sentence, missing from the engine's translation.

Names the glossary keeps, and the article's own people (kept anyway), are
left out.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from babel import Locale, UnknownLocaleError

from workflow.article import Article
from workflow.catalog import provenance, read_catalog
from workflow.extract import segment_article
from workflow.glossary import NOUNS_CAPITALISED, article_names, load_glossary
from workflow.project import Project
from workflow.segment import PLACEHOLDER_RE

_WORD = re.compile(r"\b[a-z0-9-]+(?:\.[a-z]{2,})+\b|[^\W\d_][\w'’-]*")
#: Lowercase words that may join the parts of a name.
_JOINERS = {
    "de",
    "del",
    "la",
    "las",
    "los",
    "van",
    "von",
    "der",
    "den",
    "da",
    "di",
    "du",
    "al",
    "bin",
    "ibn",
    "of",
}


def _words(text: str) -> list[str]:
    return text.split()


#: Titles before a name ("Senator Marco Rubio"): the name is the rest.  A title alone
#: ("Secretary of State") is the engine's to translate.
_TITLES = {
    *_words("president vice prime minister secretary senator governor mayor chancellor"),
    *_words("general king queen pope chairman chairwoman ceo dr mr mrs ms prof sir lady lord"),
    *_words("state representative judge justice ambassador commissioner"),
    *_words("presidente presidenta ministro ministra alcalde alcaldesa senador senadora rey"),
    *_words("président ministre maire sénateur präsident kanzler kanzlerin bürgermeister"),
}
#: Words that open sentences in English and are no part of a name ("When President …").
_OPENERS = {
    *_words("when why what how where while after before but and or the a an in on at for if"),
    *_words("as since although though this that these those our their his her its we they he"),
    *_words("she it there then so yet still today yesterday tomorrow last next every"),
}


@dataclass
class Suggestion:
    """A likely name and why."""

    name: str
    count: int = 0
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # (language, engine, draft)


def _capital(word: str) -> bool:
    return word[:1].isupper()


def _runs(sentence: str, lowercase: set[str]) -> tuple[list[str], list[str]]:
    """(multi-word capitalised runs, single capitalised words) of one sentence."""
    words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(sentence)]
    runs: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    for word in words:
        joined = current and sentence[current[-1][2] : word[1]] == " "
        if _capital(word[0]) and (joined or not current):
            current.append(word)
        elif _capital(word[0]):
            runs.append(current)
            current = [word]
        elif joined and word[0] in _JOINERS:
            current.append(word)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    multi, single = [], []
    for run in runs:
        while run and not _capital(run[-1][0]):
            run.pop()  # a run never ends with a joiner
        opener = run and run[0][1] == words[0][1]
        if opener and (run[0][0].lower() in lowercase or run[0][0].lower() in _OPENERS):
            run = run[1:]  # "The", "When": an ordinary word opening the sentence
        while run and (not _capital(run[0][0]) or run[0][0].lower().rstrip(".") in _TITLES):
            run.pop(0)  # "Senator Marco Rubio": the name after the title
        while run and not _capital(run[-1][0]):
            run.pop()
        if len(run) >= 2:
            multi.append(sentence[run[0][1] : run[-1][2]])
        elif run and run[0][1] != words[0][1]:
            single.append(run[0][0])
    domains = [w for w, _, _ in words if "." in w]
    return multi, single + domains


def suggest(project: Project, slug: str) -> list[Suggestion]:
    """Likely names in article ``slug`` that neither the glossary nor its front matter keeps."""
    article: Article = project.article(slug)
    glossary = load_glossary(project.inside(project.config.glossary_path))
    kept = [*glossary.keep, *article_names(article.meta)]
    front, document = segment_article(article)
    sentences = [PLACEHOLDER_RE.sub(" ", s.msgid) for s in (*front, *document.segments())]
    lowercase = {w for s in sentences for w in _WORD.findall(s) if not _capital(w)}
    multi: Counter[str] = Counter()
    single: Counter[str] = Counter()
    for sentence in sentences:
        runs, words = _runs(sentence, lowercase)
        multi.update(runs)
        single.update(words)
    # Where every noun takes a capital (German), a capitalised run is no sign of a
    # name: only what the engine changed counts.
    nouns = article.meta.language.primary in NOUNS_CAPITALISED
    found = {} if nouns else {name: Suggestion(name, count) for name, count in multi.items()}
    drafts = _machine_drafts(project, article)
    common = _common_words(article.meta.language.primary)
    for name in [*multi, *(w for w in single if w not in common)]:
        for language, engine, msgid, msgstr in drafts:
            if name in msgid and name not in msgstr:
                suggestion = found.setdefault(name, Suggestion(name, single[name]))
                if all(language != seen for seen, _, _ in suggestion.changed):
                    suggestion.changed.append((language, engine, msgstr))
    return sorted(
        (s for s in found.values() if not any(s.name in k for k in kept)),
        key=lambda s: (-len(s.changed), -s.count, s.name),
    )


def _common_words(language: str) -> set[str]:
    """Capitalised words an engine rightly translates: month, day and language names."""
    try:
        locale = Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        return set()
    words: set[str] = set()
    for table in (locale.months, locale.days):
        for width in table.get("format", {}).values():
            words.update(str(w) for w in width.values())
    words.update(str(w) for w in locale.languages.values())
    words.update(str(w) for w in locale.territories.values())
    return {w for w in words if " " not in w}


def _machine_drafts(project: Project, article: Article) -> list[tuple[str, str, str, str]]:
    """(language, engine, msgid, msgstr) of every unreviewed machine draft of the article."""
    drafts = []
    for language in project.targets(article):
        path = project.catalog_path(article.slug, language)
        if not path.exists():
            continue
        for entry in read_catalog(path, project.relative(path)):
            if entry.obsolete or not entry.msgstr or "fuzzy" not in entry.flags:
                continue
            engines = [n.split()[1] for n in provenance(entry) if n.startswith("machine ")]
            if engines:
                text = PLACEHOLDER_RE.sub(" ", entry.msgid)
                drafts.append((language.tag, engines[0], text, entry.msgstr))
    return drafts
