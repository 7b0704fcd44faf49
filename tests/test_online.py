"""Online engines against a local server speaking each provider's protocol."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from workflow.config import TranslateSettings
from workflow.engines import Engine, EngineFailed
from workflow.engines.deepl import DeeplEngine, from_xml, to_xml
from workflow.engines.online import PROVIDERS, OnlineEngine
from workflow.errors import EngineError
from workflow.languages import parse_language

from .fake_providers import FakeProviders, fake_translate, serve

EN, ES = parse_language("en"), parse_language("es")
KEYS = {"DEEPL_API_KEY": "k", "MICROSOFT_API_KEY": "k", "LIBRE_API_KEY": "k"}
POLICY = TranslateSettings(timeout=0.3, retries=3, backoff=0.5, backoff_cap=1.5)
ALL = sorted([*PROVIDERS, "deepl"])


@pytest.fixture
def server() -> Iterator[FakeProviders]:
    with serve() as state:
        yield state


def engine(provider: str, server: FakeProviders, sleeps: list[float] | None = None) -> Engine:
    record: list[float] = [] if sleeps is None else sleeps
    settings = {"url": server.url(provider)}
    if provider == "deepl":
        return DeeplEngine(settings, POLICY, KEYS, sleep=record.append)
    return OnlineEngine(provider, settings, POLICY, KEYS, sleep=record.append)


@pytest.mark.parametrize("provider", ALL)
def test_translates_and_keeps_placeholders(provider: str, server: FakeProviders) -> None:
    texts = ["The <g1>council</g1> met.", "A <x1/> here & there < 3?"]
    result = engine(provider, server).translate(texts, EN, ES)
    # each provider names Spanish its own way (es, es-ES, spanish); the text is ours
    assert [r.split("] ", 1)[1] for r in result] == texts
    assert all(r.startswith("[") for r in result)
    assert server.translations == (1 if provider == "deepl" else 2), "DeepL: one request"


@pytest.mark.parametrize("provider", ALL)
def test_hung_request_times_out_and_is_retried(provider: str, server: FakeProviders) -> None:
    server.faults = ["hang"]
    sleeps: list[float] = []
    result = engine(provider, server, sleeps).translate(["Hello there."], EN, ES)
    assert "Hello there." in result[0]
    assert sleeps == [0.5], "one backoff after the timeout"
    assert server.translations == 2


@pytest.mark.parametrize("provider", ALL)
def test_429_then_success_backs_off(provider: str, server: FakeProviders) -> None:
    server.faults = ["429", "429"]
    sleeps: list[float] = []
    result = engine(provider, server, sleeps).translate(["Hello there."], EN, ES)
    assert "Hello there." in result[0]
    assert sleeps == [0.5, 1.0], "exponential backoff"


@pytest.mark.parametrize("provider", ALL)
def test_500s_until_give_up(provider: str, server: FakeProviders) -> None:
    server.faults = ["500"] * 10
    sleeps: list[float] = []
    with pytest.raises(EngineFailed) as info:
        engine(provider, server, sleeps).translate(["Hello there."], EN, ES)
    assert info.value.message == f"{provider} failed after 4 attempts: HTTP 500"
    assert sleeps == [0.5, 1.0, 1.5], "backoff doubles up to the cap"
    assert server.translations == 4


@pytest.mark.parametrize("provider", ALL)
def test_garbage_answer_is_retried_then_reported(provider: str, server: FakeProviders) -> None:
    server.faults = ["garbage"] * 4
    with pytest.raises(
        EngineFailed, match=rf"^{provider} failed after 4 attempts: unusable answer"
    ):
        engine(provider, server).translate(["Hello there."], EN, ES)


@pytest.mark.parametrize("provider", ALL)
def test_dropped_placeholder_comes_back_as_is(provider: str, server: FakeProviders) -> None:
    """The wrapper returns what the provider said; the translate stage checks tokens."""
    server.faults = ["drop"]
    (result,) = engine(provider, server).translate(["The <g1>council</g1> met."], EN, ES)
    assert "<g1>" not in result and "council" in result


def test_missing_key_says_which_variable() -> None:
    with pytest.raises(EngineError, match="set the environment variable MICROSOFT_API_KEY"):
        OnlineEngine("microsoft", {}, POLICY, {})
    with pytest.raises(EngineError, match="set the environment variable DEEPL_API_KEY"):
        DeeplEngine({}, POLICY, {})


def test_key_variable_can_be_renamed(server: FakeProviders) -> None:
    settings: dict[str, Any] = {"url": server.url("deepl"), "api_key_env": "NEWSROOM_DEEPL"}
    found = DeeplEngine(settings, POLICY, {"NEWSROOM_DEEPL": "k"}, sleep=lambda s: None)
    assert found.translate(["Hi."], EN, ES) == [fake_translate("Hi.", "ES")]
    assert server.headers[-1]["Authorization"] == "DeepL-Auth-Key k", "key in the header"
    assert "auth_key" not in server.requests[-1][2]


def test_unsupported_pair_is_a_clear_error(server: FakeProviders) -> None:
    with pytest.raises(EngineError, match="deepl does not support en→ca"):
        engine("deepl", server).check_pair(EN, parse_language("ca"))


def test_deepl_sends_50_texts_per_request_with_xml_tags(server: FakeProviders) -> None:
    texts = [f"Sentence <g1>{n}</g1> & more." for n in range(120)]
    result = engine("deepl", server).translate(texts, EN, parse_language("pt-BR"))
    assert result == [fake_translate(text, "PT-BR") for text in texts]
    bodies = [body["json"] for _, _, body in server.requests]
    assert [len(b["text"]) for b in bodies] == [50, 50, 20]
    assert bodies[0]["tag_handling"] == "xml" and bodies[0]["source_lang"] == "EN"
    assert bodies[0]["text"][0] == "Sentence <g1>0</g1> &amp; more."


def test_deepl_target_regions_and_free_keys() -> None:
    assert to_xml("a <g1>b</g1> < c & <x2/>") == "a <g1>b</g1> &lt; c &amp; <x2/>"
    assert from_xml("&lt;&amp;&gt;&quot;&apos;") == "<&>\"'"
    assert DeeplEngine({}, POLICY, {"DEEPL_API_KEY": "abc:fx"}).url.startswith("https://api-free.")
    assert DeeplEngine({}, POLICY, {"DEEPL_API_KEY": "abc"}).url.startswith("https://api.deepl")


def test_deepl_picks_british_english_and_refuses_a_bad_key(server: FakeProviders) -> None:
    deepl = engine("deepl", server)
    assert deepl.codes(ES, EN) == ("ES", "EN-GB")  # type: ignore[attr-defined]
    assert deepl.codes(ES, parse_language("en-US")) == ("ES", "EN-US")  # type: ignore[attr-defined]
    wrong = DeeplEngine({"url": server.url("deepl")}, POLICY, {"DEEPL_API_KEY": "nope"})
    with pytest.raises(EngineFailed, match="HTTP 403, authorisation refused"):
        wrong.translate(["Hi."], EN, ES)
    assert server.translations == 1, "not retried"


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
}


@pytest.mark.parametrize("provider", sorted(LIVE))
def test_live_provider_when_a_key_is_set(provider: str) -> None:
    """Runs against the real service only when its API key is in the environment."""
    if not os.environ.get(LIVE[provider]):
        pytest.skip(f"{LIVE[provider]} not set")
    settings: dict[str, Any] = {}
    if provider == "libre" and os.environ.get("LIBRE_URL"):
        settings["url"] = os.environ["LIBRE_URL"]
    if provider == "deepl":
        live: Engine = DeeplEngine(settings, TranslateSettings(), dict(os.environ))
    else:
        live = OnlineEngine(provider, settings, TranslateSettings(), dict(os.environ))
    (result,) = live.translate(["The <g1>council</g1> met on Monday."], EN, ES)
    assert "<g1>" in result and "</g1>" in result and result != "The council met on Monday."
