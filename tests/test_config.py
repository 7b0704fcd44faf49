"""workflow.toml: checked in one pass, every problem named."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflow.config import load_config, parse_config
from workflow.errors import ConfigError

from .conftest import ROOT

GOOD = {
    "site": {"name": "News", "base_url": "https://news.example.org"},
    "languages": {"source": ["en"], "targets": ["en", "es"]},
}


def test_sample_config_is_valid() -> None:
    config = load_config(ROOT / "workflow.toml")
    assert [lang.tag for lang in config.target_languages] == ["en", "es", "ca"]
    assert config.engine_for("en", "es") == "apertium"
    assert config.engine_for("de", "en") == "deepl"


def test_defaults_and_normalisation() -> None:
    config = parse_config(GOOD)
    assert config.base_url == "https://news.example.org/"
    assert config.default_engine == "apertium"
    assert [t.tag for t in config.targets_for(config.source_languages[0])] == ["es"]


def test_every_problem_is_reported_at_once() -> None:
    data = {
        "site": {"name": "", "base_url": "ftp://x", "colour": "red"},
        "languages": {"source": ["en", "xx"], "targets": ["es", "es"]},
        "engines": {"default": "babelfish", "en:zz": "apertium", "enes": "apertium"},
        "extra": {},
    }
    with pytest.raises(ConfigError) as info:
        parse_config(data, "workflow.toml")
    problems = info.value.problems
    expected = [
        "site.name",
        "site.base_url",
        "site.colour",
        "languages.source[1]",
        "languages.targets[1]",
        "engines.default",
        "engines.en:zz",
        "engines.enes",
        "extra",
    ]
    for key in expected:
        assert any(p.startswith(key + ":") for p in problems), (key, problems)
    assert len(problems) == len(expected)
    assert info.value.message.startswith(f"workflow.toml: {len(expected)} problems:")


def test_unknown_language_tag_is_named() -> None:
    data = {**GOOD, "languages": {"source": ["en"], "targets": ["klingon"]}}
    with pytest.raises(
        ConfigError, match=r"languages.targets\[0\]: unknown language tag 'klingon'"
    ):
        parse_config(data)


def test_missing_sections() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config({})
    assert {p.split(":")[0] for p in info.value.problems} >= {
        "site",
        "site.name",
        "languages.source",
        "languages.targets",
    }


def test_bad_toml_and_encoding(tmp_path: Path) -> None:
    path = tmp_path / "workflow.toml"
    path.write_text("[site\nname = 1\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)
    path.write_bytes(b'[site]\nname = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "missing.toml")
