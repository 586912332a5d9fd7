"""TradeStation streams replayed from transcripts (``cassettes/tradestation/*.stream.jsonl``).

vcrpy cannot record endless chunked streams; these transcripts were recorded at the emulator
front and replay chunk by chunk through the adapter's real stream code. Every stream the
emulator environment declares is here (quotes, bars, orders, positions), and so are the
TradeStation-only streams: market depth, the option-chain stream and the v2 tick bars.

The TradeStation-only streams are methods of the adapter (the ``tradestation`` extension's
methods are request/response operations), so they are opened on an adapter for the emulator
environment over the transcript's transport, exactly as the facade opens the neutral ones.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date
from decimal import Decimal
from typing import TypeVar

import pytest
from brokerlink_tradestation import TradeStationAdapter
from brokerlink_tradestation.environments import ENVIRONMENTS

import brokerlink as bl
from brokerlink import _http
from brokerlink.adapter import StreamSession
from brokerlink.capabilities import StreamKind
from brokerlink.config.profiles import Profile
from brokerlink.enums import OptionRight
from brokerlink.instruments import Equity, Option
from brokerlink.testing.recording import CASSETTE_TOKEN, TranscriptSession
from tests.cassettes import scenarios

pytestmark = pytest.mark.brokerlink_adapter("tradestation")

T = TypeVar("T")


def test_emulator_declares_every_stream() -> None:
    with bl.connect("tradestation:emulator", auth=bl.StaticToken(CASSETTE_TOKEN)) as broker:
        assert set(broker.capabilities.streams) == set(StreamKind)


def test_quote_stream(stream_transcript: TranscriptSession) -> None:
    scenarios.quote_stream(stream_transcript, 8)


def test_bar_stream(stream_transcript: TranscriptSession) -> None:
    scenarios.bar_stream(stream_transcript, "SPY", "1min", 4)


async def test_order_stream_reports_a_fill(stream_transcript: TranscriptSession) -> None:
    await scenarios.order_stream_reports_a_fill(stream_transcript)


async def test_order_stream_statuses_in_order(stream_transcript: TranscriptSession) -> None:
    await scenarios.order_stream_fill_in_order(stream_transcript, "castsord1")


async def test_position_stream_after_fill(stream_transcript: TranscriptSession) -> None:
    await scenarios.position_stream_after_fill(stream_transcript, "castspos1")


# -- TradeStation-only streams --------------------------------------------------------------------


async def _take(
    session: TranscriptSession,
    open_stream: Callable[[TradeStationAdapter, StreamSession], AsyncIterator[T]],
    count: int,
) -> list[T]:
    profile = Profile(name="tradestation:emulator", broker="tradestation", environment="emulator")
    adapter = TradeStationAdapter(ENVIRONMENTS["emulator"], profile)
    seen: list[T] = []
    async with _http.AsyncClient(transport=session.transport) as client:
        stream = open_stream(adapter, StreamSession(client=client, auth=bl.StaticToken("x")))
        async for event in stream:
            seen.append(event)
            if len(seen) == count:
                break
        closer = getattr(stream, "aclose", None)
        if closer is not None:
            await closer()
    return seen


async def test_market_depth_quotes_stream(stream_transcript: TranscriptSession) -> None:
    await _market_depth(stream_transcript, aggregated=False)


async def test_market_depth_aggregates_stream(stream_transcript: TranscriptSession) -> None:
    await _market_depth(stream_transcript, aggregated=True)


async def _market_depth(stream_transcript: TranscriptSession, *, aggregated: bool) -> None:
    books = await _take(
        stream_transcript,
        lambda ts, s: ts.stream_market_depth(s, Equity("MSFT"), aggregated=aggregated, levels=5),
        3,
    )
    assert len(books) == 3
    for book in books:
        assert str(book.instrument) == "MSFT"
        assert book.aggregated is aggregated
        assert 1 <= len(book.bids) <= 5
        assert 1 <= len(book.asks) <= 5
        bids = [level.price for level in book.bids]
        asks = [level.price for level in book.asks]
        assert all(isinstance(p, Decimal) for p in bids + asks)
        assert bids == sorted(bids, reverse=True)  # best bid first
        assert asks == sorted(asks)  # best ask first
        assert bids[0] < asks[0]  # the book is not crossed
        assert all(level.size > 0 for level in book.bids + book.asks)


async def test_option_chain_stream(stream_transcript: TranscriptSession) -> None:
    quotes = await _take(
        stream_transcript,
        lambda ts, s: ts.stream_option_chain(s, Equity("SPY"), strike_proximity=2),
        4,
    )
    assert len(quotes) == 4
    for quote in quotes:
        [(leg, ratio)] = quote.legs  # spreadType Single: one leg
        assert isinstance(leg, Option)
        assert str(leg.underlying) == "SPY"
        assert ratio == 1
        assert leg.expiration >= date(2025, 1, 6)
        assert quote.strikes == (leg.strike,)
        assert quote.bid is not None
        assert quote.ask is not None
        assert Decimal(0) <= quote.bid <= quote.ask
        assert quote.delta is not None  # enableGreeks defaults to true
    assert {leg.right for q in quotes for leg, _ in q.legs} <= set(OptionRight)


async def test_tick_bar_stream(stream_transcript: TranscriptSession) -> None:
    bars = await _take(
        stream_transcript, lambda ts, s: ts.stream_tick_bars(s, Equity("SPY"), bars_back=3), 5
    )
    assert len(bars) == 5
    history, live = bars[:3], bars[3:]
    assert all(b.is_historical for b in history)
    assert [b.is_end_of_history for b in history] == [False, False, True]
    assert not any(b.is_historical for b in live)
    times = [b.time for b in bars]
    assert times == sorted(times)
    for bar in bars:
        assert bar.time.utcoffset() is not None
        assert isinstance(bar.close, Decimal)
        assert bar.low <= min(bar.open, bar.close) <= max(bar.open, bar.close) <= bar.high
