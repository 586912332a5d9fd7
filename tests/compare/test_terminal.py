"""The terminal table: profiles, outcomes and latencies; colours only on a terminal."""

from __future__ import annotations

import io

import attrs
from rich.console import Console

from brokerlink.compare import Comparison, build_matrix, print_comparison
from brokerlink.testing.conformance import Outcome, ProfileRun


def _render(comparison: Comparison, *, terminal: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, force_terminal=terminal, highlight=False)
    print_comparison(comparison, build_matrix(comparison), console)
    return buffer.getvalue()


def test_table_shows_profiles_outcomes_and_latencies(comparison: Comparison) -> None:
    text = _render(comparison)
    for profile in ("tradestation:emulator", "tradier:emulator", "tastytrade:emulator"):
        assert profile in text
    assert "not supported by tradier emulator" in text
    assert "CMP-015" in text
    assert "ack 1.0 ms · fill 12 ms" in text  # CMP-001 on tradestation
    assert "the sibling stayed open after the" in text
    assert "tradier:emulator: 14 passed, 1 not supported" in text
    assert "4 of 15 scenarios differ between the profiles" in text
    assert "emulator personality sandbox" in text


def test_differing_rows_are_marked(comparison: Comparison) -> None:
    rows = [line for line in _render(comparison).splitlines() if "≠" in line]
    assert len(rows) == 4


def test_no_colour_codes_off_a_terminal_and_colours_on_one(comparison: Comparison) -> None:
    assert "\x1b[" not in _render(comparison)
    assert "\x1b[" in _render(comparison, terminal=True)


def test_broker_text_is_not_read_as_markup(runs: list[ProfileRun]) -> None:
    odd = attrs.evolve(
        runs[0].results[0], outcome=Outcome.FAILED, detail="[bold]price[/bold] moved"
    )
    comparison = Comparison.from_runs([attrs.evolve(runs[0], results=(odd,))])
    assert "[bold]price[/bold] moved" in _render(comparison)


def test_could_not_run_is_counted(comparison_with_missing: Comparison) -> None:
    assert "tradier:sandbox: 15 could not run" in _render(comparison_with_missing)


def test_replay_mismatches_are_counted(runs: list[ProfileRun]) -> None:
    run = attrs.evolve(runs[0], mode="replay", mismatches=("GET /a", "GET /b"))
    text = _render(Comparison.from_runs([run], replay=True))
    assert "2 request(s) not in the recording" in text
    assert "mode replay" in text
