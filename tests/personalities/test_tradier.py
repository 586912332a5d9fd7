"""Tradier: ``sandbox`` is the paper sandbox (refs/tradier/NOTES.md §6): no market-data stream
(quotes and bars are polled), no tick time and sales, 60 requests a minute, fills found by
polling; and, in both personalities, the pre- and post-market sessions each keep their own
hours (the documented calendar example: pre 07:00-09:24, post 16:00-20:00; §4.2 for the
``pre market no longer available`` refusal)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import orjson
import pytest
from brokerlink_tradier.capabilities import tradier_capabilities

import brokerlink as bl
from brokerlink._http import Client
from brokerlink.capabilities import StreamKind
from brokerlink.emulator.http import EmulatorTransport
from brokerlink.emulator.serving import ServableEmulator, servable_emulator
from brokerlink.enums import OrderStatus
from brokerlink.models import NewOrder
from tests.personalities.conftest import counting

AUTH = {"Authorization": "Bearer any", "Accept": "application/json"}
ORDERS = "/accounts/EMU00001/orders"


def test_sandbox_declares_what_the_sandbox_declares_still_as_emulator() -> None:
    with bl.connect("tradier:emulator", emulator_personality="sandbox") as broker:
        caps = broker.capabilities
    sandbox = tradier_capabilities("sandbox")
    assert caps.environment == "emulator"
    assert "tick" not in caps.history.timeframes
    assert caps.history == sandbox.history
    assert caps.rate_limits == sandbox.rate_limits
    assert caps.streams == sandbox.streams
    assert "polled" in caps.streams[StreamKind.QUOTES].note
    assert tradier_capabilities("emulator") != caps


def test_tick_bars_are_refused_before_any_request_in_the_sandbox() -> None:
    transport = counting(servable_emulator("tradier", personality="sandbox"))
    with bl.connect("tradier:emulator", transport=transport, emulator_personality="sandbox") as b:
        before = list(transport.sent)
        with pytest.raises(bl.NotSupportedError, match="tick"):
            b.bars("AAPL", "tick")
        assert transport.sent == before
    served = servable_emulator("tradier")
    now = served.engine.now() + timedelta(minutes=30)
    served.engine.advance_to(now)
    with bl.connect("tradier:emulator", transport=counting(served)) as b:
        assert b.bars("AAPL", "tick", start=now - timedelta(minutes=10), end=now)


@pytest.mark.parametrize(
    ("personality", "session_calls", "polls"), [("ideal", 1, 0), ("sandbox", 0, 1)]
)
def test_quotes_stream_in_ideal_and_are_polled_in_the_sandbox(
    personality: str, session_calls: int, polls: int
) -> None:
    transport = counting(servable_emulator("tradier", personality=personality))
    with bl.connect(
        "tradier:emulator", transport=transport, emulator_personality=personality
    ) as broker:
        [event] = itertools.islice(broker.stream_quotes(["AAPL"]), 1)
    assert event.quote.bid is not None
    assert transport.sent.count("POST /v1/markets/events/session") == session_calls
    assert (transport.sent.count("GET /v1/markets/quotes") >= 1) == bool(polls)


def _polls_until_filled(broker: bl.Broker, order_id: str) -> int:
    for polls in range(40):
        if broker.order(order_id).status is OrderStatus.FILLED:
            return polls
    raise AssertionError("never filled")


def test_market_orders_fill_at_once_in_ideal_and_after_polling_in_the_sandbox() -> None:
    with bl.connect("tradier:emulator") as broker:
        placed = broker.place(NewOrder.market("AAPL", "buy", 1))
        assert _polls_until_filled(broker, placed.id) == 0
    with bl.connect("tradier:emulator", emulator_personality="sandbox") as broker:
        placed = broker.place(NewOrder.market("AAPL", "buy", 1))
        # 30 s of simulated fill delay, 5 s per request: several polls see it working first.
        assert _polls_until_filled(broker, placed.id) >= 3


# -- pre- and post-market sessions, both personalities -----------------------------------------


@pytest.fixture(params=["ideal", "sandbox"])
def served(request: pytest.FixtureRequest) -> ServableEmulator:
    return servable_emulator("tradier", personality=request.param)


@pytest.fixture
def raw(served: ServableEmulator) -> Iterator[Client]:
    transport = EmulatorTransport(served.front, served.engine)
    with Client(transport=transport, base_url=served.environment.base_url, headers=AUTH) as c:
        yield c


def _get(client: Client, path: str, **params: str) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return orjson.loads(response.content)


def _place(client: Client, duration: str, price: str) -> Any:
    form = {"class": "equity", "symbol": "AAPL", "side": "buy", "quantity": "1",
            "type": "limit", "price": price, "duration": duration}  # fmt: skip
    return client.post(ORDERS, data=form)


def _status(client: Client, order_id: int) -> str:
    return str(_get(client, f"{ORDERS}/{order_id}")["order"]["status"])


def test_the_calendar_and_clock_show_tradier_s_own_extended_hours(raw: Client) -> None:
    day = _get(raw, "/markets/calendar", month="1", year="2025")["calendar"]["days"]["day"][5]
    assert day["date"] == "2025-01-06"
    assert day["premarket"] == {"start": "07:00", "end": "09:24"}  # the documented example's
    assert day["postmarket"] == {"start": "16:00", "end": "20:00"}


def test_a_pre_order_waits_for_07_00_and_ends_at_09_24(
    raw: Client, served: ServableEmulator
) -> None:
    engine = served.engine
    engine.advance(timedelta(hours=18, minutes=30))  # Tuesday 04:00: engine pre-market
    assert _get(raw, "/markets/clock")["clock"]["state"] == "closed"  # Tradier's opens at 07:00
    marketable = _place(raw, "pre", "400.00").json()["order"]["id"]
    resting = _place(raw, "pre", "1.00").json()["order"]["id"]
    engine.advance(timedelta(hours=2, minutes=30))  # 06:30
    assert _status(raw, marketable) == "open"
    engine.advance(timedelta(minutes=40))  # 07:10
    assert _status(raw, marketable) == "filled"
    assert _get(raw, "/markets/clock")["clock"]["state"] == "premarket"
    engine.advance(timedelta(hours=2, minutes=15))  # 09:25: the segment is over
    assert _status(raw, resting) == "expired"
    late = _place(raw, "pre", "400.00")
    assert late.status_code == 400
    assert orjson.loads(late.content)["errors"]["error"] == (
        "Invalid parameter, duration: pre market no longer available"
    )


def test_a_post_order_placed_in_the_day_waits_for_16_00(
    raw: Client, served: ServableEmulator
) -> None:
    served.engine.advance(timedelta(minutes=30))  # Monday 10:00, regular session
    order_id = _place(raw, "post", "400.00").json()["order"]["id"]
    served.engine.advance(timedelta(hours=5, minutes=50))  # 15:50
    assert _status(raw, order_id) == "open"
    served.engine.advance(timedelta(minutes=15))  # 16:05
    assert _status(raw, order_id) == "filled"
    served.engine.advance(timedelta(hours=4))  # 20:05: the post segment is over
    assert _place(raw, "post", "400.00").status_code == 400
