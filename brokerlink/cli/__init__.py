"""The ``brokerlink`` command line (typer + rich): ``brokerlink --help`` lists the commands.

``main`` is the console script's entry point; ``app`` is the typer application, for embedding
and for tests (``typer.testing.CliRunner().invoke(app, [...])``).
"""

from brokerlink.cli.app import app, main

__all__ = ["app", "main"]
