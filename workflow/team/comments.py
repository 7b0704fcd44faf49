"""Comments on segments: threads, @mentions, source questions, resolution.

``work/comments/<slug>.jsonl`` holds one JSON object per line, appended and
never rewritten::

    {"type": "comment", "id": "c18c2…", "time": "2026-11-30T09:12:03+00:00", "who": "ana",
     "language": "es", "segment": "3f9a…", "source": "Who paid", "line": "26",
     "text": "@marta is this the 2019 figure?", "question": true, "mentions": ["marta"],
     "reply_to": ""}
    {"type": "resolve", "id": "c18c3…", "thread": "c18c2…", "time": "…", "who": "marta"}

A thread is a first comment and its replies, on one segment (named by its
stable segment id, with the source text kept so the thread still reads well
after the sentence changes).  A comment in one language is shown in that
language; a *source question* — about the original, for the author or editor —
is shown on the source side in every language.  A thread is open until someone
resolves it (and again if someone reopens it); open threads are counted on the
dashboard and listed before approval, which they do not block.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from workflow.errors import WorkflowError
from workflow.languages import parse_language
from workflow.project import Project, check_slug
from workflow.team.store import append_line, read_lines, work_file

FOLDER = "comments"
MAX_LENGTH = 5000
_MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_][\w.@-]*)")


class CommentError(WorkflowError):
    """A comment that cannot be made: empty, too long, on no segment, a reply to nothing."""


@dataclass(frozen=True)
class Comment:
    id: str
    time: str
    who: str
    language: str
    segment: str
    source: str
    line: str
    text: str
    question: bool = False
    mentions: tuple[str, ...] = ()
    reply_to: str = ""


@dataclass
class Thread:
    """A first comment, its replies, and whether it is resolved."""

    root: Comment
    replies: list[Comment] = field(default_factory=list)
    resolved_by: str = ""
    resolved_at: str = ""

    @property
    def id(self) -> str:
        return self.root.id

    @property
    def open(self) -> bool:
        return not self.resolved_by

    @property
    def comments(self) -> list[Comment]:
        return [self.root, *self.replies]

    def participants(self) -> list[str]:
        seen: list[str] = []
        for comment in self.comments:
            if comment.who not in seen:
                seen.append(comment.who)
        return seen

    def shown_in(self, language: str) -> bool:
        """Source questions show in every language; other threads in their own."""
        return self.root.question or self.root.language == language


def new_id() -> str:
    """Unique, and ordered by time when sorted as text."""
    return f"c{time.time_ns() // 1_000_000:012x}{secrets.token_hex(3)}"


def _path(project: Project, slug: str):  # type: ignore[no-untyped-def]
    check_slug(slug)
    return work_file(project, FOLDER, slug, ".jsonl")


def mentions(text: str, known: Iterable[str] | None) -> tuple[str, ...]:
    """People named as ``@name`` in ``text`` (only known names, when a list is given)."""
    names = set(known) if known is not None else None
    found: list[str] = []
    for match in _MENTION.finditer(text):
        name = match.group(1)
        while name and (names is None or name not in names) and name[-1] in ".-@":
            name = name[:-1]  # "@marta." ends a sentence
        if name and (names is None or name in names) and name not in found:
            found.append(name)
    return tuple(found)


def _comment(data: dict[str, object]) -> Comment | None:
    try:
        return Comment(
            id=str(data["id"]),
            time=str(data["time"]),
            who=str(data["who"]),
            language=str(data.get("language", "")),
            segment=str(data.get("segment", "")),
            source=str(data.get("source", "")),
            line=str(data.get("line", "")),
            text=str(data["text"]),
            question=bool(data.get("question", False)),
            mentions=tuple(str(m) for m in data.get("mentions", ()) or ()),  # type: ignore[attr-defined]
            reply_to=str(data.get("reply_to", "") or ""),
        )
    except (KeyError, TypeError):
        return None


def threads(project: Project, slug: str) -> list[Thread]:
    """Every thread on an article, oldest first (after a git merge too)."""
    records = sorted(
        read_lines(_path(project, slug)), key=lambda r: (str(r.get("time", "")), str(r.get("id")))
    )
    by_id: dict[str, Thread] = {}
    seen: set[str] = set()
    for record in records:
        ident = str(record.get("id", ""))
        if not ident or ident in seen:
            continue  # the same line from both sides of a merge
        seen.add(ident)
        kind = record.get("type")
        if kind == "comment":
            comment = _comment(record)
            if comment is None:
                continue
            parent = by_id.get(comment.reply_to)
            if parent is not None:
                parent.replies.append(comment)
            elif not comment.reply_to:
                by_id[comment.id] = Thread(comment)
        elif kind in ("resolve", "reopen"):
            thread = by_id.get(str(record.get("thread", "")))
            if thread is not None:
                resolved = kind == "resolve"
                thread.resolved_by = str(record.get("who", "")) if resolved else ""
                thread.resolved_at = str(record.get("time", "")) if resolved else ""
    return list(by_id.values())


def thread(project: Project, slug: str, thread_id: str) -> Thread:
    found = next((t for t in threads(project, slug) if t.id == thread_id), None)
    if found is None:
        raise CommentError(f"{slug} has no comment thread {thread_id!r}")
    return found


def add_comment(
    project: Project,
    slug: str,
    language: str,
    segment: str,
    text: str,
    who: str,
    *,
    question: bool = False,
    reply_to: str = "",
    known_people: Iterable[str] | None = None,
) -> tuple[Comment, Thread | None]:
    """Add a comment (or a reply); returns it and, for a reply, the thread it joined."""
    text = text.strip()
    if not text:
        raise CommentError("a comment needs some text")
    if len(text) > MAX_LENGTH:
        raise CommentError(f"a comment is at most {MAX_LENGTH} characters")
    parent: Thread | None = None
    if reply_to:
        parent = thread(project, slug, reply_to)
        root = parent.root
        language, segment, source, line = root.language, root.segment, root.source, root.line
        question = root.question
    else:
        language = parse_language(language).tag
        segment, source, line = find_segment(project, slug, language, segment)
    comment = Comment(
        id=new_id(),
        time=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        who=who,
        language=language,
        segment=segment,
        source=source,
        line=line,
        text=text,
        question=question,
        mentions=mentions(text, known_people),
        reply_to=reply_to,
    )
    record = {"type": "comment", **comment.__dict__, "mentions": list(comment.mentions)}
    append_line(project, _path(project, slug), record)
    return comment, parent


def set_resolved(
    project: Project, slug: str, thread_id: str, who: str, resolved: bool = True
) -> Thread:
    """Resolve (or reopen) a thread; returns it as it was before."""
    found = thread(project, slug, thread_id)
    if found.open != resolved:
        raise CommentError(f"comment {thread_id} is already {'resolved' if resolved else 'open'}")
    append_line(
        project,
        _path(project, slug),
        {
            "type": "resolve" if resolved else "reopen",
            "id": new_id(),
            "thread": thread_id,
            "who": who,
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        },
    )
    return found


def find_segment(project: Project, slug: str, language: str, segment: str) -> tuple[str, str, str]:
    """A segment's id, source text and line, given its id or its source line number."""
    from workflow.catalog import read_catalog
    from workflow.review import segment_id

    path = project.catalog_path(slug, parse_language(language))
    if not path.exists():
        raise CommentError(f"{project.relative(path)}: no catalogue to comment on")
    for entry in read_catalog(path, project.relative(path)):
        if entry.obsolete:
            continue
        line = entry.occurrences[0][1] if entry.occurrences else ""
        sid = segment_id(entry.msgctxt, entry.msgid)
        if segment in (sid, line):
            return sid, entry.msgid, line
    raise CommentError(f"{slug} [{language}] has no segment {segment!r} (an id or a line number)")


def open_counts(project: Project, slug: str, languages: Iterable[str]) -> dict[str, int]:
    """Open threads shown in each language of an article (source questions in every one)."""
    found = [t for t in threads(project, slug) if t.open]
    return {lang: sum(1 for t in found if t.shown_in(lang)) for lang in languages}
