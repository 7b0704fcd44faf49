"""Stage 4 command: the static multilingual site."""

from __future__ import annotations

import click

from workflow.cli.common import executor_option, interface_missing_message, load_project


@click.command()
@click.option(
    "--out",
    "out_dir",
    default="public",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to build the site into (inside the project).",
)
@executor_option
@click.pass_context
def publish(ctx: click.Context, out_dir: str, executor_spec: str | None) -> None:
    """Build the static multilingual site from sources and approved releases.

    Only approved translations (the .mo releases) are published; files whose
    content did not change are not rewritten.  A missing image fails the build,
    naming the article and the file.

    \b
    Example:
      workflow publish                  # into public/
      python3 -m http.server -d public  # and read it on http://127.0.0.1:8000/
      workflow publish --executor tcp://scheduler:8786   # render on a Dask cluster
    """
    from workflow.executor import open_executor
    from workflow.publish import build

    project = load_project(ctx)
    target = project.inside(out_dir)
    executor = open_executor(executor_spec) if executor_spec else None
    try:
        result = build(project, target, executor=executor)
    finally:
        if executor is not None:
            executor.close()
    out_rel = project.relative(target)
    click.echo(
        f"{result.pages} pages in {out_rel}/: {len(result.written)} written, "
        f"{result.unchanged} unchanged, {len(result.removed)} removed"
    )
    click.echo(f"open {target / 'index.html'}")
    for tag in result.interface_missing:
        click.echo(interface_missing_message(tag), err=True)
