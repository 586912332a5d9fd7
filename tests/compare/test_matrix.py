"""The matrix: rows are scenarios, columns profiles; differences flagged, not-supported is no failure."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs

from brokerlink.compare import Comparison, Unavailable, build_matrix
from brokerlink.compare.matrix import COULD_NOT_RUN, NOT_RUN, format_ms, path_text, status_path
from brokerlink.testing.conformance import Outcome, ProfileRun, ScenarioResult, StatusStep

from .conftest import PROFILES, TITLES, make_run


def _row(comparison: Comparison, number: str):  # type: ignore[no-untyped-def]
    return next(row for row in build_matrix(comparison).rows if row.scenario == number)


def test_rows_follow_the_kit_and_columns_the_profiles(comparison: Comparison) -> None:
    matrix = build_matrix(comparison)
    assert [row.scenario for row in matrix.rows] == list(TITLES)
    assert matrix.profiles == PROFILES
    assert all(len(row.cells) == 3 for row in matrix.rows)
    assert [cell.profile for cell in matrix.rows[0].cells] == list(PROFILES)


def test_not_supported_is_shown_from_the_capabilities_and_is_not_a_failure(
    comparison: Comparison,
) -> None:
    row = _row(comparison, "CMP-009")
    tradier = row.cells[1]
    assert tradier.outcome is Outcome.NOT_SUPPORTED
    assert tradier.label == "not supported"
    assert tradier.text == "not supported by tradier emulator: futures"
    assert not tradier.ran
    # A difference from the profiles that support it, but nothing about it counts as failed.
    assert row.differences == ("outcome",)
    counts = build_matrix(comparison).counts("tradier:emulator")
    assert counts == {"passed": 14, "not supported": 1}


def test_not_supported_without_detail_names_broker_and_environment(
    runs: list[ProfileRun],
) -> None:
    bare = attrs.evolve(runs[1].results[8], outcome=Outcome.NOT_SUPPORTED, detail="", statuses=())
    run = attrs.evolve(runs[1], results=(bare,))
    cell = build_matrix(Comparison.from_runs([run])).rows[0].cells[0]
    assert cell.text == "not supported by tradier emulator"


def test_latencies_and_order_ids_never_count_as_differences(comparison: Comparison) -> None:
    row = _row(comparison, "CMP-001")
    assert {cell.ack_ms for cell in row.cells} == {1.0, 2.5, 4.0}
    assert len({cell.result.statuses[0].order_id for cell in row.cells if cell.result}) == 2
    assert not row.differs
    assert row.cells[0].text == "received → open → filled"


def test_failure_differs_in_outcome_and_statuses(comparison: Comparison) -> None:
    row = _row(comparison, "CMP-006")
    assert row.differences == ("outcome", "statuses")
    assert row.cells[2].label == "failed"
    assert row.cells[2].text == "the sibling stayed open after the fill"


def test_a_different_rejection_error_is_flagged(comparison: Comparison) -> None:
    row = _row(comparison, "CMP-011")
    assert [cell.outcome for cell in row.cells] == [Outcome.PASSED] * 3
    assert row.differences == ("error",)


def test_an_error_cell_says_which_error(comparison: Comparison) -> None:
    cell = _row(comparison, "CMP-014").cells[0]
    assert cell.label == "error"
    assert cell.text == "NetworkError: stream closed <EOF> while reconnecting"


def test_a_profile_that_could_not_run_fills_its_column(
    comparison_with_missing: Comparison,
) -> None:
    matrix = build_matrix(comparison_with_missing)
    assert matrix.profiles[-1] == "tradier:sandbox"
    column = matrix.column("tradier:sandbox")
    assert {cell.label for cell in column} == {COULD_NOT_RUN}
    assert all(cell.outcome is None for cell in column)
    # A column with no results does not make every row differ.
    assert not _row(comparison_with_missing, "CMP-001").differs


def test_a_scenario_missing_from_one_run_is_not_run() -> None:
    full = make_run("tradier:emulator")
    partial = make_run("tastytrade:emulator", numbers=("CMP-001",))
    cell = build_matrix(Comparison.from_runs([full, partial])).rows[1].cells[1]
    assert (cell.label, cell.outcome) == (NOT_RUN, None)


def test_one_profile_has_nothing_to_differ_from() -> None:
    matrix = build_matrix(Comparison.from_runs([make_run("tradier:emulator")]))
    assert matrix.differing == []


def test_status_path_counts_a_status_seen_twice_once_per_order() -> None:
    steps = tuple(
        StatusStep(order_id=order, status=status, at_ms=at, source=source)
        for order, status, at, source in [
            ("1", "filled", 1.0, "rest"),
            ("2", "open", 1.1, "rest"),
            ("2", "open", 1.2, "stream"),
            ("2", "filled", 5.0, "stream"),
            ("2", "filled", 5.5, "rest"),
        ]
    )
    result = ScenarioResult(
        scenario="CMP-004",
        title="t",
        profile="p",
        outcome=Outcome.PASSED,
        statuses=steps,
        started_at=datetime(2025, 1, 6, tzinfo=UTC),
    )
    assert status_path(result) == (("filled",), ("open", "filled"))
    assert path_text(result) == "filled | open → filled"


def test_format_ms() -> None:
    assert [format_ms(v) for v in (None, 0.84, 42.4, 12_345.0)] == [
        "-",
        "0.8 ms",
        "42 ms",
        "12.3 s",
    ]


def test_unavailable_profiles_come_after_the_runs(runs: list[ProfileRun]) -> None:
    missing = Unavailable(profile="x", message="m")
    comparison = Comparison.from_runs(runs[:1], unavailable=[missing])
    assert comparison.profiles == ("tradestation:emulator", "x")
    assert comparison.unavailable_for("x") is missing
    assert comparison.run_for("x") is None


def test_many_orders_are_tallied_by_how_they_ended(runs: list[ProfileRun]) -> None:
    base = runs[0].results[0]
    steps = tuple(
        StatusStep(order_id=str(i), status=status, at_ms=float(i))
        for i, status in enumerate(["filled"] * 5 + ["canceled"] * 2)
    )
    result = attrs.evolve(base, statuses=steps, error_class="InvalidOrderError")
    run = attrs.evolve(runs[0], results=(result,))
    cell = build_matrix(Comparison.from_runs([run])).rows[0].cells[0]
    assert cell.text == "7 orders: 5 filled, 2 canceled; raised InvalidOrderError"
