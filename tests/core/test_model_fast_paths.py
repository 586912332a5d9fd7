"""The models' trusted constructors (``Quote._trusted``, ``QuoteEvent._trusted``): equal to the
public constructors on the same values, while the public constructors still validate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs
import pytest

from brokerlink.instruments import Equity, instrument
from brokerlink.models import Quote, QuoteEvent

NOW = datetime(2020, 11, 18, 15, 19, 14, tzinfo=UTC)

CASES: list[dict[str, Any]] = [
    {  # the documented MSFT quote (GET /marketdata/quotes example), parsed
        "instrument": Equity("MSFT"),
        "bid": Decimal("212.85"),
        "ask": Decimal("212.87"),
        "last": Decimal("212.85"),
        "bid_size": Decimal("200"),
        "ask_size": Decimal("300"),
        "time": NOW,
        "volume": Decimal("5852511"),
        "raw": {"Symbol": "MSFT"},
    },
    {  # a far out-of-the-money option: nothing but an instrument
        "instrument": instrument("SPY250117C00900000"),
        "bid": None,
        "ask": None,
        "last": None,
        "bid_size": None,
        "ask_size": None,
        "time": None,
        "volume": None,
        "raw": None,
    },
]


@pytest.mark.parametrize("values", CASES)
def test_trusted_quote_equals_the_constructor(values: dict[str, Any]) -> None:
    built = Quote(**values)
    trusted = Quote._trusted(*values.values())
    assert type(trusted) is Quote
    assert trusted == built
    assert attrs.astuple(trusted, recurse=False) == attrs.astuple(built, recurse=False)
    assert repr(trusted) == repr(built)
    assert trusted.raw is values["raw"]
    assert (trusted.mid, trusted.spread) == (built.mid, built.spread)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        trusted.bid = Decimal(1)  # type: ignore[misc]


def test_trusted_event_equals_the_constructor() -> None:
    quote = Quote(**CASES[0])
    trusted = QuoteEvent._trusted(quote, NOW)
    assert type(trusted) is QuoteEvent
    assert trusted == QuoteEvent(quote=quote, received_at=NOW)
    assert trusted.instrument == Equity("MSFT")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        trusted.received_at = NOW  # type: ignore[misc]


def test_the_public_constructors_still_refuse_non_utc_times() -> None:
    eastern = NOW.astimezone(timezone(timedelta(hours=-5)))
    with pytest.raises(ValueError, match="UTC"):
        Quote(**{**CASES[0], "time": eastern})
    with pytest.raises(ValueError, match="UTC"):
        QuoteEvent(quote=Quote(**CASES[0]), received_at=NOW.replace(tzinfo=None))
