"""CMP-011 and CMP-013: order events on the stream, in order, and across a reconnect.

Both bracket the orders they watch with a *marker*: a buy limit far under the market placed
first (once the stream reports it, the stream is live) and canceled last (once the stream
reports that, everything before it has been delivered); see :mod:`.watching`.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from brokerlink.capabilities import Feature, StreamKind
from brokerlink.emulator.faults import DropConnection
from brokerlink.enums import AssetClass, OrderStatus, OrderType, Side, TimeInForce
from brokerlink.models import NewOrder, Order, OrderEvent
from brokerlink.testing.conformance import actions as act
from brokerlink.testing.conformance.orders_basic import expect_filled
from brokerlink.testing.conformance.scenario import Requirements, Scenario, ScenarioContext
from brokerlink.testing.conformance.waiting import STATE_POLLS, is_final, poll_order
from brokerlink.testing.conformance.watching import OrderStreamWatch

__all__ = ["ORDER_STREAM_PATHS", "STREAMS"]

ORDER_STREAM_PATHS = {
    "paper": "/stream/accounts/",
    "tradestation": "/brokerage/stream/accounts/",
    "tradier": "/accounts/events",
    "tastytrade": "/account-streamer",
}
"""Where each known emulator serves the order stream: a ``DropConnection`` planned for this
path cuts the open stream. Other adapters are reconnected by closing and reopening the stream."""

MISSING_FILL = "fill frame missing from the order stream"

# Where an order may be in its life while it fills: a stream must never report it going back.
_PROGRESS = (
    OrderStatus.PENDING,
    OrderStatus.OPEN,
    OrderStatus.PARTIALLY_FILLED,
    OrderStatus.FILLED,
)


def _open_marker(ctx: ScenarioContext, watch: OrderStreamWatch, suffix: str) -> Order | None:
    """Place the marker and wait for the stream to report it: the stream is live."""
    bid = act.quote(ctx, act.EQUITY).bid or Decimal(1)
    marker = act.place(
        ctx,
        NewOrder.limit(
            act.EQUITY, Side.BUY, 1, act.price_away(bid, "0.5"), client_id=ctx.client_id(suffix)
        ),
    )
    watch.stop_after(marker.id)
    if watch.until(lambda event: event.order.id == marker.id) is None:
        ctx.fail(f"the order stream never reported the marker order ({_why(watch)})")
        return None
    return marker


def _close_marker(ctx: ScenarioContext, watch: OrderStreamWatch, marker: Order) -> bool:
    """Cancel the marker and read the stream up to its cancel: everything before is in."""
    for order_id in ctx.tracked_orders:
        if order_id != marker.id:
            current = act.fetch(ctx, order_id)
            if current.status.is_final:
                watch.expect(order_id, current.status)
    canceled = poll_order(ctx, act.cancel(ctx, marker.id), is_final, polls=STATE_POLLS)
    watch.expect(marker.id, canceled.status)
    if not watch.finish(marker.id):
        ctx.fail(f"the order stream never reported the marker's cancel ({_why(watch)})")
        return False
    return True


def _why(watch: OrderStreamWatch) -> str:
    if watch.problem is not None:
        return f"{type(watch.problem).__name__}: {watch.problem}"
    return "it went silent"


def _mine(ctx: ScenarioContext, events: list[OrderEvent]) -> list[OrderEvent]:
    """The events of the scenario's own orders (a stream may open with a snapshot of others)."""
    return [event for event in events if event.order.id in ctx.tracked_orders]


def _record(ctx: ScenarioContext, events: list[OrderEvent]) -> None:
    for event in _mine(ctx, events):
        ctx.observe(event.order, "stream")


def _check_progress(ctx: ScenarioContext, events: list[OrderEvent], filled: Order) -> None:
    """The stream's statuses for ``filled`` never go back, and its fill is among them."""
    mine = [e.order.status for e in events if e.order.id == filled.id]
    ranks = [_PROGRESS.index(s) for s in mine if s in _PROGRESS]
    if ranks != sorted(ranks):
        ctx.fail("statuses went backwards on the stream: " + ", ".join(s.value for s in mine))
    if OrderStatus.FILLED not in mine:
        ctx.note(f"{MISSING_FILL}; reconciled by REST (the order is {filled.status.value})")
        ctx.fail(MISSING_FILL)


def events_in_order(ctx: ScenarioContext) -> None:
    """CMP-011: a market buy's events arrive on the stream in order, ending with its fill."""
    act.baseline(ctx, act.EQUITY)
    watch = OrderStreamWatch(ctx.broker).start()
    ctx.pacer.settle()
    marker = _open_marker(ctx, watch, "m")
    if marker is None:
        return
    order = NewOrder.market(act.EQUITY, Side.BUY, 1, client_id=ctx.client_id("a"))
    filled = expect_filled(ctx, act.place(ctx, order), "the market buy")
    if not _close_marker(ctx, watch, marker):
        return
    _record(ctx, watch.events)
    _check_progress(ctx, watch.events, filled)


def reconnect(ctx: ScenarioContext) -> None:
    """CMP-013: a reconnect of the order stream between two fills loses and doubles nothing.

    On an emulator the stream is cut by a planned ``DropConnection`` (the adapter reconnects);
    elsewhere the stream is closed and opened again, and the second stream is reconciled with
    REST.
    """
    act.baseline(ctx, act.EQUITY)
    adapter = ctx.broker.capabilities.adapter
    path = ORDER_STREAM_PATHS.get(adapter)
    cut = ctx.pacer.simulated and path is not None
    support = ctx.broker.capabilities.streams[StreamKind.ORDERS]
    if not support.reliable:
        ctx.note(f"the capabilities mark the order stream unreliable: {support.note}")
    watch = OrderStreamWatch(ctx.broker).start()
    ctx.pacer.settle()
    marker = _open_marker(ctx, watch, "m")
    if marker is None:
        return
    first = expect_filled(ctx, act.place(ctx, _market(ctx, "a")), "the first market buy")
    if cut:
        if ctx.pacer.engine is not None:
            ctx.pacer.engine.faults.add(DropConnection(), match=path)
        ctx.note("the order stream was cut by the emulator after the first fill")
    else:
        if not _close_marker(ctx, watch, marker):
            return
        _record(ctx, watch.events)  # a reopened stream is judged on its own events
        watch = OrderStreamWatch(ctx.broker).start()
        ctx.pacer.settle()
        marker = _open_marker(ctx, watch, "n")
        if marker is None:
            return
        ctx.note("the order stream was closed and opened again after the first fill")
    second = expect_filled(ctx, act.place(ctx, _market(ctx, "b")), "the second market buy")
    if not _close_marker(ctx, watch, marker):
        return
    engine = ctx.pacer.engine
    if cut and engine is not None and DropConnection() not in dict(engine.faults.taken()).values():
        ctx.fail(f"the planned drop on {path} never fired")
    _record(ctx, watch.events)
    _check_once(ctx, watch.events, first if cut else None, second)


def _market(ctx: ScenarioContext, suffix: str) -> NewOrder:
    return NewOrder.market(act.EQUITY, Side.BUY, 1, client_id=ctx.client_id(suffix))


def _check_once(
    ctx: ScenarioContext, events: list[OrderEvent], first: Order | None, second: Order
) -> None:
    """Each fill is on the stream, and no state of an order is reported twice."""
    for order in (first, second):
        if order is None or order.status is not OrderStatus.FILLED:
            continue
        if not any(e.order.id == order.id and e.order.status is OrderStatus.FILLED for e in events):
            ctx.fail(f"the fill of {order.id} was lost across the reconnect")
    states = Counter(
        (e.order.id, e.order.status, e.order.filled_quantity) for e in _mine(ctx, events)
    )
    doubled = sorted(f"{oid} {status.value}" for (oid, status, _), n in states.items() if n > 1)
    if doubled:
        ctx.fail("reported twice across the reconnect: " + ", ".join(doubled))


_REQUIRES = Requirements(
    features=frozenset({Feature.PLACE, Feature.ORDERS, Feature.CANCEL, Feature.QUOTES}),
    asset_classes=frozenset({AssetClass.EQUITY}),
    order_types=frozenset({OrderType.MARKET, OrderType.LIMIT}),
    time_in_force=((AssetClass.EQUITY, TimeInForce.DAY),),
    streams=frozenset({StreamKind.ORDERS}),
)

STREAMS = (
    Scenario(
        number="CMP-011",
        title="order events arrive on the stream in order",
        requires=_REQUIRES,
        run=events_in_order,
        client_prefix="cmp011",
    ),
    Scenario(
        number="CMP-013",
        title="a stream reconnect loses and doubles nothing",
        requires=_REQUIRES,
        run=reconnect,
        client_prefix="cmp013",
    ),
)
"""The stream scenarios, in order."""
