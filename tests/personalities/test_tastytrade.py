"""tastytrade: ``sandbox`` is the cert sandbox (refs/tastytrade/NOTES.md §10): quotes 15 minutes
delayed and only streamed (no REST quotes, so ``quotes()`` is refused), everything reset every
24 hours, futures options without ``streamer-symbol``."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import orjson
import pytest
from brokerlink_tastytrade.capabilities import tastytrade_capabilities

import brokerlink as bl
from brokerlink._http import Client
from brokerlink.capabilities import Feature
from brokerlink.emulator.http import EmulatorTransport
from brokerlink.emulator.serving import servable_emulator
from brokerlink.enums import OrderStatus
from brokerlink.models import NewOrder
from tests.personalities.conftest import counting


def test_sandbox_declares_what_the_cert_sandbox_declares_still_as_emulator() -> None:
    with bl.connect("tastytrade:emulator", emulator_personality="sandbox") as broker:
        caps = broker.capabilities
    cert = tastytrade_capabilities("sandbox")
    assert caps.environment == "emulator"
    assert caps.features == cert.features
    assert Feature.QUOTES not in caps.features
    assert caps.streams == cert.streams
    assert set(cert.notes) <= set(caps.notes)
    assert Feature.QUOTES in tastytrade_capabilities("emulator").features


def test_rest_quotes_are_refused_before_any_request_in_the_sandbox() -> None:
    transport = counting(servable_emulator("tastytrade", personality="sandbox"))
    with bl.connect(
        "tastytrade:emulator", transport=transport, emulator_personality="sandbox"
    ) as broker:
        before = list(transport.sent)
        with pytest.raises(bl.NotSupportedError, match="quotes"):
            broker.quotes("AAPL")
        assert transport.sent == before


@pytest.mark.parametrize(("personality", "minutes"), [("ideal", 0), ("sandbox", 15)])
def test_streamed_quotes_are_fifteen_minutes_old_in_the_sandbox(
    personality: str, minutes: int
) -> None:
    with bl.connect("tastytrade:emulator", emulator_personality=personality) as broker:
        [event] = itertools.islice(broker.stream_quotes(["AAPL"]), 1)
        engine = broker.emulator
        assert engine is not None
        now = engine.now()
    aapl = engine.details("AAPL")
    assert event.quote.bid == engine.market.quote(aapl, now - timedelta(minutes=minutes)).bid
    assert event.quote.bid != engine.market.quote(aapl, now - timedelta(minutes=15 - minutes)).bid


@pytest.mark.parametrize(("personality", "kept"), [("ideal", 1), ("sandbox", 0)])
def test_the_sandbox_resets_positions_at_new_york_midnight(personality: str, kept: int) -> None:
    with bl.connect("tastytrade:emulator", emulator_personality=personality) as broker:
        placed = broker.place(NewOrder.market("AAPL", "buy", 1))
        assert broker.order(placed.id).status is OrderStatus.FILLED
        held = len(broker.positions())
        engine = broker.emulator
        assert engine is not None
        engine.advance(timedelta(hours=15))  # Tuesday 00:30 New York
        assert len(broker.positions()) == (held if kept else 0)


def _future_option_chain(personality: str) -> list[dict[str, Any]]:
    served = servable_emulator("tastytrade", personality=personality)
    headers = {"Authorization": "Bearer any", "User-Agent": "tests/1.0"}
    transport = EmulatorTransport(served.front, served.engine)
    with Client(transport=transport, base_url=served.environment.base_url, headers=headers) as c:
        response = c.get("/futures-option-chains/ES")
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = orjson.loads(response.content)["data"]["items"]
    assert items
    return items


def test_futures_options_lack_streamer_symbols_in_the_sandbox() -> None:
    assert all("streamer-symbol" in item for item in _future_option_chain("ideal"))
    assert not any("streamer-symbol" in item for item in _future_option_chain("sandbox"))
