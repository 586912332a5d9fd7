"""The account streamer websocket at ``/account-streamer`` (refs/tastytrade/NOTES.md §8;
messages in ``examples/streaming/account_streamer.*.json`` and ``examples/lean/streamer_*``).

Client messages are ``{"action", "value", "auth-token", "request-id"}``. ``connect`` (value: the
account numbers, a list or one string; ``auth-token``: ``Bearer <access token>``) must come
first; anything earlier is answered ``{"status": "error", ..., "message":
"connect-not-completed"}``. Acks are ``{"status": "ok", "action", "web-socket-session-id",
["value",] "request-id"}`` (``request-id`` only when sent); a refused connect is
``{"status": "error", "action": "connect", ..., "message": "failed"}``, which is also the answer
to a ``connect`` token the front refuses on REST calls (an expired or revoked one; see
:meth:`~.front.TastytradeFront.token_refusal`).

Notifications ``{"type", "data", "timestamp"}`` carry full objects, the same as REST: ``Order``
on every order change (with the routing steps ``Routed`` and ``In Flight`` before ``Live``, and
``Replace Requested`` before a replaced order's ``Cancelled``), ``CurrentPosition`` on every position change, ``AccountBalance`` after
either. A ``Cancel Requested`` order is confirmed (``Cancelled``) once it has been streamed.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson

from brokerlink.emulator.http import EmulatorSocket
from brokerlink.emulator.http.feeds import event_cursor
from brokerlink.enums import OrderStatus
from brokerlink.models import OrderEvent, PositionEvent
from brokerlink_tastytrade.emulator.accounts_out import position_json
from brokerlink_tastytrade.emulator.envelope import epoch_ms
from brokerlink_tastytrade.emulator.sockets_util import SocketFaults, run_until_either_ends

if TYPE_CHECKING:
    from brokerlink_tastytrade.emulator.front import TastytradeFront

__all__ = ["AccountStreamerSession"]

_POLL = 0.01
_SUBSCRIPTIONS = frozenset(
    {"public-watchlists-subscribe", "quote-alerts-subscribe", "user-message-subscribe"}
)


class AccountStreamerSession:
    """One account-streamer connection."""

    def __init__(self, front: TastytradeFront) -> None:
        self.front = front
        self.engine = front.engine
        self.session_id = front.book.next_session_id()
        self.accounts: set[str] = set()
        self._routed: set[str] = set()
        self._lock = asyncio.Lock()

    async def run(self, socket: EmulatorSocket) -> None:
        """Serve the connection until the client leaves."""
        self.socket = socket
        # A latency fault is consumed without effect here: notifications are event-driven.
        self._faults = SocketFaults(self.engine.faults, socket)
        await run_until_either_ends(self._read(), self._pump())

    async def _read(self) -> None:
        while True:
            await self._handle(await self.socket.receive_text())

    async def send(self, message: dict[str, Any]) -> None:
        """Send one JSON message."""
        async with self._lock:
            await self.socket.send_text(orjson.dumps(message).decode())

    def _ack(self, action: str, message: dict[str, Any], **extra: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"status": "ok", "action": action,
                                "web-socket-session-id": self.session_id, **extra}  # fmt: skip
        if "request-id" in message:
            body["request-id"] = message["request-id"]
        return body

    def _error(self, action: Any, text: str) -> dict[str, Any]:
        return {"status": "error", "action": action, "web-socket-session-id": self.session_id,
                "message": text}  # fmt: skip

    async def _handle(self, text: str) -> None:
        try:
            message = orjson.loads(text)
        except orjson.JSONDecodeError:
            await self.send(self._error(None, "invalid-json"))
            return
        if not isinstance(message, dict):
            await self.send(self._error(None, "invalid-json"))
            return
        action = message.get("action")
        if action == "connect":
            await self._connect(message)
        elif not self.accounts:
            await self.send(self._error(action, "connect-not-completed"))
        elif action == "heartbeat" or action in _SUBSCRIPTIONS:
            await self.send(self._ack(str(action), message))
        else:
            await self.send(self._error(action, "not-implemented"))

    async def _connect(self, message: dict[str, Any]) -> None:
        token = message.get("auth-token")
        value = message.get("value")
        wanted = [value] if isinstance(value, str) else value
        known = {a.id for a in self.engine.accounts()}
        valid_token = (
            isinstance(token, str)
            and token.startswith("Bearer ")
            and token[7:].strip()
            and self.front.token_refusal(token[7:]) is None
        )
        if (
            not valid_token
            or not isinstance(wanted, list)
            or not wanted
            or not all(isinstance(a, str) and a in known for a in wanted)
        ):
            await self.send(self._error("connect", "failed"))
            return
        if not self.accounts:
            self.cursor = event_cursor(self.engine)
        self.accounts = set(wanted)
        await self.send(self._ack("connect", message, value=list(wanted)))

    # -- notifications --------------------------------------------------------------------------
    async def _notify(self, kind: str, data: dict[str, Any], at: datetime | None = None) -> None:
        if not await self._faults.admit():
            return
        stamp = epoch_ms(at or self.engine.now())
        await self.send({"type": kind, "data": data, "timestamp": stamp})

    async def _pump(self) -> None:
        while True:
            await asyncio.sleep(_POLL)
            if not self.accounts:
                continue
            if self.front.reset is not None:
                self.front.reset.check()
            events, self.cursor = self.engine.events_since(self.cursor)
            changed: set[str] = set()
            confirm = False
            for entry in events:
                if entry.account not in self.accounts:
                    continue
                event = entry.event
                if isinstance(event, OrderEvent):
                    for body in self._order_bodies(event):
                        await self._notify("Order", body, event.time)
                    confirm |= event.order.status is OrderStatus.CANCEL_PENDING
                    if event.fill is not None:
                        changed.add(entry.account)
                elif isinstance(event, PositionEvent):
                    await self._notify("CurrentPosition", self._position(event), event.time)
                    changed.add(entry.account)
            for account in sorted(changed):
                await self._notify("AccountBalance", self.front.balance_payload(account))
            if confirm:
                # The exchange confirms the cancel now that the client has seen it requested.
                self.engine.advance(timedelta(0))

    def _order_bodies(self, event: OrderEvent) -> list[dict[str, Any]]:
        """The notifications one engine order event stands for.

        The engine goes straight from accepted to working; tastytrade reports the routing
        steps in between (``Received`` -> ``Routed`` -> ``In Flight`` -> ``Live``), and a
        replaced order is ``Replace Requested`` before it is ``Cancelled``.
        """
        order = event.order
        body = self.front.render(order, as_of_event=True)
        if order.status is OrderStatus.OPEN and order.id not in self._routed:
            self._routed.add(order.id)
            return [body | {"status": "Routed"}, body | {"status": "In Flight"}, body]
        if order.status is OrderStatus.REPLACED:
            pending = {k: v for k, v in body.items() if k not in ("terminal-at", "cancelled-at")}
            return [pending | {"status": "Replace Requested"}, body]
        return [body]

    def _position(self, event: PositionEvent) -> dict[str, Any]:
        position = event.position
        close = self.engine.quote(position.instrument).last
        return position_json(
            position, close, self.front.today(), self.front.underlying(position.instrument)
        )
