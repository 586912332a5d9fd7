"""``brokerlink compare``: the conformance kit on several profiles, differences side by side.

``brokerlink compare --profiles tradestation:emulator,tradier:emulator,tastytrade:emulator``
runs offline (emulators); real sandbox profiles need their credentials; ``--replay`` replays the
recorded cassettes instead, with no network. The table goes to stdout; ``--html`` writes one
self-contained page (matrix, timelines, latency charts) and ``--json`` the records and the matrix
(``--json -`` writes the JSON to stdout and moves the table to stderr).

Exit codes: 0 when the comparison ran (differences and unsupported scenarios are findings, not
failures); 1 when a profile could not run at all (one line says how to fix it; the others are
still reported); 2 for usage errors (an unknown scenario or profile, conflicting options).
"""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from brokerlink.cli.output import err_console, out_console, print_error
from brokerlink.errors import ConfigError

__all__ = ["Personality", "compare", "register"]


class Personality(enum.StrEnum):
    """How the emulators behave: like the broker's sandbox (its quirks) or an ideal broker."""

    SANDBOX = "sandbox"
    IDEAL = "ideal"


def _check_destination(path: Path | None, option: str) -> None:
    # Checked before anything runs: a typo in the path must not cost a whole run of the kit.
    if path is None or str(path) == "-":
        return
    parent = path.resolve().parent
    if not parent.is_dir():
        raise ConfigError(
            f"cannot write {path}: {parent} is not a directory",
            key=option,
            fix="create the directory first or choose another path",
        )


def compare(
    profiles: Annotated[
        str,
        typer.Option(
            "--profiles",
            help="Comma-separated selectors or profile names, e.g. "
            "tradestation:emulator,tradier:emulator,tastytrade:emulator.",
        ),
    ],
    scenarios: Annotated[
        str | None,
        typer.Option("--scenarios", help="Comma-separated scenario numbers (default: all)."),
    ] = None,
    replay: Annotated[
        bool, typer.Option("--replay", help="Replay recorded cassettes; no network.")
    ] = False,
    record: Annotated[
        bool, typer.Option("--record", help="Record cassettes of the runs while comparing.")
    ] = False,
    personality: Annotated[
        Personality,
        typer.Option("--personality", help="Emulator personality (ignored by real brokers)."),
    ] = Personality.SANDBOX,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")
    ] = None,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Write the runs and the matrix as JSON here ('-': stdout)."),
    ] = None,
    cassettes: Annotated[
        Path | None,
        typer.Option("--cassettes", help="Cassette directory (default: cassettes/conformance)."),
    ] = None,
) -> None:
    """Run the conformance kit on several profiles and show how they differ."""
    from brokerlink.compare import (
        CompareRequest,
        build_matrix,
        print_comparison,
        render_html,
        run_comparison,
        to_json,
    )
    from brokerlink.compare.runner import split_list
    from brokerlink.testing.conformance import SCENARIOS, run_profile

    _check_destination(html, "--html")
    _check_destination(json_path, "--json")
    request = CompareRequest(
        profiles=tuple(split_list(profiles)),
        scenarios=tuple(split_list(scenarios)) or None,
        replay=replay,
        record=record,
        personality=personality.value,
        cassette_dir=cassettes,
    )
    status = err_console()
    with status.status("starting...", spinner="dots") as spinner:
        comparison = run_comparison(
            request,
            run=run_profile,
            catalogue=SCENARIOS,
            progress=lambda name: spinner.update(f"running the conformance kit on {name}..."),
        )
    matrix = build_matrix(comparison)
    json_to_stdout = json_path is not None and str(json_path) == "-"
    console = err_console() if json_to_stdout else out_console()
    print_comparison(comparison, matrix, console)
    if html is not None:
        html.write_text(render_html(comparison, matrix), encoding="utf-8")
        console.print(f"HTML report: {html}")
    if json_path is not None:
        data = to_json(comparison, matrix)
        if json_to_stdout:
            sys.stdout.write(data.decode())
        else:
            json_path.write_bytes(data)
            console.print(f"JSON report: {json_path}")
    for missing in comparison.unavailable:
        print_error(f"{missing.profile} could not run: {missing.message}")
    if comparison.unavailable:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the ``compare`` command to ``app``."""
    app.command()(compare)
