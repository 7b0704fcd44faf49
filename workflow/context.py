"""What an engine that reads context is told about an article (the LLM engine).

Beside the segments themselves: the article's title and summary, the forced
glossary terms that occur in them (as rules the model may inflect, where
other engines get the term swapped in behind a placeholder), and the target
language's house style guide, ``styleguides/<lang>.md`` in the project (the
folder is ``[engines.<name>] styleguides``; ``pt-BR`` falls back to ``pt``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from workflow.article import Article
from workflow.engines import ArticleContext
from workflow.languages import Language
from workflow.project import Project

#: What the site's own strings are, for an engine that wants a title.
SITE_TITLE = "A news site's interface"


def term_finder(terms: dict[str, str]) -> Callable[[str], dict[str, str]]:
    """A function giving the forced terms (any case, whole words) that occur in a text."""
    if not terms:
        return lambda text: {}
    by_lower = {term.lower(): term for term in terms}
    words = sorted(terms, key=len, reverse=True)
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE
    )

    def find(text: str) -> dict[str, str]:
        found = (by_lower.get(m.group(0).lower()) for m in pattern.finditer(text))
        return {term: terms[term] for term in found if term is not None}

    return find


def style_guide(project: Project, engine: str, target: Language) -> str:
    """The target language's style guide for ``engine``, or ``""`` when the project has none."""
    settings = project.config.engine_settings.get(engine, {})
    folder = str(settings.get("styleguides", "styleguides"))
    for name in dict.fromkeys((target.tag, target.primary)):
        path = project.inside(folder, f"{name}.md")
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return ""


def article_context(
    article: Article | None, rules: Iterable[dict[str, str]], style: str
) -> ArticleContext:
    """The context of one article (``None``: the site's strings) and its segments' rules."""
    terms: dict[str, str] = {}
    for found in rules:
        terms.update(found)
    if article is None:
        return ArticleContext(title=SITE_TITLE, terms=terms, style=style)
    meta = article.meta
    return ArticleContext(meta.title, meta.summary or "", terms, style)
