"""Stage 3: editor approval, the release gate (``workflow approve`` / ``reject``).

Approval compiles the catalogue into ``locales/<lang>/LC_MESSAGES/<slug>.mo``:
the release.  Its header says who approved, when, with what note, and which
source text it was made from (a SHA-256 of the article file).  The site is
built from releases only, so what readers see is exactly what an editor
approved; translators keep working in the ``.po`` and nothing reaches readers
until the next approval.

Approval is refused, with every reason listed, while a segment is
untranslated, fuzzy (machine output or a changed source), or has an
error-level quality check that was not silenced (with ``[approval] warnings =
"block"`` in ``workflow.toml``, a warning too) — or while the catalogue is
older than its article.  Only a known editor approves or rejects
(:meth:`workflow.people.People.require_editor`).

Rejecting means one thing everywhere: the version goes back to review with
the editor's note, and an approved release of it is **withdrawn** — the
``.mo`` is removed, so ``status`` says "changes requested", the next publish
replaces the page with a notice that sends readers to the original, and the
next approval makes a new release.  A version with nothing to review yet
cannot be rejected (:func:`can_reject`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polib

from workflow.article import Article
from workflow.audit import record
from workflow.catalog import (
    SOURCE_HASH,
    Stats,
    entry_state,
    provenance,
    read_catalog,
    stats,
    write_catalog,
)
from workflow.errors import CatalogError, WorkflowError
from workflow.extract import segment_article, source_hash
from workflow.fsutil import atomic_write_bytes, file_lock
from workflow.glossary import load_glossary
from workflow.languages import Language, parse_language
from workflow.people import People
from workflow.project import SITE, Project
from workflow.qa import ERROR, check_catalog
from workflow.team import events

APPROVED_BY = "X-Approved-By"
APPROVED_AT = "X-Approved-At"
APPROVAL_NOTE = "X-Approval-Note"
SOURCE_REVISION = "X-Source-Revision"
RELEASE_HASH = "X-Release-Hash"
CHANGES_REQUESTED = "X-Workflow-Changes-Requested"
#: Set on the catalogue when a rejection withdrew its release: "<by> <date>".
WITHDRAWN = "X-Workflow-Withdrawn"
ENGINES = "X-Machine-Engines"
REVIEWERS = "X-Reviewed-By"
#: The release also carries the translated body as approved, so the site shows
#: exactly that even after the source article changes.
BODY_CONTEXT = "workflow-release"
_SHOWN = 8  # reasons listed per kind before "and N more"


class ApprovalRefused(WorkflowError):
    """Approval was refused; ``reasons`` says why, one line each."""

    def __init__(self, where: str, reasons: list[str]) -> None:
        self.reasons = reasons
        lines = "\n".join(f"  - {r}" for r in reasons)
        super().__init__(f"{where}: approval refused:\n{lines}")


@dataclass(frozen=True)
class Release:
    """An approved language version, as read back from its ``.mo``."""

    path: Path
    approved_by: str
    approved_at: str
    source_revision: str
    note: str
    content_hash: str
    messages: dict[tuple[str | None, str], str] = field(default_factory=dict)
    body: str = ""
    engines: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()


def source_revision(article: Article) -> str:
    """Identifies the exact source text a release was made from."""
    return "sha256:" + hashlib.sha256(article.source).hexdigest()


def release_path(project: Project, slug: str, language: Language) -> Path:
    return project.catalog_path(slug, language).with_suffix(".mo")


def _content_hash(po: polib.POFile, revision: str) -> str:
    digest = hashlib.sha256(revision.encode())
    for entry in sorted(po.translated_entries(), key=lambda e: (e.msgctxt or "", e.msgid)):
        digest.update(f"\0{entry.msgctxt or ''}\0{entry.msgid}\0{entry.msgstr}".encode())
    return digest.hexdigest()[:32]


def read_release(path: Path) -> Release | None:
    """The release at ``path``, or ``None`` if there is none."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CatalogError(f"{path}: unreadable release file ({exc})") from exc
    try:
        entries = read_mo(data)
    except (ValueError, UnicodeDecodeError, struct.error) as exc:
        raise CatalogError(f"{path}: broken release file ({exc})") from exc
    meta = dict(
        line.split(": ", 1) for line in entries.pop((None, ""), "").splitlines() if ": " in line
    )
    body = entries.pop((BODY_CONTEXT, "body\n"), "")
    return Release(
        path=path,
        approved_by=meta.get(APPROVED_BY, ""),
        approved_at=meta.get(APPROVED_AT, ""),
        source_revision=meta.get(SOURCE_REVISION, ""),
        note=meta.get(APPROVAL_NOTE, ""),
        content_hash=meta.get(RELEASE_HASH, ""),
        messages=entries,
        body=body,
        engines=tuple(x for x in meta.get(ENGINES, "").split(", ") if x),
        reviewers=tuple(x for x in meta.get(REVIEWERS, "").split(", ") if x),
    )


def read_mo(data: bytes) -> dict[tuple[str | None, str], str]:
    """Every ``(msgctxt, msgid) → msgstr`` of a GNU ``.mo`` file (the header under
    ``(None, "")``).

    The format is two tables of (length, offset) pairs (GNU gettext manual,
    "The Format of GNU MO Files"); reading them directly is ~20x faster than
    building polib entries, which matters when a publish reads thousands of
    releases.  Plural forms keep their NUL-separated msgstr as is.
    """
    magic = int.from_bytes(data[:4], "little")
    order = "<" if magic == 0x950412DE else ">" if magic == 0xDE120495 else ""
    if not order:
        raise ValueError("not a .mo file (bad magic number)")
    _revision, count, originals, translations = struct.unpack_from(order + "4I", data, 4)
    pairs = struct.unpack_from(f"{order}{2 * count}I", data, originals)
    targets = struct.unpack_from(f"{order}{2 * count}I", data, translations)
    out: dict[tuple[str | None, str], str] = {}
    for i in range(0, 2 * count, 2):
        key = data[pairs[i + 1] : pairs[i + 1] + pairs[i]].decode("utf-8")
        value = data[targets[i + 1] : targets[i + 1] + targets[i]].decode("utf-8")
        context, sep, msgid = key.partition("\x04")
        key_id = key.split("\x00", 1)[0]  # a plural entry is keyed by its singular
        out[(context, msgid.split("\x00", 1)[0]) if sep else (None, key_id)] = value
    return out


def _credits(po: polib.POFile) -> tuple[list[str], list[str]]:
    """Engines that drafted and people who reviewed the release's entries."""
    engines: list[str] = []
    reviewers: list[str] = []
    for entry in po.translated_entries():
        for note in provenance(entry):
            words = note.split()
            if len(words) >= 2 and words[0] == "machine" and words[1] not in engines:
                engines.append(words[1])
            elif len(words) >= 2 and words[0] == "reviewed" and words[1] not in reviewers:
                reviewers.append(words[1])
    return engines, reviewers


def _rendered_body(article: Article, po: polib.POFile) -> polib.POEntry:
    table = {(e.msgctxt, e.msgid): e.msgstr for e in po.translated_entries()}
    _front, document = segment_article(article)
    body = document.render(lambda segment: table.get(segment.key)).text
    body = body.lstrip("\n")  # gettext wants msgid and msgstr to agree on edge newlines
    body = body if body.endswith("\n") else body + "\n"
    return polib.POEntry(msgctxt=BODY_CONTEXT, msgid="body\n", msgstr=body)


def gate(project: Project, article: Article, language: Language) -> tuple[polib.POFile, list[str]]:
    """The catalogue and every reason it cannot be approved (empty: it can)."""
    path = project.catalog_path(article.slug, language)
    where = project.relative(path)
    if not path.exists():
        return polib.POFile(), [f"no catalogue (run `workflow extract {article.slug}`)"]
    po = read_catalog(path, where)
    reasons: list[str] = []
    if article.meta.status == "draft":
        reasons.append("the article is a draft")
    if po.metadata.get(SOURCE_HASH) != source_hash(article):
        reasons.append(
            f"the article changed since the last extract (run `workflow extract {article.slug}`)"
        )
    glossary = load_glossary(project.inside(project.config.glossary_path))
    reasons.extend(_entry_reasons(project, po, article.meta.language.tag, language.tag, glossary))
    return po, reasons


def _line(entry: polib.POEntry) -> str:
    """Where the entry is: its source line, or its file for the site's strings."""
    if not entry.occurrences:
        return "?"
    path, line = entry.occurrences[0]
    return str(line or path)


def _few(items: list[str]) -> str:
    shown = ", ".join(items[:_SHOWN])
    return shown + (f" and {len(items) - _SHOWN} more" if len(items) > _SHOWN else "")


def approve(
    project: Project, slug: str, language: str, by: str, note: str = ""
) -> tuple[str, Release]:
    """Approve a language version: ``("approved" | "unchanged", release)``."""
    People(project.root).require_editor(by)
    if slug == SITE:
        return _approve_site(project, language, by, note)
    article = project.article(slug)
    target = parse_language(language)
    if target.tag == article.meta.language.tag:
        raise WorkflowError(f"{slug} is written in {target.tag}: only translations are approved")
    path = project.catalog_path(slug, target)
    with file_lock(path):
        po, reasons = gate(project, article, target)
        if reasons:
            raise ApprovalRefused(f"{slug} [{target.tag}]", reasons)
        return _release(
            project,
            slug,
            target,
            po,
            source_revision(article),
            by,
            note,
            lambda: _rendered_body(article, po),
        )


def _release(
    project: Project,
    slug: str,
    target: Language,
    po: polib.POFile,
    revision: str,
    by: str,
    note: str,
    body: Callable[[], polib.POEntry] | None = None,
) -> tuple[str, Release]:
    """Compile an approved catalogue into its ``.mo`` release (call under its file lock).

    The same content approved again changes nothing.  The release header says
    who approved, when, with what note, from which source revision, and who
    drafted and reviewed it; a pending rejection note is cleared.
    """
    digest = _content_hash(po, revision)
    target_path = release_path(project, slug, target)
    current = read_release(target_path)
    if current is not None and current.content_hash == digest:
        return "unchanged", current
    engines, reviewers = _credits(po)
    release = polib.POFile()
    release.metadata = {
        **po.metadata,
        APPROVED_BY: by,
        APPROVED_AT: dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        SOURCE_REVISION: revision,
        APPROVAL_NOTE: " ".join(note.split()),
        RELEASE_HASH: digest,
        ENGINES: ", ".join(engines),
        REVIEWERS: ", ".join(reviewers),
    }
    release.metadata.pop(CHANGES_REQUESTED, None)
    release.metadata.pop(WITHDRAWN, None)
    for entry in po.translated_entries():
        release.append(polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid, msgstr=entry.msgstr))
    segments = len(release)
    if body is not None:
        release.append(body())
    atomic_write_bytes(target_path, release.to_binary())
    path = project.catalog_path(slug, target)
    if CHANGES_REQUESTED in po.metadata or WITHDRAWN in po.metadata:
        po.metadata.pop(CHANGES_REQUESTED, None)
        po.metadata.pop(WITHDRAWN, None)
        write_catalog(po, path, "PO-Revision-Date")
    record(
        project.root, "approve", by, slug, target.tag, note=note, release=digest, segments=segments
    )
    events.approved(project, slug, target.tag, by, note)
    result = read_release(target_path)
    assert result is not None
    return "approved", result


def _entry_reasons(
    project: Project, po: polib.POFile, source: str, target: str, glossary: object
) -> list[str]:
    """Untranslated, fuzzy and quality-error reasons (shared by articles and site strings).

    With ``[approval] warnings = "block"``, a warning that was not silenced blocks too.
    """
    reasons: list[str] = []
    for state in ("untranslated", "fuzzy"):
        lines = [_line(e) for e in po if not e.obsolete and entry_state(e) == state]
        if lines:
            label = "fuzzy (machine or changed source, not reviewed)" if state == "fuzzy" else state
            # Sentences share their paragraph's line: name each line once.
            where = _few(list(dict.fromkeys(lines)))
            reasons.append(f"{len(lines)} segment(s) {label}: lines {where}")
    block = project.config.warnings_block
    errors = [
        f"line {report.line} {finding.check}: {finding.message}"
        + ("" if finding.severity == ERROR else " (warning; silence it with a reason)")
        for report in check_catalog(po, source, target, glossary)  # type: ignore[arg-type]
        for finding in (report.findings if block else report.errors)
    ]
    reasons.extend(errors[:_SHOWN])
    if len(errors) > _SHOWN:
        reasons.append(f"… and {len(errors) - _SHOWN} more quality findings (see `workflow check`)")
    return reasons


def _approve_site(project: Project, language: str, by: str, note: str) -> tuple[str, Release]:
    """Approve the site's interface strings in one language (``site.mo``)."""
    from workflow.review import SITE_SOURCE, site_catalog

    target, path = site_catalog(project, language)
    with file_lock(path):
        po = read_catalog(path, project.relative(path))
        glossary = load_glossary(project.inside(project.config.glossary_path))
        reasons = _entry_reasons(project, po, SITE_SOURCE, target.tag, glossary)
        if reasons:
            raise ApprovalRefused(f"{SITE} [{target.tag}]", reasons)
        return _release(project, SITE, target, po, SITE, by, note)


def site_release_stage(project: Project, language: Language, po: polib.POFile) -> str | None:
    """``approved`` or ``edited since approval`` for the site's strings; None without release."""
    release = read_release(release_path(project, SITE, language))
    if release is None:
        return None
    return (
        "approved" if _content_hash(po, SITE) == release.content_hash else "edited since approval"
    )


def can_reject(released: bool, counts: Stats) -> bool:
    """A version can be sent back if it has a release to withdraw or a complete translation
    to review; one not started or half machine-translated has nothing to send back."""
    return released or (counts.total > 0 and counts.untranslated == 0)


def reject(project: Project, slug: str, language: str, by: str, note: str) -> bool:
    """Send a language version back to review with a note; withdraw its release if any.

    Returns whether a release was withdrawn.
    """
    if not note.strip():
        raise WorkflowError("a rejection needs a note saying what to change (--note)")
    People(project.root).require_editor(by)
    if slug != SITE:
        project.article(slug)  # must exist
    target = parse_language(language)
    path = project.catalog_path(slug, target)
    if not path.exists():
        raise CatalogError(f"{project.relative(path)}: no catalogue to send back")
    today = dt.date.today().isoformat()
    released = release_path(project, slug, target)
    with file_lock(path):
        po = read_catalog(path, project.relative(path))
        withdrawn = read_release(released)
        if not can_reject(withdrawn is not None, stats(po)):
            raise WorkflowError(
                f"{slug} [{target.tag}]: nothing to send back yet "
                "(no release, and the translation is not complete)"
            )
        po.metadata[CHANGES_REQUESTED] = f"{by} {today}: {' '.join(note.split())}"
        if withdrawn is not None:
            po.metadata[WITHDRAWN] = f"{by} {today}"
        write_catalog(po, path, "PO-Revision-Date")
        if withdrawn is not None:
            released.unlink()
    detail = {"withdrawn": withdrawn.content_hash} if withdrawn is not None else {}
    record(project.root, "reject", by, slug, target.tag, note=note, **detail)
    events.changes_requested(project, slug, target.tag, by, note)
    return withdrawn is not None


def release_stage(
    project: Project, article: Article, language: Language, po: polib.POFile | None = None
) -> str | None:
    """``approved``, ``update in review`` or ``edited since approval``; None without release."""
    release = read_release(release_path(project, article.slug, language))
    if release is None:
        return None
    if release.source_revision != source_revision(article):
        return "update in review"
    if po is None:
        path = project.catalog_path(article.slug, language)
        po = read_catalog(path, project.relative(path))
    if _content_hash(po, release.source_revision) != release.content_hash:
        return "edited since approval"
    return "approved"
