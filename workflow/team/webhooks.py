"""Signed webhooks, as the Standard Webhooks specification has them.

Each request is a JSON ``POST`` with three headers::

    webhook-id: msg_2b7c…                 (the same on every retry: receivers dedupe on it)
    webhook-timestamp: 1764489600         (seconds since the epoch, fresh on every attempt)
    webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">

keyed with the secret ``whsec_<base64 key>`` read from the environment
variable the endpoint names (``secret_env``); the key is the base64-decoded
part after ``whsec_``.  Several space-separated secrets sign with each (key
rotation).  The body::

    {"type": "article.approved", "timestamp": "2026-11-30T09:12:03Z",
     "data": {"slug": "harbour-rebuilt", "language": "es", "actor": "marta", …}}

Signing is a few lines of the standard library, so the app needs no webhook
package; the tests verify every request with the reference ``standardwebhooks``
library, an independent check that the receiver's side agrees.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import time
from typing import Any

import requests

from workflow import __version__
from workflow.errors import WorkflowError

PREFIX = "whsec_"


class DeliveryError(WorkflowError):
    """A delivery attempt failed; it stays in the outbox and is tried again later."""

    def __init__(self, message: str, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


def new_secret() -> str:
    """A fresh signing secret: ``whsec_`` and 32 random bytes in base64."""
    return PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def secret_keys(value: str) -> list[bytes]:
    """The keys of one or more space-separated ``whsec_…`` secrets."""
    keys = []
    for part in value.split():
        if not part.startswith(PREFIX):
            raise WorkflowError(
                "a webhook secret starts with whsec_ (make one: workflow notify secret)"
            )
        try:
            key = base64.b64decode(part[len(PREFIX) :], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WorkflowError("a webhook secret is whsec_ followed by base64") from exc
        if len(key) < 16:
            raise WorkflowError("a webhook secret needs at least 16 bytes of key")
        keys.append(key)
    if not keys:
        raise WorkflowError("the webhook secret is empty")
    return keys


def signature(keys: list[bytes], msg_id: str, timestamp: int, body: str) -> str:
    """The ``webhook-signature`` header: ``v1,<base64>`` per key, space-separated."""
    signed = f"{msg_id}.{timestamp}.{body}".encode()
    return " ".join(
        "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        for key in keys
    )


def payload(event_type: str, when: str, data: dict[str, Any]) -> str:
    """The request body (kept byte for byte in the outbox, so retries sign the same text)."""
    return json.dumps(
        {"type": event_type, "timestamp": when, "data": data},
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )


def new_message_id() -> str:
    return "msg_" + secrets.token_urlsafe(18)


def send(url: str, secret_env: str, msg_id: str, body: str, timeout: float) -> int:
    """POST one signed webhook; the status on 2xx, else :class:`DeliveryError`."""
    secret = os.environ.get(secret_env, "")
    if not secret:
        raise DeliveryError(
            f"the environment variable {secret_env} (the signing secret) is not set"
        )
    keys = secret_keys(secret)
    timestamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": f"workflow/{__version__} (Standard Webhooks)",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(keys, msg_id, timestamp, body),
    }
    try:
        response = requests.post(
            url, data=body.encode("utf-8"), headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.RequestException as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"HTTP {response.status_code}", response.status_code)
    return response.status_code
