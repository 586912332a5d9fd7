"""``/v3/brokerage/stream/accounts/{accounts}/orders[/{ids}]`` and ``.../positions``.

On every connect the stream first sends the current set (today's and open orders, or the open
positions), then ``{"StreamStatus": "EndSnapshot"}``, then one full object per change (NOTES
§5). A closed position arrives as ``{"PositionID": ..., "Deleted": true}``; with
``changes=true`` later position frames carry only the fields that changed, plus
``PositionID``. Unknown accounts are reported in-stream as
``{"Error": "Forbidden", "Message": "Invalid Account ID.", "AccountID": ...}``. The SIM
personality leaves some fill updates out (the snapshot after a reconnect still has them).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from brokerlink._http import Request
from brokerlink.emulator.http import Reply, query_param
from brokerlink.emulator.http.feeds import event_cursor
from brokerlink.models import OrderEvent, Position, PositionEvent
from brokerlink_tradestation.emulator.brokerage import BrokerageMixin
from brokerlink_tradestation.emulator.payloads import position_id, position_payload
from brokerlink_tradestation.emulator.streaming import StreamBase, frame
from brokerlink_tradestation.emulator.symbols import ts_symbol

__all__ = ["AccountStreamsMixin"]

_END_SNAPSHOT = frame({"StreamStatus": "EndSnapshot"})


class AccountStreamsMixin(BrokerageMixin, StreamBase):
    """Handlers of the ``/brokerage/stream`` family."""

    def _stream_accounts(self, accounts: str) -> tuple[list[str], list[bytes]]:
        known = self.known_accounts()
        ids = self.account_ids(accounts)
        errors = [
            frame({"Error": "Forbidden", "Message": "Invalid Account ID.", "AccountID": a})
            for a in ids
            if a not in known
        ]
        return [a for a in ids if a in known], errors

    async def _events(self, accounts: list[str], cursor: int) -> AsyncIterator[Any]:
        wanted = set(accounts)
        while True:
            events, cursor = self.engine.events_since(cursor)
            found = [e for e in events if e.account in wanted]
            for entry in found:
                yield entry
            if not found:
                yield None
                await asyncio.sleep(self.personality.poll_seconds)

    def order_stream_reply(self, request: Request, accounts: str, order_ids: str | None = None) -> Reply:  # fmt: skip
        """``GET /brokerage/stream/accounts/{accounts}/orders[/{orderIds}]``."""
        found, errors = self._stream_accounts(accounts)
        wanted = (
            None if order_ids is None else {p.strip() for p in order_ids.split(",") if p.strip()}
        )
        cursor = event_cursor(self.engine)

        async def body() -> AsyncIterator[bytes | None]:
            for error in errors:
                yield error
            everything = self._orders_of(found)
            for order in self.current_orders(found):
                if wanted is None or order.id in wanted:
                    yield frame(self.payload(order, everything))
            yield _END_SNAPSHOT
            if not found:
                async for item in self.idle():
                    yield item
            async for entry in self._events(found, cursor):
                if entry is None:
                    yield None
                    continue
                event = entry.event
                if not isinstance(event, OrderEvent):
                    continue
                if wanted is not None and event.order.id not in wanted:
                    continue
                if entry.is_fill and self.fill_dropped(entry.seq):
                    yield None
                    continue
                siblings = self.engine.orders(entry.account, "all")
                yield frame(self.payload(event.order, siblings))

        return self.stream(body(), brokerage=True)

    def position_stream_reply(self, request: Request, accounts: str) -> Reply:
        """``GET /brokerage/stream/accounts/{accounts}/positions`` (``changes=true|false``)."""
        found, errors = self._stream_accounts(accounts)
        changes = (query_param(request, "changes", "false") or "false").lower() == "true"
        cursor = event_cursor(self.engine)

        async def body() -> AsyncIterator[bytes | None]:
            for error in errors:
                yield error
            sent: dict[str, dict[str, Any]] = {}
            for account in found:
                for position in self.engine.positions(account):
                    if position.quantity != 0:
                        payload = self._position(position)
                        sent[payload["PositionID"]] = payload
                        yield frame(payload)
            yield _END_SNAPSHOT
            if not found:
                async for item in self.idle():
                    yield item
            async for entry in self._events(found, cursor):
                if entry is None or not isinstance(entry.event, PositionEvent):
                    yield None
                    continue
                position = entry.event.position
                key = position_id(position.account, ts_symbol(position.instrument))
                if position.quantity == 0:
                    sent.pop(key, None)
                    yield frame({"PositionID": key, "Deleted": True})
                    continue
                payload = self._position(position)
                before = sent.get(key)
                sent[key] = payload
                if changes and before is not None:
                    delta = {k: v for k, v in payload.items() if before.get(k) != v}
                    payload = {"PositionID": key, **delta}
                yield frame(payload)

        return self.stream(body(), brokerage=True)

    def _position(self, position: Position) -> dict[str, Any]:
        return position_payload(position, self.engine.quote(position.instrument))
