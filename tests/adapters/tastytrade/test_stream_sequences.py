"""Streams opened one after another on one emulator broker (in-process): each one delivers.

A quote stream moves the emulator's clock in one-second steps, so a bar stream opened after it
starts at an instant that is not on a candle boundary. The bar stream subscribes from the start
of the previous interval (the last completed candle) and the emulator keeps sending candles from
``fromTime`` on, so the stream delivers whatever came before it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

import brokerlink as bl

STEP_SECONDS = 10  # a hang fails the test instead of the suite


async def _take(stream: AsyncIterator[Any], count: int) -> list[Any]:
    events: list[Any] = []
    try:
        async with asyncio.timeout(STEP_SECONDS):
            async for event in stream:
                events.append(event)
                if len(events) == count:
                    break
    finally:
        await stream.aclose()  # type: ignore[attr-defined]
    return events


async def _run(broker: bl.AsyncBroker, kind: str) -> list[Any]:
    if kind == "quotes":
        return await _take(broker.stream_quotes(["SPY"]), 2)
    return await _take(broker.stream_bars("AAPL", "1min"), 2)


@pytest.mark.parametrize(
    "order",
    [("quotes", "bars"), ("bars", "quotes"), ("quotes", "quotes"), ("bars", "bars")],
    ids="-then-".join,
)
async def test_one_stream_after_another_delivers(order: tuple[str, str]) -> None:
    async with bl.connect_async("tastytrade:emulator") as broker:
        for kind in order:
            events = await _run(broker, kind)
            assert len(events) == 2
            if kind == "bars":
                assert all(e.bar.time.second == 0 for e in events)  # candle starts, in UTC
                assert [e.instrument.symbol for e in events] == ["AAPL", "AAPL"]
            else:
                assert [e.quote.instrument.symbol for e in events] == ["SPY", "SPY"]
