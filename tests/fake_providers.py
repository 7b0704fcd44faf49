"""A local HTTP server on 127.0.0.1 speaking the protocols of the online MT providers.

It answers like Google's mobile page, DeepL v2, Microsoft Translator v3,
MyMemory, LibreTranslate and OpenAI Chat Completions, and injects faults on
request: ``hang`` (answers after the client gave up), ``429``, ``500``,
``garbage`` (an unusable body) and ``drop`` (a translation that loses its
placeholders).  Faults are consumed one per translation request, in order.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TOKEN = re.compile(r"</?g\d+>|<x\d+/>")


def fake_translate(text: str, target: str) -> str:
    """Deterministic 'translation': words marked with the target, tokens kept."""
    return f"[{target}] {text}"


@dataclass
class FakeProviders:
    """State shared with the request handler."""

    faults: list[str] = field(default_factory=list)
    requests: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    hang_seconds: float = 1.5
    port: int = 0

    def url(self, provider: str) -> str:
        base = f"http://127.0.0.1:{self.port}"
        return {
            "google": f"{base}/m",
            "deepl": f"{base}/v2/",
            "microsoft": f"{base}/msft/",
            "mymemory": f"{base}/get",
            "libre": f"{base}/libre/",
            "chatgpt": f"{base}/v1/chat/completions",
        }[provider]

    @property
    def translations(self) -> int:
        return sum(1 for path, _, _ in self.requests if not path.endswith("/languages"))


class _Handler(BaseHTTPRequestHandler):
    state: FakeProviders

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _send(self, status: int, body: str, content_type: str = "application/json") -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if status == 429:
            self.send_header("Retry-After", "0")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._handle({})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body: dict[str, Any] = {}
        if raw:
            try:
                parsed = json.loads(raw)
                body = {"json": parsed}
            except ValueError:
                body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        self._handle(body)

    def _handle(self, body: dict[str, Any]) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        state = self.state
        if parts.path == "/msft/languages":
            names = {"en": "English", "es": "Spanish", "ca": "Catalan", "de": "German"}
            self._send(200, json.dumps({"translation": {k: {"name": v} for k, v in names.items()}}))
            return
        state.requests.append((parts.path, self.command, {**query, **body}))
        fault = state.faults.pop(0) if state.faults else "ok"
        if fault == "hang":
            time.sleep(state.hang_seconds)
            fault = "ok"
        if fault in ("429", "500", "502", "503"):
            self._send(int(fault), json.dumps({"message": "fault injected"}))
            return
        if fault == "garbage":
            self._send(200, "<<<not what you expected>>>", "text/plain")
            return
        text, target, kind = self._request_text(parts.path, query, body)
        answer = fake_translate(text, target)
        if fault == "drop":
            answer = TOKEN.sub("", answer)
        self._answer(kind, answer)

    def _request_text(
        self, path: str, query: dict[str, str], body: dict[str, Any]
    ) -> tuple[str, str, str]:
        if path == "/m":
            return query["q"], query["tl"], "google"
        if path == "/v2/translate":
            return query["text"], query["target_lang"], "deepl"
        if path == "/msft/translate":
            return body["json"][0]["text"], query["to"], "microsoft"
        if path == "/get":
            return query["q"], query["langpair"].split("|")[1], "mymemory"
        if path == "/libre/translate":
            return query["q"], query["target"], "libre"
        if path == "/v1/chat/completions":
            messages = body["json"]["messages"]
            target = re.search(r"into (\S+?)\.", messages[0]["content"])
            return messages[-1]["content"], target.group(1) if target else "?", "chatgpt"
        raise KeyError(path)

    def _answer(self, kind: str, answer: str) -> None:
        if kind == "google":
            result = f'<div class="result-container">{html.escape(answer)}</div>'
            page = f"<html><body>{result}</body></html>"
            self._send(200, page, "text/html; charset=utf-8")
        elif kind == "deepl":
            self._send(200, json.dumps({"translations": [{"text": answer}]}))
        elif kind == "microsoft":
            self._send(200, json.dumps([{"translations": [{"text": answer, "to": "x"}]}]))
        elif kind == "mymemory":
            self._send(200, json.dumps({"responseData": {"translatedText": answer}, "matches": []}))
        elif kind == "libre":
            self._send(200, json.dumps({"translatedText": answer}))
        else:
            self._send(200, json.dumps({"choices": [{"message": {"content": answer}}]}))


@contextmanager
def serve() -> Iterator[FakeProviders]:
    """Run the fake providers on 127.0.0.1 for the duration of the block."""
    state = FakeProviders()
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
