"""New projects and new articles (``workflow init``, ``workflow new``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from workflow.article import FrontMatter, format_article
from workflow.config import CONFIG_NAME, parse_config
from workflow.errors import ProjectError
from workflow.fsutil import atomic_write_bytes
from workflow.languages import parse_language
from workflow.project import Project

CONFIG_TEMPLATE = """\
# workflow project configuration.  `workflow --help` lists the commands.

[site]
name = "{name}"
base_url = "{base_url}"        # absolute URL the site is published at

[languages]
source = {sources}           # languages articles may be written in (BCP 47)
targets = {targets}     # every article is translated into each of these but its own

[engines]
default = "apertium"          # machine translation engine for any pair not listed
# "de:en" = "deepl"            # source:target = engine
"""

GLOSSARY_TEMPLATE = """\
# The project glossary.  `workflow translate` swaps these for placeholders
# before any engine sees the text, so no engine can translate them.
# An article's own authors and image credit are kept without being listed.
# `workflow glossary suggest SLUG` lists likely names an article has that are
# not here yet.

# Names that stay as they are in every language: people, places, publications.
# Matched exactly as written ("Rose" the name, never "rose" the flower).
keep = [
    # "The Harbour Review",
    # "Joan Puig",
]

# Forced translations of house terms, per language pair (source:target).
# Matched in any case; written as given here, with a capital only where the
# translation starts a sentence.
# [terms."en:es"]
# "town council" = "ayuntamiento"
"""

BODY_TEMPLATE = """\
Write the opening paragraph here. Keep one idea per sentence: each sentence
becomes one segment for translators.

## A subheading

Continue the story.
"""


def _toml_list(tags: list[str]) -> str:
    return "[" + ", ".join(f'"{t}"' for t in tags) + "]"


def init_project(
    folder: Path,
    name: str = "Newsroom",
    base_url: str = "https://news.example.org/",
    sources: tuple[str, ...] = ("en",),
    targets: tuple[str, ...] = ("en", "es", "ca"),
) -> list[Path]:
    """Create ``workflow.toml``, ``glossary.toml``, ``articles/`` and ``locales/`` in ``folder``."""
    config_path = folder / CONFIG_NAME
    if config_path.exists():
        raise ProjectError(f"{config_path}: a project already exists here")
    text = CONFIG_TEMPLATE.format(
        name=name.replace('"', '\\"'),
        base_url=base_url,
        sources=_toml_list([parse_language(t).tag for t in sources]),
        targets=_toml_list([parse_language(t).tag for t in targets]),
    )
    import tomllib

    parse_config(tomllib.loads(text), str(config_path))  # never write a config we'd reject
    created = []
    for sub in ("articles", "locales"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        created.append(folder / sub)
    atomic_write_bytes(config_path, text.encode("utf-8"))
    glossary = folder / "glossary.toml"
    if not glossary.exists():
        atomic_write_bytes(glossary, GLOSSARY_TEMPLATE.encode("utf-8"))
        created.append(glossary)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        atomic_write_bytes(ignore, b"/instance/\n/public/\n/.workflow-cache/\n*.lock\n")
    return [config_path, *created]


def new_article(
    project: Project,
    slug: str,
    language: str,
    title: str | None = None,
    author: str | None = None,
    today: dt.date | None = None,
) -> Path:
    """Start ``articles/<slug>.md`` as a draft with its front matter filled in."""
    path = project.article_path(slug)
    if path.exists():
        raise ProjectError(f"{project.relative(path)}: already exists")
    lang = parse_language(language)
    if lang.tag not in {s.tag for s in project.config.source_languages}:
        raise ProjectError(f"language {lang.tag!r} is not a source language in {CONFIG_NAME}")
    meta = FrontMatter(
        title=title or slug.replace("-", " ").capitalize(),
        published=today or dt.date.today(),
        language=lang,
        status="draft",
        authors=(author,) if author else (),
    )
    atomic_write_bytes(path, format_article(meta, "\n" + BODY_TEMPLATE).encode("utf-8"))
    return path
