"""``run_strategy``: hook order, stopping, limits, errors, and events from several streams."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

import brokerlink as bl
from brokerlink.strategy import RunClock


@pytest.fixture
def broker() -> Iterator[bl.Broker]:
    with bl.connect("paper:emulator") as connected:
        yield connected


class Recorder(bl.Strategy):
    """Records every hook call; stops after ``stop_after`` completed bars (0: never)."""

    stop_after: int = 3
    fail_in: str = ""

    def on_start(self, ctx: bl.StrategyContext) -> None:
        self.calls: list[str] = ["start"]
        self.threads: set[int] = {threading.get_ident()}
        self.busy = False
        self.overlapped = False
        self._maybe_fail("start")
        ctx.subscribe_bars("SPY", "1min")

    def _enter(self, name: str) -> None:
        self.overlapped |= self.busy
        self.busy = True
        self.threads.add(threading.get_ident())
        self.calls.append(name)
        self._maybe_fail(name)

    def _maybe_fail(self, name: str) -> None:
        if self.fail_in == name:
            raise RuntimeError(f"boom in {name}")

    def on_bar(self, ctx: bl.StrategyContext, event: bl.BarEvent) -> None:
        self._enter("bar")
        if self.stop_after and self.calls.count("bar") == self.stop_after:
            ctx.stop("enough bars")
        self.busy = False

    def on_order_event(self, ctx: bl.StrategyContext, event: bl.OrderEvent) -> None:
        self._enter("order")
        self.busy = False

    def on_stop(self, ctx: bl.StrategyContext) -> None:
        self.calls.append("stop")


def test_hooks_run_in_order_on_the_callers_thread(broker: bl.Broker) -> None:
    strategy = Recorder()

    run = bl.run_strategy(strategy, broker)

    assert strategy.calls == ["start", "bar", "bar", "bar", "stop"]
    assert strategy.threads == {threading.get_ident()}
    assert run.stop_reason == "enough bars"
    assert run.bars == 3
    assert run.events == {"bars": 3}
    assert run.strategy == "Recorder"
    assert run.broker == "paper:emulator"
    assert run.parameters == {"stop_after": 3, "fail_in": ""}
    assert run.orders == ()
    assert run.fills == ()
    assert run.is_flat


def test_the_clock_is_the_emulators_and_moves_with_the_bars(broker: bl.Broker) -> None:
    assert broker.emulator is not None
    start = broker.emulator.now()

    run = bl.run_strategy(Recorder, broker, parameters={"stop_after": 5})

    assert run.started_at == start
    assert run.ended_at == start + timedelta(minutes=5) == broker.emulator.now()


def test_max_bars_and_max_events_stop_the_run(broker: bl.Broker) -> None:
    by_bars = bl.run_strategy(Recorder, broker, parameters={"stop_after": 0}, max_bars=4)
    by_events = bl.run_strategy(Recorder, broker, parameters={"stop_after": 0}, max_events=2)

    assert (by_bars.stop_reason, by_bars.bars) == ("max_bars (4) reached", 4)
    assert (by_events.stop_reason, by_events.bars) == ("max_events (2) reached", 2)


def test_duration_runs_on_the_brokers_clock(broker: bl.Broker) -> None:
    run = bl.run_strategy(
        Recorder, broker, parameters={"stop_after": 0}, duration=timedelta(minutes=10)
    )

    assert run.stop_reason == "duration 0:10:00 reached"
    assert run.ended_at - run.started_at == timedelta(minutes=10)
    assert run.bars == 10


@pytest.mark.parametrize("hook", ["bar", "order"])
def test_an_exception_in_a_hook_calls_on_stop_and_is_raised(broker: bl.Broker, hook: str) -> None:
    class Trader(Recorder):
        def on_bar(self, ctx: bl.StrategyContext, event: bl.BarEvent) -> None:
            if self.calls.count("bar") == 0:
                ctx.place(bl.NewOrder.market("SPY", bl.BUY, 1))
            super().on_bar(ctx, event)

    strategy = Trader(stop_after=0, fail_in=hook)

    with pytest.raises(RuntimeError, match=f"boom in {hook}"):
        bl.run_strategy(strategy, broker, max_bars=50)

    assert strategy.calls[-1] == "stop"
    assert strategy.calls.count(hook) == 1
    assert not [t for t in threading.enumerate() if t.name.startswith("brokerlink-feed-bars")]


def test_an_exception_in_on_start_is_raised_without_on_stop(broker: bl.Broker) -> None:
    strategy = Recorder(fail_in="start")

    with pytest.raises(RuntimeError, match="boom in start"):
        bl.run_strategy(strategy, broker)

    assert strategy.calls == ["start"]


class NeedsFutures(bl.Strategy):
    def on_start(self, ctx: bl.StrategyContext) -> None:
        self.started = True
        ctx.require("equities", bl.Feature.REPLACE, "futures")
        raise AssertionError("require() must have refused")

    def on_stop(self, ctx: bl.StrategyContext) -> None:
        raise AssertionError("on_stop is not called when the strategy never started")


def test_not_supported_at_start_is_a_clean_result() -> None:
    run = bl.run_strategy(NeedsFutures, "tradier:emulator")

    assert not run.ok
    assert (
        run.not_supported == "not supported by tradier emulator: futures (it trades equity, option)"
    )
    assert run.stop_reason == "not supported"
    assert run.orders == ()


def test_require_accepts_every_kind_of_need(broker: bl.Broker) -> None:
    class Checks(bl.Strategy):
        def on_start(self, ctx: bl.StrategyContext) -> None:
            ctx.require("options", bl.AssetClass.EQUITY, bl.StreamKind.BARS, bl.OrderType.STOP)
            ctx.require(bl.GroupKind.BRACKET, "replace", "trailing_stop")
            with pytest.raises(ValueError, match="does not know 'warp drive'"):
                ctx.require("warp drive")
            ctx.stop("checked")

    assert bl.run_strategy(Checks, broker).stop_reason == "checked"


def test_subscribing_after_start_is_refused(broker: bl.Broker) -> None:
    class Late(Recorder):
        def on_bar(self, ctx: bl.StrategyContext, event: bl.BarEvent) -> None:
            ctx.subscribe_quotes("QQQ")

    with pytest.raises(RuntimeError, match="subscriptions are made in on_start"):
        bl.run_strategy(Late, broker)


class BuyThenWatch(bl.Strategy):
    """Buys on the first bar, then records bars and order events until it has both."""

    def on_start(self, ctx: bl.StrategyContext) -> None:
        self.kinds: list[str] = []
        ctx.subscribe_bars("SPY", "1min")

    def on_bar(self, ctx: bl.StrategyContext, event: bl.BarEvent) -> None:
        self.kinds.append("bar")
        if self.kinds.count("bar") == 1:
            self.order = ctx.place(bl.NewOrder.market("SPY", bl.BUY, 5))

    def on_order_event(self, ctx: bl.StrategyContext, event: bl.OrderEvent) -> None:
        self.kinds.append("order")
        if event.order.status is bl.OrderStatus.FILLED:
            ctx.stop("saw the fill")

    def on_stop(self, ctx: bl.StrategyContext) -> None:
        ctx.close_position("SPY")


@pytest.mark.parametrize("selector", ["paper:emulator", "tradestation:emulator"])
def test_bar_and_order_events_both_arrive(selector: str) -> None:
    strategy = BuyThenWatch()

    run = bl.run_strategy(strategy, selector, max_bars=100)

    assert run.stop_reason == "saw the fill"
    assert "bar" in strategy.kinds
    assert "order" in strategy.kinds
    assert run.events["orders"] >= 1
    assert run.events["bars"] >= 1
    assert [o.side for o in run.orders] == [bl.BUY, bl.SELL]
    assert all(o.status is bl.OrderStatus.FILLED for o in run.orders)
    assert run.is_flat
    assert run.realized_pnl == sum((f.gross_amount for f in run.fills), Decimal(0))


def test_client_ids_are_deterministic_and_brackets_keep_their_links(broker: bl.Broker) -> None:
    class Ids(bl.Strategy):
        def on_start(self, ctx: bl.StrategyContext) -> None:
            price = ctx.quotes("SPY")["SPY"].ask
            assert price is not None
            ctx.place(bl.NewOrder.limit("SPY", bl.BUY, 1, "1.00"))
            ctx.place(bl.NewOrder.limit("SPY", bl.BUY, 1, "1.00", client_id="mine-1"))
            entry = bl.NewOrder.limit("SPY", bl.BUY, 1, price)
            ctx.place(bl.OrderGroup.bracket(entry, take_profit=price + 5, stop_loss=price - 5))
            ctx.stop("placed")

        def on_stop(self, ctx: bl.StrategyContext) -> None:
            ctx.flatten()

    run = bl.run_strategy(Ids, broker)

    prefix = f"ids{run.started_at:%m%d%H%M%S}"
    assert [o.client_id for o in run.orders] == [
        f"{prefix}-1",
        "mine-1",
        f"{prefix}-2",
        f"{prefix}-2-tp",
        f"{prefix}-2-sl",
        f"{prefix}-3",  # flatten closes the filled entry under the run's next id
    ]
    assert [o.status for o in run.orders[:2]] == [bl.OrderStatus.CANCELED] * 2
    assert run.is_flat


def test_a_replay_clock_follows_the_events() -> None:
    clock = RunClock(start=datetime(2025, 1, 6, 14, 30, tzinfo=UTC))
    bar = bl.Bar(
        time=datetime(2025, 1, 6, 14, 31, tzinfo=UTC),
        open=Decimal(1), high=Decimal(1), low=Decimal(1), close=Decimal(1), volume=Decimal(1),
    )  # fmt: skip
    event = bl.BarEvent(
        instrument=bl.Equity("SPY"), timeframe=bl.Timeframe.parse("1min"), bar=bar, complete=True
    )

    assert clock.now() == datetime(2025, 1, 6, 14, 30, tzinfo=UTC)
    clock.observe(event)
    assert clock.now() == datetime(2025, 1, 6, 14, 32, tzinfo=UTC)  # the bar's end
