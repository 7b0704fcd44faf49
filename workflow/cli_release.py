"""Command-line commands of the review and release stage: check, silence, approve, reject, log."""

from __future__ import annotations

import datetime as dt

import click
from rich.markup import escape
from rich.table import Table

from workflow.cli import _languages, _project, cli, err, out


def _by(by: str | None) -> str:
    from workflow.audit import current_user

    return by or current_user()


@cli.command()
@click.argument("slugs", nargs=-1)
@click.option("--lang", "languages", help="Only these languages, comma-separated.")
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="Show warnings.")
@click.pass_context
def check(
    ctx: click.Context, slugs: tuple[str, ...], languages: str | None, warnings: bool
) -> None:
    """Run the quality checks on translated segments.

    Errors block approval; warnings do not.  Exits with status 1 if there is
    any error.

    \b
    Example:
      workflow check harbour-rebuilt --lang es
      workflow check --no-warnings          # only what blocks approval
    """
    from workflow.catalog import SOURCE_LANGUAGE, read_catalog
    from workflow.errors import WorkflowError
    from workflow.glossary import load_glossary
    from workflow.qa import ERROR, check_catalog

    project = _project(ctx)
    glossary = load_glossary(project.inside(project.config.glossary_path))
    errors = warns = 0
    for slug in project.select(list(slugs)):
        article = project.article(slug)
        for language in project.targets(article, _languages(languages)):
            path = project.catalog_path(slug, language)
            if not path.exists():
                continue
            po = read_catalog(path, project.relative(path))
            source = po.metadata.get(SOURCE_LANGUAGE, article.meta.language.tag)
            for report in check_catalog(po, source, language.tag, glossary):
                for finding in report.findings:
                    if finding.severity == ERROR:
                        errors += 1
                    else:
                        warns += 1
                        if not warnings:
                            continue
                    colour = "red" if finding.severity == ERROR else "yellow"
                    out.print(
                        escape(f"{slug} [{language.tag}] line {report.line}: ")
                        + f"[{colour}]{finding.severity}[/] "
                        + escape(f"{finding.check}: {finding.message}"),
                        highlight=False,
                    )
    out.print(f"{errors} error(s), {warns} warning(s)")
    if errors:
        raise WorkflowError(f"{errors} quality error(s) block approval")


@cli.command()
@click.argument("slug")
@click.option("--lang", "language", required=True, help="Language of the catalogue.")
@click.option("--line", required=True, help="Source line of the segment (from `workflow check`).")
@click.option("--check", "name", required=True, help="Name of the check to silence.")
@click.option("--reason", required=True, help="Why this is fine here.")
@click.option("--by", help="Your name (default: WORKFLOW_USER or your login).")
@click.pass_context
def silence(
    ctx: click.Context, slug: str, language: str, line: str, name: str, reason: str, by: str | None
) -> None:
    """Silence one quality check for one segment, with a reason kept in the entry.

    \b
    Example:
      workflow silence harbour-rebuilt --lang es --line 33 --check numbers \\
          --reason "2041 is written out in the Spanish style guide"
    """
    from workflow.audit import record
    from workflow.catalog import read_catalog, set_provenance, write_catalog
    from workflow.errors import WorkflowError
    from workflow.fsutil import file_lock
    from workflow.languages import parse_language
    from workflow.qa import CHECKS, silenced

    if name not in CHECKS:
        raise WorkflowError(f"unknown check {name!r} (known: {', '.join(CHECKS)})")
    project = _project(ctx)
    target = parse_language(language)
    path = project.catalog_path(slug, target)
    who = _by(by)
    with file_lock(path):
        po = read_catalog(path, project.relative(path))
        matches = [e for e in po if not e.obsolete and any(o[1] == line for o in e.occurrences)]
        if not matches:
            raise WorkflowError(f"{project.relative(path)}: no segment at line {line}")
        for entry in matches:
            notes = [n for n in entry.tcomment.splitlines() if n.startswith("workflow: ")]
            kept = [
                n[len("workflow: ") :]
                for n in notes
                if not n.startswith(f"workflow: silence {name}:")
            ]
            today = dt.date.today().isoformat()
            set_provenance(
                entry, *kept, f"silence {name}: {' '.join(reason.split())} ({who} {today})"
            )
            assert name in silenced(entry)
        write_catalog(po, path, "PO-Revision-Date")
    record(project.root, "silence", who, slug, target.tag, check=name, line=line, reason=reason)
    out.print(escape(f"silenced {name} on line {line} of {slug} [{target.tag}]"))


@cli.command()
@click.argument("slug")
@click.option("--lang", "language", required=True, help="Language version to approve.")
@click.option("--by", help="The approving editor (default: WORKFLOW_USER or your login).")
@click.option("--note", default="", help="A note kept in the release.")
@click.pass_context
def approve(ctx: click.Context, slug: str, language: str, by: str | None, note: str) -> None:
    """Approve a language version: compile its catalogue into the release (.mo).

    Refused, with every reason, while a segment is untranslated or fuzzy or has
    a quality error.  Approving the same content again changes nothing.

    \b
    Example:
      workflow approve harbour-rebuilt --lang es --by "Marta Soler" --note "Checked figures"
    """
    from workflow.release import approve as run

    project = _project(ctx)
    action, release = run(project, slug, language, _by(by), note)
    where = project.relative(release.path)
    if action == "unchanged":
        out.print(escape(f"{slug} [{language}]: already approved as is ({where}); nothing to do"))
    else:
        out.print(escape(f"approved {slug} [{language}] by {release.approved_by}: {where}"))


@cli.command()
@click.argument("slug")
@click.option("--lang", "language", required=True, help="Language version to send back.")
@click.option("--by", help="The editor (default: WORKFLOW_USER or your login).")
@click.option("--note", required=True, help="What the translators should change.")
@click.pass_context
def reject(ctx: click.Context, slug: str, language: str, by: str | None, note: str) -> None:
    """Send a language version back to review, with a note for the translators.

    \b
    Example:
      workflow reject harbour-rebuilt --lang ca --note "Use «ajuntament» throughout"
    """
    from workflow.release import reject as run

    run(_project(ctx), slug, language, _by(by), note)
    out.print(escape(f"sent {slug} [{language}] back to review"))


@cli.command(name="log")
@click.argument("slug", required=False)
@click.option("--limit", default=50, show_default=True, help="Show the last N events.")
@click.pass_context
def log_command(ctx: click.Context, slug: str | None, limit: int) -> None:
    """Show the audit log: who did what, when.

    \b
    Example:
      workflow log
      workflow log harbour-rebuilt --limit 10
    """
    from workflow.audit import read_log

    events = list(read_log(_project(ctx).root, slug))[-limit:]
    table = Table("time", "who", "event", "article", "lang", "detail")
    for event in events:
        detail = ", ".join(f"{k}={v}" for k, v in sorted(event.detail.items()))
        table.add_row(event.time, event.who, event.event, event.slug, event.language, detail)
    if events:
        out.print(table)
    else:
        err.print("no events yet")
