"""The ``workflow`` command line: thin commands that parse, load and call one stage."""

from workflow.cli.main import cli, main

__all__ = ["cli", "main"]
