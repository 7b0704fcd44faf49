"""Online engine wrappers against a local server speaking each provider's protocol."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from workflow.config import TranslateSettings
from workflow.engines import EngineFailed
from workflow.engines.online import PROVIDERS, OnlineEngine
from workflow.errors import EngineError
from workflow.languages import parse_language

from .fake_providers import FakeProviders, fake_translate, serve

EN, ES = parse_language("en"), parse_language("es")
KEYS = {"DEEPL_API_KEY": "k", "MICROSOFT_API_KEY": "k", "LIBRE_API_KEY": "k", "OPENAI_API_KEY": "k"}
POLICY = TranslateSettings(timeout=0.3, retries=3, backoff=0.5, backoff_cap=1.5)


@pytest.fixture
def server() -> Iterator[FakeProviders]:
    with serve() as state:
        yield state


def engine(provider: str, server: FakeProviders, sleeps: list[float] | None = None) -> OnlineEngine:
    record: list[float] = [] if sleeps is None else sleeps
    return OnlineEngine(provider, {"url": server.url(provider)}, POLICY, KEYS, sleep=record.append)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_translates_and_keeps_placeholders(provider: str, server: FakeProviders) -> None:
    texts = ["The <g1>council</g1> met.", "A <x1/> here & there?"]
    result = engine(provider, server).translate(texts, EN, ES)
    # each provider names Spanish its own way (es, es-ES, spanish); the text is ours
    assert [r.split("] ", 1)[1] for r in result] == texts
    assert all(r.startswith("[") for r in result)
    assert server.translations == 2


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_hung_request_times_out_and_is_retried(provider: str, server: FakeProviders) -> None:
    server.faults = ["hang"]
    sleeps: list[float] = []
    result = engine(provider, server, sleeps).translate(["Hello there."], EN, ES)
    assert "Hello there." in result[0]
    assert sleeps == [0.5], "one backoff after the timeout"
    assert server.translations == 2


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_429_then_success_backs_off(provider: str, server: FakeProviders) -> None:
    server.faults = ["429", "429"]
    sleeps: list[float] = []
    result = engine(provider, server, sleeps).translate(["Hello there."], EN, ES)
    assert "Hello there." in result[0]
    assert sleeps == [0.5, 1.0], "exponential backoff"


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_500s_until_give_up(provider: str, server: FakeProviders) -> None:
    server.faults = ["500"] * 10
    sleeps: list[float] = []
    with pytest.raises(EngineFailed) as info:
        engine(provider, server, sleeps).translate(["Hello there."], EN, ES)
    assert info.value.message == f"{provider} failed after 4 attempts: HTTP 500"
    assert sleeps == [0.5, 1.0, 1.5], "backoff doubles up to the cap"
    assert server.translations == 4


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_garbage_answer_is_retried_then_reported(provider: str, server: FakeProviders) -> None:
    server.faults = ["garbage"] * 4
    with pytest.raises(
        EngineFailed, match=rf"^{provider} failed after 4 attempts: unusable answer"
    ):
        engine(provider, server).translate(["Hello there."], EN, ES)


@pytest.mark.parametrize("provider", sorted(PROVIDERS))
def test_dropped_placeholder_comes_back_as_is(provider: str, server: FakeProviders) -> None:
    """The wrapper returns what the provider said; the translate stage checks tokens."""
    server.faults = ["drop"]
    (result,) = engine(provider, server).translate(["The <g1>council</g1> met."], EN, ES)
    assert "<g1>" not in result and "council" in result


@pytest.mark.parametrize("provider", ["deepl", "microsoft", "chatgpt"])
def test_missing_key_says_which_variable(provider: str) -> None:
    variable = PROVIDERS[provider][0]
    with pytest.raises(EngineError, match=f"set the environment variable {variable}"):
        OnlineEngine(provider, {}, POLICY, {})


def test_key_variable_can_be_renamed(server: FakeProviders) -> None:
    settings: dict[str, Any] = {"url": server.url("deepl"), "api_key_env": "NEWSROOM_DEEPL"}
    found = OnlineEngine("deepl", settings, POLICY, {"NEWSROOM_DEEPL": "k"}, sleep=lambda s: None)
    assert found.translate(["Hi."], EN, ES) == [fake_translate("Hi.", "es")]
    assert server.requests[-1][2]["auth_key"] == "k"


def test_unsupported_pair_is_a_clear_error(server: FakeProviders) -> None:
    with pytest.raises(EngineError, match="deepl does not support en→ca"):
        engine("deepl", server).check_pair(EN, parse_language("ca"))


def test_requests_outside_engines_keep_no_timeout(server: FakeProviders) -> None:
    """The hook only acts inside an engine call."""
    import requests

    engine("libre", server).translate(["Hi."], EN, ES)
    server.faults = ["500"]
    response = requests.get(
        server.url("mymemory"), params={"q": "x", "langpair": "en|es"}, timeout=5
    )
    assert response.status_code == 500


LIVE = {
    "deepl": "DEEPL_API_KEY",
    "microsoft": "MICROSOFT_API_KEY",
    "libre": "LIBRE_API_KEY",
    "chatgpt": "OPENAI_API_KEY",
}


@pytest.mark.parametrize("provider", sorted(LIVE))
def test_live_provider_when_a_key_is_set(provider: str) -> None:
    """Runs against the real service only when its API key is in the environment."""
    if not os.environ.get(LIVE[provider]):
        pytest.skip(f"{LIVE[provider]} not set")
    settings: dict[str, Any] = {}
    if provider == "libre" and os.environ.get("LIBRE_URL"):
        settings["url"] = os.environ["LIBRE_URL"]
    live = OnlineEngine(provider, settings, TranslateSettings(), dict(os.environ))
    (result,) = live.translate(["The <g1>council</g1> met on Monday."], EN, ES)
    assert "<g1>" in result and "</g1>" in result and result != "The council met on Monday."
