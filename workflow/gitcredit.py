"""Who did what to which file, read from the audit log: the authors of a sync's commits.

``workflow sync`` commits each changed file with its last editor as the author and
the others as ``Co-authored-by`` trailers (:mod:`workflow.gitsync`).  This module is
the pure part of that: which audit event touched which project file, how files
group by person, and the commit subject that says what each person did.  No git
here, so it is tested on events alone.
"""

from __future__ import annotations

from workflow.audit import Event
from workflow.languages import parse_language

#: What each event did, for commit messages.
VERBS = {
    "review": "reviewed",
    "translate": "machine-translated",
    "approve": "approved",
    "reject": "sent back",
    "silence": "silenced a check in",
    "extract": "extracted",
}


def _catalogue(rel: str) -> tuple[str, str] | None:
    """``(slug, gettext language)`` of ``locales/<lang>/LC_MESSAGES/<slug>.po|mo``."""
    parts = rel.split("/")
    if len(parts) == 4 and parts[0] == "locales" and parts[2] == "LC_MESSAGES":
        stem, _, ext = parts[3].rpartition(".")
        if ext in ("po", "mo"):
            return stem, parts[1]
    return None


#: The desk's own files (``work/<folder>/<slug>.*``) and the events that write them.
WORK_EVENTS = {
    "assignments": ("assign", "ready"),
    "comments": ("comment", "resolve", "reopen"),
}


def touches(event: Event, rel: str) -> bool:
    """Whether ``event`` changed the project file ``rel``."""
    parts = rel.split("/")
    if len(parts) == 3 and parts[0] == "work" and parts[1] in WORK_EVENTS:
        return event.event in WORK_EVENTS[parts[1]] and parts[2].split(".")[0] == event.slug
    if parts[0] == "memory":
        return event.event == "import" and event.detail.get("stored") == rel
    found = _catalogue(rel)
    if found is None:
        return False
    slug, language = found
    if rel.endswith(".mo") and event.event != "approve":
        return False
    articles = event.detail.get("articles")
    if event.slug:
        if event.slug != slug:
            return False
    elif isinstance(articles, list) and slug not in articles:
        return False
    elif event.event == "import":
        return False  # a memory import changes no catalogue
    tags = [event.language] if event.language else list(event.detail.get("languages") or [])
    if not tags:
        return True
    try:
        return any(parse_language(tag).gettext_id == language for tag in tags)
    except Exception:  # a hand-edited line with a bad tag: not this file
        return False


def attribute(changed: list[str], events: list[Event]) -> dict[tuple[str, ...], list[str]]:
    """Group changed files by who touched them: ``(author, *co-authors) → files``.

    The author is the last person in the log who touched the file; files nobody
    touched are under ``()``: whoever runs sync.
    """
    groups: dict[tuple[str, ...], list[str]] = {}
    for rel in changed:
        people: list[str] = []
        for event in events:
            if touches(event, rel):
                if event.who in people:
                    people.remove(event.who)
                people.append(event.who)
        key = (people[-1], *people[:-1]) if people else ()
        groups.setdefault(key, []).append(rel)
    return groups


def commit_subject(person: str, files: list[str], events: list[Event]) -> str:
    """A commit subject: what `person` did to these files (the first three articles per verb)."""
    done: dict[str, set[str]] = {}
    for event in events:
        if event.who == person and any(touches(event, rel) for rel in files):
            articles = event.detail.get("articles")
            named = ", ".join(articles) if isinstance(articles, list) else "all articles"
            what = (event.slug or named) + (f" [{event.language}]" if event.language else "")
            done.setdefault(VERBS.get(event.event, event.event), set()).add(what)
    parts = [f"{verb} {', '.join(sorted(items)[:3])}" for verb, items in done.items()]
    extra = "" if len(parts) <= 2 else f" and {len(parts) - 2} more"
    return f"{person}: {'; '.join(parts[:2])}{extra}" if parts else f"{person}: {len(files)} files"
