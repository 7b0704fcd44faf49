"""Machine translation engines behind one small interface.

An engine turns a batch of texts from one language into another::

    engine.translate(["The council met."], source, target) -> ["El consejo se reunió."]

Texts carry placeholders (``<g1>…</g1>``, ``<x2/>``) that the engine must hand
back untouched; the translate stage checks that.  Engines are created by name
from the registry with :func:`create_engine`; a missing program, package or API
key is an :class:`~workflow.errors.EngineError` that says how to fix it.
Third-party failures are wrapped where they enter (``raise EngineError … from``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

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

_REGISTRY: dict[str, Factory] = {}


def register(name: str, factory: Factory) -> None:
    """Add (or replace, in tests) an engine factory."""
    _REGISTRY[name] = factory


def engine_names() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def create_engine(name: str, config: Config, environ: Mapping[str, str]) -> Engine:
    """Create the engine called ``name`` with its settings from the config."""
    _load_builtin()
    factory = _REGISTRY.get(name)
    if factory is None:
        raise EngineError(f"unknown engine {name!r} (known: {', '.join(sorted(_REGISTRY))})")
    return factory(config.engine_settings.get(name, {}), config.translate, environ)


_loaded = False


def _load_builtin() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    from workflow.engines import apertium, online, pseudo

    register("apertium", apertium.create)
    register("pseudo", pseudo.create)
    for provider in online.PROVIDERS:
        register(provider, online.factory(provider))
