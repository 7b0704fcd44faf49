"""Command-line commands of the review app: people and the server."""

from __future__ import annotations

import click

from workflow.cli import _languages, _project, cli, out


@cli.group()
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
@click.pass_context
def user_add(
    ctx: click.Context, name: str, role: str, languages: str | None, password: str | None
) -> None:
    """Add a person (or replace their role, languages and password).

    \b
    Example:
      workflow user add ana --role translator --lang es,ca
      workflow user add marta --role editor
    """
    from workflow.users import UserStore

    project = _project(ctx)
    person, secret = UserStore(project.root / "instance").add(
        name, role, _languages(languages), password
    )
    langs = f" for {', '.join(person.languages)}" if person.languages else ""
    out.print(f"{person.name}: {person.role}{langs}")
    if password is None:
        out.print(f"password: {secret}  (shown once; stored only as a hash)")


@user.command("list")
@click.pass_context
def user_list(ctx: click.Context) -> None:
    """List the people who may log in.

    \b
    Example:
      workflow user list
    """
    from workflow.users import UserStore

    for person in UserStore(_project(ctx).root / "instance").all():
        out.print(f"{person.name}\t{person.role}\t{','.join(person.languages)}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--secure-cookies", is_flag=True, help="Send session cookies over HTTPS only.")
@click.option("--threads", default=8, show_default=True, help="Requests served at once.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, secure_cookies: bool, threads: int) -> None:
    """Serve the review app for translators and editors.

    \b
    Example:
      workflow serve                      # http://127.0.0.1:8000/
      workflow serve --host 0.0.0.0 --port 8080 --secure-cookies   # behind HTTPS
    """
    from waitress import serve as waitress_serve

    from workflow.web import create_app

    project = _project(ctx)
    app = create_app({"SESSION_COOKIE_SECURE": secure_cookies}, project.root)
    out.print(f"review app for {project.config.site_name}: http://{host}:{port}/  (Ctrl+C stops)")
    # waitress: a production WSGI server in pure Python, threaded, nothing to compile.
    waitress_serve(app, host=host, port=port, threads=threads, ident="workflow")


@cli.command()
@click.option(
    "--out",
    "out_dir",
    default="public",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to build the site into (inside the project).",
)
@click.pass_context
def publish(ctx: click.Context, out_dir: str) -> None:
    """Build the static multilingual site from sources and approved releases.

    Only approved translations (the .mo releases) are published; files whose
    content did not change are not rewritten.

    \b
    Example:
      workflow publish                  # into public/
      python3 -m http.server -d public  # and read it on http://127.0.0.1:8000/
    """
    from workflow.publish import build

    project = _project(ctx)
    target = project.inside(out_dir)
    result = build(project, target)
    out_rel = project.relative(target)
    click.echo(
        f"{result.pages} pages in {out_rel}/: {len(result.written)} written, "
        f"{result.unchanged} unchanged, {len(result.removed)} removed"
    )
    click.echo(f"open {target / 'index.html'}")
