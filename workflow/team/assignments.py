"""Assignments and deadlines: who translates (and reviews) an article in a language, by when.

One file per article, ``work/assignments/<slug>.toml``, one table per language::

    [es]
    translator = "ana"
    reviewer = "marta"
    due = 2026-12-01T12:00:00+01:00      # entered and shown in [project] timezone
    assigned_by = "marta"
    assigned_at = 2026-11-28T09:12:03+01:00
    ready_at = 2026-11-30T10:41:00+01:00  # when its last segment was reviewed

How far the work is stays derived from the catalogue (``workflow status``);
the file holds only what cannot be derived: the people, the due time, and
when the version last became ready for approval (so that is announced once).

Recipe for "My work": every assignment naming the person → its stage from the
catalogue → drop what is approved → mark overdue / due soon → sort by due time.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, replace
from typing import Any

import tomli_w

from workflow.errors import WorkflowError
from workflow.fsutil import file_lock
from workflow.languages import parse_language
from workflow.project import SITE, Project, check_slug
from workflow.team.store import work_file, write_text

FOLDER = "assignments"
HEADER = (
    "# Who translates and reviews this article in each language, and by when.\n"
    "# Written by `workflow assign` and the review app; times carry their UTC offset.\n\n"
)
_FIELDS = ("translator", "reviewer", "due", "assigned_by", "assigned_at", "ready_at")
_RELATIVE = re.compile(r"^\+(\d+)\s*([mhd])$")


class AssignmentError(WorkflowError):
    """An assignment that cannot be made, or an assignments file that cannot be read."""


@dataclass(frozen=True)
class Assignment:
    """One article in one language: its people and its due time."""

    slug: str
    language: str
    translator: str = ""
    reviewer: str = ""
    due: dt.datetime | None = None
    assigned_by: str = ""
    assigned_at: dt.datetime | None = None
    ready_at: dt.datetime | None = None

    def people(self) -> tuple[str, ...]:
        return tuple(p for p in (self.translator, self.reviewer) if p)

    def urgency(self, now: dt.datetime, soon_hours: float) -> str:
        """``overdue``, ``due soon`` or ``""``."""
        if self.due is None:
            return ""
        if self.due <= now:
            return "overdue"
        if self.due - now <= dt.timedelta(hours=soon_hours):
            return "due soon"
        return ""


def now_in(project: Project) -> dt.datetime:
    """The current time in the project's time zone."""
    return dt.datetime.now(project.config.team.zone).replace(microsecond=0)


def parse_due(text: str, zone: zoneinfo.ZoneInfo, now: dt.datetime) -> dt.datetime | None:
    """A due time as people type it, in the project's time zone.

    ``2026-12-01 12:00`` (or with ``T``, seconds, an explicit ``+01:00``/``Z``),
    ``2026-12-01`` (the end of that day), ``+4h`` / ``+90m`` / ``+2d`` (from
    now), or an empty string (no due time).
    """
    text = text.strip()
    if not text:
        return None
    relative = _RELATIVE.match(text)
    if relative:
        amount, unit = int(relative.group(1)), relative.group(2)
        delta = {"m": dt.timedelta(minutes=amount), "h": dt.timedelta(hours=amount)}.get(
            unit, dt.timedelta(days=amount)
        )
        return (now + delta).astimezone(zone).replace(second=0, microsecond=0)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            local = dt.datetime.fromisoformat(text).replace(hour=23, minute=59)
        else:
            local = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise AssignmentError(
            f'due time {text!r} is not a date and time such as "2026-12-01 12:00" or "+4h"'
        ) from exc
    if local.tzinfo is not None:
        return local.astimezone(zone)
    aware = local.replace(tzinfo=zone)
    if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != local:
        raise AssignmentError(
            f"{text} does not exist in {zone.key}: the clocks go forward then; pick another time"
        )
    return aware


def _path(project: Project, slug: str) -> Any:
    check_slug(slug)
    return work_file(project, FOLDER, slug, ".toml")


def _time(value: object, where: str) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value
    raise AssignmentError(f"{where}: must be a date and time with its UTC offset, not {value!r}")


def read_assignments(project: Project, slug: str) -> dict[str, Assignment]:
    """The assignments of one article, by language tag (empty when there are none)."""
    path = _path(project, slug)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise AssignmentError(f"{project.relative(path)}: not valid TOML ({exc})") from exc
    found: dict[str, Assignment] = {}
    for language, table in data.items():
        where = f"{project.relative(path)} [{language}]"
        if not isinstance(table, dict):
            raise AssignmentError(f"{where}: must be a table")
        people = {k: table.get(k, "") for k in ("translator", "reviewer", "assigned_by")}
        if not all(isinstance(v, str) for v in people.values()):
            raise AssignmentError(f"{where}: people are named by their user names (strings)")
        found[language] = Assignment(
            slug,
            language,
            **people,
            due=_time(table.get("due"), f"{where} due"),
            assigned_at=_time(table.get("assigned_at"), f"{where} assigned_at"),
            ready_at=_time(table.get("ready_at"), f"{where} ready_at"),
        )
    return found


def all_assignments(project: Project) -> list[Assignment]:
    """Every assignment in the project, article by article."""
    folder = project.root / "work" / FOLDER
    if not folder.is_dir():
        return []
    found: list[Assignment] = []
    for path in sorted(folder.glob("*.toml")):
        found.extend(read_assignments(project, path.stem).values())
    return found


def _write(project: Project, slug: str, assignments: dict[str, Assignment]) -> None:
    data: dict[str, dict[str, Any]] = {}
    for language in sorted(assignments):
        item = assignments[language]
        table = {name: getattr(item, name) for name in _FIELDS}
        data[language] = {k: v for k, v in table.items() if v not in ("", None)}
    path = _path(project, slug)
    if not data:
        path.unlink(missing_ok=True)
        return
    write_text(project, path, HEADER + tomli_w.dumps(data))


def _check_language(project: Project, slug: str, language: str) -> str:
    tag = parse_language(language).tag
    if slug == SITE:
        from workflow.review import site_languages

        targets = [lang.tag for lang in site_languages(project)]
    else:
        targets = [lang.tag for lang in project.targets(project.article(slug))]
    if tag not in targets:
        raise AssignmentError(
            f"{slug} is not translated into {tag} (its languages: {', '.join(targets)})"
        )
    return tag


def _check_person(project: Project, name: str, language: str, what: str) -> None:
    """The person must exist and may edit the language (when the project has users)."""
    from workflow.users import UserStore

    store = UserStore(project.root / "instance")
    people = store.all()
    if not people:
        return  # a clone without the review app's users: names are taken as given
    person = next((p for p in people if p.name == name), None)
    if person is None:
        raise AssignmentError(
            f"no person named {name!r} (known: {', '.join(p.name for p in people)})"
        )
    if not person.can_edit(language):
        raise AssignmentError(
            f"{name} cannot be the {what}: they translate {', '.join(person.languages)}, "
            f"not {language}"
        )


def assign(
    project: Project,
    slug: str,
    language: str,
    translator: str,
    by: str,
    reviewer: str = "",
    due: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> tuple[Assignment, Assignment | None]:
    """Assign a language version; returns the new assignment and the one it replaced."""
    tag = _check_language(project, slug, language)
    if not translator:
        raise AssignmentError("an assignment needs a translator (--to)")
    _check_person(project, translator, tag, "translator")
    if reviewer:
        _check_person(project, reviewer, tag, "reviewer")
    now = now or now_in(project)
    path = _path(project, slug)
    path.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(path):
        current = read_assignments(project, slug)
        previous = current.get(tag)
        made = Assignment(
            slug,
            tag,
            translator,
            reviewer,
            due,
            by,
            now,
            previous.ready_at if previous else None,
        )
        current[tag] = made
        _write(project, slug, current)
    return made, previous


def unassign(project: Project, slug: str, language: str) -> Assignment | None:
    """Remove a language's assignment; returns what was removed (None: nothing was)."""
    tag = parse_language(language).tag
    path = _path(project, slug)
    with file_lock(path):
        current = read_assignments(project, slug)
        removed = current.pop(tag, None)
        if removed is not None:
            _write(project, slug, current)
    return removed


def mark_ready(project: Project, slug: str, language: str, ready_at: dt.datetime | None) -> bool:
    """Record (or clear, with None) when a version became ready; True when that changed it.

    Versions nobody was assigned get a table too: "ready for approval" is
    announced once per time it becomes ready, assigned or not.
    """
    path = _path(project, slug)
    item = read_assignments(project, slug).get(language, Assignment(slug, language))
    if (item.ready_at is None) == (ready_at is None):
        return False  # the common case (a save that changes nothing here): no lock, no write
    path.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(path):
        current = read_assignments(project, slug)
        item = current.get(language, Assignment(slug, language))
        if (item.ready_at is None) == (ready_at is None):
            return False
        current[language] = replace(item, ready_at=ready_at)
        _write(project, slug, current)
    return True
