"""The futures contract helpers in ``brokerlink.instruments`` (month codes and cycles)."""

from __future__ import annotations

from datetime import date
from itertools import islice

import pytest

import brokerlink as bl
from brokerlink.instruments import future_contracts, next_future


def test_contracts_from_a_date_on_in_the_quarterly_cycle() -> None:
    listed = [str(c) for c in islice(future_contracts("ES", date(2025, 1, 6)), 5)]

    assert listed == ["/ESH25", "/ESM25", "/ESU25", "/ESZ25", "/ESH26"]


def test_the_start_month_itself_is_included() -> None:
    first = next(future_contracts("ES", date(2025, 3, 31)))

    assert first == bl.Future("ES", 3, 2025)


def test_a_monthly_cycle() -> None:
    listed = [str(c) for c in islice(future_contracts("CL", date(2024, 11, 20), "FGHJKMNQUVXZ"), 3)]

    assert listed == ["/CLX24", "/CLZ24", "/CLF25"]


@pytest.mark.parametrize(
    ("contract", "cycle", "expected"),
    [
        ("/ESH25", "HMUZ", "/ESM25"),
        ("/ESZ25", "HMUZ", "/ESH26"),
        ("/GCJ25", "GJMQVZ", "/GCM25"),
        ("/ESF25", "HMUZ", "/ESH25"),  # a month outside the cycle rolls to the next in it
        ("/CLZ24", "FGHJKMNQUVXZ", "/CLF25"),
    ],
)
def test_next_future(contract: str, cycle: str, expected: str) -> None:
    current = bl.instrument(contract)
    assert isinstance(current, bl.Future)

    assert str(next_future(current, cycle)) == expected


@pytest.mark.parametrize("cycle", ["", "HMUA", "13"])
def test_a_bad_cycle_says_what_a_cycle_is(cycle: str) -> None:
    with pytest.raises(ValueError, match="must be month codes from FGHJKMNQUVXZ"):
        next_future(bl.Future("ES", 3, 2025), cycle)
