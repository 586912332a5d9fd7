"""Long-lived chunked HTTP streams of newline-delimited JSON, with reconnect (adapter-neutral).

TradeStation's ``/stream/...`` endpoints, Tradier's HTTP stream and the paper emulator all send
one JSON object per line on an endless ``GET``. :func:`ndjson_lines` owns what they share: the
connect, the error table on a refused connect, line framing, and reconnect with backoff; each
line goes through a ``decode`` callable. :func:`ndjson_frames` is that with the usual decoder
(:func:`json_object`, heartbeats dropped). What a reconnect should resume from is the caller's
business: ``query()`` is asked again on every connect, so it can carry a cursor the caller
advances as frames arrive.

Quote streams run at thousands of frames a second, so the per-line path is kept flat: one
generator, lines split from the bytes, no timer or copy per line. The read-inactivity timeout
(``idle_timeout``) is one timer per connection (:class:`_IdleWatch`) checked around each
network read, not an ``asyncio.timeout`` per frame: arming and cancelling a timer handle for
every quote cost more than decoding it. An adapter with a faster decoder for its hot frames
(a msgspec struct, say) passes it to :func:`ndjson_lines` and gets those frames as they are.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from typing import Any, TypeVar

import orjson

from brokerlink import errors
from brokerlink._http import Response, TransportFailure, translate_transport_error
from brokerlink.adapter import StreamSession
from brokerlink.runtime.retry import RetryPolicy

__all__ = ["ErrorTable", "Reconnect", "json_object", "ndjson_frames", "ndjson_lines"]

ErrorTable = Callable[[Response], errors.BrokerError | None]
T = TypeVar("T")


class Reconnect(Exception):
    """Raised by an :func:`ndjson_lines` ``decode`` to drop the connection and open a new one:
    after the backoff, counted like a drop, when ``reason`` is given (a ``DualLogon``, a
    retryable stream error); at once when it is ``None`` (the server's own ``GoAway``).

    It lets an adapter's control frames steer the shared reader from inside ``decode``, with
    no generator of the adapter's own between the reader and the consumer.
    """

    def __init__(self, reason: errors.OperationFailedError | None = None) -> None:
        super().__init__(reason)
        self.reason = reason


def _type_heartbeat(frame: Mapping[str, Any]) -> bool:
    return frame.get("type") == "heartbeat"


class _IdleWatch:
    """The read-inactivity timer of one connection.

    The reader sets :attr:`task` and :attr:`since` (a :func:`time.monotonic` stamp) before
    each network read and clears ``since`` after. One ``call_later`` handle checks, when it
    fires, whether the current read has waited ``limit`` seconds; if so it cancels the reading
    task (which :meth:`timed_out` then tells from any other cancel), else it re-arms for the
    time left. Time the consumer spends on frames is not a wait and never counts.
    """

    __slots__ = ("_handle", "_loop", "fired", "limit", "since", "task")

    def __init__(self, limit: float, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.limit = limit
        self.since: float | None = None
        self.task: asyncio.Task[Any] | None = None
        self.fired = False
        self._handle = loop.call_later(limit, self._check)

    def _check(self) -> None:
        since, task = self.since, self.task
        delay = self.limit
        if since is not None and task is not None and not task.done():
            idle = time.monotonic() - since
            if idle < self.limit:
                delay = self.limit - idle
            elif not task.cancelling():
                self.fired = True
                task.cancel()
                return
            # else someone else is cancelling the task: turning their cancel into our
            # timeout would swallow it, so look again a full period later.
        self._handle = self._loop.call_later(delay, self._check)

    def timed_out(self) -> bool:
        """After a ``CancelledError`` in a read: True when this timer caused it and nobody
        else asked to cancel the task meanwhile (so it is a timeout, not a cancel)."""
        task = self.task
        return self.fired and task is not None and task.uncancel() == 0

    def close(self) -> None:
        """Stop the timer (the connection is done)."""
        self._handle.cancel()


async def close_stream(stream: object) -> None:
    """Close ``stream`` now, in this task, if it can be closed (an async generator's ``aclose``).

    A stream left to the garbage collector or the loop's shutdown is closed from another task,
    after its connection's own task may be gone; whoever stops reading one closes it here.
    """
    closer = getattr(stream, "aclose", None)
    if closer is not None:
        await closer()


def json_object(line: str | bytes, *, broker: str) -> dict[str, Any]:
    """One stream line as a JSON object; anything else is a ``ResponseFormatError`` keeping
    the line in ``raw`` (callers that expect text lines, like TradeStation's v2 ``END``, look
    there)."""
    try:
        frame = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise errors.ResponseFormatError(
            f"a stream line is not JSON: {exc}", raw=_text(line), broker=broker
        ) from exc
    if type(frame) is not dict:
        raise errors.ResponseFormatError(
            "a stream frame is not a JSON object", raw=_text(line), broker=broker
        )
    return frame


def _text(line: str | bytes) -> str:
    text = line if isinstance(line, str) else line.decode("utf-8", "replace")
    return text.removesuffix("\r")


def ndjson_frames(
    session: StreamSession,
    url: str,
    query: Callable[[], Mapping[str, str | None]],
    check: ErrorTable,
    *,
    broker: str,
    on_connect: Callable[[Response], None] | None = None,
    backoff: RetryPolicy | None = None,
    is_heartbeat: Callable[[Mapping[str, Any]], bool] = _type_heartbeat,
    idle_timeout: float | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Decoded frames of an NDJSON stream, reconnecting after drops (an async generator:
    close it when you stop early, see :func:`ndjson_lines`).

    Frames ``is_heartbeat`` recognises only keep the line alive and are dropped; everything
    else is as :func:`ndjson_lines` describes.
    """

    def decode(line: bytes) -> dict[str, Any] | None:
        frame = json_object(line, broker=broker)
        return None if is_heartbeat(frame) else frame

    return ndjson_lines(
        session, url, query, check, decode, broker=broker, on_connect=on_connect,
        backoff=backoff, idle_timeout=idle_timeout,
    )  # fmt: skip


async def ndjson_lines(
    session: StreamSession,
    url: str,
    query: Callable[[], Mapping[str, str | None]],
    check: ErrorTable,
    decode: Callable[[bytes], T | None],
    *,
    broker: str,
    on_connect: Callable[[Response], None] | None = None,
    backoff: RetryPolicy | None = None,
    idle_timeout: float | None = None,
    on_chunk: Callable[[], None] | None = None,
) -> AsyncGenerator[T, None]:
    """``decode(line)`` for every non-blank line (bytes, UTF-8, the ``\n`` removed) of a
    stream, reconnecting after drops.

    ``decode`` returns what to yield, or ``None`` to drop the line (a heartbeat); it raises
    :class:`Reconnect` to reopen the stream, and anything else it raises goes to the caller
    and ends the stream. ``query()`` is called for every
    (re)connect, so it can carry a resume cursor the caller advances as frames arrive;
    ``on_connect`` sees each accepted response (its headers) before the first line, and
    ``session.live()`` is called after it. The
    backoff budget (``session.max_reconnects`` by default) counts failures in a row: any
    frame delivered resets it.

    ``idle_timeout``: seconds a read may wait for bytes (heartbeats count) before the
    connection is taken for dead (NAT eviction, half-close) and reopened like a drop, as an
    :class:`~brokerlink.errors.TimeoutError`; ``None`` waits for ever. ``on_chunk`` is called
    as each piece of the body arrives, before its lines are decoded (a decoder can take the
    time of arrival once a chunk rather than once a frame).

    Close it (``aclose()``, or ``contextlib.aclosing`` around an ``async for``) when you stop
    early: that closes the response and its socket at once, in your task. A generator reading
    this one should close it the same way when it is closed itself, since a bare ``async for``
    does not; left to the loop's shutdown, the open readers are closed all at once, one while
    another is still closing it ("aclose(): asynchronous generator is already running").
    """
    policy = backoff or RetryPolicy(max_retries=session.max_reconnects)
    failures = 0
    loop = asyncio.get_running_loop()
    now, current_task = time.monotonic, asyncio.current_task
    while True:
        failure: errors.OperationFailedError | None = None
        params = {key: value for key, value in query().items() if value is not None}
        extra: dict[str, Any] = {} if session.auth is None else {"auth": session.auth}
        try:
            async with session.client.stream("GET", url, params=params, **extra) as response:
                if response.status_code >= 300:
                    await response.aread()
                    problem = check(response) or errors.BrokerUnavailableError(
                        f"HTTP {response.status_code} on connect", broker=broker
                    )
                    if not isinstance(problem, errors.OperationFailedError):
                        raise problem
                    failure = problem
                else:
                    if on_connect is not None:
                        on_connect(response)
                    session.live()
                    # Bytes split on b"\n" here, not aiter_lines(): no text decode of every
                    # chunk and no generator step per line (JSON is UTF-8, and NDJSON lines
                    # end in \n; a \r before it is JSON whitespace, as is a blank line).
                    rest = b""
                    # The body iterator is closed here, on the way out, like the response: left
                    # suspended it (and the transport's generators under it) would wait for the
                    # garbage collector or the loop's shutdown.
                    body = response.aiter_bytes()
                    chunks = body.__anext__
                    watch = None if idle_timeout is None else _IdleWatch(idle_timeout, loop)
                    try:
                        while True:
                            if watch is not None:
                                # Taken at every read: a consumer may change tasks between
                                # frames (asyncio.wait_for(anext(...)) runs each in a new one).
                                watch.task, watch.since = current_task(loop), now()
                            try:
                                chunk = await chunks()
                            except StopAsyncIteration:
                                break
                            except asyncio.CancelledError:
                                if watch is None or not watch.timed_out():
                                    raise
                                failure = errors.TimeoutError(
                                    f"nothing received for {idle_timeout:g} s: reopening the "
                                    "stream",
                                    broker=broker,
                                )
                                break
                            if watch is not None:
                                watch.since = None
                            if on_chunk is not None:
                                on_chunk()
                            lines = (rest + chunk if rest else chunk).split(b"\n")
                            rest = lines.pop()
                            for line in lines:
                                # isspace() stops at the first visible byte; strip() copies.
                                if not line or line.isspace():
                                    continue
                                frame = decode(line)
                                if frame is None:
                                    continue
                                failures = 0
                                yield frame
                    finally:
                        if watch is not None:
                            watch.close()
                        await body.aclose()
                    if failure is None:
                        if rest and not rest.isspace():  # a last line without its newline
                            frame = decode(rest)
                            if frame is not None:
                                failures = 0
                                yield frame
                        failure = errors.NetworkError("the server ended the stream", broker=broker)
        except TransportFailure as exc:
            translated = translate_transport_error(exc, broker=broker)
            failure = translated if isinstance(translated, errors.OperationFailedError) else None
            if failure is None:
                raise translated from exc
        except Reconnect as signal:  # the response is closed by now
            if signal.reason is None:
                continue  # asked to move: no backoff, and nothing failed
            failure = signal.reason
        assert failure is not None  # every way out of the attempt above sets it or raises
        delay = policy.delay(failures, failure)
        if delay is None:
            raise failure
        failures += 1
        await asyncio.sleep(delay)
