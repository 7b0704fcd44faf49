"""Names: the article's people kept with no glossary; ``workflow glossary suggest``."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from workflow.cli.main import cli
from workflow.extract import extract
from workflow.languages import parse_language
from workflow.names import suggest
from workflow.project import Project
from workflow.scaffold import init_project
from workflow.translate import Translation

ARTICLE = """---
title: Talks in Seoul
author: Chung Eui-sung
published: 2024-08-19
language: en
image: {src: a.jpg, credit: Lee Min-ho}
---
Chung Eui-sung wrote that Trump probably met Kim Jong-un in Seoul. The talks
went well, according to diplo.news and the Banco de España.
"""


@pytest.fixture
def talks(project: Project) -> Project:
    (project.root / "glossary.toml").unlink(missing_ok=True)
    (project.articles_dir / "talks.md").write_text(ARTICLE, encoding="utf-8")
    extract(project, ["talks"])
    return project


def _drafts(project: Project, language: str) -> dict[str, str]:
    po = polib.pofile(str(project.catalog_path("talks", parse_language(language))))
    return {e.msgid: e.msgstr for e in po}


@pytest.mark.skipif(not Path("/usr/bin/apertium").exists(), reason="apertium not installed")
def test_author_and_credit_are_kept_with_no_glossary(talks: Project) -> None:
    translation = Translation(talks, ["talks"], languages=["es"], engine="apertium")
    translation.plan()
    translation.run()
    drafts = _drafts(talks, "es")
    first = drafts["Chung Eui-sung wrote that Trump probably met Kim Jong-un in Seoul."]
    assert first.startswith("Chung Eui-sung ")  # Apertium alone: "Chung Eui-cantado"
    # an address written as text is kept too (Apertium alone: "diplo.Noticioso")
    (source,) = [msgid for msgid in drafts if "diplo.news" in msgid]
    assert "diplo.news" in drafts[source] and "Noticioso" not in drafts[source]


def test_pseudo_engine_never_sees_the_authors_name(talks: Project) -> None:
    translation = Translation(talks, ["talks"], languages=["es"], engine="pseudo")
    translation.plan()
    translation.run()
    drafts = _drafts(talks, "es")
    first = drafts["Chung Eui-sung wrote that Trump probably met Kim Jong-un in Seoul."]
    assert first.startswith("⟦Chung Eui-sung ")
    assert "Ŧŕûɱþ" in first  # not the author: the engine changed it


def test_suggest_lists_name_runs_and_names_the_engine_changed(talks: Project) -> None:
    translation = Translation(talks, ["talks"], languages=["es"], engine="pseudo")
    translation.plan()
    translation.run()
    found = {s.name: s for s in suggest(talks, "talks")}
    assert "Kim Jong-un" in found and "Banco de España" in found
    assert "Trump" in found and found["Trump"].changed[0][:2] == ("es", "pseudo")
    assert "diplo.news" not in found  # an address: kept from every engine anyway
    assert "Chung Eui-sung" not in found  # the author: kept anyway
    assert "Lee Min-ho" not in found  # the image credit
    assert "The" not in found and "The talks" not in found
    runner = CliRunner()
    result = runner.invoke(cli, ["--project", str(talks.root), "glossary", "suggest", "talks"])
    assert result.exit_code == 0, result.output
    assert "Kim Jong-un" in result.output and "changed by pseudo (es)" in result.output
    assert '"Banco de España"' in result.output


def test_suggest_leaves_out_what_the_glossary_keeps(talks: Project) -> None:
    (talks.root / "glossary.toml").write_text('keep = ["Kim Jong-un", "Trump"]\n')
    found = {s.name for s in suggest(talks, "talks")}
    assert "Kim Jong-un" not in found and "Trump" not in found
    assert "Banco de España" in found


def test_suggest_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["glossary", "suggest", "--help"])
    assert result.exit_code == 0 and "workflow glossary suggest harbour-rebuilt" in result.output


def test_init_writes_a_commented_glossary_that_loads(tmp_path: Path) -> None:
    from workflow.glossary import load_glossary

    created = init_project(tmp_path / "news")
    path = tmp_path / "news" / "glossary.toml"
    assert path in created
    text = path.read_text()
    assert "workflow glossary suggest" in text and text.count("#") > 5
    assert load_glossary(path).keep == ()


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        (
            "When President Lee Jae-myung met Donald Trump, they talked.",
            ["Lee Jae-myung", "Donald Trump"],
        ),
        ("Lee Jae-myung and Donald Trump both claim victory.", ["Lee Jae-myung", "Donald Trump"]),
        ("Senator Marco Rubio spoke to Mayor Karen Bass.", ["Marco Rubio", "Karen Bass"]),
        ("The Secretary of State came.", []),  # a title: the engine's to translate
        ("The Banco de España said so.", ["Banco de España"]),
    ],
)
def test_suggested_names_leave_out_titles_conjunctions_and_sentence_openers(
    sentence: str, names: list[str]
) -> None:
    from workflow.names import _runs

    assert _runs(sentence, set())[0] == names
