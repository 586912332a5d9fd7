"""The comparison in a terminal: a rich table with a row per scenario and a column per profile.

Each cell shows the outcome in its colour (green passed, amber failed, grey not supported, red
error or could not run), what happened in a few words, and the ack and fill latencies. A ``≠`` in
the last column marks the scenarios where the profiles disagree. Colours follow the console: a
console on a pipe or a file (see :func:`brokerlink.cli.output.out_console`) writes plain text.
Every broker-provided string goes in as a :class:`~rich.text.Text`, never read as markup.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from brokerlink.compare.matrix import (
    COULD_NOT_RUN,
    NOT_RUN,
    OUTCOME_LABELS,
    Cell,
    Matrix,
    Row,
    format_ms,
)
from brokerlink.compare.model import Comparison, environment_line
from brokerlink.testing.conformance.results import Outcome

__all__ = ["LABEL_STYLES", "matrix_table", "print_comparison"]

LABEL_STYLES: Mapping[str, str] = {
    OUTCOME_LABELS[Outcome.PASSED]: "bold green",
    OUTCOME_LABELS[Outcome.FAILED]: "bold dark_orange",
    OUTCOME_LABELS[Outcome.NOT_SUPPORTED]: "bright_black",
    OUTCOME_LABELS[Outcome.ERROR]: "bold red",
    COULD_NOT_RUN: "bold red",
    NOT_RUN: "bright_black",
}
"""The rich style of each cell label."""

# A cell's detail can be a long broker message; the table stays readable when it is cut here.
_MAX_TEXT = 90


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _MAX_TEXT else line[: _MAX_TEXT - 1] + "…"


def _cell(cell: Cell) -> Text:
    text = Text(cell.label, style=LABEL_STYLES.get(cell.label, ""))
    if cell.text:
        text.append("\n" + _short(cell.text))
    latency = [
        f"{name} {format_ms(value)}"
        for name, value in (("ack", cell.ack_ms), ("fill", cell.fill_ms))
        if value is not None
    ]
    if latency:
        text.append("\n" + " · ".join(latency), style="cyan")
    return text


def _scenario(row: Row) -> Text:
    text = Text(row.scenario, style="bold")
    text.append("\n" + row.title)
    return text


def _differs(row: Row) -> Text:
    if not row.differs:
        return Text("")
    text = Text("≠", style="bold magenta")
    text.append("\n" + ", ".join(row.differences), style="magenta")
    return text


def matrix_table(matrix: Matrix, *, title: str | None = None) -> Table:
    """The matrix as a rich table (one row per scenario, one column per profile)."""
    table = Table(
        title=title, title_justify="left", header_style="bold", box=box.SQUARE, show_lines=True
    )
    table.add_column("scenario", overflow="fold", min_width=14)
    for profile in matrix.profiles:
        table.add_column(profile, overflow="fold", min_width=16)
    table.add_column("differs", overflow="fold")
    for row in matrix.rows:
        table.add_row(_scenario(row), *(_cell(cell) for cell in row.cells), _differs(row))
    return table


def _summary(matrix: Matrix, profile: str) -> Text:
    counts = matrix.counts(profile)
    text = Text(f"{profile}: ", style="bold")
    parts = [(label, counts[label]) for label in LABEL_STYLES if counts[label]]
    for index, (label, count) in enumerate(parts):
        if index:
            text.append(", ")
        text.append(f"{count} {label}", style=LABEL_STYLES[label])
    return text


def _scenarios(count: int) -> str:
    return f"{count} scenario" if count == 1 else f"{count} scenarios"


def print_comparison(comparison: Comparison, matrix: Matrix, console: Console) -> None:
    """Print the table, where and how it ran, a summary line per profile and how many scenarios
    differ. Why a profile could not run is the caller's to say (the CLI prints it as an error)."""
    console.print(
        matrix_table(matrix, title=f"brokerlink compare: {_scenarios(len(matrix.rows))}"),
        soft_wrap=False,
    )
    console.print(Text(environment_line(comparison), style="dim"))
    for profile in matrix.profiles:
        line = _summary(matrix, profile)
        run = comparison.run_for(profile)
        if run is not None and run.mismatches:
            # A replay that asked for what the recording lacks: its results may not be the
            # broker's; re-record (--record) before trusting the differences.
            line.append(
                f"; {len(run.mismatches)} request(s) not in the recording", style="bold red"
            )
        console.print(line)
    differing = len(matrix.differing)
    console.print(
        f"{differing} of {_scenarios(len(matrix.rows))} differ between the profiles"
        if len(matrix.profiles) > 1
        else f"{_scenarios(len(matrix.rows))} on one profile (give more to compare)"
    )
