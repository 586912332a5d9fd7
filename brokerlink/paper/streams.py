"""The paper streams: async generators over chunked NDJSON endpoints, with reconnect.

Every stream is one long ``GET`` whose body is newline-delimited JSON, one frame per line
(``{"type": "quote", ...}``); ``heartbeat`` frames only keep an idle connection alive. When the
connection drops (or the server ends the body) the stream reconnects, up to
``session.max_reconnects`` times in a row, waiting with backoff in between:

- the order and position streams resume *after the last sequence number they saw* (the
  ``X-Stream-Seq`` header of the first connection gives the starting point), so an event is
  delivered once: never lost across a reconnect, never doubled;
- the bar stream resumes after the last bar it delivered;
- the quote stream simply subscribes again (a quote is a snapshot: the next one supersedes it).

Error answers on connect go through the adapter's error table: 429 and 5xx are retried (a
``Retry-After`` is honoured), anything else is raised.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

import cattrs

from brokerlink import errors
from brokerlink._http import Response, TransportFailure, translate_transport_error
from brokerlink.adapter import StreamSession
from brokerlink.instruments import Instrument
from brokerlink.models import BarEvent, OrderEvent, PositionEvent, QuoteEvent
from brokerlink.paper import parse
from brokerlink.runtime.retry import RetryPolicy
from brokerlink.timeframes import Timeframe
from brokerlink.timeutil import utcnow

__all__ = ["ndjson_frames", "stream_bars", "stream_orders", "stream_positions", "stream_quotes"]

BROKER = "paper"
ErrorTable = Callable[[Response], errors.BrokerError | None]


async def ndjson_frames(
    session: StreamSession,
    url: str,
    query: Callable[[], Mapping[str, str | None]],
    check: ErrorTable,
    *,
    on_connect: Callable[[Response], None] | None = None,
    backoff: RetryPolicy | None = None,
) -> AsyncIterator[Any]:
    """Decoded frames of an NDJSON stream, reconnecting after drops.

    ``query()`` is called for every (re)connect, so it can carry a resume cursor the caller
    advances as frames arrive; ``on_connect`` sees each accepted response (its headers) before
    the first frame. Heartbeats are dropped here.
    """
    policy = backoff or RetryPolicy(max_retries=session.max_reconnects)
    failures = 0
    while True:
        failure: errors.OperationFailedError | None = None
        params = {key: value for key, value in query().items() if value is not None}
        extra: dict[str, Any] = {} if session.auth is None else {"auth": session.auth}
        try:
            async with session.client.stream("GET", url, params=params, **extra) as response:
                if response.status_code >= 300:
                    await response.aread()
                    problem = check(response) or errors.BrokerUnavailableError(
                        f"HTTP {response.status_code} on connect", broker=BROKER
                    )
                    if not isinstance(problem, errors.OperationFailedError):
                        raise problem
                    failure = problem
                else:
                    if on_connect is not None:
                        on_connect(response)
                    async for line in response.aiter_lines():
                        if not line.strip():
                            continue
                        frame = parse.json_from_paper(line.encode())
                        if not isinstance(frame, dict):
                            raise errors.ResponseFormatError(
                                "a stream frame is not a JSON object", raw=line, broker=BROKER
                            )
                        if frame.get("type") == "heartbeat":
                            continue
                        failures = 0
                        yield frame
                    failure = errors.NetworkError("the server ended the stream", broker=BROKER)
        except TransportFailure as exc:
            translated = translate_transport_error(exc, broker=BROKER)
            failure = translated if isinstance(translated, errors.OperationFailedError) else None
            if failure is None:
                raise translated from exc
        assert failure is not None  # every way out of the attempt above sets it or raises
        delay = policy.delay(failures, failure)
        if delay is None:
            raise failure
        failures += 1
        await asyncio.sleep(delay)


async def stream_quotes(
    session: StreamSession,
    conv: cattrs.Converter,
    url: str,
    instruments: Sequence[Instrument],
    check: ErrorTable,
) -> AsyncIterator[QuoteEvent]:
    """``/stream/quotes?symbols=...``: quote events; after a drop it subscribes again."""
    symbols = ",".join(str(i) for i in instruments)
    async for frame in ndjson_frames(session, url, lambda: {"symbols": symbols}, check):
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

    async for frame in ndjson_frames(session, url, query, check):
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
    cursor = _Cursor()
    frames = ndjson_frames(session, url, cursor.query, check, on_connect=cursor.start)
    async for frame in frames:
        if frame.get("type") == "order":
            seq, event = parse.order_event_from_paper(conv, frame)
            if cursor.advance(seq):
                yield event


async def stream_positions(
    session: StreamSession, conv: cattrs.Converter, url: str, check: ErrorTable
) -> AsyncIterator[PositionEvent]:
    """``/stream/accounts/{id}/positions``: position events, each exactly once across reconnects."""
    cursor = _Cursor()
    frames = ndjson_frames(session, url, cursor.query, check, on_connect=cursor.start)
    async for frame in frames:
        if frame.get("type") == "position":
            seq, event = parse.position_event_from_paper(conv, frame)
            if cursor.advance(seq):
                yield event


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
