"""The project configuration, ``workflow.toml``, declared and checked in one pass.

Every problem in the file is collected — unknown keys, wrong types, unknown
language tags, unknown engines — and reported together in one
:class:`ConfigError`, so a user fixes the file once instead of once per error
(the MkDocs ``config/base.py`` approach, with a frozen dataclass as the result).

Example::

    [site]
    name = "The Harbour Review"
    base_url = "https://news.example.org/"

    [languages]
    source = ["en", "es", "de"]     # languages articles may be written in
    targets = ["en", "es", "ca"]    # languages every article is translated into

    [engines]
    default = "apertium"            # engine for any pair not listed below
    "de:en" = "pseudo"              # source:target = engine

    [review]
    idle_minutes = 120              # a review-app session ends after this long unused

    [limits]
    article_kb = 256                # larger article files are refused, not cut
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from workflow.errors import ConfigError, LanguageError
from workflow.languages import Language, parse_language
from workflow.team.settings import TeamSettings, parse_team

CONFIG_NAME = "workflow.toml"

#: Engine names the registry knows; the engines stage adds the implementations.
KNOWN_ENGINES = (
    "apertium",
    "pseudo",
    "google",
    "deepl",
    "microsoft",
    "mymemory",
    "libre",
    "llm",
    "chatgpt",
)

_SECTIONS: dict[str, set[str]] = {
    "site": {"name", "base_url"},
    "languages": {"source", "targets"},
    "engines": set(),  # "default", "src:dst" pair keys and one table per engine
    "glossary": {"path"},
    "translate": {"timeout", "retries", "backoff", "backoff_cap", "batch_size"},
    "git": {"commit_after", "push"},
    "project": set(),  # time zone and deadlines: checked by workflow.team.settings
    "notify": set(),  # webhooks and e-mail: checked by workflow.team.settings
    "approval": {"warnings"},
    "review": {"idle_minutes"},
    "limits": {"article_kb"},
}
#: ``[approval] warnings``: "allow" (warnings never block) or "block" (a warning blocks
#: approval until it is silenced with a reason, like an error).
WARNING_POLICIES = ("allow", "block")

#: Settings each engine accepts in its ``[engines.<name>]`` table.
_COMMON_ENGINE_KEYS = {"url", "api_key_env", "timeout", "concurrency", "batch_size"}
_LLM_KEYS = {"model", "temperature", "structured", "styleguides"}
ENGINE_KEYS: dict[str, set[str]] = {
    "apertium": {"binary", "timeout", "concurrency", "batch_size"},
    "pseudo": set(),
    "google": _COMMON_ENGINE_KEYS,
    "deepl": _COMMON_ENGINE_KEYS | {"free"},
    "microsoft": _COMMON_ENGINE_KEYS | {"region"},
    "mymemory": _COMMON_ENGINE_KEYS | {"email"},
    "libre": _COMMON_ENGINE_KEYS,
    "llm": _COMMON_ENGINE_KEYS | _LLM_KEYS,
    "chatgpt": _COMMON_ENGINE_KEYS | _LLM_KEYS,
}


@dataclass(frozen=True)
class TranslateSettings:
    """How hard to try an engine: per-request timeout, retries and backoff (seconds)."""

    timeout: float = 20.0
    retries: int = 4
    backoff: float = 0.5
    backoff_cap: float = 8.0
    batch_size: int = 0  # segments per engine call; 0 = the engine's own choice


@dataclass(frozen=True)
class GitSettings:
    """The review app's own commits (``[git]``): after a quiet period, and on approval."""

    commit_after: float = 0.0  # seconds without a save before the app commits; 0 = never
    push: bool = True  # push after those commits (when there is a remote)


@dataclass(frozen=True)
class ReviewSettings:
    """The review app: how long an unused session stays open."""

    idle_minutes: int = 120


@dataclass(frozen=True)
class Limits:
    """Sizes past which input is refused with a clear error instead of taking minutes.

    256 KB is four times the longest long read a newsroom publishes (10,000
    words); extract stays linear and takes seconds at the limit
    (``bench/limits_bench.py``).
    """

    article_kb: int = 256

    @property
    def article_bytes(self) -> int:
        return self.article_kb * 1024


@dataclass(frozen=True)
class Config:
    """A validated project configuration."""

    site_name: str
    base_url: str
    source_languages: tuple[Language, ...]
    target_languages: tuple[Language, ...]
    default_engine: str = "apertium"
    engines: dict[tuple[str, str], str] = field(default_factory=dict)
    glossary_path: str = "glossary.toml"
    engine_settings: dict[str, dict[str, Any]] = field(default_factory=dict)
    translate: TranslateSettings = field(default_factory=TranslateSettings)
    git: GitSettings = field(default_factory=GitSettings)
    team: TeamSettings = field(default_factory=TeamSettings)
    warnings_block: bool = False
    review: ReviewSettings = field(default_factory=ReviewSettings)
    limits: Limits = field(default_factory=Limits)

    def targets_for(self, source: Language) -> tuple[Language, ...]:
        """Target languages for an article written in ``source`` (all but itself)."""
        return tuple(t for t in self.target_languages if t.tag != source.tag)

    def engine_for(self, source: str, target: str) -> str:
        """The configured engine for a language pair, else the default."""
        return self.engines.get((source, target), self.default_engine)

    @property
    def languages(self) -> tuple[Language, ...]:
        """Every language of the site, sources first, without repeats."""
        seen: dict[str, Language] = {}
        for lang in (*self.source_languages, *self.target_languages):
            seen.setdefault(lang.tag, lang)
        return tuple(seen.values())


class _Checker:
    """Collects problems while reading raw TOML data."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{key}: {message}")

    def string(self, data: dict[str, Any], section: str, key: str, required: bool) -> str | None:
        name = f"{section}.{key}"
        if key not in data:
            if required:
                self.problem(name, "is required")
            return None
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            self.problem(name, f"must be a non-empty string, not {value!r}")
            return None
        return value.strip()

    def whole(
        self, data: dict[str, Any], section: str, key: str, low: int, high: int
    ) -> int | None:
        """An optional whole number in ``low..high``."""
        if key not in data:
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(f"{section}.{key}", f"must be a whole number {low}..{high}, not {value!r}")
            return None
        return value

    def language(self, name: str, value: object) -> Language | None:
        try:
            return parse_language(value)
        except LanguageError as exc:
            self.problem(name, exc.message)
            return None

    def language_list(self, data: dict[str, Any], key: str) -> tuple[Language, ...]:
        name = f"languages.{key}"
        value = data.get(key)
        if value is None:
            self.problem(name, "is required (a list of BCP 47 language tags)")
            return ()
        if not isinstance(value, list) or not value:
            self.problem(name, f"must be a non-empty list of language tags, not {value!r}")
            return ()
        found: list[Language] = []
        for index, item in enumerate(value):
            lang = self.language(f"{name}[{index}]", item)
            if lang is None:
                continue
            if any(existing.tag == lang.tag for existing in found):
                self.problem(f"{name}[{index}]", f"{lang.tag!r} is listed twice")
                continue
            found.append(lang)
        return tuple(found)


def parse_config(data: dict[str, Any], path: str = CONFIG_NAME) -> Config:
    """Check raw config data in one pass; raise one error listing every problem."""
    check = _Checker()
    for section, value in data.items():
        if section not in _SECTIONS:
            check.problem(section, f"unknown section (expected one of {', '.join(_SECTIONS)})")
        elif not isinstance(value, dict):
            check.problem(section, "must be a table")
    tables: dict[str, dict[str, Any]] = {}
    for section in _SECTIONS:
        value = data.get(section)
        tables[section] = value if isinstance(value, dict) else {}
    for section, allowed in _SECTIONS.items():
        if allowed:
            for key in tables[section]:
                if key not in allowed:
                    check.problem(f"{section}.{key}", "unknown key")

    site = tables["site"]
    if "site" not in data:
        check.problem("site", "section is required")
    name = check.string(site, "site", "name", required=True)
    base_url = check.string(site, "site", "base_url", required=True)
    if base_url is not None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            check.problem("site.base_url", f"must be an absolute http(s) URL, not {base_url!r}")
            base_url = None
        elif not base_url.endswith("/"):
            base_url += "/"

    langs = tables["languages"]
    sources = check.language_list(langs, "source")
    targets = check.language_list(langs, "targets")
    known = {lang.tag for lang in (*sources, *targets)}

    engines_table = tables["engines"]
    default_engine = "apertium"
    pairs: dict[tuple[str, str], str] = {}
    engine_settings: dict[str, dict[str, Any]] = {}
    for key, value in engines_table.items():
        name_key = f"engines.{key}"
        if isinstance(value, dict):
            if key not in ENGINE_KEYS:
                check.problem(name_key, f"unknown engine (known: {', '.join(KNOWN_ENGINES)})")
                continue
            for option, setting in value.items():
                if option not in ENGINE_KEYS[key]:
                    check.problem(f"{name_key}.{option}", "unknown key")
                elif (problem := _engine_option_problem(option, setting)) is not None:
                    check.problem(f"{name_key}.{option}", problem)
            engine_settings[key] = dict(value)
            continue
        if not isinstance(value, str) or value not in KNOWN_ENGINES:
            check.problem(name_key, f"unknown engine {value!r} (known: {', '.join(KNOWN_ENGINES)})")
            continue
        if key == "default":
            default_engine = value
            continue
        src, sep, dst = key.partition(":")
        if not sep:
            check.problem(name_key, "pair keys are 'source:target', for example \"en:es\"")
            continue
        src_lang = check.language(name_key, src)
        dst_lang = check.language(name_key, dst)
        if src_lang is None or dst_lang is None:
            continue
        for lang in (src_lang, dst_lang):
            if lang.tag not in known:
                check.problem(name_key, f"language {lang.tag!r} is not in [languages]")
        pairs[(src_lang.tag, dst_lang.tag)] = value

    glossary_path = check.string(tables["glossary"], "glossary", "path", required=False)
    translate = _translate_settings(check, tables["translate"])
    git = _git_settings(check, tables["git"])
    team = parse_team(check.problem, tables["project"], tables["notify"])
    policy = tables["approval"].get("warnings", "allow")
    if policy not in WARNING_POLICIES:
        check.problem("approval.warnings", f"must be one of {', '.join(WARNING_POLICIES)}")
    idle = check.whole(tables["review"], "review", "idle_minutes", 1, 7 * 24 * 60)
    article_kb = check.whole(tables["limits"], "limits", "article_kb", 1, 64 * 1024)

    if check.problems:
        raise ConfigError(path, check.problems)
    assert name is not None and base_url is not None
    return Config(
        site_name=name,
        base_url=base_url,
        source_languages=sources,
        target_languages=targets,
        default_engine=default_engine,
        engines=pairs,
        glossary_path=glossary_path or "glossary.toml",
        engine_settings=engine_settings,
        translate=translate,
        git=git,
        team=team,
        warnings_block=policy == "block",
        review=ReviewSettings(idle) if idle is not None else ReviewSettings(),
        limits=Limits(article_kb) if article_kb is not None else Limits(),
    )


def _engine_option_problem(option: str, value: object) -> str | None:
    """What is wrong with one ``[engines.<name>]`` setting, if anything."""
    if option in ("concurrency", "batch_size"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return f"must be a whole number >= 1, not {value!r}"
    elif option in ("timeout", "temperature"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            return f"must be a number >= 0, not {value!r}"
    elif option == "structured":
        if value not in ("auto", "json_schema", "json_object", "none"):
            return f"must be auto, json_schema, json_object or none, not {value!r}"
    elif option in ("free",):
        if not isinstance(value, bool):
            return f"must be true or false, not {value!r}"
    elif not isinstance(value, str) or not value.strip():
        return f"must be a non-empty string, not {value!r}"
    return None


def _translate_settings(check: _Checker, table: dict[str, Any]) -> TranslateSettings:
    values: dict[str, Any] = {}
    defaults = TranslateSettings()
    for key in ("timeout", "backoff", "backoff_cap"):
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                check.problem(f"translate.{key}", f"must be a number of seconds, not {value!r}")
            else:
                values[key] = float(value)
    for key in ("retries", "batch_size"):
        if key in table:
            value = table[key]
            low = 0
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                check.problem(f"translate.{key}", f"must be a whole number >= {low}, not {value!r}")
            else:
                values[key] = value
    return TranslateSettings(**{**vars(defaults), **values})


def _git_settings(check: _Checker, table: dict[str, Any]) -> GitSettings:
    after = table.get("commit_after", 0)
    if isinstance(after, bool) or not isinstance(after, (int, float)) or after < 0:
        check.problem("git.commit_after", f"must be a number of seconds (0 = off), not {after!r}")
        after = 0
    push = table.get("push", True)
    if not isinstance(push, bool):
        check.problem("git.push", f"must be true or false, not {push!r}")
        push = True
    return GitSettings(float(after), push)


def load_config(path: Path) -> Config:
    """Read and validate ``workflow.toml``."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(str(path), ["file not found (run `workflow init`)"]) from exc
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), [f"not UTF-8 (byte {exc.start})"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), [f"not valid TOML: {exc}"]) from exc
    return parse_config(data, str(path))
