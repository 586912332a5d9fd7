"""``brokerlink cassettes check``: fail if any recording holds a secret or a real account number.

Runs the scanner of :mod:`brokerlink.testing.scan` over cassettes and stream transcripts (by
default the ``cassettes/`` directory of the working directory). Each finding is printed with its
file and line and a masked excerpt (never the value itself); the exit status is 1 when there is
one, so CI can run the command as a gate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from brokerlink.cli.output import out_console, print_error

__all__ = ["check", "register"]

cassettes = typer.Typer(
    name="cassettes", help="Recorded broker sessions: check them for secrets.", no_args_is_help=True
)


@cassettes.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Cassette files or directories (default: ./cassettes)."),
    ] = None,
) -> None:
    """Scan cassettes and stream transcripts for tokens, secrets and real account numbers."""
    from brokerlink.testing.scan import scan_paths

    roots = paths or [Path("cassettes")]
    missing = [str(p) for p in roots if not p.exists()]
    if missing:
        print_error(f"nothing to check: {', '.join(missing)} does not exist")
        raise typer.Exit(2)
    findings = scan_paths(roots)
    console = out_console()
    for finding in findings:
        console.print(str(finding), markup=False)
    if findings:
        print_error(f"{len(findings)} secret(s) or account number(s) found in recordings")
        raise typer.Exit(1)
    console.print(f"clean: no secrets in {', '.join(str(p) for p in roots)}")


def register(app: typer.Typer) -> None:
    """Add the ``cassettes`` command group to ``app``."""
    app.add_typer(cassettes)
