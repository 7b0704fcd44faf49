"""What the review app accepts from a save request, checked before anything is read or written.

A save is a JSON object or a form.  Its text fields (``sid``, ``base``,
``text``, ``action``, ``reason``) must be strings, ``force`` a string or a
boolean, ``silence`` a check name or a list of them: any other JSON shape is a
400 naming what was wrong.  Text carrying control characters other than tab
and newline (NUL, ESC, …: invisible, and unsafe in a PO file or a terminal) is
a 422.  Line breaks from a browser's textarea (CRLF) become plain newlines.
The request size limit (``MAX_CONTENT_LENGTH``) stays Flask's 413.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Request
from werkzeug.datastructures import MultiDict

from workflow.web.i18n import gettext as _

TEXT_FIELDS = ("sid", "base", "text", "action", "reason")
#: Unicode "Cc" characters (C0, DEL, C1) except tab and newline.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


class BadSave(Exception):
    """A save request that cannot be taken: ``status`` 400 (shape) or 422 (content)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _clean(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    bad = CONTROL.search(value)
    if bad is not None:
        code = f"{ord(bad.group()):04X}"
        message = _(
            "The text contains an invisible control character (U+%(code)s): "
            "remove it and save again.",
            code=code,
        )
        raise BadSave(422, message)
    return value


def _shape(data: dict[str, Any]) -> None:
    """Refuse JSON whose fields are not what a save sends (a 500 before issue 10)."""
    for name in TEXT_FIELDS:
        if not isinstance(data.get(name, ""), str):
            raise BadSave(400, f"{name!r} must be a string, not {type(data[name]).__name__}")
    if not isinstance(data.get("force", ""), (str, bool)):
        raise BadSave(400, "'force' must be a boolean or a string")
    silence = data.get("silence", [])
    names = [silence] if isinstance(silence, str) else silence
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise BadSave(400, "'silence' must be a check name or a list of them")


def save_body(request: Request) -> Any:
    """The save's fields (a dict, or a MultiDict for forms), checked and cleaned."""
    if not request.is_json:
        return MultiDict(
            (key, _clean(value) if key in TEXT_FIELDS else value)
            for key, value in request.form.items(multi=True)
        )
    data = request.get_json(silent=True)
    if data is None:
        raise BadSave(400, "the request body is not valid JSON")
    if not isinstance(data, dict):
        raise BadSave(400, f"the body must be a JSON object, not {type(data).__name__}")
    _shape(data)
    return {key: _clean(value) if key in TEXT_FIELDS else value for key, value in data.items()}
