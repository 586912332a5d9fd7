"""Closing a paper stream early closes the whole reader chain under it, at once.

Each paper stream reads the core NDJSON reader through generators of its own; a bare
``async for`` never closes the generator it reads, so before the fix ``aclose()`` on the stream
left the reader (and its response) suspended until the garbage collector or the loop's shutdown
found it. tests/core/test_stream_shutdown.py shows what that did over real HTTP.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from support.stream_checks import open_readers

import brokerlink as bl
from brokerlink.broker.async_ import AsyncBroker
from brokerlink.paper import streams as paper_streams
from brokerlink.runtime import streaming

# The paper and core reader generators, which must all be finished once the stream is closed.
_READERS = {streaming.__file__, paper_streams.__file__}


OPENERS: dict[str, Callable[[AsyncBroker], AsyncIterator[Any]]] = {
    "quotes": lambda b: b.stream_quotes(["SPY"]),
    "bars": lambda b: b.stream_bars("SPY", "1min"),
    "orders": lambda b: b.stream_orders(),
    "positions": lambda b: b.stream_positions(),
}


@pytest.mark.parametrize("kind", list(OPENERS))
async def test_aclose_after_the_first_event_leaves_no_reader_open(
    abroker: AsyncBroker, kind: str
) -> None:
    stream = OPENERS[kind](abroker)
    first = asyncio.ensure_future(anext(stream))
    if kind in ("orders", "positions"):
        await asyncio.sleep(0.05)  # the stream is connected before the order makes events
        await abroker.place(bl.NewOrder.market("AAPL", bl.BUY, 2, effect=bl.OPEN))
    assert await asyncio.wait_for(first, 5) is not None
    assert open_readers(_READERS) != []  # the chain is live while the stream is
    await stream.aclose()  # type: ignore[attr-defined]
    assert open_readers(_READERS) == []
