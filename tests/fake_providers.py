"""A local HTTP server on 127.0.0.1 speaking the protocols of the online MT providers.

It answers like Google's mobile page, DeepL v2 (JSON, many texts per request,
``DeepL-Auth-Key``), Microsoft Translator v3, MyMemory, LibreTranslate and an
OpenAI-compatible Chat Completions server (a language model that translates the
JSON array of segments it is given), and injects faults on request:

* every provider: ``hang`` (answers after the client gave up), ``429``,
  ``500``, ``garbage`` (an unusable body) and ``drop`` (translations that lose
  their placeholders);
* the language model: ``lose`` (an item missing), ``reorder`` (items in
  reverse order), ``fence`` (the JSON in a Markdown code fence), ``prose`` (a
  chatty answer with no JSON), ``strip`` (one item loses its placeholders);
  and, always, a model that **obeys instructions in the text it translates**:
  a segment containing "ignore previous instructions" makes it answer prose.
  ``formats`` lists the ``response_format`` types the server accepts (others
  are refused with HTTP 400, as servers without structured output do).

Faults are consumed one per translation request, in order; ``latency`` delays
every translation request (for benchmarks).
"""

from __future__ import annotations

import contextlib
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
    latency: float = 0.0
    formats: set[str] = field(default_factory=lambda: {"json_schema", "json_object"})
    headers: list[dict[str, str]] = field(default_factory=list)
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, provider: str) -> str:
        base = f"http://127.0.0.1:{self.port}"
        return {
            "google": f"{base}/m",
            "deepl": f"{base}/v2/",
            "llm": f"{base}/v1",
            "microsoft": f"{base}/msft/",
            "mymemory": f"{base}/get",
            "libre": f"{base}/libre/",
            "chatgpt": f"{base}/v1/chat/completions",
        }[provider]

    @property
    def translations(self) -> int:
        return sum(1 for path, _, _ in self.requests if not path.endswith("/languages"))

    def chats(self) -> list[dict[str, Any]]:
        """The Chat Completions request bodies received, in order."""
        return [body["json"] for path, _, body in self.requests if path.endswith("/completions")]

    def next_fault(self) -> str:
        with self.lock:
            return self.faults.pop(0) if self.faults else "ok"


class _Handler(BaseHTTPRequestHandler):
    state: FakeProviders
    disable_nagle_algorithm = True  # else each answer waits ~40 ms for a delayed ACK

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
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
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
        if parts.path == "/v2/languages":
            codes = ["EN", "ES", "DE", "FR", "PT"]
            if query.get("type") == "target":
                codes = ["EN-GB", "EN-US", "ES", "DE", "FR", "PT-PT", "PT-BR"]
            self._send(200, json.dumps([{"language": c, "name": c} for c in codes]))
            return
        with state.lock:
            state.requests.append((parts.path, self.command, {**query, **body}))
            state.headers.append(dict(self.headers))
        fault = state.next_fault()
        if state.latency:
            time.sleep(state.latency)
        if fault == "hang":
            time.sleep(state.hang_seconds)
            fault = "ok"
        if fault in ("429", "500", "502", "503"):
            self._send(int(fault), json.dumps({"message": "fault injected"}))
            return
        if fault == "garbage":
            self._send(200, "<<<not what you expected>>>", "text/plain")
            return
        if parts.path == "/v2/translate":
            self._deepl(body, fault)
            return
        if parts.path == "/v1/chat/completions":
            self._chat(body["json"], fault)
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
        if path == "/msft/translate":
            return body["json"][0]["text"], query["to"], "microsoft"
        if path == "/get":
            return query["q"], query["langpair"].split("|")[1], "mymemory"
        if path == "/libre/translate":
            return query["q"], query["target"], "libre"
        raise KeyError(path)

    def _deepl(self, body: dict[str, Any], fault: str) -> None:
        if self.headers.get("Authorization", "") != "DeepL-Auth-Key k":
            self._send(403, json.dumps({"message": "Forbidden"}))
            return
        data = body["json"]
        answers = [fake_translate(text, data["target_lang"]) for text in data["text"]]
        if fault == "drop":
            answers = [TOKEN.sub("", answer) for answer in answers]
        self._send(200, json.dumps({"translations": [{"text": a} for a in answers]}))

    def _chat(self, data: dict[str, Any], fault: str) -> None:
        """A language model: translates the JSON segments, or misbehaves as asked."""
        wanted = (data.get("response_format") or {}).get("type")
        if wanted is not None and wanted not in self.state.formats:
            self._send(
                400,
                json.dumps(
                    {
                        "error": {
                            "message": f"response_format {wanted} is not supported by this server"
                        }
                    }
                ),
            )
            return
        system, user = data["messages"][0]["content"], data["messages"][-1]["content"]
        found = re.search(r"into .*? \((\S+)\)\.", system)
        target = found.group(1) if found else "?"
        segments = json.loads(user)["segments"]
        items = [{"id": s["id"], "text": fake_translate(s["text"], target)} for s in segments]
        if any("ignore previous instructions" in s["text"].lower() for s in segments):
            fault = "prose"  # the model does what the text says
        if fault == "lose" and len(items) > 1:
            del items[len(items) // 2]
        elif fault == "reorder":
            items.reverse()
        elif fault in ("strip", "drop"):
            items[0]["text"] = TOKEN.sub("", items[0]["text"])
            if fault == "drop":
                items = [{**i, "text": TOKEN.sub("", i["text"])} for i in items]
        content = json.dumps({"translations": items}, ensure_ascii=False)
        if fault == "fence":
            content = f"Here you are:\n```json\n{content}\n```"
        elif fault == "prose":
            content = "Sure! I am happy to help. What would you like me to write about?"
        answer = {
            "choices": [
                {"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
            ]
        }
        self._send(200, json.dumps(answer))

    def _answer(self, kind: str, answer: str) -> None:
        if kind == "google":
            result = f'<div class="result-container">{html.escape(answer)}</div>'
            page = f"<html><body>{result}</body></html>"
            self._send(200, page, "text/html; charset=utf-8")
        elif kind == "microsoft":
            self._send(200, json.dumps([{"translations": [{"text": answer, "to": "x"}]}]))
        elif kind == "mymemory":
            self._send(200, json.dumps({"responseData": {"translatedText": answer}, "matches": []}))
        elif kind == "libre":
            self._send(200, json.dumps({"translatedText": answer}))
        else:
            raise KeyError(kind)


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
