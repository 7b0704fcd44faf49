"""Online engines through deep-translator: Google, Microsoft, MyMemory, LibreTranslate.

These providers take one text per request (as deep-translator speaks them), so
the translate stage keeps several calls in flight at once (``concurrency``,
default 4); each request has the configured timeout and is retried with
backoff (:mod:`workflow.engines.http`).  deep-translator clients keep the text
of the request in the client object, so every thread gets its own client.

Every provider takes a ``url`` setting, so a newsroom can point an engine at
its own LibreTranslate server, a proxy, or (in the tests) a local fake server.
Microsoft is subclassed because its constructor fetches the language list from
a fixed URL, with no timeout.  DeepL (:mod:`~workflow.engines.deepl`) and the
LLM engine (:mod:`~workflow.engines.llm`) speak their protocols directly.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import requests
from deep_translator import (
    GoogleTranslator,
    LibreTranslator,
    MicrosoftTranslator,
    MyMemoryTranslator,
    constants,
)
from deep_translator import exceptions as dt_exceptions

from workflow.config import TranslateSettings
from workflow.engines.http import Fatal, Retrying, api_key
from workflow.errors import EngineError
from workflow.languages import Language

#: provider → (environment variable for its key or None, default endpoint)
PROVIDERS: dict[str, tuple[str | None, str]] = {
    "google": (None, "https://translate.google.com/m"),
    "microsoft": ("MICROSOFT_API_KEY", "https://api.cognitive.microsofttranslator.com/"),
    "mymemory": (None, "https://api.mymemory.translated.net/get"),
    "libre": ("LIBRE_API_KEY", "https://libretranslate.com/"),
}
#: Requests in flight at once when the settings do not say.
CONCURRENCY = 4
#: A provider refusing a language code (the next spelling of it is tried).
_LANGUAGE_ERRORS = (
    dt_exceptions.LanguageNotSupportedException,
    dt_exceptions.InvalidSourceOrTargetLanguage,
)


class _Microsoft(MicrosoftTranslator):  # type: ignore[misc]
    """deep-translator's Microsoft client, with the language list from our endpoint."""

    endpoint = PROVIDERS["microsoft"][1]

    def _get_supported_languages(self) -> dict[str, str]:
        response = requests.get(
            self.endpoint + "languages", params={"api-version": "3.0", "scope": "translation"}
        )
        table = response.json()["translation"]
        return {table[k]["name"].lower(): k.lower() for k in table}


_KNOWN_CODES: dict[str, dict[str, str]] = {
    "google": constants.GOOGLE_LANGUAGES_TO_CODES,
    "mymemory": constants.MY_MEMORY_LANGUAGES_TO_CODES,
    "libre": constants.LIBRE_LANGUAGES_TO_CODES,
}


#: Where a language's "home" region is not spelt like the language (en-GB, not en-EN).
_HOME = {"en": "GB", "pt": "PT", "zh": "CN", "sv": "SE", "da": "DK", "el": "GR", "ja": "JP"}


def _codes(language: Language, provider: str) -> list[str]:
    """Provider language codes to try for a tag, most specific first.

    ``pt-BR`` tries ``pt-BR``, ``pt-br``, ``pt_BR`` and ``pt``; providers that
    only know regional codes (MyMemory's ``es-ES``) get their own code for the
    language, preferring the one whose region is the language itself.
    """
    out = [language.tag, language.tag.lower(), language.tag.replace("-", "_"), language.primary]
    known = _KNOWN_CODES.get(provider, {}).values()
    home = (language.primary.upper(), _HOME.get(language.primary))
    regional = sorted(
        (code for code in known if code.lower().startswith(language.primary + "-")),
        key=lambda code: (code.split("-")[1].upper() not in home, code),
    )
    return list(dict.fromkeys([*out, *regional]))


def _build(
    provider: str, source: str, target: str, key: str | None, settings: Mapping[str, Any]
) -> Any:
    url = settings.get("url")
    if provider == "google":
        client = GoogleTranslator(source=source, target=target)
    elif provider == "microsoft":
        cls = type("_MicrosoftAt", (_Microsoft,), {"endpoint": url or _Microsoft.endpoint})
        client = cls(source=source, target=target, api_key=key, region=settings.get("region"))
        if url:
            client._base_url = url + "translate?api-version=3.0"
    elif provider == "mymemory":
        client = MyMemoryTranslator(source=source, target=target, email=settings.get("email"))
    elif provider == "libre":
        client = LibreTranslator(
            source=source,
            target=target,
            api_key=key or "-",
            custom_url=url or PROVIDERS["libre"][1],
        )
    else:  # pragma: no cover - PROVIDERS and this list are kept together
        raise EngineError(f"unknown online engine {provider!r}")
    if url and provider in ("google", "mymemory"):
        client._base_url = url
    return client


class OnlineEngine:
    """One deep-translator provider with timeouts, retries, backoff and parallel calls."""

    batch_size = 25

    def __init__(
        self,
        provider: str,
        settings: Mapping[str, Any],
        translate: TranslateSettings,
        environ: Mapping[str, str],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.name = provider
        self.settings = dict(settings)
        self.concurrency = int(settings.get("concurrency", CONCURRENCY))
        timeout = float(settings.get("timeout", translate.timeout))
        self.call = Retrying(provider, translate, timeout, sleep, _LANGUAGE_ERRORS)
        env_name = PROVIDERS[provider][0]
        self.key = (
            api_key(provider, self.settings, environ, env_name, required=provider != "libre")
            if env_name
            else None
        )
        self._codes: dict[tuple[str, str], tuple[str, str]] = {}
        self._local = threading.local()

    def _client(self, source: Language, target: Language) -> Any:
        """This thread's client for the pair (found once: which codes the provider takes)."""
        pair = (source.tag, target.tag)
        clients: dict[tuple[str, str], Any] = self._local.__dict__.setdefault("clients", {})
        if pair in clients:
            return clients[pair]
        if pair in self._codes:
            src, dst = self._codes[pair]
            clients[pair] = self._make(src, dst)
            return clients[pair]
        last: Exception | None = None
        for src in _codes(source, self.name):
            for dst in _codes(target, self.name):
                try:
                    client = self._make(src, dst)
                except _LANGUAGE_ERRORS as exc:
                    last = exc
                    continue
                self._codes[pair] = (src, dst)
                clients[pair] = client
                return client
        raise EngineError(
            f"{self.name} does not support {source.tag}→{target.tag} ({last}); "
            "choose another engine for this pair in workflow.toml"
        )

    def _make(self, source: str, target: str) -> Any:
        build = functools.partial(_build, self.name, source, target, self.key, self.settings)
        return self.call(_known_errors(build))

    def check_pair(self, source: Language, target: Language) -> None:
        self._client(source, target)

    def translate(
        self,
        texts: Sequence[str],
        source: Language,
        target: Language,
        progress: Callable[[int], None] | None = None,
    ) -> list[str]:
        client = self._client(source, target)
        results = []
        for text in texts:
            results.append(self.call(_known_errors(functools.partial(_one, client, text))))
            if progress is not None:
                progress(1)
        return results


def _one(client: Any, text: str) -> str:
    result = client.translate(text)
    if not isinstance(result, str) or not result.strip():
        raise ValueError(f"empty or non-text answer {result!r}")
    return result


def _known_errors(action: Callable[[], Any]) -> Callable[[], Any]:
    """``action`` with deep-translator's fatal errors marked as such (the rest is garbage)."""

    def run() -> Any:
        try:
            return action()
        except (dt_exceptions.AuthorizationException, dt_exceptions.ApiKeyException) as exc:
            raise Fatal(f"authorisation refused ({exc})") from exc
        except dt_exceptions.NotValidLength as exc:
            raise Fatal(f"text too long for this provider ({exc})") from exc

    return run


def _factory(provider: str) -> Callable[..., OnlineEngine]:
    def create(
        settings: Mapping[str, Any], translate: TranslateSettings, environ: Mapping[str, str]
    ) -> OnlineEngine:
        return OnlineEngine(provider, settings, translate, environ)

    return create


create_google = _factory("google")
create_microsoft = _factory("microsoft")
create_mymemory = _factory("mymemory")
create_libre = _factory("libre")
