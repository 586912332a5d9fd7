"""tastytrade's websockets replayed from transcripts (``cassettes/tastytrade/*.stream.jsonl``).

DxLink (quotes, candles for bars) and the account streamer are websockets, which vcrpy cannot
record: these transcripts were recorded at the emulator front and replay message by message
through the adapter's real DxLink and streamer code, which must send what was recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from itertools import islice

import pytest

import brokerlink as bl
from brokerlink.models import OrderEvent
from brokerlink.testing.recording import TranscriptSession
from tests.cassettes import scenarios

pytestmark = pytest.mark.brokerlink_adapter("tastytrade")


def test_bars_from_candles(stream_transcript: TranscriptSession) -> None:
    with stream_transcript.connect() as broker:
        scenarios.bars(broker)


def test_quote_stream(stream_transcript: TranscriptSession) -> None:
    with stream_transcript.connect() as broker:
        events = list(islice(broker.stream_quotes(["AAPL", "SPY"]), 6))
    assert {str(e.quote.instrument) for e in events} == {"AAPL", "SPY"}
    assert all(e.quote.bid is not None and e.quote.ask is not None for e in events)


async def test_order_stream_reports_a_fill(stream_transcript: TranscriptSession) -> None:
    async with stream_transcript.connect_async() as broker:
        stream = broker.stream_orders()
        reader = asyncio.ensure_future(_until_filled(stream))
        await asyncio.sleep(0.3)
        placed = await broker.place(bl.NewOrder.market("SPY", bl.BUY, 1, client_id="castream1"))
        events = await asyncio.wait_for(reader, 15)
        await stream.aclose()
    assert {e.order.id for e in events} == {placed.id}
    assert events[-1].order.status is bl.OrderStatus.FILLED


async def _until_filled(stream: AsyncIterator[OrderEvent]) -> list[OrderEvent]:
    events = []
    async for event in stream:
        events.append(event)
        if event.order.status is bl.OrderStatus.FILLED:
            return events
    return events
