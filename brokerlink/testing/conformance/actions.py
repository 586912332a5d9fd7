"""What scenarios do to a broker, measured and recorded through their context, and the
clean-up that leaves the account as each scenario found it.

Clean-up never uses ``flatten``: a real sandbox account may hold positions that are not the
kit's. Instead each scenario notes the positions it is about to change (:func:`baseline`) and the
orders it placed (tracked by :func:`place`); afterwards working orders are canceled and each
changed position is brought back to its baseline with a market order whose client id is derived
from the scenario's, so a replay sends the very same requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

from brokerlink.capabilities import Feature
from brokerlink.enums import PositionEffect, Side
from brokerlink.errors import BrokerError
from brokerlink.instruments import instrument
from brokerlink.models import NewOrder, Order, OrderGroup, Quote
from brokerlink.models.account import held_quantity
from brokerlink.testing.conformance.waiting import STATE_POLLS, is_filled, is_final, poll_order

if TYPE_CHECKING:
    from brokerlink.instruments import InstrumentLike
    from brokerlink.testing.conformance.scenario import ScenarioContext

__all__ = [
    "EQUITY",
    "baseline",
    "cancel",
    "cleanup",
    "fetch",
    "held",
    "place",
    "place_group",
    "price_away",
    "quote",
    "quotes",
    "replace",
]

EQUITY = "SPY"
"""The equity every stock scenario trades: listed at every broker, sandboxes included."""

_QUOTE_FIELDS = ("bid", "ask", "last", "bid_size", "ask_size", "time")


def quote(ctx: ScenarioContext, symbol: InstrumentLike) -> Quote:
    """The current quote of ``symbol``, noting the fields the broker left empty."""
    found = next(iter(quotes(ctx, [symbol]).values()))
    ctx.empty("Quote", found, _QUOTE_FIELDS)
    return found


def quotes(ctx: ScenarioContext, symbols: Sequence[InstrumentLike]) -> dict[str, Quote]:
    """The current quotes of ``symbols`` (keyed by canonical text): over REST, or the first
    of each on the quote stream where the broker has no REST quotes (the tastytrade sandbox), as
    a user of that broker would read them."""
    if ctx.broker.capabilities.supports(Feature.QUOTES):
        return ctx.broker.quotes(list(symbols))
    wanted = {str(instrument(symbol)) for symbol in symbols}
    found: dict[str, Quote] = {}
    stream = ctx.broker.stream_quotes(list(symbols))
    try:
        for event in stream:
            key = str(event.quote.instrument)
            if key in wanted:
                found.setdefault(key, event.quote)
            if len(found) == len(wanted):
                break
    finally:
        stream.close()  # ends the subscription
    ctx.note("quotes read from the stream: the broker serves none over REST here")
    return found


def price_away(
    reference: Decimal, factor: str, tick: Decimal = Decimal("0.01"), *, up: bool = False
) -> Decimal:
    """``reference * factor`` on the tick grid (rounded down, or up with ``up``)."""
    steps = (reference * Decimal(factor) / tick).to_integral_value(
        ROUND_CEILING if up else ROUND_FLOOR
    )
    return max(steps, Decimal(1)) * tick


def place(ctx: ScenarioContext, order: NewOrder) -> Order:
    """Place ``order``, timing the broker's answer and tracking the order for clean-up."""
    sent = ctx.ms()
    placed = ctx.broker.place(order)
    ctx.sent(placed, sent)
    return placed


def place_group(ctx: ScenarioContext, group: OrderGroup) -> list[Order]:
    """Place ``group``, timing the answer and tracking each of its orders."""
    sent = ctx.ms()
    placed = ctx.broker.place(group)
    for order in placed:
        ctx.sent(order, sent)
    return placed


def cancel(ctx: ScenarioContext, order_id: str) -> Order:
    """Cancel ``order_id`` and record the answer's status."""
    answer = ctx.broker.cancel(order_id)
    ctx.observe(answer)
    return answer


def replace(ctx: ScenarioContext, order_id: str, **changes: Decimal) -> Order:
    """Replace ``order_id`` with ``changes``; the answer (a new id where the broker issues one)
    is tracked like a placed order."""
    sent = ctx.ms()
    answer = ctx.broker.replace(order_id, **changes)  # type: ignore[arg-type]
    ctx.sent(answer, sent)
    return answer


def fetch(ctx: ScenarioContext, order_id: str) -> Order:
    """The order's current state by REST, recorded."""
    order = ctx.broker.order(order_id)
    ctx.observe(order)
    return order


def held(ctx: ScenarioContext, symbol: InstrumentLike) -> Decimal:
    """The signed quantity of ``symbol`` held now (zero when there is no position)."""
    return held_quantity(ctx.broker.positions(), symbol)


def baseline(ctx: ScenarioContext, *symbols: InstrumentLike) -> None:
    """Remember what is held of ``symbols`` before the scenario trades them."""
    if not symbols:
        return
    now = {str(p.instrument): p.quantity for p in ctx.broker.positions()}
    for symbol in symbols:
        ctx.baselines.setdefault(str(symbol), now.get(str(symbol), Decimal(0)))


def cleanup(ctx: ScenarioContext) -> None:
    """Cancel what the scenario left working and close what it opened (see the module doc)."""
    for order_id in ctx.tracked_orders:
        try:
            order = ctx.broker.order(order_id)
            if order.status.is_working:
                answer = ctx.broker.cancel(order_id)
                poll_order(ctx, answer, is_final, polls=STATE_POLLS, record=False)
        except BrokerError as exc:  # already gone: nothing left to cancel
            ctx.note(f"clean-up: {order_id} could not be canceled ({type(exc).__name__})")
    if not ctx.baselines:
        return
    now = {str(p.instrument): p for p in ctx.broker.positions()}
    for index, (symbol, before) in enumerate(sorted(ctx.baselines.items())):
        position = now.get(symbol)
        change = (position.quantity if position is not None else Decimal(0)) - before
        if not change:
            continue
        side = Side.SELL if change > 0 else Side.BUY
        closing = NewOrder.market(
            position.instrument if position is not None else symbol,
            side,
            abs(change),
            effect=PositionEffect.CLOSE,
            client_id=ctx.client_id(f"z{index}"),
        )
        try:
            poll_order(ctx, ctx.broker.place(closing), is_filled, record=False)
        except BrokerError as exc:
            ctx.note(f"clean-up: {symbol} could not be closed ({type(exc).__name__}: {exc})")
