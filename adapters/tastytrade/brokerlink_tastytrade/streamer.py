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

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import cattrs
import orjson

from brokerlink import errors
from brokerlink._http import AsyncWebSocketSession
from brokerlink.adapter import StreamSession
from brokerlink.models import Fill, Order, OrderEvent, Position, PositionEvent
from brokerlink.runtime.retry import RetryPolicy
from brokerlink.timeutil import utcnow
from brokerlink_tastytrade.parse import position_from_tastytrade
from brokerlink_tastytrade.parse_orders import order_from_tastytrade
from brokerlink_tastytrade.sockets import close_quietly, open_socket, step

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


async def account_events(
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
    """Order and position events for ``account``, reconciled against REST on every connect."""
    policy = RetryPolicy(max_retries=session.max_reconnects)
    seen: dict[str, tuple[Any, ...]] = {}
    failures = 0

    def fresh(event: AccountEvent) -> bool:
        key, print_ = _fingerprint(event)
        if seen.get(key) == print_:
            return False
        seen[key] = print_
        return True

    while True:
        token = await bearer()
        stack = contextlib.AsyncExitStack()
        try:
            ws = await open_socket(session, url, stack)
            link = _Link(ws, token, heartbeat, clock, bearer)
            await step(link.send(connect_message([account], token, link.next_id())))
            connected = False
            while True:
                frame = await step(link.receive())
                if frame.get("status") == "error":
                    raise errors.UnauthorizedError(
                        f"the account streamer refused {frame.get('action')}: "
                        f"{frame.get('message')}",
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
                    failures = 0
                    continue
                found = event_from_frame(conv, frame, today=utcnow().date()) if connected else None
                if found is not None and fresh(found):
                    yield found
        except errors.OperationFailedError as exc:
            failure = exc
        finally:
            await close_quietly(stack)
        delay = policy.delay(failures, failure)
        if delay is None:
            raise failure
        failures += 1
        await asyncio.sleep(delay)


class _Link:
    """One streamer connection: sends heartbeats while waiting for the next frame.

    A connection outlives the 15-minute access token, so every heartbeat asks ``bearer`` for
    the current token (a refreshing strategy refreshes it when due) instead of repeating the
    one ``connect`` carried.
    """

    def __init__(
        self,
        ws: AsyncWebSocketSession,
        token: str,
        every: float,
        clock: Callable[[], float],
        bearer: Callable[[], Awaitable[str]],
    ) -> None:
        self.ws, self.token, self.every, self.clock = ws, token, every, clock
        self.bearer = bearer
        self.sent_at = clock()
        self.request_id = 0

    def next_id(self) -> int:
        self.request_id += 1
        return self.request_id

    async def send(self, text: str) -> None:
        await self.ws.send_text(text)
        self.sent_at = self.clock()

    async def receive(self) -> dict[str, Any]:
        while True:
            wait = max(self.sent_at + self.every - self.clock(), 0.01)
            try:
                text = await self.ws.receive_text(timeout=wait)
            except TimeoutError:
                self.token = await self.bearer()
                await self.send(heartbeat_message(self.token, self.next_id()))
                continue
            frame = orjson.loads(text)
            if isinstance(frame, dict):
                return frame
