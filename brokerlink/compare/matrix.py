"""The side-by-side view: one row per scenario, one column per profile, differences flagged.

Pure data, no rendering: the terminal table, the HTML page and the JSON file all read the same
:class:`Matrix`. A row is flagged when its profiles disagree on what they did: the outcome, the
sequence of order statuses they went through, or the error a rejection raised. Order ids, times
and latencies always differ between brokers, so they never count as a difference. A scenario a
profile does not support is shown as such ("not supported by tradier emulator: futures"); it is
a difference from a profile that supports it, never a failure.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import attrs

from brokerlink.compare.model import Comparison
from brokerlink.testing.conformance.results import Outcome, ProfileRun, ScenarioResult

__all__ = [
    "COULD_NOT_RUN",
    "NOT_RUN",
    "OUTCOME_LABELS",
    "Cell",
    "Matrix",
    "Row",
    "build_matrix",
    "format_ms",
    "path_text",
    "status_path",
]

OUTCOME_LABELS: Mapping[Outcome, str] = {
    Outcome.PASSED: "passed",
    Outcome.FAILED: "failed",
    Outcome.NOT_SUPPORTED: "not supported",
    Outcome.ERROR: "error",
}
"""How each outcome is named in reports."""

COULD_NOT_RUN = "could not run"
"""The label of every cell of a profile that could not run at all."""

NOT_RUN = "not run"
"""The label of a cell whose profile ran but has no result for the scenario."""


def format_ms(value: float | None) -> str:
    """A latency for people: ``"0.8 ms"``, ``"42 ms"``, ``"12.3 s"``; ``"-"`` when there is none."""
    if value is None:
        return "-"
    if value >= 10_000:
        return f"{value / 1000:.1f} s"
    if value >= 10:
        return f"{value:.0f} ms"
    return f"{value:.1f} ms"


def status_path(result: ScenarioResult) -> tuple[tuple[str, ...], ...]:
    """The statuses each order of ``result`` went through, orders in the order first seen.

    A repeat of an order's previous status is dropped (a REST answer and a stream event for the
    same status count once). Order ids are left out: they always differ between brokers.
    """
    paths: dict[str, list[str]] = {}
    for step in result.statuses:
        path = paths.setdefault(step.order_id, [])
        if not path or path[-1] != step.status:
            path.append(step.status)
    return tuple(tuple(path) for path in paths.values())


def path_text(result: ScenarioResult) -> str:
    """:func:`status_path` in words: ``"filled | open → filled"`` (orders apart by ``|``)."""
    return " | ".join(" → ".join(path) for path in status_path(result))


@attrs.frozen(kw_only=True)
class Cell:
    """One profile's outcome on one scenario, with a short text saying what happened.

    ``outcome`` is ``None`` when there is no result: the profile could not run at all, or its run
    has no result for the scenario; ``label`` then says which.
    """

    profile: str
    outcome: Outcome | None
    label: str
    text: str = ""
    ack_ms: float | None = None
    fill_ms: float | None = None
    result: ScenarioResult | None = None

    @property
    def ran(self) -> bool:
        """True when the scenario ran on the profile (passed, failed or ended in an error)."""
        return self.outcome in (Outcome.PASSED, Outcome.FAILED, Outcome.ERROR)


@attrs.frozen(kw_only=True)
class Row:
    """A scenario's cells, one per profile, and what the profiles disagree on (if anything):
    ``differences`` names the aspects, from ``"outcome"``, ``"statuses"`` and ``"error"``."""

    scenario: str
    title: str
    cells: tuple[Cell, ...]
    differences: tuple[str, ...] = ()

    @property
    def differs(self) -> bool:
        """True when the profiles disagree on this scenario."""
        return bool(self.differences)


@attrs.frozen(kw_only=True)
class Matrix:
    """Rows are scenarios in kit order, columns are profiles in the order they were given."""

    profiles: tuple[str, ...]
    rows: tuple[Row, ...]

    def column(self, profile: str) -> list[Cell]:
        """Every cell of ``profile``, row by row."""
        index = self.profiles.index(profile)
        return [row.cells[index] for row in self.rows]

    def counts(self, profile: str) -> Counter[str]:
        """How many of ``profile``'s cells carry each label (``{"passed": 12, ...}``)."""
        return Counter(cell.label for cell in self.column(profile))

    @property
    def differing(self) -> list[Row]:
        """The rows where the profiles disagree."""
        return [row for row in self.rows if row.differs]


# Above this many orders a cell lists how the orders ended instead of every order's path.
_MAX_PATHS = 3


def _passed_text(result: ScenarioResult) -> str:
    paths = status_path(result)
    if len(paths) > _MAX_PATHS:
        ends = Counter(path[-1] for path in paths)
        tally = ", ".join(f"{count} {status}" for status, count in ends.most_common())
        text = f"{len(paths)} orders: {tally}"
    else:
        text = path_text(result)
    if result.error_class:  # a refusal the scenario expected: which error it raised matters
        text = f"{text}; raised {result.error_class}" if text else f"raised {result.error_class}"
    return text


def _cell_text(result: ScenarioResult, run: ProfileRun) -> str:
    if result.outcome is Outcome.NOT_SUPPORTED:
        # The kit words it from the capabilities; keep a fallback naming broker and environment.
        return result.detail or f"not supported by {run.broker} {run.environment}"
    if result.outcome is Outcome.ERROR:
        error = ": ".join(part for part in (result.error_class, result.error_message) if part)
        return result.detail or error or "the scenario did not finish"
    if result.outcome is Outcome.FAILED:
        return result.detail or "the broker did not do what the scenario expects"
    return _passed_text(result)


def _cell(profile: str, run: ProfileRun | None, result: ScenarioResult | None) -> Cell:
    if run is None:
        return Cell(profile=profile, outcome=None, label=COULD_NOT_RUN)
    if result is None:
        return Cell(profile=profile, outcome=None, label=NOT_RUN)
    return Cell(
        profile=profile,
        outcome=result.outcome,
        label=OUTCOME_LABELS[result.outcome],
        text=_cell_text(result, run),
        ack_ms=result.ack_ms,
        fill_ms=result.fill_ms,
        result=result,
    )


def _disagree(values: Iterable[object]) -> bool:
    return len(set(values)) > 1


def _differences(cells: tuple[Cell, ...]) -> tuple[str, ...]:
    present = [cell for cell in cells if cell.result is not None]
    ran = [cell.result for cell in present if cell.ran and cell.result is not None]
    found: list[str] = []
    if _disagree(cell.outcome for cell in present):
        found.append("outcome")
    # Statuses and errors only mean something where the scenario ran.
    if _disagree(status_path(result) for result in ran):
        found.append("statuses")
    if _disagree(result.error_class for result in ran):
        found.append("error")
    return tuple(found)


def build_matrix(comparison: Comparison) -> Matrix:
    """The matrix of ``comparison``: every scenario asked for against every profile asked for."""
    runs = {profile: comparison.run_for(profile) for profile in comparison.profiles}
    by_scenario = {
        profile: run.by_scenario() if run is not None else {} for profile, run in runs.items()
    }
    rows = []
    for scenario in comparison.scenarios:
        cells = tuple(
            _cell(profile, runs[profile], by_scenario[profile].get(scenario.number))
            for profile in comparison.profiles
        )
        rows.append(
            Row(
                scenario=scenario.number,
                title=scenario.title,
                cells=cells,
                differences=_differences(cells),
            )
        )
    return Matrix(profiles=comparison.profiles, rows=tuple(rows))
