"""The words for the workflow's own names, in the interface language.

The rest of the code speaks in stable English names — states (``fuzzy``),
block kinds (``list item``), stages (``in review``), check names
(``numbers``), provenance notes (``machine apertium 2024-12-04``), QA messages
with parameters.  Here each becomes a sentence a Catalan or German translator
reads; a name we have no words for is shown as it is (and the interface test
finds it).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from workflow.history import Note, Version, parse_note
from workflow.qa import Finding
from workflow.web.i18n import day, gettext, language_name, moment


def N_(message: str) -> str:
    """Mark a msgid for extraction; translated when shown."""
    return message


STATES = {
    "translated": N_("Reviewed"),
    "fuzzy": N_("Needs review"),
    "untranslated": N_("Untranslated"),
}
KINDS = {
    "front matter": N_("Front matter"),
    "paragraph": N_("Paragraph"),
    "list item": N_("List item"),
    "quote": N_("Quote"),
    "table cell": N_("Table cell"),
    "table": N_("Table"),
    "site interface": N_("Site interface"),
}
FIELDS = {
    "title": N_("Title"),
    "subtitle": N_("Subtitle"),
    "kind": N_("Kind of article"),
    "summary": N_("Summary"),
    "image.alt": N_("Image description"),
    "image.caption": N_("Image caption"),
}
STAGES = {
    "source": N_("original"),
    "draft": N_("draft"),
    "not extracted": N_("not prepared yet"),
    "source changed": N_("original changed"),
    "not started": N_("not started"),
    "translating": N_("translating"),
    "in review": N_("in review"),
    "reviewed": N_("reviewed"),
    "changes requested": N_("changes requested"),
    "approved": N_("approved"),
    "update in review": N_("update in review"),
    "edited since approval": N_("edited since approval"),
}
CHECKS = {
    "placeholders": N_("Placeholders"),
    "markup": N_("Markup"),
    "numbers": N_("Numbers"),
    "urls": N_("Links and addresses"),
    "glossary": N_("Names to keep"),
    "terms": N_("Glossary terms"),
    "untranslated": N_("Not translated"),
    "whitespace": N_("Spaces"),
    "punctuation": N_("Final punctuation"),
    "brackets": N_("Brackets"),
    "quotes": N_("Quotation marks"),
    "decimals": N_("Decimals"),
    "doubled": N_("Doubled word"),
    "length": N_("Length"),
}
SEVERITIES = {"error": N_("Error"), "warning": N_("Warning")}
ROLES = {"translator": N_("translator"), "editor": N_("editor"), "admin": N_("administrator")}
NOTES = {
    "machine": N_("machine translation (%(who)s), %(date)s"),
    "memory": N_("from the translation memory, %(date)s"),
    "reviewed": N_("reviewed by %(who)s, %(date)s"),
    "copied": N_("source copied by %(who)s, %(date)s"),
    "silence": N_("check “%(check)s” silenced by %(who)s, %(date)s: %(reason)s"),
    "attention": N_("needs attention: the machine translation (%(who)s) was not usable, %(date)s"),
    "previous": N_("previous translation: %(reason)s"),
}
VERSIONS = {
    "machine": N_("Machine translation (%(who)s)"),
    "memory": N_("Translation memory"),
    "before": N_("Earlier text"),
    "confirm": N_("Reviewed by %(who)s"),
    "confirm-as-is": N_("Confirmed as is by %(who)s"),
    "restore": N_("Restored by %(who)s"),
    "copy-source": N_("Source copied by %(who)s"),
    "revert": N_("Machine translation brought back by %(who)s"),
}
_PLACEHOLDERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^emphasis$"), N_("emphasis")),
    (re.compile(r"^strong emphasis$"), N_("strong emphasis")),
    (re.compile(r"^strikethrough$"), N_("strikethrough")),
    (re.compile(r"^line break$"), N_("line break")),
    (re.compile(r"^link to (?P<x>.*)$"), N_("link to %(x)s")),
    (re.compile(r"^link (?P<x>.*)$"), N_("link to %(x)s")),
    (re.compile(r"^image (?P<x>.*)$"), N_("image %(x)s")),
    (re.compile(r"^code (?P<x>.*)$"), N_("code %(x)s")),
    (re.compile(r"^HTML (?P<x>.*)$"), N_("HTML %(x)s")),
]


def _word(table: dict[str, str], name: str) -> str:
    return gettext(table[name]) if name in table else name


def state(name: str) -> str:
    return _word(STATES, name)


def stage(name: str) -> str:
    return _word(STAGES, name)


def check(name: str) -> str:
    return _word(CHECKS, name)


def severity(name: str) -> str:
    return _word(SEVERITIES, name)


def role(name: str) -> str:
    return _word(ROLES, name)


def kind(name: str, context: str = "") -> str:
    """A block kind ("Heading 2", "List item"), or the front matter field a row holds."""
    if context in FIELDS:
        return gettext(FIELDS[context])
    match = re.fullmatch(r"heading h(\d)", name)
    if match:
        return gettext("Heading %(level)s", level=match.group(1))
    return _word(KINDS, name)


def finding(item: Finding) -> str:
    """A QA finding's message in the interface language (a language named in it too)."""
    return gettext(item.template, **item.named(language_name))


def placeholder(description: str) -> str:
    """What a placeholder stands for ("link to https://…")."""
    for pattern, template in _PLACEHOLDERS:
        match = pattern.match(description)
        if match:
            return gettext(template, **match.groupdict())
    return description


def note(raw: str) -> str:
    """A provenance note as a phrase: "reviewed by ana, 28 Nov"."""
    parsed: Note = parse_note(raw)
    if parsed.kind == "draft":
        return ""  # translate's bookkeeping, nothing a person needs to read
    if parsed.kind not in NOTES:
        return raw
    return gettext(
        NOTES[parsed.kind],
        who=parsed.who,
        date=day(parsed.date) if parsed.date else "",
        check=check(parsed.detail),
        reason=parsed.reason,
    )


def version(item: Version) -> str:
    """Who made a version of a segment, and how."""
    template = VERSIONS.get(item.how)
    return gettext(template, who=item.who) if template else item.how


def when(value: str) -> str:
    """A version's time: a date, or a date and time."""
    if not value:
        return ""
    return moment(value) if "T" in value else day(value)


#: Every function above, for the templates.
FILTERS: dict[str, Callable[..., str]] = {
    "state_label": state,
    "stage_label": stage,
    "check_label": check,
    "severity_label": severity,
    "role_label": role,
    "finding_text": finding,
    "placeholder_text": placeholder,
    "note_text": note,
    "version_text": version,
    "version_time": when,
}
