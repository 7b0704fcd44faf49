"""Apertium, the offline engine: the real ``apertium`` program, many segments per call.

Starting the Apertium pipeline costs about a quarter of a second, so segments
are sent in batches: one process translates hundreds of segments separated by
blank lines (which Apertium treats as sentence and block ends, so no context
leaks from one segment into the next).  If the output does not split back into
as many parts, the batch is halved until it does.

BCP 47 tags map to Apertium's ISO 639-3 codes (``ca`` → ``cat``); the installed
pairs come from ``apertium -l``.  ``-u`` drops the ``*`` marks of unknown
words; ``#`` and ``@`` marks (generation and transfer errors) are removed too,
so no Apertium debug mark ever reaches a catalogue.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Mapping, Sequence
from functools import cached_property
from typing import IO, Any

from workflow.config import TranslateSettings
from workflow.engines import EngineFailed
from workflow.errors import EngineError
from workflow.languages import Language

#: BCP 47 primary language subtag → Apertium (ISO 639-3) code.
CODES = {
    "en": "eng",
    "es": "spa",
    "ca": "cat",
    "fr": "fra",
    "it": "ita",
    "pt": "por",
    "de": "deu",
    "gl": "glg",
    "eu": "eus",
    "oc": "oci",
    "an": "arg",
    "ast": "ast",
    "ro": "ron",
    "nl": "nld",
    "sv": "swe",
    "da": "dan",
    "nb": "nob",
    "nn": "nno",
    "is": "isl",
    "mk": "mkd",
    "sr": "hbs",
    "hr": "hbs",
    "bs": "hbs",
    "cy": "cym",
    "br": "bre",
    "eo": "epo",
    "sc": "srd",
    "mt": "mlt",
    "bg": "bul",
    "ru": "rus",
    "uk": "ukr",
    "be": "bel",
    "kk": "kaz",
    "tt": "tat",
    "sq": "sqi",
    "ur": "urd",
    "hi": "hin",
    "id": "ind",
    "ms": "msa",
    "fi": "fin",
    "se": "sme",
    "pl": "pol",
    "cs": "ces",
    "sk": "slk",
    "sl": "slv",
    "lv": "lav",
    "lt": "lit",
    "ga": "gle",
}
_SEPARATOR = "\n\n"
_MARK = re.compile(r"(?<![\w#@*])([#@*])(?=\w)")


def _mode_candidates(source: Language, target: Language) -> list[str]:
    """Apertium modes to try, most specific first (``eng-cat_valencia``, ``eng-cat``)."""
    src = CODES.get(source.primary)
    dst = CODES.get(target.primary)
    if not src or not dst:
        return []
    base = f"{src}-{dst}"
    variants = []
    if target.locale.variant:
        variants.append(f"{base}_{target.locale.variant.lower()}")
    if target.locale.territory:
        variants.append(f"{base}_{target.locale.territory}")
    return [*variants, base]


def clean_marks(output: str, source: str) -> str:
    """Remove Apertium's ``*``, ``#`` and ``@`` word marks that were not in the source."""

    def keep(match: re.Match[str]) -> str:
        word = re.match(r"\w+", output[match.end() :])
        token = match.group(1) + (word.group(0) if word else "")
        return match.group(1) if token in source else ""

    return _MARK.sub(keep, output)


class ApertiumEngine:
    """The ``apertium`` engine."""

    name = "apertium"

    def __init__(self, binary: str = "apertium", timeout: float = 20.0) -> None:
        self.binary = binary
        self.timeout = timeout
        self._ready: dict[str, subprocess.Popen[bytes]] = {}
        self._ready_lock = threading.Lock()

    @cached_property
    def modes(self) -> set[str]:
        """Installed translation directions (``apertium -l``)."""
        if shutil.which(self.binary) is None:
            raise EngineError(
                f"apertium is not installed ({self.binary!r} not found): "
                "install the Debian package 'apertium' and a language pair such as "
                "'apertium-eng-spa'"
            )
        try:
            result = subprocess.run(
                [self.binary, "-l"],
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise EngineFailed("apertium", f"`apertium -l` hung for {self.timeout:g} s") from exc
        return {line.strip() for line in result.stdout.splitlines() if line.strip()}

    def mode(self, source: Language, target: Language) -> str:
        candidates = _mode_candidates(source, target)
        for mode in candidates:
            if mode in self.modes:
                return mode
        wanted = candidates[-1] if candidates else f"{source.primary}-{target.primary}"
        pair = "-".join(sorted(wanted.split("_")[0].split("-")))
        raise EngineError(
            f"apertium has no {source.tag}→{target.tag} pair installed ({wanted}): "
            f"install the Debian package 'apertium-{pair}' if it exists "
            "(`apt-cache search apertium`), or set another engine for this pair in "
            "workflow.toml"
        )

    def check_pair(self, source: Language, target: Language) -> None:
        self.mode(source, target)

    def prepare(self, source: Language, target: Language) -> None:
        """Start the pipeline for a pair now, so it loads its data while we get texts ready.

        Apertium takes a good part of a second to load a pair's transducers;
        the translate stage calls this as soon as it knows there is work, and
        the next :meth:`translate` call for the pair feeds the waiting process.
        """
        mode = self.mode(source, target)
        with self._ready_lock:
            if mode not in self._ready:
                self._ready[mode] = self._spawn(mode)

    def close(self) -> None:
        """Stop pipelines started by :meth:`prepare` and never used."""
        with self._ready_lock:
            waiting, self._ready = list(self._ready.values()), {}
        for process in waiting:
            with contextlib.suppress(OSError):
                process.kill()
            process.wait()
            for stream in (process.stdin, process.stdout, process.stderr):
                if stream is not None:
                    stream.close()

    def _spawn(self, mode: str) -> subprocess.Popen[bytes]:
        try:
            return subprocess.Popen(
                [self.binary, "-u", "-f", "txt", mode],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:
            raise EngineFailed("apertium", f"cannot run {self.binary!r}: {exc.strerror}") from exc

    def translate(
        self,
        texts: Sequence[str],
        source: Language,
        target: Language,
        progress: Callable[[int], None] | None = None,
    ) -> list[str]:
        if not texts:
            return []
        mode = self.mode(source, target)
        flat = [" ".join(text.split()) for text in texts]
        parts = self._run(mode, _SEPARATOR.join(flat), len(flat), progress)
        if len(parts) != len(flat):
            if len(flat) == 1:
                parts = [" ".join(parts)]
            else:
                half = len(flat) // 2
                return self.translate(texts[:half], source, target) + self.translate(
                    texts[half:], source, target
                )
        return [tidy(clean_marks(part, text), text) for part, text in zip(parts, flat, strict=True)]

    def _run(
        self, mode: str, payload: str, count: int, progress: Callable[[int], None] | None
    ) -> list[str]:
        """Run one Apertium process, reading its output as it streams.

        Apertium writes each translated segment as soon as it is done, so
        counting the blank lines that arrive drives the progress bar.  A
        watchdog kills a process that outlives its (size-scaled) time limit.
        """
        timeout = self.timeout + len(payload) / 2000  # Apertium does thousands of words/s
        with self._ready_lock:
            ready = self._ready.pop(mode, None)
        process = ready if ready is not None and ready.poll() is None else self._spawn(mode)
        assert process.stdin and process.stdout and process.stderr
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            process.kill()

        def feed(stream: IO[bytes]) -> None:
            with contextlib.suppress(BrokenPipeError, OSError):
                stream.write(payload.encode("utf-8"))
            with contextlib.suppress(BrokenPipeError, OSError):
                stream.close()

        errors: list[bytes] = []
        watchdog = threading.Timer(timeout, kill)
        writer = threading.Thread(target=feed, args=(process.stdin,), daemon=True)
        stderr = process.stderr
        reader = threading.Thread(target=lambda: errors.append(stderr.read()), daemon=True)
        watchdog.start()
        writer.start()
        reader.start()
        chunks: list[bytes] = []
        reported = 0
        tail = b""
        try:
            while chunk := os.read(process.stdout.fileno(), 65536):
                chunks.append(chunk)
                if progress is not None:
                    done = min((tail + chunk).count(b"\n\n") + reported, count - 1)
                    if done > reported:
                        progress(done - reported)
                        reported = done
                    tail = chunk[-1:]
            returncode = process.wait()
        finally:
            watchdog.cancel()
            writer.join(1)
            reader.join(1)
        if killed.is_set():
            raise EngineFailed("apertium", f"no answer within {timeout:.0f} s (killed)")
        if returncode != 0:
            lines = b"".join(errors).decode("utf-8", "replace").strip().splitlines()
            message = lines[-1] if lines else "no message"
            raise EngineFailed("apertium", f"exit status {returncode}: {message}")
        if progress is not None and count > reported:
            progress(count - reported)
        output = b"".join(chunks).decode("utf-8", "replace")
        return [part.strip() for part in output.strip().split(_SEPARATOR)]


def create(
    settings: Mapping[str, Any], translate: TranslateSettings, environ: Mapping[str, str]
) -> ApertiumEngine:
    timeout = float(settings.get("timeout", translate.timeout))
    return ApertiumEngine(str(settings.get("binary", "apertium")), timeout)


_OPENING_TAG = re.compile(r"<g\d+>")
_CLOSING_TAG = re.compile(r"</g\d+>")
_OPENING_QUOTE_SPACE = re.compile(r"^(\s*)([\"“«„‘‚])\s+")


def tidy(answer: str, source: str) -> str:
    """Apertium's spacing put right where the source shows how it should be.

    Dropped words leave double spaces; an opening quotation mark at the start
    comes back followed by a space (``" Estamos a punto,"``), so can a markup
    placeholder (``<g1> Dijo``, ``del consell </g1>``), and a segment can come
    back with a space in front.
    """
    answer = re.sub(r"(?<=\S)  +(?=\S)", " ", answer)
    for token in set(_OPENING_TAG.findall(source)):  # "<g1> Dijo" where the source has "<g1>He"
        if not re.search(re.escape(token) + r"\s", source):
            answer = re.sub(re.escape(token) + r"\s+", token, answer)
    for token in set(_CLOSING_TAG.findall(source)):  # "del consell </g1>"
        if not re.search(r"\s" + re.escape(token), source):
            answer = re.sub(r"\s+" + re.escape(token), token, answer)
    if not _OPENING_QUOTE_SPACE.search(source):
        answer = _OPENING_QUOTE_SPACE.sub(r"\1\2", answer)
    if source == source.strip():
        answer = answer.strip()
    return answer
