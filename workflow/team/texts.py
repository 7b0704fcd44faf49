"""Notifications and activity in words, in the reader's language.

Feeds and the audit log store what happened (kind, article, language, who,
details); the words are chosen when someone reads them — the app in the
browser's language, an e-mail in the language its reader chose — from the
review app's interface catalogues (``workflow/web/translations``, extracted
by Babel through ``babel.cfg``).
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext as gettext_module
from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_skeleton, format_time

from workflow.errors import LanguageError
from workflow.languages import parse_language
from workflow.project import Project

TRANSLATIONS = Path(__file__).resolve().parent.parent / "web" / "translations"
Gettext = Callable[[str], str]
EXCERPT = 120


@functools.cache
def catalogue(language: str) -> gettext_module.NullTranslations:
    return gettext_module.translation(
        "messages", str(TRANSLATIONS), languages=[language], fallback=True
    )


def language_name(tag: str, ui: str) -> str:
    """``es`` as a reader of ``ui`` calls it (``Spanish``, ``castellà``…)."""
    if not tag:
        return ""
    try:
        return parse_language(tag).locale.get_display_name(Locale.parse(ui, sep="-")) or tag
    except (LanguageError, ValueError):
        return tag


def when(value: str | dt.datetime | None, zone: Any, ui: str) -> str:
    """A moment as the reader writes it, in the project's time zone: ``Tue, Dec 1, 2026, 12:00``."""
    if value is None or value == "":
        return ""
    moment = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    try:
        locale = Locale.parse(ui, sep="-")
        day = format_skeleton("yMMMEd", moment, tzinfo=zone, locale=locale)
        hour = format_time(moment, "short", tzinfo=zone, locale=locale)
        return str(locale.datetime_formats["medium"]).format(hour, day)
    except (ValueError, KeyError):
        return moment.isoformat()


def excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1] + "…"


def describe(
    note: Any,
    reader: str,
    _: Gettext,
    ui: str,
    zone: Any,
    title: str = "",
    name: Callable[[str], str] = str,
) -> str:
    """One sentence telling ``reader`` what a notification is about.

    ``title`` is the article's; ``name`` turns a login into how people are called.
    """
    kind, slug, language, actor, data = note.kind, note.slug, note.language, note.actor, note.data
    values = {
        "actor": name(actor),
        "article": title or slug,
        "language": language_name(language, ui),
        "excerpt": excerpt(str(data.get("text", ""))),
        "note": excerpt(str(data.get("note", ""))),
        "due": when(data.get("due"), zone, ui),
    }
    if kind == "assigned":
        if reader == data.get("reviewer") and reader != data.get("translator"):
            text = _("%(actor)s asked you to review %(article)s in %(language)s.")
        else:
            text = _("%(actor)s assigned you to translate %(article)s into %(language)s.")
        if values["due"]:
            text += " " + _("Due %(due)s.")
    elif kind == "mention":
        text = _("%(actor)s mentioned you on %(article)s (%(language)s): “%(excerpt)s”")
    elif kind == "question":
        text = _("%(actor)s asked a source question on %(article)s: “%(excerpt)s”")
    elif kind == "reply":
        text = _("%(actor)s replied on %(article)s (%(language)s): “%(excerpt)s”")
    elif kind == "resolved":
        text = _("%(actor)s resolved your comment on %(article)s (%(language)s).")
    elif kind == "ready":
        text = _("%(article)s in %(language)s is ready for approval.")
    elif kind == "approved":
        text = _("%(actor)s approved %(article)s in %(language)s.")
    elif kind == "changes-requested":
        text = _("%(actor)s sent %(article)s in %(language)s back: “%(note)s”")
    elif kind == "source-changed":
        text = _("The source of %(article)s changed: %(language)s needs review again.")
    else:
        text = "%(actor)s: %(article)s %(language)s"
    return text % values


def article_title(project: Project, slug: str, _: Gettext) -> str:
    """An article's title for people (the slug if it cannot be read)."""
    from workflow.errors import WorkflowError
    from workflow.project import SITE

    if slug == SITE:
        return _("Site interface")
    try:
        return project.article(slug).meta.title if slug else ""
    except WorkflowError:
        return slug


def email_text(project: Project, note: Any, person: str, language: str) -> tuple[str, str]:
    """Subject and body of the e-mail for one notification."""
    translations = catalogue(language)
    _ = translations.gettext
    zone = project.config.team.zone
    from workflow.people import People

    title = article_title(project, note.slug, _)
    line = describe(note, person, _, language, zone, title, People(project.root).display)
    site = project.config.site_name
    parts = [line, ""]
    app = project.config.team.app_url
    if app:
        target = f"review/{note.slug}/{note.language}" if note.language else "notifications"
        parts += [app + target, ""]
        parts += [_("Choose which e-mails you get: %(url)s") % {"url": app + "notifications"}]
    parts += ["", "— " + _("%(site)s · Translation desk") % {"site": site}]
    return f"[{site}] {line}", "\n".join(parts) + "\n"


#: Audit log events as the activity page words them (without the article: it is the page's).
def activity_text(
    event: str,
    detail: dict[str, Any],
    _: Gettext,
    ui: str,
    zone: Any,
    name: Callable[[str], str] = str,
) -> str:
    """One line for an audit log event on an article's activity page."""
    d = {k: excerpt(str(v)) for k, v in detail.items()}
    for role in ("translator", "reviewer"):
        if detail.get(role):
            d[role] = name(str(detail[role]))
    if event == "review":
        action = detail.get("action", "confirm")
        if action == "revert":
            return _("went back to the machine translation of “%(segment)s”") % d
        if action == "copy-source":
            return _("copied the source into “%(segment)s”") % d
        return _("reviewed “%(segment)s”: “%(new)s”") % d
    if event == "assign":
        d["due"] = when(detail.get("due"), zone, ui)
        if detail.get("translator"):
            text = _("assigned %(translator)s") % d
            if detail.get("reviewer"):
                text += ", " + _("reviewer %(reviewer)s") % d
            return text + ((", " + _("due %(due)s") % d) if d["due"] else "")
        return _("removed the assignment")
    simple = {
        "extract": _("extracted the source into the catalogue"),
        "translate": _("machine translated new and changed segments"),
        "approve": _("approved the release"),
        "reject": _("sent it back: “%(note)s”"),
        "silence": _("silenced the %(check)s check on line %(line)s"),
        "publish": _("published the site"),
        "comment": _("commented on “%(segment)s”: “%(text)s”"),
        "resolve": _("resolved a comment on “%(segment)s”"),
        "reopen": _("reopened a comment on “%(segment)s”"),
        "ready": _("became ready for approval"),
    }
    if event not in simple:
        return event
    try:
        return simple[event] % d
    except (KeyError, ValueError):  # an older line without a detail this wording names
        return simple[event]
