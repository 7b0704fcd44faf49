"""Stage 3 commands: quality checks, silences, the people and the review app."""

from __future__ import annotations

import datetime as dt

import click
from rich.markup import escape

from workflow.cli.common import (
    by_or_current,
    format_option,
    load_project,
    out,
    print_json,
    split_languages,
)


@click.command()
@click.argument("slugs", nargs=-1)
@click.option("--lang", "languages", help="Only these languages, comma-separated.")
@click.option("--warnings/--no-warnings", default=True, show_default=True, help="Show warnings.")
@format_option
@click.pass_context
def check(
    ctx: click.Context, slugs: tuple[str, ...], languages: str | None, warnings: bool, fmt: str
) -> None:
    """Run the quality checks on translated segments.

    Errors block approval; warnings do not (unless `[approval] warnings =
    "block"`).  Exits with status 1 if there is any error.  SLUG `site` checks
    the site's interface strings; no SLUG checks every article and the site.

    \b
    Example:
      workflow check harbour-rebuilt --lang es
      workflow check site --lang ca
      workflow check --no-warnings          # only what blocks approval
      workflow check --format json | jq '.findings | length'
    """
    from workflow.catalog import SOURCE_LANGUAGE, read_catalog
    from workflow.errors import WorkflowError
    from workflow.glossary import load_glossary
    from workflow.qa import ERROR, check_catalog

    project = load_project(ctx)
    glossary = load_glossary(project.inside(project.config.glossary_path))
    findings: list[dict[str, str]] = []
    for unit in project.catalogues(list(slugs), split_languages(languages)):
        if not unit.path.exists():
            continue
        po = read_catalog(unit.path, project.relative(unit.path))
        source = po.metadata.get(SOURCE_LANGUAGE, unit.source.tag)
        for report in check_catalog(po, source, unit.target.tag, glossary):
            findings.extend(
                {
                    "article": unit.slug,
                    "language": unit.target.tag,
                    "line": str(report.line),
                    "severity": finding.severity,
                    "check": finding.check,
                    "message": finding.message,
                }
                for finding in report.findings
            )
    errors = sum(1 for f in findings if f["severity"] == ERROR)
    warns = len(findings) - errors
    shown = [f for f in findings if warnings or f["severity"] == ERROR]
    if fmt == "json":
        print_json({"findings": shown, "errors": errors, "warnings": warns})
    else:
        for f in shown:
            colour = "red" if f["severity"] == ERROR else "yellow"
            out.print(
                escape(f"{f['article']} [{f['language']}] line {f['line']}: ")
                + f"[{colour}]{f['severity']}[/] "
                + escape(f"{f['check']}: {f['message']}"),
                highlight=False,
            )
        out.print(f"{errors} error(s), {warns} warning(s)")
    if errors:
        raise WorkflowError(f"{errors} quality error(s) block approval")


@click.command()
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
    project = load_project(ctx)
    target = parse_language(language)
    path = project.catalog_path(slug, target)
    who = by_or_current(by)
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


@click.group()
def user() -> None:
    """Manage the people who may log in to the review app.

    \b
    Example:
      workflow user add ana --role translator --lang es,ca
      workflow user list
    """


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["translator", "editor", "admin"]), required=True)
@click.option("--lang", "languages", help="Languages a translator edits, comma-separated.")
@click.option(
    "--password",
    envvar="WORKFLOW_PASSWORD",
    help="Password (default: a generated one, printed once).",
)
@click.option("--display-name", default="", help='How the site names them ("Ana Ruiz").')
@click.pass_context
def user_add(
    ctx: click.Context,
    name: str,
    role: str,
    languages: str | None,
    password: str | None,
    display_name: str,
) -> None:
    """Add a person (or replace their role, languages and password).

    \b
    Example:
      workflow user add ana --role translator --lang es,ca --display-name "Ana Ruiz"
      workflow user add marta --role editor
    """
    from workflow.users import UserStore

    project = load_project(ctx)
    person, secret = UserStore(project.root / "instance").add(
        name, role, split_languages(languages), password, display_name
    )
    langs = f" for {', '.join(person.languages)}" if person.languages else ""
    shown = f" ({person.display_name})" if person.display_name else ""
    out.print(escape(f"{person.name}{shown}: {person.role}{langs}"))
    if password is None:
        out.print(f"password: {secret}  (shown once; stored only as a hash)")


@user.command("remove")
@click.argument("name")
@click.pass_context
def user_remove(ctx: click.Context, name: str) -> None:
    """Remove a person: they can no longer log in, and their open sessions end.

    \b
    Example:
      workflow user remove ana
    """
    from workflow.users import UserStore

    UserStore(load_project(ctx).root / "instance").remove(name)
    out.print(f"{name}: removed")


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """List the people who may log in.

    \b
    Example:
      workflow user list
    """
    from workflow.users import UserStore

    for person in UserStore(load_project(ctx).root / "instance").all():
        out.print(f"{person.name}\t{person.role}\t{','.join(person.languages)}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--secure-cookies/--insecure-cookies",
    default=None,
    help="Session cookies over HTTPS only [default: yes, unless --host is loopback].",
)
@click.option(
    "--behind-proxy",
    is_flag=True,
    help="Trust one reverse proxy's X-Forwarded-For/-Proto (client address, HTTPS).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Processes serving requests; more than one adds a writer process  [default: one per "
    "core, at most 4]",
)
@click.option(
    "--threads", default=16, show_default=True, help="Requests served at once per worker."
)
@click.pass_context
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    secure_cookies: bool | None,
    behind_proxy: bool,
    workers: int | None,
    threads: int,
) -> None:
    """Serve the review app for translators and editors.

    Anywhere but on 127.0.0.1, serve it behind HTTPS (see SECURITY.md):
    session cookies are then sent over HTTPS only.  With several workers, each
    is a process serving requests on the same port and this process writes
    every save (one writer: group commits across all workers, no stale caches).

    \b
    Example:
      workflow serve                      # http://127.0.0.1:8000/
      workflow serve --port 8080 --behind-proxy   # a reverse proxy speaks HTTPS
      workflow serve --workers 1          # one process (threads only)
    """
    from workflow.web.serving import default_workers, listen, serve_workers
    from workflow.web.sessions import cookie_secure

    project = load_project(ctx)
    secure = cookie_secure(host, behind_proxy, secure_cookies)
    config = {"SESSION_COOKIE_SECURE": secure, "BEHIND_PROXY": behind_proxy}
    count = workers or default_workers()
    where = f"http://{host}:{port}/"
    sock = listen(host, port)
    if count == 1:
        from waitress import serve as waitress_serve

        from workflow.web import create_app

        app = create_app(config, project.root)
        out.print(f"review app for {project.config.site_name}: {where}  (Ctrl+C stops)")
        # waitress: a production WSGI server in pure Python, threaded, nothing to compile.
        waitress_serve(app, sockets=[sock], threads=threads, ident="workflow")
        return
    out.print(
        f"review app for {project.config.site_name}: {where}  "
        f"({count} workers and a writer; Ctrl+C stops)"
    )
    serve_workers(project.root, config, sock, count, threads)
