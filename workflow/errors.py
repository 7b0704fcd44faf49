"""One exception tree for everything a user can get wrong.

Every error is a :class:`click.ClickException`, so the command line prints
``Error: <message>`` and exits non-zero instead of showing a traceback.  Third
party errors are wrapped where they enter (``raise CatalogError(...) from exc``)
so the message always names the file or engine at fault.
"""

from __future__ import annotations

import click


class WorkflowError(click.ClickException):
    """Base of every error the user is meant to read."""

    exit_code = 1


class ProjectError(WorkflowError):
    """No project found, or a path that would leave the project folder."""


class ConfigError(WorkflowError):
    """``workflow.toml`` is missing, malformed or has invalid values."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.problems = list(problems)
        if len(problems) == 1:
            message = f"{path}: {problems[0]}"
        else:
            lines = "\n".join(f"  - {p}" for p in problems)
            message = f"{path}: {len(problems)} problems:\n{lines}"
        super().__init__(message)


class LanguageError(WorkflowError):
    """A language tag that is not valid BCP 47 or unknown to CLDR."""


class ArticleError(WorkflowError):
    """An article file that cannot be read: front matter, encoding, fields."""


class CatalogError(WorkflowError):
    """A PO/MO catalogue that cannot be read or written."""


class SegmentError(WorkflowError):
    """Markdown whose segments cannot be mapped back onto the source."""


class EngineError(WorkflowError):
    """A machine translation engine failed, is missing or is not configured."""


class PublishError(WorkflowError):
    """The built site failed a publish-time check, or an input it needs is missing."""


class GitError(WorkflowError):
    """The project is not in a git repository, or git refused (pull, merge, push)."""


class ExchangeError(WorkflowError):
    """A TMX or XLIFF file that cannot be read, or does not fit the project."""
