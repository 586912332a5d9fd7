""":func:`run_strategy`: one strategy, one broker, from ``on_start`` to a :class:`StrategyRun`.

The run: connect (or take a :class:`~brokerlink.Broker`), open the order stream and wait until
the broker accepted it, call ``on_start``, open the market streams it subscribed to, then hand
every event to its hook in arrival order, on the caller's thread, until ``ctx.stop()``, a limit (``max_bars``,
``max_events``, ``duration`` on ``ctx.now``), the streams end, or Ctrl-C. Then the streams are
closed, ``on_stop`` runs, the orders are settled and the result is built.

A :class:`~brokerlink.NotSupportedError` raised by ``on_start`` (``ctx.require(...)``, a
subscription the broker lacks) ends the run cleanly: the result says what is missing and nothing
else ran. Any other exception in a hook, or from a stream, closes the streams, calls ``on_stop``
and is raised again.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from brokerlink.capabilities import StreamKind
from brokerlink.errors import NotSupportedError, RejectedError
from brokerlink.instruments import Instrument
from brokerlink.models import BarEvent, OrderEvent, QuoteEvent
from brokerlink.strategy.base import Strategy
from brokerlink.strategy.clock import RunClock
from brokerlink.strategy.context import StrategyContext
from brokerlink.strategy.feeds import END, Merger
from brokerlink.strategy.orders import fills_of
from brokerlink.strategy.result import StrategyRun

if TYPE_CHECKING:
    from brokerlink.broker.live import EventStream
    from brokerlink.broker.sync import Broker

__all__ = ["run_strategy"]

_POLL = 0.05  # seconds between checks of the limits while no event arrives
_LIVE_WAIT = 10.0  # seconds the order stream may take to be accepted before on_start runs


def run_strategy(
    strategy: Strategy | type[Strategy],
    broker: Broker | str,
    *,
    parameters: Mapping[str, object] | None = None,
    account: str | None = None,
    max_bars: int | None = None,
    max_events: int | None = None,
    duration: timedelta | None = None,
    clock: RunClock | None = None,
    on_log: Callable[[str], None] | None = None,
) -> StrategyRun:
    """Run ``strategy`` on ``broker`` (a :class:`~brokerlink.Broker`, or a selector or profile
    to connect to and close afterwards) and return what it did.

    ``strategy`` is a :class:`Strategy` subclass (built with ``parameters``, text converted by
    each default's type) or an instance. ``max_bars`` counts completed bars, ``max_events`` every
    event delivered, ``duration`` runs on ``ctx.now`` (simulated time on an emulator). ``clock``
    replaces the default clock (the emulator's, else the wall clock): a replay passes one that
    follows the recorded events. ``on_log`` receives every ``ctx.log`` line as it is written.
    """
    if isinstance(strategy, type):
        strategy = strategy(**dict(parameters or {}))
    elif parameters:
        raise TypeError("pass parameters with a Strategy class, not an instance")
    if isinstance(broker, str):
        from brokerlink.broker.connect import connect

        with connect(broker, account=account) if account else connect(broker) as owned:
            return _Run(strategy, owned, account, clock, on_log).run(max_bars, max_events, duration)
    return _Run(strategy, broker, account, clock, on_log).run(max_bars, max_events, duration)


def _opener(stream: Iterator[Any]) -> Callable[[], Iterator[Any]]:
    return lambda: stream


def _is_complete(event: object) -> bool:
    return not isinstance(event, BarEvent) or event.complete


def _run_id(strategy: Strategy, clock: RunClock) -> str:
    """Client-id prefix: the strategy's name and the start time (the same in a replay)."""
    slug = re.sub(r"[^a-z0-9]", "", strategy.display_name().lower())[:10] or "strategy"
    return f"{slug}{clock.now():%m%d%H%M%S}"


class _Run:
    def __init__(
        self,
        strategy: Strategy,
        broker: Broker,
        account: str | None,
        clock: RunClock | None,
        on_log: Callable[[str], None] | None,
    ) -> None:
        engine = broker.emulator
        self.strategy = strategy
        self.broker = broker
        self.account = account
        self.clock = clock or (RunClock(engine.now) if engine is not None else RunClock.wall())
        self.ctx = StrategyContext(
            broker,
            self.clock,
            account=account,
            run_id=_run_id(strategy, self.clock),
            on_log=on_log,
        )
        self.merger = Merger()
        self.counts: Counter[str] = Counter()
        self.bars = 0

    def run(
        self, max_bars: int | None, max_events: int | None, duration: timedelta | None
    ) -> StrategyRun:
        started_at = self.clock.now()
        start_equity = self.broker.balances(self.account).equity
        ctx = self.ctx
        if StreamKind.ORDERS in self.broker.capabilities.streams:
            # Opened before on_start, so that orders placed there are reported too.
            try:
                orders = self.broker.stream_orders(self.account)
            except RejectedError as exc:  # a token without the streaming scope, say
                ctx.log("no order events:", exc)
            else:
                self.merger.add("orders", _opener(orders)).start()
                self._await_live(orders)
        try:
            self.strategy.on_start(ctx)
        except NotSupportedError as exc:
            self.merger.stop()
            return self._result(started_at, start_equity, "not supported", exc.message)
        except BaseException:
            self.merger.stop()
            raise
        ctx.started = True
        try:
            self._open_market_feeds()
            reason = self._loop(max_bars, max_events, duration, started_at)
        except BaseException:
            self.merger.stop()
            self.strategy.on_stop(ctx)
            raise
        self.merger.stop()
        self.strategy.on_stop(ctx)
        return self._result(started_at, start_equity, reason, None)

    def _await_live(self, orders: EventStream[OrderEvent]) -> None:
        """Wait (bounded) until the broker accepted the order stream, so that the events of an
        order ``on_start`` or the first hook places cannot pass before the stream is there."""
        if not orders.wait_live(_LIVE_WAIT) and not orders.ended:
            # A stream that failed to open has ended: the loop raises its error.
            self.ctx.log(
                f"the order stream was not live after {_LIVE_WAIT:g} s: "
                "the first order events may be missed"
            )

    def _open_market_feeds(self) -> None:
        for sub in self.ctx.subscriptions:
            # Opened here, on the caller's thread: the checks (and any account lookup) run in
            # order with the strategy's own calls, which a replay depends on.
            stream: Iterator[Any]
            keep = None
            if sub.kind == "bars" and sub.timeframe is not None:
                stream = self.broker.stream_bars(sub.instruments[0], sub.timeframe)
                name = f"bars {sub.instruments[0]} {sub.timeframe}"
                keep = None if sub.forming else _is_complete
            else:
                stream = self.broker.stream_quotes(sub.instruments)
                name = "quotes " + ",".join(str(i) for i in sub.instruments)
            self.merger.add(name, _opener(stream), keep)
        for feed in self.merger.feeds:
            if feed.name != "orders":
                feed.start()

    def _loop(
        self,
        max_bars: int | None,
        max_events: int | None,
        duration: timedelta | None,
        started_at: datetime,
    ) -> str:
        ctx = self.ctx
        market = [feed for feed in self.merger.feeds if feed.name != "orders"]
        try:
            while not ctx.stopping:
                if duration is not None and self.clock.now() - started_at >= duration:
                    return f"duration {duration} reached"
                if market and all(feed.ended for feed in market):
                    return "the market streams ended"
                item = self.merger.next(_POLL)
                if item is None:
                    continue
                if item.error is not None:
                    raise item.error
                if item.value is END:
                    item.feed.ended = True
                    continue
                self._dispatch(item.value)
                if max_bars is not None and self.bars >= max_bars:
                    return f"max_bars ({max_bars}) reached"
                if max_events is not None and sum(self.counts.values()) >= max_events:
                    return f"max_events ({max_events}) reached"
                if not ctx.stopping:
                    item.feed.handled()
        except KeyboardInterrupt:
            return "interrupted"
        return ctx.stop_reason or "stopped"

    def _dispatch(self, event: object) -> None:
        self.clock.observe(event)
        if isinstance(event, BarEvent):
            self.counts["bars"] += 1
            self.bars += event.complete
            self.strategy.on_bar(self.ctx, event)
        elif isinstance(event, QuoteEvent):
            self.counts["quotes"] += 1
            self.strategy.on_quote(self.ctx, event)
        elif isinstance(event, OrderEvent):
            self.counts["orders"] += 1
            self.strategy.on_order_event(self.ctx, event)

    def _result(
        self, started_at: datetime, start_equity: Decimal, reason: str, not_supported: str | None
    ) -> StrategyRun:
        book = self.ctx.book
        book.settle(lambda order: self.broker.order(order.id, self.account or order.account))
        positions = tuple(self.broker.positions(self.account))
        end_equity = self.broker.balances(self.account).equity
        known: dict[str, Instrument] = {}

        def resolve(target: Instrument) -> Instrument:
            if str(target) not in known:
                known[str(target)] = self.broker.instrument(target)
            return known[str(target)]

        fills = tuple(fills_of(book.orders, resolve))
        return StrategyRun(
            strategy=self.strategy.display_name(),
            broker=self.broker.name,
            parameters=self.strategy.parameter_values,
            started_at=started_at,
            ended_at=self.clock.now(),
            stop_reason=reason,
            not_supported=not_supported,
            orders=book.orders,
            fills=fills,
            positions=positions,
            realized_pnl=sum((fill.gross_amount for fill in fills), Decimal(0)),
            total_pnl=end_equity - start_equity,
            events=dict(self.counts),
            bars=self.bars,
            log=tuple(self.ctx.lines),
        )
