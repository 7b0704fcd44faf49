"""Catalogue files: strict reading, atomic writing, statistics."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from workflow.catalog import new_catalog, read_catalog, stats, write_catalog
from workflow.errors import CatalogError
from workflow.languages import parse_language
from workflow.potext import lint_po

from .conftest import msgfmt_check

VALID = """msgid ""
msgstr ""
"Language: es\\n"

#. a comment
#, fuzzy
#| msgid "Old text"
msgctxt "title"
msgid "New \\"text\\""
msgstr ""
"Nuevo texto"

#~ msgid "Gone"
#~ msgstr "Ido"
"""


def test_lint_accepts_valid_po_with_previous_and_obsolete_entries() -> None:
    assert lint_po(VALID) is None


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('msgid "open quote\nmsgstr ""\n', "line 1: not a valid PO line"),
        ('msgid "a"\n\nmsgid "b"\nmsgstr ""\n', "line 1: msgid without msgstr"),
        ('msgid "a"\n', "line 1: msgid without msgstr"),
        ('msgid "a"\nmsgstr "b" trailing\n', "line 2: not a valid PO line"),
        ("garbage\n", "line 1: not a valid PO line"),
    ],
)
def test_lint_rejects_what_polib_would_silently_accept(text: str, problem: str) -> None:
    found = lint_po(text)
    assert found is not None and found.startswith(problem)


def test_duplicate_entries_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    path.write_text('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n')
    with pytest.raises(CatalogError, match="broken PO file"):
        read_catalog(path)


def test_new_catalogue_header_passes_msgfmt_check(tmp_path: Path) -> None:
    for tag in ("es", "ca", "de", "pt-BR", "ar", "ja", "ru"):
        po = new_catalog(parse_language(tag), "News story", "articles/story.md")
        po.append(polib.POEntry(msgid="Hello", msgstr=""))
        path = tmp_path / f"{tag}.po"
        assert write_catalog(po, path)
        msgfmt_check(path)
        assert po.metadata["Language"] == parse_language(tag).gettext_id


def test_write_is_skipped_when_only_the_date_would_change(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    po = new_catalog(parse_language("es"), "p", "s")
    po.append(polib.POEntry(msgid="Hello", msgstr=""))
    assert write_catalog(po, path)
    again = read_catalog(path)
    again.metadata["POT-Creation-Date"] = "2030-01-01 00:00+0000"
    assert not write_catalog(again, path)
    again.append(polib.POEntry(msgid="Bye", msgstr=""))
    assert write_catalog(again, path)
    assert read_catalog(path).metadata["POT-Creation-Date"] != "2030-01-01 00:00+0000"


def test_stats_counts_states_and_ignores_obsolete() -> None:
    po = polib.POFile()
    po.append(polib.POEntry(msgid="a", msgstr="A"))
    po.append(polib.POEntry(msgid="b", msgstr="B", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="c", msgstr=""))
    po.append(polib.POEntry(msgid="d", msgstr="D", obsolete=True))
    counts = stats(po)
    assert (counts.total, counts.translated, counts.fuzzy, counts.untranslated) == (3, 1, 1, 1)
    assert counts.done == pytest.approx(1 / 3)


def test_fast_catalog_text_is_exactly_polibs(tmp_path: Path) -> None:
    from workflow.potext import catalog_text

    po = new_catalog(parse_language("es"), "p", "s")
    po.append(
        polib.POEntry(
            msgid='a\nb "q"',
            msgstr="x",
            comment="c",
            tcomment="t\nu",
            occurrences=[("f.md", "1")],
            flags=["fuzzy"],
            previous_msgid="old",
        )
    )
    po.append(polib.POEntry(msgctxt="title", msgid="T", msgstr="Tí"))
    po.append(polib.POEntry(msgid="gone", msgstr="ido", obsolete=True))
    assert catalog_text(po) == str(po)
    po[0].msgstr = "changed"  # a changed entry is never served stale text
    assert catalog_text(po) == str(po)
