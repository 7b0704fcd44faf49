"""People and roles of the review app, kept in the project's instance folder.

``instance/users.json`` (never versioned) holds each person's role, languages
and a salted password hash (werkzeug's scrypt); passwords are never stored.

* **translator**: edits the languages listed for them;
* **editor**: edits every language and approves or rejects releases;
* **admin**: everything an editor does.

A person may also choose the review app's interface language
(``ui_language``, optional: without it the browser's preference is used).

Sessions of the app hold each person's :attr:`User.stamp`; any change to the
password, role or languages (or removing the person) changes or drops it, so
their open sessions end at once (see :mod:`workflow.web.sessions`).  Fields
added later are optional: a ``users.json`` without them still reads.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from workflow.errors import WorkflowError
from workflow.fsutil import atomic_write_bytes, file_lock
from workflow.languages import parse_language

ROLES = ("translator", "editor", "admin")
_NAME = re.compile(r"^[\w.@-]{1,64}$")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    languages: tuple[str, ...] = ()
    password_hash: str = ""
    #: How the site names this person ("Ana Ruiz"); the login name when empty.
    display_name: str = ""
    #: The review app's interface language; "" = the browser's.
    ui_language: str = ""

    def can_edit(self, language: str) -> bool:
        """Editors and admins edit every language; translators their own."""
        return self.role in ("editor", "admin") or language in self.languages

    @property
    def can_approve(self) -> bool:
        return self.role in ("editor", "admin")

    @property
    def stamp(self) -> str:
        """What a session remembers of this person: changes with password, role or languages."""
        what = "\n".join((self.password_hash, self.role, *sorted(self.languages)))
        return hashlib.sha256(what.encode()).hexdigest()


@functools.lru_cache(maxsize=8)
def _read_users(path: str, mtime_ns: int, size: int, inode: int) -> dict[str, User]:
    """The users file, parsed once per version of it (every request asks)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WorkflowError(f"{path}: not a valid users file ({exc})") from exc
    if not isinstance(data, dict) or not all(isinstance(d, dict) for d in data.values()):
        raise WorkflowError(f"{path}: not a valid users file (expected name: {{role, …}})")
    return {name: _user(name, d) for name, d in data.items()}


def _user(name: str, d: dict[str, object]) -> User:
    """One entry of users.json; fields added later (display_name, ui_language) may be absent."""
    languages = d.get("languages") or ()
    return User(
        name,
        str(d.get("role", "translator")),
        tuple(str(tag) for tag in languages) if isinstance(languages, (list, tuple)) else (),
        str(d.get("password_hash", "")),
        str(d.get("display_name", "")),
        str(d.get("ui_language", "")),
    )


@functools.cache
def _dummy_hash() -> str:
    """A hash to check unknown names against, so they cost what a known name costs."""
    return generate_password_hash(secrets.token_urlsafe(16))


class UserStore:
    """The people who may log in to the review app."""

    def __init__(self, instance: Path) -> None:
        self.path = instance / "users.json"

    def _load(self) -> dict[str, User]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return {}
        return _read_users(str(self.path), stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def get(self, name: str) -> User | None:
        return self._load().get(name)

    def all(self) -> list[User]:
        return sorted(self._load().values(), key=lambda u: u.name)

    def add(
        self,
        name: str,
        role: str,
        languages: tuple[str, ...] = (),
        password: str | None = None,
        display_name: str = "",
    ) -> tuple[User, str]:
        """Add or replace a person; returns them and their (possibly generated) password."""
        if not _NAME.match(name):
            raise WorkflowError(f"invalid user name {name!r}: letters, digits, . @ - _ only")
        if role not in ROLES:
            raise WorkflowError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
        tags = tuple(parse_language(tag).tag for tag in languages)
        if role == "translator" and not tags:
            raise WorkflowError("a translator needs --lang with the languages they translate")
        password = password or secrets.token_urlsafe(12)
        if len(password) < 8:
            raise WorkflowError("passwords need at least 8 characters")
        user = User(
            name, role, tags, generate_password_hash(password), " ".join(display_name.split())
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with file_lock(self.path):
            users = dict(self._load())
            if not user.display_name and name in users:  # keep the name they had
                user = replace(user, display_name=users[name].display_name)
            if name in users:  # and the interface language they chose
                user = replace(user, ui_language=users[name].ui_language)
            users[name] = user
            self._save(users)
        return user, password

    def remove(self, name: str) -> User:
        """Remove a person; their sessions end with the next request they make."""
        with file_lock(self.path):
            users = dict(self._load())
            if name not in users:
                raise WorkflowError(f"no user {name!r} (see `workflow user list`)")
            user = users.pop(name)
            self._save(users)
        return user

    def set_ui_language(self, name: str, language: str) -> User:
        """Remember the interface language a person chose ("" = follow the browser)."""
        with file_lock(self.path):
            users = dict(self._load())
            if name not in users:
                raise WorkflowError(f"no user {name!r}")
            users[name] = replace(users[name], ui_language=language)
            self._save(users)
        return users[name]

    def _save(self, users: dict[str, User]) -> None:
        """Write the users file (the caller holds its lock)."""
        data = {n: {k: v for k, v in asdict(u).items() if k != "name"} for n, u in users.items()}
        atomic_write_bytes(self.path, json.dumps(data, indent=2, sort_keys=True).encode())
        self.path.chmod(0o600)

    def authenticate(self, name: str, password: str) -> User | None:
        """The person if the password is theirs; an unknown name costs the same time."""
        user = self.get(name)
        if user is None:
            check_password_hash(_dummy_hash(), password)
            return None
        if not check_password_hash(user.password_hash, password):
            return None
        return user
