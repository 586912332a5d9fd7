"""The SVG pieces: axis ticks, label placement, bars per profile."""

from __future__ import annotations

import itertools
import re

import pytest

from brokerlink.compare import Comparison, build_matrix
from brokerlink.compare.svg import MAX_LANES, _place_labels, latency_chart, nice_ticks, timeline
from brokerlink.testing.conformance import StatusStep


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (6.0, [0.0, 2.0, 4.0, 6.0]),
        (21.0, [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]),
        (0.3, [0.0, 0.1, 0.2, 0.3]),
        (930.0, [0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]),
    ],
)
def test_nice_ticks(top: float, ticks: list[float]) -> None:
    assert nice_ticks(top) == ticks


def test_labels_of_statuses_at_the_same_time_do_not_overlap() -> None:
    places = _place_labels([200.0] * 4, [60.0] * 4, right=900.0)
    for row in (0, 1):
        spans = sorted((x, x + 60.0) for x, r in places if r == row)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    assert {row for _, row in places} == {0, 1}


def test_labels_stay_inside_the_drawing() -> None:
    places = _place_labels([890.0], [80.0], right=900.0)
    assert places[0][0] + 80.0 <= 900.0


def test_timeline_without_statuses_says_so() -> None:
    assert "no order status observed" in timeline((), top_ms=1.0)


def test_timeline_positions_dots_on_the_shared_axis() -> None:
    steps = (
        StatusStep(order_id="1", status="open", at_ms=0.0),
        StatusStep(order_id="1", status="filled", at_ms=10.0, source="stream"),
    )
    svg = timeline(steps, top_ms=10.0, width=500)
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', svg)]
    assert xs == [110.0, 476.0]  # the left margin, and the right end of the 10 ms axis


def test_latency_chart_has_a_bar_per_measured_value(comparison: Comparison) -> None:
    matrix = build_matrix(comparison)
    measured = sum(cell.fill_ms is not None for row in matrix.rows for cell in row.cells)
    svg = latency_chart(matrix, "fill")
    assert svg.count('rx="2"') == measured
    assert svg.count("no fill measured") == 15 * 3 - measured
    for number in ("CMP-001", "CMP-015"):
        assert f">{number}</text>" in svg


def test_timeline_draws_a_few_orders_and_counts_the_rest() -> None:
    steps = tuple(
        StatusStep(order_id=f"o{i}", status="filled", at_ms=float(i)) for i in range(MAX_LANES + 3)
    )
    svg = timeline(steps, top_ms=10.0)
    assert svg.count("<circle") == MAX_LANES
    assert "and 3 more orders not drawn" in svg
