"""Online engines through deep-translator: timeouts, retries and clear failures.

deep-translator sets no network timeout and reports HTTP failures
inconsistently (some providers swallow a timeout and then crash on ``None``).
So while one of our requests runs, a hook on ``requests.Session.request``:

* gives every request the configured timeout, and
* turns timeouts, connection failures, HTTP 429 and 5xx into :class:`Transient`
  before deep-translator sees them.

:class:`OnlineEngine` retries transient failures (and garbage answers) with
exponential backoff up to a cap, honouring ``Retry-After``; when the retries
run out it raises :class:`EngineFailed` naming the engine and the error.

Every provider takes a ``url`` setting, so a newsroom can point an engine at
its own LibreTranslate server, a proxy, or (in the tests) a local fake server.
Two providers are subclassed where deep-translator cannot be used as is:
Microsoft (its constructor fetches the language list from a fixed URL, with no
timeout) and ChatGPT (deep-translator calls ``openai.ChatCompletion``, removed
from the openai package in 1.0; we speak the Chat Completions protocol over
``requests`` instead, with a prompt that protects placeholders).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import requests
from deep_translator import (
    ChatGptTranslator,
    DeeplTranslator,
    GoogleTranslator,
    LibreTranslator,
    MicrosoftTranslator,
    MyMemoryTranslator,
    constants,
)
from deep_translator import exceptions as dt_exceptions

from workflow.config import TranslateSettings
from workflow.engines import Engine, EngineFailed
from workflow.errors import EngineError
from workflow.languages import Language

#: provider → (environment variable for its key or None, default endpoint)
PROVIDERS: dict[str, tuple[str | None, str]] = {
    "google": (None, "https://translate.google.com/m"),
    "deepl": ("DEEPL_API_KEY", "https://api-free.deepl.com/v2/"),
    "microsoft": ("MICROSOFT_API_KEY", "https://api.cognitive.microsofttranslator.com/"),
    "mymemory": (None, "https://api.mymemory.translated.net/get"),
    "libre": ("LIBRE_API_KEY", "https://libretranslate.com/"),
    "chatgpt": ("OPENAI_API_KEY", "https://api.openai.com/v1/chat/completions"),
}


class Transient(Exception):
    """A failure worth retrying: timeout, connection, HTTP 429 or 5xx."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


# ---------------------------------------------------------------------------- requests hook

_TIMEOUT: contextvars.ContextVar[float | None] = contextvars.ContextVar("timeout", default=None)
_original_request: Callable[..., requests.Response] | None = None


def _hooked_request(self: requests.Session, method: str, url: str, **kwargs: Any) -> Any:
    assert _original_request is not None
    timeout = _TIMEOUT.get()
    if timeout is None:  # not one of ours: leave it alone
        return _original_request(self, method, url, **kwargs)
    if kwargs.get("timeout") is None:
        kwargs["timeout"] = timeout
    try:
        response = _original_request(self, method, url, **kwargs)
    except requests.Timeout as exc:
        raise Transient(f"no answer within {timeout:g} s") from exc
    except requests.ConnectionError as exc:
        raise Transient(f"connection failed ({type(exc).__name__})") from exc
    if response.status_code == 429 or response.status_code >= 500:
        retry_after = None
        with contextlib.suppress(TypeError, ValueError):
            retry_after = float(response.headers.get("Retry-After", ""))
        raise Transient(f"HTTP {response.status_code}", retry_after)
    return response


@contextlib.contextmanager
def request_timeout(seconds: float) -> Iterator[None]:
    """Within the block, requests made through ``requests`` get the timeout hook."""
    global _original_request
    if _original_request is None:
        _original_request = requests.Session.request
        requests.Session.request = _hooked_request  # type: ignore[method-assign,assignment]
    token = _TIMEOUT.set(seconds)
    try:
        yield
    finally:
        _TIMEOUT.reset(token)


# ---------------------------------------------------------------------------- providers


class _Microsoft(MicrosoftTranslator):  # type: ignore[misc]
    """deep-translator's Microsoft client, with the language list from our endpoint."""

    endpoint = PROVIDERS["microsoft"][1]

    def _get_supported_languages(self) -> dict[str, str]:
        response = requests.get(
            self.endpoint + "languages", params={"api-version": "3.0", "scope": "translation"}
        )
        table = response.json()["translation"]
        return {table[k]["name"].lower(): k.lower() for k in table}


class _ChatGpt(ChatGptTranslator):  # type: ignore[misc]
    """deep-translator's ChatGPT client speaking the current Chat Completions protocol."""

    endpoint = PROVIDERS["chatgpt"][1]

    def translate(self, text: str, **kwargs: Any) -> str:
        prompt = (
            f"Translate the user's text from {self.source} into {self.target}. "
            "Keep every tag such as <g1>, </g1> or <x2/> exactly as it is, around the "
            "words it wraps. Answer with the translation only."
        )
        response = requests.post(
            self.endpoint,
            headers={"Authorization": f"Bearer {self.api_key}"},
            json={
                "model": self.model,
                "messages": [
                    {"role": "system", "content": prompt},
                    {"role": "user", "content": text},
                ],
                "temperature": 0,
            },
        )
        if response.status_code in (401, 403):
            raise dt_exceptions.AuthorizationException(self.api_key)
        return str(response.json()["choices"][0]["message"]["content"]).strip()


_KNOWN_CODES: dict[str, dict[str, str]] = {
    "google": constants.GOOGLE_LANGUAGES_TO_CODES,
    "deepl": constants.DEEPL_LANGUAGE_TO_CODE,
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
    elif provider == "deepl":
        client = DeeplTranslator(
            source=source, target=target, api_key=key, use_free_api=bool(settings.get("free", True))
        )
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
    elif provider == "chatgpt":
        cls = type("_ChatGptAt", (_ChatGpt,), {"endpoint": url or _ChatGpt.endpoint})
        client = cls(
            source=source, target=target, api_key=key, model=settings.get("model", "gpt-4o-mini")
        )
    else:  # pragma: no cover - PROVIDERS and this list are kept together
        raise EngineError(f"unknown online engine {provider!r}")
    if url and provider in ("google", "deepl", "mymemory"):
        client._base_url = url
    return client


class OnlineEngine:
    """One deep-translator provider with timeouts, retries and backoff."""

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
        self.policy = translate
        self.timeout = float(settings.get("timeout", translate.timeout))
        self.sleep = sleep
        env_name = settings.get("api_key_env", PROVIDERS[provider][0])
        self.key = environ.get(env_name) if env_name else None
        if env_name and not self.key and provider != "libre":
            raise EngineError(
                f"{provider} is not configured: set the environment variable {env_name} "
                f"to your API key (or name another variable with "
                f"[engines.{provider}] api_key_env in workflow.toml)"
            )
        self._clients: dict[tuple[str, str], Any] = {}

    def _client(self, source: Language, target: Language) -> Any:
        pair = (source.tag, target.tag)
        if pair in self._clients:
            return self._clients[pair]
        last: Exception | None = None
        for src in _codes(source, self.name):
            for dst in _codes(target, self.name):
                try:
                    client = self._call(
                        functools.partial(_build, self.name, src, dst, self.key, self.settings)
                    )
                except (
                    dt_exceptions.LanguageNotSupportedException,
                    dt_exceptions.InvalidSourceOrTargetLanguage,
                ) as exc:
                    last = exc
                    continue
                self._clients[pair] = client
                return client
        raise EngineError(
            f"{self.name} does not support {source.tag}→{target.tag} ({last}); "
            "choose another engine for this pair in workflow.toml"
        )

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
            results.append(self._call(functools.partial(self._one, client, text)))
            if progress is not None:
                progress(1)
        return results

    @staticmethod
    def _one(client: Any, text: str) -> str:
        result = client.translate(text)
        if not isinstance(result, str) or not result.strip():
            raise ValueError(f"empty or non-text answer {result!r}")
        return result

    def _call(self, action: Callable[[], Any]) -> Any:
        """Run ``action`` with the timeout hook, retrying transient failures."""
        attempts = self.policy.retries + 1
        reason = ""
        for attempt in range(attempts):
            retry_after: float | None = None
            try:
                with request_timeout(self.timeout):
                    return action()
            except Transient as exc:
                reason, retry_after = exc.reason, exc.retry_after
            except (dt_exceptions.AuthorizationException, dt_exceptions.ApiKeyException) as exc:
                raise EngineFailed(self.name, f"authorisation refused ({exc})") from exc
            except (
                dt_exceptions.LanguageNotSupportedException,
                dt_exceptions.InvalidSourceOrTargetLanguage,
            ):
                raise
            except dt_exceptions.NotValidLength as exc:
                raise EngineFailed(self.name, f"text too long for this provider ({exc})") from exc
            except Exception as exc:  # anything else is a garbage answer
                reason = f"unusable answer ({type(exc).__name__}: {str(exc)[:120]})"
            if attempt + 1 < attempts:
                delay = min(self.policy.backoff * 2**attempt, self.policy.backoff_cap)
                if retry_after is not None:
                    delay = min(max(delay, retry_after), self.policy.backoff_cap)
                self.sleep(delay)
        raise EngineFailed(self.name, reason, attempts)


def factory(
    provider: str,
) -> Callable[[Mapping[str, Any], TranslateSettings, Mapping[str, str]], Engine]:
    """The registry factory for one provider."""

    def create(
        settings: Mapping[str, Any], translate: TranslateSettings, environ: Mapping[str, str]
    ) -> Engine:
        return OnlineEngine(provider, settings, translate, environ)

    return create
