"""Article files: front matter validation and one-line errors naming the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from workflow.article import format_article, read_article
from workflow.errors import ArticleError

GOOD = """---
title: A title
published: 2024-08-19
language: en
---
Body text.
"""


def write(tmp_path: Path, text: str | bytes, name: str = "story.md") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def error(tmp_path: Path, text: str | bytes, name: str = "story.md") -> str:
    with pytest.raises(ArticleError) as info:
        read_article(write(tmp_path, text, name), f"articles/{name}")
    message = info.value.message
    assert "\n" not in message, "an article error is one line"
    assert message.startswith(f"articles/{name}: ")
    return message


def test_good_article(tmp_path: Path) -> None:
    article = read_article(write(tmp_path, GOOD))
    assert article.meta.title == "A title"
    assert article.meta.published == dt.date(2024, 8, 19)
    assert article.meta.language.tag == "en"
    assert article.meta.status == "ready"
    assert article.body == "Body text.\n"
    assert article.body_line == 6


def test_full_front_matter(tmp_path: Path) -> None:
    text = GOOD.replace(
        "language: en\n",
        "language: pt-br\nauthor: [Ana, Bo]\nupdated: '2024-09-01'\ntranslated_from: de\n"
        "status: draft\nimage: {src: a.jpg, alt: Alt, caption: Cap, credit: Cred}\n",
    )
    meta = read_article(write(tmp_path, text)).meta
    assert meta.language.tag == "pt-BR" and meta.language.gettext_id == "pt_BR"
    assert meta.authors == ("Ana", "Bo")
    assert meta.updated == dt.date(2024, 9, 1)
    assert meta.translated_from is not None and meta.translated_from.tag == "de"
    assert meta.image is not None and meta.image.alt == "Alt"
    assert [name for name, _ in meta.translatable()] == ["title", "image.alt", "image.caption"]


def test_missing_opening_fence(tmp_path: Path) -> None:
    assert "must start with a '---'" in error(tmp_path, "title: x\n")


def test_unclosed_front_matter(tmp_path: Path) -> None:
    assert "not closed" in error(tmp_path, "---\ntitle: x\n")


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    message = error(tmp_path, "---\ntitle: x\npublished: [2024\nlanguage: en\n---\nBody\n")
    assert "not valid YAML" in message
    assert "line " in message


def test_front_matter_must_be_a_mapping(tmp_path: Path) -> None:
    assert "mapping" in error(tmp_path, "---\n- a\n- b\n---\nBody\n")


@pytest.mark.parametrize("field", ["title", "published", "language"])
def test_missing_required_field(tmp_path: Path, field: str) -> None:
    text = "\n".join(line for line in GOOD.splitlines() if not line.startswith(field)) + "\n"
    assert f"missing required field '{field}'" in error(tmp_path, text)


def test_bad_date(tmp_path: Path) -> None:
    assert "ISO date" in error(tmp_path, GOOD.replace("2024-08-19", "19/08/2024"))


@pytest.mark.parametrize("tag", ["xx", "en-XX", "english", "123"])
def test_unknown_language_tag(tmp_path: Path, tag: str) -> None:
    assert "unknown language tag" in error(
        tmp_path, GOOD.replace("language: en", f"language: {tag}")
    )


def test_unknown_field_is_named(tmp_path: Path) -> None:
    assert "unknown field 'titel'" in error(tmp_path, GOOD.replace("title:", "titel: x\ntitle:"))


def test_bad_status(tmp_path: Path) -> None:
    assert "status must be one of" in error(
        tmp_path, GOOD.replace("language: en", "language: en\nstatus: done")
    )


def test_every_problem_is_listed(tmp_path: Path) -> None:
    message = error(tmp_path, "---\ntitle: x\nlanguage: zz\nstatus: nope\n---\n")
    assert "published" in message and "'zz'" in message and "status" in message


def test_non_utf8_file(tmp_path: Path) -> None:
    message = error(tmp_path, GOOD.encode("utf-8") + "Caf\xe9\n".encode("latin-1"))
    assert "not UTF-8" in message and "line 7" in message


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    assert read_article(write(tmp_path, b"\xef\xbb\xbf" + GOOD.encode())).meta.title == "A title"


def test_file_name_must_be_a_slug(tmp_path: Path) -> None:
    assert "slug" in error(tmp_path, GOOD, name="Bad Name.md")


def test_format_article_round_trips_front_matter(tmp_path: Path) -> None:
    meta = read_article(
        write(tmp_path, GOOD.replace("language: en", "language: en\nauthor: Ana"))
    ).meta
    again = read_article(write(tmp_path, format_article(meta, "Body text.\n"), "again.md")).meta
    assert again == meta
