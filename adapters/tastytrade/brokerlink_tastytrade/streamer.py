"""The account streamer: order and position notifications over a websocket (NOTES §8).

The client sends ``connect`` first (``value`` = the account numbers, ``auth-token`` =
``"Bearer <access token>"``), then a ``heartbeat`` every :data:`HEARTBEAT_SECONDS`. The server
pushes ``{"type": "Order" | "CurrentPosition" | "AccountBalance" | ..., "data": {full object},
"timestamp": <ms>}``: always the whole object, never a diff.

Nothing is replayed after a reconnect, so :func:`account_events` reconciles: on every
(re)connect it reads the orders and positions over REST and emits what changed since the last
event it delivered. Each order and position is remembered by a fingerprint (status, filled
quantity, last update; quantity for positions), so a notification that repeats a known state is
dropped: nothing is missed, nothing is doubled.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import cattrs
import orjson

from brokerlink import errors
from brokerlink.adapter import StreamSession
from brokerlink.models import Fill, Order, OrderEvent, Position, PositionEvent
from brokerlink.runtime.websocket_streams import Dialed, Link, websocket_stream
from brokerlink.timeutil import utcnow
from brokerlink_tastytrade.parse import position_from_tastytrade
from brokerlink_tastytrade.parse_orders import order_from_tastytrade

__all__ = [
    "HEARTBEAT_SECONDS",
    "AccountEvent",
    "account_events",
    "connect_message",
    "event_from_frame",
    "heartbeat_message",
]

BROKER = "tastytrade"
HEARTBEAT_SECONDS = 20.0
"""How often we send a heartbeat (the documented range is 2-60 s)."""

AccountEvent = OrderEvent | PositionEvent
Reconcile = Callable[[], Awaitable[tuple[list[Order], list[Position]]]]


def connect_message(accounts: list[str], bearer: str, request_id: int) -> str:
    """The ``connect`` action: must be the first message on the socket."""
    return orjson.dumps(
        {"action": "connect", "value": accounts, "auth-token": bearer, "request-id": request_id}
    ).decode()


def heartbeat_message(bearer: str, request_id: int) -> str:
    """The ``heartbeat`` action (after ``connect``; every 2-60 s)."""
    return orjson.dumps(
        {"action": "heartbeat", "auth-token": bearer, "request-id": request_id}
    ).decode()


def _latest_fill(order: Order) -> Fill | None:
    raw = order.raw if isinstance(order.raw, dict) else {}
    best: tuple[datetime, Fill] | None = None
    for index, leg in enumerate(raw.get("legs") or []):
        for fill in leg.get("fills") or []:
            when = datetime.fromisoformat(str(fill["filled-at"])).astimezone(UTC)
            candidate = Fill(
                order_id=order.id,
                instrument=order.legs[index].instrument,
                side=order.legs[index].side,
                quantity=_dec(fill["quantity"]),
                price=_dec(fill["fill-price"]),
                time=when,
                id=fill.get("fill-id"),
                raw=fill,
            )
            if best is None or when > best[0]:
                best = (when, candidate)
    return None if best is None else best[1]


def _dec(value: Any) -> Decimal:
    return Decimal(repr(value) if isinstance(value, float) else str(value))


def event_from_frame(
    conv: cattrs.Converter, frame: dict[str, Any], *, today: date
) -> AccountEvent | None:
    """The event of one notification (``None`` for acks and types we do not map)."""
    kind, data = frame.get("type"), frame.get("data")
    stamp = frame.get("timestamp")
    when = datetime.fromtimestamp(stamp / 1000, UTC) if isinstance(stamp, int | float) else utcnow()
    if kind == "Order" and isinstance(data, dict):
        order = order_from_tastytrade(conv, data, today=today)
        return OrderEvent(order=order, fill=_latest_fill(order), time=when)
    if kind == "CurrentPosition" and isinstance(data, dict):
        return PositionEvent(position=position_from_tastytrade(conv, data, today=today), time=when)
    return None


def _fingerprint(event: AccountEvent) -> tuple[str, tuple[Any, ...]]:
    if isinstance(event, OrderEvent):
        o = event.order
        return f"order:{o.id}", (o.status, o.filled_quantity, o.updated_at)
    p = event.position
    return f"position:{p.instrument}", (p.quantity, p.average_price)


def account_events(
    session: StreamSession,
    url: str,
    account: str,
    bearer: Callable[[], Awaitable[str]],
    reconcile: Reconcile,
    conv: cattrs.Converter,
    *,
    heartbeat: float = HEARTBEAT_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> AsyncGenerator[AccountEvent, None]:
    """Order and position events for ``account``, reconciled against REST on every connect
    (an async generator).

    A connection outlives the 15-minute access token, so every heartbeat asks ``bearer`` for
    the current token (a refreshing strategy refreshes it when due) instead of repeating the
    one ``connect`` carried.
    """
    seen: dict[str, tuple[Any, ...]] = {}

    def fresh(event: AccountEvent) -> bool:
        key, print_ = _fingerprint(event)
        if seen.get(key) == print_:
            return False
        seen[key] = print_
        return True

    async def converse(
        link: Link, token: str, ids: Iterator[int]
    ) -> AsyncGenerator[AccountEvent, None]:
        await link.send(connect_message([account], token, next(ids)))
        connected = False
        while True:
            frame = orjson.loads(await link.receive())
            if not isinstance(frame, dict):
                continue
            if frame.get("status") == "error":
                raise errors.UnauthorizedError(
                    f"the account streamer refused {frame.get('action')}: {frame.get('message')}",
                    broker=BROKER,
                )
            if frame.get("action") == "connect" and frame.get("status") == "ok":
                # Nothing is replayed after a reconnect: read the state over REST.
                connected = True
                orders, positions = await reconcile()
                now = utcnow()
                reconciled: list[AccountEvent] = [
                    *(OrderEvent(order=o, fill=None, time=now) for o in orders),
                    *(PositionEvent(position=p, time=now) for p in positions),
                ]
                for event in reconciled:
                    if fresh(event):
                        yield event
                link.establish()
                continue
            found = event_from_frame(conv, frame, today=utcnow().date()) if connected else None
            if found is not None and fresh(found):
                yield found

    async def dial() -> Dialed[AccountEvent]:
        token = await bearer()
        ids = itertools.count(1)  # request ids count per connection, ``connect`` first

        async def beat() -> str:
            return heartbeat_message(await bearer(), next(ids))

        return Dialed(url=url, converse=lambda link: converse(link, token, ids), keepalive=beat)

    return websocket_stream(session, dial, broker=BROKER, keepalive=heartbeat, clock=clock)
