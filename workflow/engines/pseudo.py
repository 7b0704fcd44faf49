"""Pseudo-localisation: accented, lengthened text for trying layouts without an engine.

``The council met.`` becomes ``⟦Ŧĥé çöûñçîļ ɱéţ.·····⟧``: every letter visibly
"translated", about 30% longer (as German or Finnish often are), wrapped so a
truncated string shows, and every placeholder left exactly where it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from workflow.config import TranslateSettings
from workflow.languages import Language
from workflow.segment import PLACEHOLDER_RE

_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŦÛṼŴẊÝŽ",
)


def pseudo_localise(text: str) -> str:
    """Accent the letters outside placeholders, pad by ~30% and bracket the result."""
    out: list[str] = []
    position = 0
    for match in PLACEHOLDER_RE.finditer(text):
        out.append(text[position : match.start()].translate(_ACCENTS))
        out.append(match.group(0))
        position = match.end()
    out.append(text[position:].translate(_ACCENTS))
    visible = len(PLACEHOLDER_RE.sub("", text))
    return "⟦" + "".join(out) + "·" * max(1, round(visible * 0.3)) + "⟧"


class PseudoEngine:
    """The ``pseudo`` engine."""

    name = "pseudo"

    def check_pair(self, source: Language, target: Language) -> None:
        return None

    def translate(
        self,
        texts: Sequence[str],
        source: Language,
        target: Language,
        progress: Callable[[int], None] | None = None,
    ) -> list[str]:
        result = [pseudo_localise(text) for text in texts]
        if progress is not None:
            progress(len(texts))
        return result


def create(
    settings: Mapping[str, Any], translate: TranslateSettings, environ: Mapping[str, str]
) -> PseudoEngine:
    return PseudoEngine()
