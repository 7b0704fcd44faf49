"""The command line: thin commands, one-line errors, --help with examples."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from workflow.cli import cli

from .conftest import check_all_catalogs

COMMANDS = [
    "init",
    "new",
    "extract",
    "render",
    "status",
    "translate",
    "check",
    "silence",
    "approve",
    "reject",
    "log",
    "serve",
    "publish",
    "user",
    "user add",
    "user list",
]


def run(project: Path | None, *args: str) -> tuple[int, str]:
    runner = CliRunner()
    prefix = ["--project", str(project)] if project else []
    result = runner.invoke(cli, [*prefix, *args], catch_exceptions=False)
    return result.exit_code, result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    code, output = run(None, *command.split(), "--help")
    assert code == 0
    assert "Example" in output and f"workflow {command}" in output


def test_init_new_extract_status_render(tmp_path: Path) -> None:
    code, output = run(
        None, "init", str(tmp_path / "site"), "--source", "en,es", "--targets", "en,es,ca"
    )
    assert code == 0, output
    root = tmp_path / "site"
    assert (root / "workflow.toml").is_file() and (root / "articles").is_dir()
    code, output = run(root, "new", "council-vote", "--lang", "en", "--title", "The council votes")
    assert code == 0, output
    article = (root / "articles" / "council-vote.md").read_text()
    assert "title: The council votes" in article and "status: draft" in article
    code, output = run(root, "extract")
    assert code == 0 and "skipped (draft)" in output
    (root / "articles" / "council-vote.md").write_text(
        article.replace("status: draft", "status: ready")
    )
    code, output = run(root, "extract")
    assert code == 0 and "created es/council-vote" in output and "created ca/council-vote" in output
    assert check_all_catalogs(root / "locales") == 2
    code, output = run(root, "status")
    assert code == 0 and "council-vote" in output and "not started" in output
    po_path = root / "locales" / "es" / "LC_MESSAGES" / "council-vote.po"
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = "ES " + entry.msgid
    po.save()
    code, output = run(root, "status", "council-vote")
    assert "reviewed" in output
    code, output = run(root, "render", "council-vote", "--lang", "es")
    assert code == 0 and "title: ES The council votes" in output and "language: es" in output
    out_file = tmp_path / "out.md"
    code, output = run(root, "render", "council-vote", "--lang", "es", "-o", str(out_file))
    assert "ES The council votes" in out_file.read_text()
    assert "council-vote [es]: 5 translated" in output  # "[es]" is text, not a style


def test_status_shows_source_changed(tmp_path: Path, sample: Path) -> None:
    run(sample, "extract")
    path = sample / "articles" / "harbour-rebuilt.md"
    path.write_text(path.read_text().replace("Five years", "Six years"))
    code, output = run(sample, "status", "harbour-rebuilt")
    assert code == 0 and "source changed" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["render", "nope", "--lang", "es"], "Error: articles/nope.md: no such article"),
        (["extract", "../etc"], "Error: invalid slug '../etc'"),
        (["render", "harbour-rebuilt", "--lang", "xx"], "Error: unknown language tag 'xx'"),
        (["extract", "harbour-rebuilt", "--lang", "de"], "Error: language 'de' is not a target"),
        (["new", "x", "--lang", "fr"], "Error: language 'fr' is not a source language"),
    ],
)
def test_bad_input_is_one_error_line(sample: Path, args: list[str], message: str) -> None:
    code, output = run(sample, *args)
    assert code == 1
    assert output.startswith(message), output
    assert "Traceback" not in output


def test_bad_article_stops_extract_with_its_name(sample: Path) -> None:
    (sample / "articles" / "broken.md").write_text("---\ntitle: [\n---\n")
    code, output = run(sample, "extract")
    assert code == 1
    assert "Error: articles/broken.md: line 3: front matter is not valid YAML" in output
    # the other articles were still extracted
    assert (sample / "locales" / "es" / "LC_MESSAGES" / "harbour-rebuilt.po").is_file()


def test_config_errors_are_listed(tmp_path: Path) -> None:
    (tmp_path / "workflow.toml").write_text('[site]\nname = "x"\n[languages]\nsource = ["qq"]\n')
    code, output = run(tmp_path, "status")
    assert code == 1
    assert "site.base_url: is required" in output and "unknown language tag 'qq'" in output


def test_no_project_found(tmp_path: Path) -> None:
    code, output = run(tmp_path, "status")
    assert code == 1 and "no workflow.toml" in output
    code, output = run(tmp_path / "nowhere", "status")
    assert code == 1 and output == f"Error: {tmp_path / 'nowhere'}: no such folder\n"


def test_extract_of_only_a_broken_article_does_not_say_nothing_to_do(sample: Path) -> None:
    (sample / "articles" / "broken.md").write_text("---\ntitle: [\n---\n")
    code, output = run(sample, "extract", "broken")
    assert code == 1 and "nothing to do" not in output, output
    assert "Error: articles/broken.md: line 3" in output


def test_python_dash_m_and_console_script(sample: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "workflow", "--project", str(sample), "status"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and "harbour-rebuilt" in result.stdout
    result = subprocess.run(
        [sys.executable, "-m", "workflow", "--project", str(sample), "render", "x", "--lang", "es"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: articles/x.md: no such article"


def test_site_works_in_every_command_that_takes_an_article(sample: Path) -> None:
    import json

    from workflow.audit import read_log

    run(sample, "extract")
    article_po = sample / "locales" / "es" / "LC_MESSAGES" / "harbour-rebuilt.po"
    before = article_po.read_bytes()
    site_po = sample / "locales" / "es" / "LC_MESSAGES" / "site.po"
    po = polib.pofile(str(site_po))
    po.find("Latest stories").msgstr = ""
    po.save()

    code, output = run(sample, "translate", "site", "--to", "es", "--engine", "pseudo")
    assert code == 0, output
    assert article_po.read_bytes() == before, "no article is touched"
    entry = polib.pofile(str(site_po)).find("Latest stories")
    assert entry.msgstr and "fuzzy" in entry.flags
    (event,) = [e for e in read_log(sample) if e.event == "translate"]
    assert event.slug in ("", "site") and "harbour-rebuilt" not in json.dumps(event.detail)

    code, output = run(sample, "check", "site", "--lang", "es", "--format", "json")
    assert {f["article"] for f in json.loads(output)["findings"]} <= {"site"}
    code, output = run(sample, "render", "site", "--lang", "es", "--include-fuzzy")
    assert code == 0 and "Read the original\tLeer el original\n" in output
    code, output = run(sample, "status", "site", "--format", "json")
    rows = json.loads(output)["rows"]
    assert {r["article"] for r in rows} == {"site"} and {r["language"] for r in rows} == {
        "es",
        "de",
        "ca",
    }
    code, output = run(sample, "approve", "site", "--lang", "es", "--by", "marta")
    assert code == 1 and "fuzzy" in output
    po = polib.pofile(str(site_po))
    po.find("Latest stories").flags = []
    po.save()
    code, output = run(sample, "approve", "site", "--lang", "es", "--by", "marta")
    assert code == 0 and output.startswith("approved site [es]")
    code, output = run(
        sample, "reject", "site", "--lang", "es", "--by", "marta", "--note", "Use «Portada»"
    )
    assert code == 0 and "withdrew" in output
    assert not site_po.with_suffix(".mo").exists()


def test_tables_print_in_full_when_piped_and_as_json_for_scripts(sample: Path) -> None:
    import json

    long_slug = "the-council-votes-on-the-harbour-budget-after-a-long-night-of-debate"
    text = (sample / "articles" / "harbour-rebuilt.md").read_text()
    (sample / "articles" / f"{long_slug}.md").write_text(text)
    run(sample, "extract")
    code, output = run(sample, "status")  # CliRunner: not a terminal
    assert code == 0
    lines = [line for line in output.splitlines() if line.startswith(long_slug)]
    assert [len(line.split()) for line in lines] == [3, 8, 8]  # whole slugs, one row each
    assert "…" not in output
    code, output = run(sample, "status", "--format", "json")
    data = json.loads(output)
    row = next(r for r in data["rows"] if r["article"] == long_slug and r["language"] == "es")
    assert row["stage"] == "not started" and row["todo"] == row["total"] > 0
    assert row["actions"] == [] and data["interface_missing"] == []
    code, output = run(sample, "log", "--format", "json")
    events = json.loads(output)
    assert events[-1]["event"] == "extract" and events[-1]["time"]
    code, output = run(sample, "log")
    assert all("…" not in line for line in output.splitlines())
    code, output = run(sample, "check", "--format", "json")
    assert json.loads(output) == {"findings": [], "errors": 0, "warnings": 0}


def test_init_ships_the_site_interface_and_names_languages_without_it(tmp_path: Path) -> None:
    root = tmp_path / "news"
    code, output = run(None, "init", str(root), "--targets", "en,es,ca,de,fr,pt,it,ja")
    assert code == 0, output
    (root / "articles" / "a.md").write_text(
        "---\ntitle: A title\npublished: 2026-01-02\nlanguage: en\n---\nOne sentence.\n"
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["--project", str(root), "extract"])
    assert result.exit_code == 0
    for tag in ("es", "ca", "de", "fr", "pt", "it"):
        po = polib.pofile(str(root / "locales" / tag / "LC_MESSAGES" / "site.po"))
        assert po.percent_translated() == 100 and not po.fuzzy_entries(), tag
    result = runner.invoke(cli, ["--project", str(root), "status"])
    assert result.exit_code == 0
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("warning")]
    assert "no translation into ja" in warning and "workflow translate site --to ja" in warning
    result = runner.invoke(cli, ["--project", str(root), "publish"])
    assert result.exit_code == 0, result.output
    (warning,) = [line for line in result.stderr.splitlines() if line.startswith("warning")]
    assert "no translation into ja" in warning
