"""Articles: Markdown with YAML front matter, read and written.

An article file is ``---``, YAML front matter, ``---`` and a Markdown body.  The
front matter is validated field by field; any problem is one line naming the
file (and line, where YAML knows it).  The body is kept byte for byte so the
segmenter can map sentences back onto it exactly.

Front matter is untrusted input, so the YAML reader is strict: aliases (``*a``,
the root of "billion laughs" bombs) and merge keys are refused, a key given
twice is an error naming both lines, and dates are read as text and checked
here, so ``2024-02-30`` is one line naming the field instead of a traceback.
Files larger than the project's limit are refused before they are read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from workflow.errors import ArticleError, LanguageError
from workflow.languages import Language, parse_language

STATUSES = ("draft", "ready")

#: Front matter fields that readers see in the article's language; each becomes
#: a catalogue entry whose ``msgctxt`` is the field name.
TRANSLATABLE_FIELDS = ("title", "subtitle", "kind", "summary", "image.alt", "image.caption")

_FIELDS = {
    "title",
    "subtitle",
    "kind",
    "summary",
    "author",
    "published",
    "updated",
    "language",
    "translated_from",
    "translator",
    "status",
    "image",
    "tags",
}
_IMAGE_FIELDS = {"src", "alt", "caption", "credit"}
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
_FENCE = re.compile(r"^---[ \t]*\r?$")
#: Lines before the front matter text (the opening ``---``), for line numbers in messages.
_OFFSET = 2


class _Refused(yaml.YAMLError):
    """YAML that is valid but that front matter does not allow."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader where PyYAML has it (10x faster); no duplicates, dates as text."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[tuple[str, str], int] = {}
        for key_node, _value in node.value:
            line = key_node.start_mark.line + _OFFSET
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Refused(line, "front matter may not use YAML merge keys (<<)")
            if isinstance(key_node, yaml.ScalarNode):
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise _Refused(
                        line, f"duplicate key {key_node.value!r} (first on line {seen[key]})"
                    )
                seen[key] = line
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


_StrictLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def _load_yaml(front: str) -> object:
    """Parse front matter YAML strictly (see the module docstring)."""
    for event in yaml.parse(front, Loader=_StrictLoader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + _OFFSET if event.start_mark else _OFFSET
            raise _Refused(line, f"front matter may not use YAML aliases (*{event.anchor})")
    return yaml.load(front, Loader=_StrictLoader)


def _show(value: object, limit: int = 60) -> str:
    """A value for an error message: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass(frozen=True)
class Image:
    """The article's lead image; ``alt`` and ``caption`` are translated."""

    src: str
    alt: str | None = None
    caption: str | None = None
    credit: str | None = None


@dataclass(frozen=True)
class FrontMatter:
    """Validated front matter of one article."""

    title: str
    published: dt.date
    language: Language
    status: str = "ready"
    subtitle: str | None = None
    kind: str | None = None
    summary: str | None = None
    authors: tuple[str, ...] = ()
    updated: dt.date | None = None
    translated_from: Language | None = None
    image: Image | None = None
    tags: tuple[str, ...] = ()
    #: Who translated this text from ``translated_from`` (names or people.toml ids).
    translators: tuple[str, ...] = ()

    def translatable(self) -> list[tuple[str, str]]:
        """``(field, text)`` for every translatable field that has a value."""
        values = {
            "title": self.title,
            "subtitle": self.subtitle,
            "kind": self.kind,
            "summary": self.summary,
            "image.alt": self.image.alt if self.image else None,
            "image.caption": self.image.caption if self.image else None,
        }
        return [(name, values[name] or "") for name in TRANSLATABLE_FIELDS if values[name]]

    def with_translations(self, texts: dict[str, str], language: Language) -> FrontMatter:
        """A copy in ``language`` with translated field values substituted."""
        image = self.image
        if image is not None:
            image = replace(
                image,
                alt=texts.get("image.alt", image.alt),
                caption=texts.get("image.caption", image.caption),
            )
        return replace(
            self,
            title=texts.get("title", self.title),
            subtitle=texts.get("subtitle", self.subtitle),
            kind=texts.get("kind", self.kind),
            summary=texts.get("summary", self.summary),
            image=image,
            language=language,
            translated_from=self.language,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data in the documented field order, for writing YAML."""
        data: dict[str, Any] = {"title": self.title}
        for key in ("subtitle", "kind", "summary"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.authors:
            data["author"] = self.authors[0] if len(self.authors) == 1 else list(self.authors)
        data["published"] = self.published
        if self.updated:
            data["updated"] = self.updated
        data["language"] = self.language.tag
        if self.translated_from:
            data["translated_from"] = self.translated_from.tag
        if self.translators:
            names = self.translators
            data["translator"] = names[0] if len(names) == 1 else list(names)
        data["status"] = self.status
        if self.image:
            data["image"] = {k: v for k, v in vars(self.image).items() if v is not None}
        if self.tags:
            data["tags"] = list(self.tags)
        return data


@dataclass(frozen=True)
class Article:
    """One source article: where it lives, its front matter and its body."""

    slug: str
    path: Path
    meta: FrontMatter
    body: str
    body_line: int  # 1-based line of the file where the body starts
    source: bytes = field(repr=False, default=b"")


def _date(name: str, value: object, problems: list[str]) -> dt.date | None:
    """An ISO date (a date-time is cut to its date); an impossible one names why."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.match(r"^\s*\d{4}-\d\d?-\d\d?(?:[Tt ]|\s*$)", value):
        text = value.strip()
        try:
            if len(text) <= 10:
                day, month, year = (int(part) for part in reversed(text.split("-")))
                return dt.date(year, month, day)
            return dt.datetime.fromisoformat(text.replace("t", "T")).date()
        except ValueError as exc:
            problems.append(f"{name}: {_show(value)} is not a valid date ({exc})")
            return None
    problems.append(f"{name} must be an ISO date like 2024-08-19, not {_show(value)}")
    return None


def _text(name: str, value: object, problems: list[str]) -> str | None:
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = str(value).strip()
        return text or None
    problems.append(f"{name} must be text, not {type(value).__name__}")
    return None


def _names(name: str, value: object, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            problems.append(f"{name} must be a name or a list of names, not {_show(item)}")
            continue
        names.append(item.strip())
    return tuple(names)


def _language(name: str, value: object, problems: list[str]) -> Language | None:
    try:
        return parse_language(value)
    except LanguageError as exc:
        problems.append(f"{name}: {exc.message}")
        return None


def parse_front_matter(data: object) -> FrontMatter:
    """Validate front matter data; raise ``ValueError`` listing every problem."""
    if not isinstance(data, dict):
        raise ValueError("front matter must be a YAML mapping of field: value")
    problems: list[str] = []
    for key in data:
        if key not in _FIELDS:
            problems.append(f"unknown field {_show(key)}")
    for required in ("title", "published", "language"):
        if data.get(required) in (None, ""):
            problems.append(f"missing required field {required!r}")
    title = _text("title", data.get("title"), problems)
    # "Given" is anything but empty, so `language: []` is a problem named, not a crash.
    given = {key for key, value in data.items() if value is not None and value != ""}
    published = _date("published", data["published"], problems) if "published" in given else None
    updated = _date("updated", data["updated"], problems) if "updated" in given else None
    language = _language("language", data["language"], problems) if "language" in given else None
    translated_from = None
    if data.get("translated_from"):
        translated_from = _language("translated_from", data["translated_from"], problems)
    status = data.get("status", "ready")
    if status not in STATUSES:
        problems.append(f"status must be one of {', '.join(STATUSES)}, not {_show(status)}")
    image = None
    raw_image = data.get("image")
    if raw_image is not None:
        if isinstance(raw_image, str):
            raw_image = {"src": raw_image}
        if not isinstance(raw_image, dict):
            problems.append("image must be a mapping with src, alt, caption, credit")
        else:
            for key in raw_image:
                if key not in _IMAGE_FIELDS:
                    problems.append(f"unknown field {_show(f'image.{key}')}")
            src = _text("image.src", raw_image.get("src"), problems)
            if not src:
                problems.append("missing required field 'image.src'")
            else:
                image = Image(
                    src=src,
                    alt=_text("image.alt", raw_image.get("alt"), problems),
                    caption=_text("image.caption", raw_image.get("caption"), problems),
                    credit=_text("image.credit", raw_image.get("credit"), problems),
                )
    fm = {
        "subtitle": _text("subtitle", data.get("subtitle"), problems),
        "kind": _text("kind", data.get("kind"), problems),
        "summary": _text("summary", data.get("summary"), problems),
    }
    authors = _names("author", data.get("author"), problems)
    tags = _names("tags", data.get("tags"), problems)
    translators = _names("translator", data.get("translator"), problems)
    if problems:
        raise ValueError("; ".join(problems))
    assert title is not None and published is not None and language is not None
    return FrontMatter(
        title=title,
        published=published,
        language=language,
        status=str(status),
        authors=authors,
        updated=updated,
        translated_from=translated_from,
        image=image,
        tags=tags,
        translators=translators,
        **fm,
    )


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Split file text into (front matter YAML, body, body's first line number).

    Raises ``ValueError`` when the ``---`` fences are missing.
    """
    lines = text.splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0].rstrip("\n")):
        raise ValueError("line 1: the file must start with a '---' front matter line")
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index].rstrip("\n")):
            front = "".join(lines[1:index])
            body = "".join(lines[index + 1 :])
            return front, body, index + 2
    raise ValueError("front matter is not closed by a '---' line")


def parse_article(source: bytes, path: Path, slug: str, display: str | None = None) -> Article:
    """Parse article bytes; every problem names ``display`` (the path shown)."""
    where = display or str(path)
    if source.startswith(b"\xef\xbb\xbf"):
        source = source[3:]
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = source[: exc.start].count(b"\n") + 1
        raise ArticleError(f"{where}: line {line}: not UTF-8 (byte {exc.start})") from exc
    try:
        front, body, body_line = split_front_matter(text)
    except ValueError as exc:
        raise ArticleError(f"{where}: {exc}") from exc
    try:
        data = _load_yaml(front) if front.strip() else {}
    except _Refused as exc:
        raise ArticleError(f"{where}: line {exc.line}: {exc.message}") from exc
    except RecursionError as exc:
        raise ArticleError(f"{where}: front matter nests too deeply") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        at = f"line {mark.line + 2}: " if mark is not None else ""
        raise ArticleError(f"{where}: {at}front matter is not valid YAML ({problem})") from exc
    try:
        meta = parse_front_matter(data)
    except ValueError as exc:
        raise ArticleError(f"{where}: {exc}") from exc
    return Article(slug=slug, path=path, meta=meta, body=body, body_line=body_line, source=source)


def read_article(path: Path, display: str | None = None, max_bytes: int | None = None) -> Article:
    """Read ``articles/<slug>.md``; a file over ``max_bytes`` is refused unread."""
    slug = path.stem
    where = display or str(path)
    if not SLUG_RE.match(slug):
        raise ArticleError(
            f"{where}: file name must be a slug of lowercase letters, digits and hyphens"
        )
    try:
        with path.open("rb") as handle:
            source = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    except OSError as exc:
        raise ArticleError(f"{where}: cannot read ({exc.strerror})") from exc
    if max_bytes is not None and len(source) > max_bytes:
        size = path.stat().st_size
        raise ArticleError(
            f"{where}: {-(-size // 1024)} KB is over the article size limit "
            f"(limits.article_kb = {max_bytes // 1024} in workflow.toml); split the article "
            "or raise the limit"
        )
    return parse_article(source, path, slug, where)


def format_article(meta: FrontMatter, body: str) -> str:
    """Serialise front matter and body back into article file text."""
    front = yaml.safe_dump(
        meta.to_dict(), sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000
    )
    return f"---\n{front}---\n{body}"
