"""People by name: who may approve, and how the site names everyone.

Two plain sources, read together:

* ``instance/users.json`` — the people who log in to the review app
  (``workflow user add ana --role translator --display-name "Ana Ruiz"``);
* ``people.toml`` — a versioned file in the project for everyone else the site
  names: outside authors and translators, and editors who approve from the
  command line only::

      [jane-doe]
      name = "Jane Doe"            # how the site names her

      [jordi]
      name = "Jordi Puig"
      editor = true                # may approve and reject (workflow approve --by jordi)

Logins and ids appear in provenance notes, releases and the audit log; the
site shows :meth:`People.display` of them.  ``--by`` must name an editor
known to either source (:meth:`People.require_editor`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from workflow.errors import ConfigError, WorkflowError
from workflow.users import UserStore

PEOPLE_FILE = "people.toml"
_KEYS = {"name", "editor"}


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    editor: bool = False


class People:
    """Everyone the project knows: app users and the people list."""

    def __init__(self, root: Path) -> None:
        self.path = root / PEOPLE_FILE
        self.people: dict[str, Person] = {}
        for user in UserStore(root / "instance").all():
            self.people[user.name] = Person(
                user.name, user.display_name or user.name, user.can_approve
            )
        for person in read_people(self.path):
            known = self.people.get(person.id)
            # the app's role decides for app users; the file may still give the name
            editor = person.editor or (known.editor if known else False)
            name = person.name if not known or known.name == known.id else known.name
            self.people[person.id] = Person(person.id, name, editor)

    def display(self, who: str) -> str:
        """How the site names ``who``: their display name, else as written."""
        person = self.people.get(who)
        return person.name if person else who

    def editors(self) -> list[str]:
        return sorted(p.id for p in self.people.values() if p.editor)

    def require_editor(self, who: str) -> str:
        """``who`` if they may approve or reject; else one clear error naming who may."""
        person = self.people.get(who)
        if person is not None and person.editor:
            return who
        known = ", ".join(self.editors()) or "none yet"
        why = "is not an editor" if person else "is not a known editor"
        raise WorkflowError(
            f"{who!r} {why} (editors: {known}); add one with "
            f"`workflow user add NAME --role editor`, or as `editor = true` in {PEOPLE_FILE}"
        )


def read_people(path: Path) -> list[Person]:
    """The people list, checked in one pass (every problem reported at once)."""
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(PEOPLE_FILE, [str(exc)]) from exc
    problems: list[str] = []
    people = []
    for pid, entry in data.items():
        if not isinstance(entry, dict):
            problems.append(f'{pid}: must be a table ([{pid}] with name = "…")')
            continue
        for key in entry:
            if key not in _KEYS:
                problems.append(f"{pid}.{key}: unknown key (known: name, editor)")
        name = entry.get("name", pid)
        editor = entry.get("editor", False)
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{pid}.name: must be a non-empty string")
            continue
        if not isinstance(editor, bool):
            problems.append(f"{pid}.editor: must be true or false")
            continue
        people.append(Person(pid, " ".join(name.split()), editor))
    if problems:
        raise ConfigError(PEOPLE_FILE, problems)
    return people
