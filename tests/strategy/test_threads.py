"""The sync broker used from stream threads and the caller's thread at once."""

from __future__ import annotations

import threading
import time

import brokerlink as bl


def test_closing_the_broker_releases_a_thread_waiting_in_a_stream() -> None:
    broker = bl.connect("paper:emulator")
    events = broker.stream_orders()  # nothing will happen: the reader waits inside the stream
    received: list[object] = []
    reader = threading.Thread(target=lambda: received.extend(events), daemon=True)
    reader.start()
    time.sleep(0.2)

    broker.close()
    reader.join(5)

    assert not reader.is_alive(), "the stream's reader was left blocked after close()"
    assert received == []


def test_rest_calls_and_three_streams_at_once() -> None:
    class Busy(bl.Strategy):
        """Trades and reads on every bar while quotes, bars and orders stream in."""

        def on_start(self, ctx: bl.StrategyContext) -> None:
            ctx.subscribe_bars("SPY", "1min")
            ctx.subscribe_quotes(["SPY", "QQQ"])
            self.bars = 0

        def on_bar(self, ctx: bl.StrategyContext, event: bl.BarEvent) -> None:
            self.bars += 1
            side = bl.BUY if self.bars % 2 else bl.SELL
            ctx.place(bl.NewOrder.market("SPY", side, 1))
            ctx.positions()
            ctx.quotes("QQQ")
            if self.bars == 20:
                ctx.stop("twenty bars")

    run = bl.run_strategy(Busy, "tradestation:emulator")

    assert run.stop_reason == "twenty bars"
    assert run.events["quotes"] >= 1
    assert len(run.orders) == 20
    assert all(o.status is bl.OrderStatus.FILLED for o in run.orders)
    assert run.is_flat
