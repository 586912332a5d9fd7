"""``EventStream.wait_live``: a sync order stream says when the broker accepted it, so an order
placed from then on has every event on the stream. The runner and the conformance kit wait for
it before their first order; without it, the first fill could pass before the stream connected.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
from collections.abc import AsyncIterator, Iterator

import pytest

import brokerlink as bl

EMULATORS = ["paper:emulator", "tradestation:emulator", "tradier:emulator", "tastytrade:emulator"]


def _read_into(stream: bl.EventStream[bl.OrderEvent], out: queue.Queue[bl.OrderEvent]) -> None:
    for event in stream:
        out.put(event)
        if event.order.status.is_final:
            break
    stream.close()


@pytest.mark.parametrize("selector", EMULATORS)
def test_an_order_stream_is_live_once_read_and_sees_the_next_order_fill(selector: str) -> None:
    with bl.connect(selector) as broker:
        stream = broker.stream_orders()
        assert not stream.is_live  # nothing connects before the first next()
        assert stream.wait_live(0.2) is False

        events: queue.Queue[bl.OrderEvent] = queue.Queue()
        reader = threading.Thread(target=_read_into, args=(stream, events), daemon=True)
        reader.start()
        assert stream.wait_live(10), f"{selector}: the order stream never became live"
        assert stream.is_live

        placed = broker.place(bl.NewOrder.market("SPY", bl.BUY, 1))
        statuses = []
        while not statuses or not statuses[-1].is_final:
            event = events.get(timeout=10)
            if event.order.id == placed.id:
                statuses.append(event.order.status)
        reader.join(10)
        broker.close_position("SPY")

    assert statuses[-1] is bl.OrderStatus.FILLED


@pytest.mark.parametrize("selector", EMULATORS)
async def test_an_async_order_stream_is_live_once_read_and_sees_the_next_order_fill(
    selector: str,
) -> None:
    async with bl.connect_async(selector) as broker:
        stream = broker.stream_orders()
        assert not stream.is_live
        assert await stream.wait_live(0.2) is False
        events: asyncio.Queue[bl.OrderEvent] = asyncio.Queue()

        async def read() -> None:
            async with contextlib.aclosing(stream):
                async for event in stream:
                    await events.put(event)

        reader = asyncio.create_task(read())
        assert await stream.wait_live(10), f"{selector}: the order stream never became live"
        placed = await broker.place(bl.NewOrder.market("SPY", bl.BUY, 1))
        statuses = []
        while not statuses or not statuses[-1].is_final:
            event = await asyncio.wait_for(events.get(), 10)
            if event.order.id == placed.id:
                statuses.append(event.order.status)
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
        await broker.close_position("SPY")

    assert statuses[-1] is bl.OrderStatus.FILLED


def test_the_runner_reports_an_order_placed_in_on_start() -> None:
    class BuyAtStart(bl.Strategy):
        def on_start(self, ctx: bl.StrategyContext) -> None:
            self.statuses: list[bl.OrderStatus] = []
            self.order = ctx.place(bl.NewOrder.market("SPY", bl.BUY, 2))
            ctx.subscribe_bars("SPY", "1min")  # bounds the run when the events are missed

        def on_order_event(self, ctx: bl.StrategyContext, event: bl.OrderEvent) -> None:
            if event.order.id == self.order.id:
                self.statuses.append(event.order.status)
                if event.order.status.is_final:
                    ctx.stop("saw it end")

        def on_stop(self, ctx: bl.StrategyContext) -> None:
            ctx.flatten()

    strategy = BuyAtStart()
    run = bl.run_strategy(strategy, "paper:emulator", max_bars=50)

    assert run.stop_reason == "saw it end"
    assert strategy.statuses[-1] is bl.OrderStatus.FILLED
    assert not any("not live" in line for line in run.log)


def test_waiting_for_a_stream_that_failed_to_open_ends_at_once() -> None:
    from brokerlink.broker.live import EventStream

    def refused() -> Iterator[int]:
        raise bl.UnauthorizedError("the token lacks the stream scope", broker="paper")
        yield 0  # pragma: no cover - a generator that fails on its first step

    stream = EventStream(refused(), threading.Event())
    failures: list[BaseException] = []
    reader = threading.Thread(target=lambda: failures.extend(_first_error(stream)), daemon=True)
    reader.start()
    started = time.monotonic()

    assert stream.wait_live(10) is False
    assert time.monotonic() - started < 2  # not the whole bound
    reader.join(2)
    assert stream.ended
    assert [type(e) for e in failures] == [bl.UnauthorizedError]


def _first_error(stream: Iterator[int]) -> list[BaseException]:
    try:
        next(stream)
    except BaseException as exc:
        return [exc]
    return []


async def test_awaiting_an_async_stream_that_failed_to_open_ends_at_once() -> None:
    from brokerlink.broker.live import AsyncEventStream

    async def refused() -> AsyncIterator[int]:
        raise bl.UnauthorizedError("the token lacks the stream scope", broker="paper")
        yield 0  # pragma: no cover - a generator that fails on its first step

    stream = AsyncEventStream(refused(), asyncio.Event())
    reader = asyncio.create_task(anext(stream))
    started = time.monotonic()

    assert await stream.wait_live(10) is False
    assert time.monotonic() - started < 2  # not the whole bound
    assert stream.ended
    with pytest.raises(bl.UnauthorizedError):
        await reader
