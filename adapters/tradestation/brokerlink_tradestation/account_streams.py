"""The order and position streams: snapshots, de-duplication and REST reconciliation.

Every (re)connect of a brokerage stream first replays the full current set (orders, or
positions), then ``{"StreamStatus": "EndSnapshot"}``, then live updates (NOTES.md §5). The order
stream is not reliable: TradeStation's SIM dropped most ``FLL`` frames in one test while
heartbeats went on. So :class:`OrderBook` keeps, per order, the last state delivered and the
quantity already reported as filled, and:

- the first snapshot is the baseline: each order is reported once, without fills (they happened
  before you subscribed);
- a frame equal to the last one delivered (a snapshot replay) is skipped;
- a fill is the growth of a leg's executed quantity, whichever frame shows it first (an ``ACK``
  may carry it before the ``FLL``); the ``FLL`` that follows reports the status, not the fill
  again, and a frame showing *less* executed than recorded never un-reports a fill;
- after every reconnect, once ``EndSnapshot`` arrives, today's orders are read over REST and
  applied the same way, so a fill the stream dropped is still reported, once;
- while orders are working, the same REST read runs every :data:`RECONCILE_EVERY` seconds
  (timed by the stream's heartbeats), because frames are dropped on a healthy connection too.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import attrs
import cattrs

from brokerlink._http import URL, Response
from brokerlink.adapter import StreamSession
from brokerlink.models import Fill, Order, OrderEvent, Position, PositionEvent
from brokerlink.money import increment_price
from brokerlink.runtime.drivers import run_async
from brokerlink.runtime.steps import RunContext
from brokerlink.runtime.streaming import ErrorTable
from brokerlink.timeutil import utcnow
from brokerlink_tradestation import operations, parse
from brokerlink_tradestation.framing import ts_frames
from brokerlink_tradestation.wire import BROKER, Fields

__all__ = ["RECONCILE_EVERY", "OrderBook", "PositionBook", "stream_orders", "stream_positions"]

_ZERO = Decimal(0)
RECONCILE_EVERY = 30.0
"""Seconds between REST reads of today's orders while some order is still working."""


@attrs.define
class _Seen:
    signature: tuple[Any, ...]
    filled: list[Decimal]
    prices: list[Decimal | None]


def _signature(order: Order) -> tuple[Any, ...]:
    return (
        order.status,
        order.quantity,
        order.limit_price,
        order.stop_price,
        order.average_fill_price,
        tuple((leg.quantity, leg.filled_quantity, leg.average_fill_price) for leg in order.legs),
    )


class OrderBook:
    """What an order stream has delivered so far, per order id (see the module docstring)."""

    def __init__(self) -> None:
        self._seen: dict[str, _Seen] = {}
        self._working: set[str] = set()

    @property
    def has_working(self) -> bool:
        """True while some order delivered is not final (a fill may still be missed)."""
        return bool(self._working)

    def apply(self, order: Order, *, baseline: bool = False) -> list[OrderEvent]:
        """The events ``order`` (a frame or a REST read) adds; empty for a replay."""
        signature = _signature(order)
        previous = self._seen.get(order.id)
        if previous is not None and previous.signature == signature:
            return []
        filled = [leg.filled_quantity for leg in order.legs]
        prices = [leg.average_fill_price for leg in order.legs]
        time = order.updated_at or utcnow()
        events: list[OrderEvent] = []
        if previous is None:
            recorded = list(filled) if baseline else [_ZERO] * len(filled)
            old_prices: list[Decimal | None] = list(prices) if baseline else [None] * len(filled)
        else:
            recorded, old_prices = previous.filled, previous.prices
        for index, leg in enumerate(order.legs):
            done = recorded[index] if index < len(recorded) else _ZERO
            delta = leg.filled_quantity - done
            if delta <= 0:
                continue
            price = increment_price(leg.filled_quantity, leg.average_fill_price or order.average_fill_price,
                                 done, old_prices[index] if index < len(old_prices) else None)  # fmt: skip
            fill = Fill(
                order_id=order.id,
                instrument=leg.instrument,
                side=leg.side,
                quantity=delta,
                price=price,
                time=time,
                id=f"{order.id}-{index}-{leg.filled_quantity}",
            )
            events.append(OrderEvent(order=order, fill=fill, time=time))
        if not events:
            events.append(OrderEvent(order=order, fill=None, time=time))
        if order.status.is_final:
            self._working.discard(order.id)
        else:
            self._working.add(order.id)
        self._seen[order.id] = _Seen(
            signature=signature,
            filled=[max(a, b) for a, b in zip(filled, recorded, strict=False)] or filled,
            prices=prices,
        )
        return events


async def stream_orders(
    session: StreamSession,
    conv: cattrs.Converter,
    url_of: Callable[[str], str],
    base_url: str,
    account_id: str,
    check: ErrorTable,
    *,
    reconcile_every: float | None = RECONCILE_EVERY,
) -> AsyncIterator[OrderEvent]:
    """``/brokerage/stream/accounts/{id}/orders``: each state once, each fill once."""
    url = url_of(f"/brokerage/stream/accounts/{quote(account_id, safe='')}/orders")
    book = OrderBook()
    connects = [0]
    snapshot = [True]
    context = RunContext(broker=BROKER, base_url=URL(base_url), check=check)
    last_read = time.monotonic()

    def connected(response: Response) -> None:
        connects[0] += 1
        snapshot[0] = True

    async def from_rest() -> list[OrderEvent]:
        nonlocal last_read
        last_read = time.monotonic()
        current = await run_async(
            operations.current_orders(conv, [account_id]), session.client, context, session.auth
        )
        return [event for order in current for event in book.apply(order)]

    async with aclosing(
        ts_frames(session, url, dict, check, on_connect=connected, heartbeats=True)
    ) as frames:
        async for frame in frames:
            if frame.get("StreamStatus") == "EndSnapshot":
                snapshot[0] = False
                if connects[0] > 1:
                    for event in await from_rest():
                        yield event
                continue
            if "OrderID" in frame:
                order = parse.order_from_ts(Fields(conv, frame))
                for event in book.apply(order, baseline=connects[0] == 1 and snapshot[0]):
                    yield event
            due = reconcile_every is not None and time.monotonic() - last_read >= reconcile_every
            if due and not snapshot[0] and book.has_working:
                for event in await from_rest():
                    yield event


class PositionBook:
    """The positions a stream has delivered, by ``PositionID``, to skip replays and report
    deletions (a ``Deleted`` frame carries nothing but the id)."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[Position, dict[str, Any]]] = {}
        self._in_snapshot: set[str] = set()

    def start_snapshot(self) -> None:
        """A new connection: its snapshot starts now."""
        self._in_snapshot = set()

    def apply(self, conv: cattrs.Converter, frame: dict[str, Any]) -> PositionEvent | None:
        """The event a frame adds, or ``None`` (replay, or a deletion of an unknown id)."""
        position_id = str(frame.get("PositionID", ""))
        self._in_snapshot.add(position_id)
        if frame.get("Deleted"):
            known = self._last.pop(position_id, None)
            if known is None:
                return None
            return PositionEvent(position=_closed(known[0]), time=utcnow())
        previous = self._last.get(position_id)
        merged = {**(previous[1] if previous else {}), **frame}
        if previous is not None and previous[1] == merged:
            return None
        position = parse.position_from_ts(Fields(conv, merged))
        self._last[position_id] = (position, merged)
        return PositionEvent(position=position, time=position.opened_at or utcnow())

    def missing_after_snapshot(self) -> list[PositionEvent]:
        """Positions known before a reconnect but absent from its snapshot: closed meanwhile."""
        gone = [pid for pid in self._last if pid not in self._in_snapshot]
        return [
            PositionEvent(position=_closed(self._last.pop(pid)[0]), time=utcnow()) for pid in gone
        ]


def _closed(position: Position) -> Position:
    return attrs.evolve(position, quantity=_ZERO, market_value=_ZERO, unrealized_pnl=_ZERO)


async def stream_positions(
    session: StreamSession,
    conv: cattrs.Converter,
    url_of: Callable[[str], str],
    account_id: str,
    check: ErrorTable,
) -> AsyncIterator[PositionEvent]:
    """``/brokerage/stream/accounts/{id}/positions``: replays skipped, closes reported."""
    url = url_of(f"/brokerage/stream/accounts/{quote(account_id, safe='')}/positions")
    book = PositionBook()
    connects = [0]

    def connected(response: Response) -> None:
        connects[0] += 1
        book.start_snapshot()

    async with aclosing(ts_frames(session, url, dict, check, on_connect=connected)) as frames:
        async for frame in frames:
            if frame.get("StreamStatus") == "EndSnapshot":
                if connects[0] > 1:
                    for event in book.missing_after_snapshot():
                        yield event
                continue
            if "PositionID" not in frame:
                continue
            change = book.apply(conv, frame)
            if change is not None:
                yield change
