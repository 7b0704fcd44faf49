"""HTTP for the online engines: a timeout on every request, retries with backoff.

Every online engine runs its requests through :class:`Retrying`:

* each request gets the configured timeout — also the ones deep-translator
  makes, which set none of their own: while one of our calls runs, a hook on
  ``requests.Session.request`` adds it;
* timeouts, connection failures, HTTP 429 and 5xx become :class:`Transient`
  and are retried with exponential backoff up to a cap, honouring
  ``Retry-After``; an answer that cannot be used (not JSON, wrong shape) is
  retried the same way;
* a failure no retry can fix (authorisation refused, quota used up) is
  :class:`Fatal` and stops at once;
* when the retries run out, :class:`EngineFailed` names the engine and the error.

The hook acts only inside :func:`request_timeout`, so requests made by anything
else in the process are left alone.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import requests

from workflow.config import TranslateSettings
from workflow.engines import EngineFailed
from workflow.errors import EngineError

T = TypeVar("T")


class Transient(Exception):
    """A failure worth retrying: timeout, connection, HTTP 429 or 5xx."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class Fatal(Exception):
    """A failure no retry fixes: authorisation refused, quota exceeded, bad request."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_TIMEOUT: contextvars.ContextVar[float | None] = contextvars.ContextVar("timeout", default=None)
_original_request: Callable[..., requests.Response] | None = None


def check_status(response: requests.Response) -> requests.Response:
    """Raise :class:`Transient` for HTTP 429 and 5xx; return other responses."""
    if response.status_code == 429 or response.status_code >= 500:
        retry_after = None
        with contextlib.suppress(TypeError, ValueError):
            retry_after = float(response.headers.get("Retry-After", ""))
        raise Transient(f"HTTP {response.status_code}", retry_after)
    return response


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
    return check_status(response)


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


class Retrying:
    """Runs an engine's requests with its timeout, retries and backoff."""

    def __init__(
        self,
        engine: str,
        policy: TranslateSettings,
        timeout: float,
        sleep: Callable[[float], None] = time.sleep,
        passthrough: tuple[type[BaseException], ...] = (),
    ) -> None:
        self.engine = engine
        self.policy = policy
        self.timeout = timeout
        self.sleep = sleep
        self.passthrough: tuple[type[BaseException], ...] = (EngineError, *passthrough)

    def __call__(self, action: Callable[[], T]) -> T:
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
            except Fatal as exc:
                raise EngineFailed(self.engine, exc.reason) from exc
            except self.passthrough:
                raise
            except Exception as exc:  # anything else is a garbage answer
                reason = f"unusable answer ({type(exc).__name__}: {str(exc)[:120]})"
            if attempt + 1 < attempts:
                delay = min(self.policy.backoff * 2**attempt, self.policy.backoff_cap)
                if retry_after is not None:
                    delay = min(max(delay, retry_after), self.policy.backoff_cap)
                self.sleep(delay)
        raise EngineFailed(self.engine, reason, attempts)


def api_key(
    engine: str, settings: dict[str, Any], environ: Any, default_env: str, required: bool = True
) -> str | None:
    """The engine's API key from the environment variable its settings name."""
    variable = str(settings.get("api_key_env", default_env))
    key = environ.get(variable) or None
    if key is None and required:
        raise EngineError(
            f"{engine} is not configured: set the environment variable {variable} "
            f"to your API key (or name another variable with "
            f"[engines.{engine}] api_key_env in workflow.toml)"
        )
    return key
