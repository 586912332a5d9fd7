"""What every TradeStation stream shares: framing, heartbeats, GoAway (NOTES §5).

Each frame is one JSON object followed by CRLF (the documented chunk sizes count the two bytes),
sent as its own chunk. After ``heartbeat_seconds`` without data a stream sends
``{"Heartbeat": n, "Timestamp": ...}`` (``n`` counts up from 1). :meth:`FrontBase.go_away`
makes an open stream send its GoAway frame and end: ``{"StreamStatus": "GoAway"}`` on brokerage
streams, ``{"Error": "GoAway", "Message": ...}`` on market-data streams.

Stream bodies are async generators yielding a frame, or ``None`` when a poll found nothing (the
pacing below turns enough ``None``\\ s into a heartbeat and checks for GoAway in between).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson

from brokerlink.emulator.http import Reply
from brokerlink.runtime.streaming import close_stream
from brokerlink_tradestation.emulator.base import FrontBase
from brokerlink_tradestation.emulator.orders_out import ts_time

__all__ = [
    "BROKERAGE_STREAM",
    "LEGACY_STREAM",
    "MARKET_STREAM",
    "StreamBase",
    "frame",
]

MARKET_STREAM = "application/vnd.tradestation.streams.v2+json"
"""Content type of the market-data streams (bar charts, quotes, options, market depth)."""
BROKERAGE_STREAM = "application/vnd.tradestation.streams.v3+json"
"""Content type of the brokerage streams (orders, positions)."""
LEGACY_STREAM = "application/vnd.tradestation.streams+json"
"""Content type of the v2 tick-bar stream."""

_GO_AWAY_MESSAGE = "The server is about to shut down."


def frame(obj: Any) -> bytes:
    """One stream frame: compact JSON and CRLF."""
    return orjson.dumps(obj) + b"\r\n"


class StreamBase(FrontBase):
    """Pacing and the SIM's fill-frame drops, for the stream mixins."""

    def stream(self, body: AsyncIterator[bytes | None], *, brokerage: bool) -> Reply:
        """A streaming reply over ``body`` with heartbeats and GoAway."""
        kind = BROKERAGE_STREAM if brokerage else MARKET_STREAM
        return Reply.stream(self._paced(body, brokerage=brokerage), content_type=kind)

    async def _paced(
        self, body: AsyncIterator[bytes | None], *, brokerage: bool
    ) -> AsyncIterator[bytes]:
        loop = asyncio.get_running_loop()
        started = self.go_away_generation
        quiet_since, beats = loop.time(), 0
        try:
            async for item in body:
                if self.go_away_generation != started:
                    yield frame(
                        {"StreamStatus": "GoAway"}
                        if brokerage
                        else {"Error": "GoAway", "Message": _GO_AWAY_MESSAGE}
                    )
                    return
                now = loop.time()
                if item is not None:
                    quiet_since = now
                    yield item
                elif now - quiet_since >= self.personality.heartbeat_seconds:
                    beats, quiet_since = beats + 1, now
                    yield frame({"Heartbeat": beats, "Timestamp": ts_time(self.engine.now())})
        finally:
            await close_stream(body)

    async def idle(self) -> AsyncIterator[bytes | None]:
        """Nothing but polls: a stream with nothing left to send still beats and hears GoAway."""
        while True:
            await asyncio.sleep(self.personality.poll_seconds)
            yield None

    def fill_dropped(self, seq: int) -> bool:
        """Whether the SIM personality leaves the fill event ``seq`` out of order streams.

        Fills are numbered over the whole event log, so every stream drops the same ones.
        """
        if self.personality.drop_fill_frame_every == 0:
            return False
        with self._state_lock:
            number = self._fill_numbers.get(seq)
            if number is None:
                events, _ = self.engine.events_since(self._fills_scanned, include_hidden=True)
                for entry in events:
                    if entry.is_fill:
                        self._fill_count += 1
                        self._fill_numbers[entry.seq] = self._fill_count
                    self._fills_scanned = entry.seq
                number = self._fill_numbers.get(seq, 0)
        return self.personality.drops(number)
