"""TradeStation streams replayed from transcripts (``cassettes/tradestation/*.stream.jsonl``).

vcrpy cannot record endless chunked streams; these transcripts were recorded at the emulator
front and replay chunk by chunk through the adapter's real stream code.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from itertools import islice

import pytest

import brokerlink as bl
from brokerlink.models import OrderEvent
from brokerlink.testing.recording import TranscriptSession

pytestmark = pytest.mark.brokerlink_adapter("tradestation")


def test_quote_stream(stream_transcript: TranscriptSession) -> None:
    with stream_transcript.connect() as broker:
        events = list(islice(broker.stream_quotes(["AAPL", "SPY"]), 8))
    assert {str(e.quote.instrument) for e in events} == {"AAPL", "SPY"}
    assert all(e.quote.bid is not None and e.quote.ask is not None for e in events)


async def test_order_stream_reports_a_fill(stream_transcript: TranscriptSession) -> None:
    async with stream_transcript.connect_async() as broker:
        stream = broker.stream_orders()
        # The stream opens with an empty snapshot: read it in a task while the order is placed.
        reader = asyncio.ensure_future(_until_filled(stream))
        await asyncio.sleep(0.3)
        placed = await broker.place(bl.NewOrder.market("SPY", bl.BUY, 1, client_id="castream1"))
        events = await asyncio.wait_for(reader, 15)
        await stream.aclose()
    assert {e.order.id for e in events} == {placed.id}
    assert events[-1].order.status is bl.OrderStatus.FILLED
    assert events[-1].order.filled_quantity == 1


async def _until_filled(stream: AsyncIterator[OrderEvent]) -> list[OrderEvent]:
    events = []
    async for event in stream:
        events.append(event)
        if event.order.status is bl.OrderStatus.FILLED:
            return events
    return events
