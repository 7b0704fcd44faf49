"""Machine translation engines behind one small interface.

An engine turns a batch of texts from one language into another::

    engine.translate(["The council met."], source, target) -> ["El consejo se reunió."]

Texts carry placeholders (``<g1>…</g1>``, ``<x2/>``) that the engine must hand
back untouched; the translate stage checks that.  Engines are created by name
from the registry with :func:`create_engine`; a missing program, package or API
key is an :class:`~workflow.errors.EngineError` that says how to fix it.
Third-party failures are wrapped where they enter (``raise EngineError … from``).

Two optional abilities, which the translate stage looks for:

* ``batch_size`` and ``concurrency`` attributes: texts per call (the provider's
  own limit) and calls the stage may have in flight at once;
* :class:`ArticleEngine`: ``translate_article`` takes a whole article's
  segments with its :class:`ArticleContext` (title, summary, glossary rules,
  style guide), for engines that read context (the LLM engine).  Such an
  engine validates its answers itself and returns ``""`` for a text it could
  not get a usable answer for.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from workflow.config import Config, TranslateSettings
from workflow.errors import EngineError
from workflow.languages import Language


class Engine(Protocol):
    """What every engine provides."""

    name: str

    def check_pair(self, source: Language, target: Language) -> None:
        """Raise :class:`EngineError` (saying how to fix it) if the pair is unusable."""

    def translate(
        self,
        texts: Sequence[str],
        source: Language,
        target: Language,
        progress: Callable[[int], None] | None = None,
    ) -> list[str]:
        """Translate a batch; the result has one text per input, in order.

        ``progress(n)`` is called as texts are done (n of them since the last
        call), so a long batch still moves the progress bar.
        """


@dataclass(frozen=True)
class ArticleContext:
    """What an engine that reads context knows about the article it translates."""

    title: str = ""
    summary: str = ""
    #: forced glossary terms that occur in these texts: source term → target term
    terms: dict[str, str] = field(default_factory=dict)
    #: the target language's style guide (Markdown), or ""
    style: str = ""


@runtime_checkable
class ArticleEngine(Protocol):
    """An engine that translates a whole article per request, with its context."""

    name: str

    def check_pair(self, source: Language, target: Language) -> None: ...

    def translate(
        self,
        texts: Sequence[str],
        source: Language,
        target: Language,
        progress: Callable[[int], None] | None = None,
    ) -> list[str]: ...

    def translate_article(
        self,
        texts: Sequence[str],
        source: Language,
        target: Language,
        context: ArticleContext,
        progress: Callable[[int], None] | None = None,
    ) -> list[str]:
        """Translate one article's texts; ``""`` for a text with no usable answer."""


class EngineFailed(EngineError):
    """An engine kept failing after its retries; carries how much is left to do."""

    def __init__(self, engine: str, reason: str, attempts: int = 1) -> None:
        self.engine = engine
        self.reason = reason
        self.attempts = attempts
        tries = f" after {attempts} attempts" if attempts > 1 else ""
        super().__init__(f"{engine} failed{tries}: {reason}")


#: A factory receives the engine's ``[engines.<name>]`` settings, the translate
#: settings and the environment (for API keys), and returns an engine.
Factory = Callable[[Mapping[str, Any], TranslateSettings, Mapping[str, str]], Engine]

#: Built-in engines: name → "module:factory", imported only when used (the
#: online engines pull in requests and deep-translator, which Apertium never needs).
_BUILTIN = {
    "apertium": "apertium:create",
    "pseudo": "pseudo:create",
    "deepl": "deepl:create",
    "llm": "llm:create",
    "chatgpt": "llm:create_chatgpt",
    "google": "online:create_google",
    "microsoft": "online:create_microsoft",
    "mymemory": "online:create_mymemory",
    "libre": "online:create_libre",
}
_REGISTRY: dict[str, Factory] = {}


def register(name: str, factory: Factory) -> None:
    """Add (or replace, in tests) an engine factory."""
    _REGISTRY[name] = factory


def engine_names() -> list[str]:
    return sorted({*_BUILTIN, *_REGISTRY})


def _factory(name: str) -> Factory:
    if name in _REGISTRY:
        return _REGISTRY[name]
    where = _BUILTIN.get(name)
    if where is None:
        raise EngineError(f"unknown engine {name!r} (known: {', '.join(engine_names())})")
    module, attribute = where.split(":")
    factory: Factory = getattr(importlib.import_module(f"workflow.engines.{module}"), attribute)
    return factory


def create_engine(name: str, config: Config, environ: Mapping[str, str]) -> Engine:
    """Create the engine called ``name`` with its settings from the config."""
    return _factory(name)(config.engine_settings.get(name, {}), config.translate, environ)
