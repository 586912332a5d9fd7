"""The paper streams: async generators over chunked NDJSON endpoints, with reconnect.

Every stream is one long ``GET`` whose body is newline-delimited JSON, one frame per line
(``{"type": "quote", ...}``), read by the core's :func:`~brokerlink.runtime.streaming.ndjson_frames`;
``heartbeat`` frames only keep an idle connection alive. When the connection drops (or the
server ends the body) the stream reconnects, up to ``session.max_reconnects`` times in a row,
waiting with backoff in between:

- the order and position streams resume *after the last sequence number they saw* (the
  ``X-Stream-Seq`` header of the first connection gives the starting point), so an event is
  delivered once: never lost across a reconnect, never doubled;
- the bar stream resumes after the last bar it delivered;
- the quote stream simply subscribes again (a quote is a snapshot: the next one supersedes it).

Error answers on connect go through the adapter's error table: 429 and 5xx are retried (a
``Retry-After`` is honoured), anything else is raised.

Each generator here closes the one it reads (``aclosing``) when it is closed itself: a bare
``async for`` never does, and the reader left suspended would keep its connection open until
the loop's shutdown closed the leftovers all at once (one of them while another was still
closing it: "aclose(): asynchronous generator is already running").
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import aclosing
from typing import Any, TypeVar, cast

import cattrs

from brokerlink._http import Response
from brokerlink.adapter import StreamSession
from brokerlink.instruments import Instrument
from brokerlink.models import BarEvent, OrderEvent, PositionEvent, QuoteEvent
from brokerlink.paper import parse
from brokerlink.runtime.streaming import ErrorTable, ndjson_frames
from brokerlink.timeframes import Timeframe
from brokerlink.timeutil import utcnow

__all__ = ["stream_bars", "stream_orders", "stream_positions", "stream_quotes"]

BROKER = "paper"
E = TypeVar("E")


async def stream_quotes(
    session: StreamSession,
    conv: cattrs.Converter,
    url: str,
    instruments: Sequence[Instrument],
    check: ErrorTable,
) -> AsyncIterator[QuoteEvent]:
    """``/stream/quotes?symbols=...``: quote events; after a drop it subscribes again."""
    symbols = ",".join(str(i) for i in instruments)
    frames = _frames(session, url, lambda: {"symbols": symbols}, check)
    async with aclosing(frames):
        async for frame in frames:
            if frame.get("type") == "quote":
                yield parse.quote_event_from_paper(conv, frame, utcnow())


async def stream_bars(
    session: StreamSession,
    conv: cattrs.Converter,
    url: str,
    target: Instrument,
    timeframe: Timeframe,
    check: ErrorTable,
) -> AsyncIterator[BarEvent]:
    """``/stream/bars?symbol=...&timeframe=...``: bar events; resumes after the last bar seen."""
    last: list[str] = []  # the last delivered bar's time, as the wire wrote it

    def query() -> dict[str, str | None]:
        return {
            "symbol": str(target),
            "timeframe": str(timeframe),
            "after": last[-1] if last else None,
        }

    frames = _frames(session, url, query, check)
    async with aclosing(frames):
        async for frame in frames:
            if frame.get("type") != "bar":
                continue
            event = parse.bar_event_from_paper(conv, frame)
            if event.complete:
                last[:] = [str(frame["bar"]["time"])]
            yield event


async def stream_orders(
    session: StreamSession, conv: cattrs.Converter, url: str, check: ErrorTable
) -> AsyncIterator[OrderEvent]:
    """``/stream/accounts/{id}/orders``: order events, each exactly once across reconnects."""
    events = _sequenced(
        session, url, check, "order", lambda f: parse.order_event_from_paper(conv, f)
    )
    async with aclosing(events):
        async for event in events:
            yield event


async def stream_positions(
    session: StreamSession, conv: cattrs.Converter, url: str, check: ErrorTable
) -> AsyncIterator[PositionEvent]:
    """``/stream/accounts/{id}/positions``: position events, each exactly once across reconnects."""
    events = _sequenced(
        session, url, check, "position", lambda f: parse.position_event_from_paper(conv, f)
    )
    async with aclosing(events):
        async for event in events:
            yield event


async def _sequenced(
    session: StreamSession,
    url: str,
    check: ErrorTable,
    kind: str,
    decode: Callable[[dict[str, Any]], tuple[int, E]],
) -> AsyncGenerator[E, None]:
    """Frames of ``kind`` from a sequenced account stream, resumed by sequence number."""
    cursor = _Cursor()
    frames = _frames(session, url, cursor.query, check, on_connect=cursor.start)
    async with aclosing(frames):
        async for frame in frames:
            if frame.get("type") == kind:
                seq, event = decode(frame)
                if cursor.advance(seq):
                    yield event


def _frames(
    session: StreamSession,
    url: str,
    query: Callable[[], dict[str, str | None]],
    check: ErrorTable,
    on_connect: Callable[[Response], None] | None = None,
) -> AsyncGenerator[dict[str, Any], None]:
    """The core reader's frames, typed as the async generator they are, so they can be closed."""
    frames = ndjson_frames(session, url, query, check, broker=BROKER, on_connect=on_connect)
    return cast("AsyncGenerator[dict[str, Any], None]", frames)


class _Cursor:
    """The last sequence number a stream delivered: where a reconnect resumes."""

    def __init__(self) -> None:
        self.seq: int | None = None

    def start(self, response: Response) -> None:
        """Adopt the server's starting point on the first connection only."""
        header = response.headers.get("x-stream-seq")
        if self.seq is None and header is not None and header.isdigit():
            self.seq = int(header)

    def query(self) -> dict[str, str | None]:
        """The (re)connect query: ``after`` the last sequence number seen."""
        return {"after": None if self.seq is None else str(self.seq)}

    def advance(self, seq: int) -> bool:
        """Record ``seq``; False when it was delivered already (a replay after a reconnect)."""
        if self.seq is not None and seq <= self.seq:
            return False
        self.seq = seq
        return True
