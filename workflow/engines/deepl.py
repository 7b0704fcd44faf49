"""DeepL, spoken directly: many texts per request, several requests in flight.

DeepL's ``/v2/translate`` takes up to 50 texts per request (128 KiB at most),
so one request carries a batch where deep-translator sends one text per
request (and authenticates with ``auth_key`` parameters and GET requests,
which DeepL retired in 2025).  Here a request is a JSON POST with the key in
the ``Authorization: DeepL-Auth-Key`` header, and the stage keeps a few
requests in flight at once (``concurrency``, default 4).

Our placeholders (``<g1>…</g1>``, ``<x2/>``) are XML tags, so the text goes
with ``tag_handling=xml``: DeepL moves tags with the words they wrap instead
of guessing; any other ``<``, ``>`` and ``&`` is escaped on the way out and
back.  The languages come from DeepL's own ``/v2/languages`` list (``en``
becomes ``EN-GB`` as a target, ``pt-BR`` ``PT-BR``); a key ending in ``:fx``
is a free-plan key and goes to the free endpoint.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape, unescape

import requests

from workflow.config import TranslateSettings
from workflow.engines.http import Fatal, Retrying, api_key, check_status
from workflow.errors import EngineError
from workflow.languages import Language
from workflow.segment import PLACEHOLDER_RE

PRO = "https://api.deepl.com/v2/"
FREE = "https://api-free.deepl.com/v2/"
#: DeepL's limits per request.
MAX_TEXTS = 50
MAX_BYTES = 120 * 1024  # of 128 KiB, leaving room for the rest of the body
#: Where a target language needs a region and the tag has none.
_HOME = {"EN": "EN-GB", "PT": "PT-PT", "ZH": "ZH-HANS"}
_FATAL = {
    400: "bad request",
    403: "authorisation refused (check the API key)",
    404: "no such endpoint (check [engines.deepl] url)",
    413: "request too large",
    456: "quota exceeded for this billing period",
}


def to_xml(text: str) -> str:
    """Escape everything but our placeholders, so the text is well-formed XML for DeepL."""
    out, position = [], 0
    for match in PLACEHOLDER_RE.finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(match.group(0))
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def from_xml(text: str) -> str:
    return unescape(text, {"&quot;": '"', "&apos;": "'"})


def _chunks(texts: Sequence[str], most: int = MAX_TEXTS) -> list[list[str]]:
    """Requests of at most ``most`` texts and about 120 KiB each."""
    chunks: list[list[str]] = []
    size = 0
    for text in texts:
        length = len(text.encode("utf-8")) + 8
        if not chunks or len(chunks[-1]) >= most or size + length > MAX_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(text)
        size += length
    return chunks


class DeeplEngine:
    """The ``deepl`` engine."""

    name = "deepl"
    batch_size = MAX_TEXTS  # texts per stage call: one request

    def __init__(
        self,
        settings: Mapping[str, Any],
        translate: TranslateSettings,
        environ: Mapping[str, str],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.key = api_key(self.name, dict(settings), environ, "DEEPL_API_KEY") or ""
        free = settings.get("free", self.key.endswith(":fx"))
        self.url = str(settings.get("url") or (FREE if free else PRO))
        if not self.url.endswith("/"):
            self.url += "/"
        self.concurrency = int(settings.get("concurrency", 4))
        self.batch_size = int(settings.get("batch_size", self.batch_size))
        self.per_request = max(1, min(MAX_TEXTS, self.batch_size))
        timeout = float(settings.get("timeout", translate.timeout))
        self.call = Retrying(self.name, translate, timeout, sleep)
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"DeepL-Auth-Key {self.key}"

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = check_status(self.session.request(method, self.url + path, **kwargs))
        if response.status_code >= 400:
            problem = _FATAL.get(response.status_code, "refused")
            detail = response.text[:200].strip()
            detail = f": {detail}" if detail else ""
            raise Fatal(f"HTTP {response.status_code}, {problem}{detail}")
        return response.json()

    @functools.cached_property
    def languages(self) -> tuple[set[str], set[str]]:
        """DeepL's source and target language codes, asked once."""
        found = []
        for kind in ("source", "target"):
            table = self.call(functools.partial(self._request, "GET", f"languages?type={kind}"))
            found.append({str(item["language"]).upper() for item in table})
        return found[0], found[1]

    def codes(self, source: Language, target: Language) -> tuple[str, str]:
        sources, targets = self.languages
        src = source.primary.upper()
        wanted = [target.tag.upper(), _HOME.get(target.primary.upper(), ""), target.primary.upper()]
        wanted += sorted(code for code in targets if code.startswith(target.primary.upper() + "-"))
        dst = next((code for code in wanted if code in targets), None)
        if src not in sources or dst is None:
            raise EngineError(
                f"deepl does not support {source.tag}→{target.tag}; "
                "choose another engine for this pair in workflow.toml"
            )
        return src, dst

    def check_pair(self, source: Language, target: Language) -> None:
        self.codes(source, target)

    def translate(
        self,
        texts: Sequence[str],
        source: Language,
        target: Language,
        progress: Callable[[int], None] | None = None,
    ) -> list[str]:
        src, dst = self.codes(source, target)
        results: list[str] = []
        for chunk in _chunks(texts, self.per_request):
            body = {
                "text": [to_xml(text) for text in chunk],
                "source_lang": src,
                "target_lang": dst,
                "tag_handling": "xml",
            }
            results += self.call(functools.partial(self._translate, body, len(chunk)))
            if progress is not None:
                progress(len(chunk))
        return results

    def _translate(self, body: dict[str, Any], count: int) -> list[str]:
        data = self._request(
            "POST",
            "translate",
            data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
            headers={"Content-Type": "application/json"},
        )
        answers = [str(item["text"]) for item in data["translations"]]
        if len(answers) != count:
            raise ValueError(f"{len(answers)} translations for {count} texts")
        return [from_xml(answer) for answer in answers]


def create(
    settings: Mapping[str, Any], translate: TranslateSettings, environ: Mapping[str, str]
) -> DeeplEngine:
    return DeeplEngine(settings, translate, environ)
