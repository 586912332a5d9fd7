"""Long-lived websocket streams with reconnect (adapter-neutral).

What a broker's websocket client shares with every other one lives here: open the socket,
read with a silence timeout, send keepalives while waiting, and after a failure back off
(:class:`~brokerlink.runtime.retry.RetryPolicy`) and open a new connection. The budget counts
failures in a row: any event delivered (or a connection the adapter calls established) starts
it again. :func:`websocket_stream` is the loop; what each connection says is the adapter's.

Per (re)connect the adapter's ``dial`` returns a :class:`Dialed`: the URL (a fresh token's,
say), the conversation to hold on the socket (handshake, subscribe, decode: an async generator
of events over a :class:`Link`) and how to word a keepalive.

httpx2's websocket context manager runs a task group, and an exception crossing it (the
``GeneratorExit`` of a consumer that stops early included) comes out wrapped in an exception
group. So the socket is entered on an :class:`~contextlib.AsyncExitStack` the generator closes
itself in ``finally``, and every await on the socket goes through :func:`socket_step`, which
turns transport failures into brokerlink's retryable errors. The consumer steps the stream from
the task that opened it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Generic, TypeVar

import attrs

from brokerlink import errors
from brokerlink._http import WEBSOCKET_FAILURES, AsyncWebSocketSession, translate_transport_error
from brokerlink.adapter import StreamSession
from brokerlink.runtime.retry import RetryPolicy

__all__ = ["Dialed", "Link", "socket_step", "websocket_stream"]

T = TypeVar("T")
A = TypeVar("A")
Clock = Callable[[], float]


async def socket_step(awaitable: Awaitable[A], *, broker: str) -> A:
    """``await awaitable``; websocket and transport failures become ``OperationFailedError``."""
    try:
        return await awaitable
    except WEBSOCKET_FAILURES as exc:
        found = translate_transport_error(exc, broker=broker)
        if isinstance(found, errors.OperationFailedError):
            raise found from exc
        raise errors.NetworkError(found.message, broker=broker) from exc


class Link:
    """One open connection as a conversation sees it: send text, receive text.

    While :meth:`receive` waits, a keepalive goes out whenever ``keepalive`` seconds have
    passed since we last sent anything; a wait longer than ``silence`` seconds is taken for a
    dead connection (a stall without a close) and raises ``NetworkError``, so it is reopened.
    """

    def __init__(
        self,
        ws: AsyncWebSocketSession,
        *,
        broker: str,
        keepalive: float | None,
        keepalive_message: Callable[[], Awaitable[str]] | None,
        silence: float | None,
        clock: Clock,
        on_established: Callable[[], None] | None = None,
    ) -> None:
        self._ws, self._broker, self._clock = ws, broker, clock
        self._every = keepalive if keepalive_message is not None else None
        self._keepalive_message = keepalive_message
        self._silence = silence
        self._sent_at = clock()
        self._on_established = on_established
        self.established = False
        """True once the connection proved itself (an event delivered, or :meth:`establish`)."""

    def establish(self) -> None:
        """Call the connection working although no event came yet (a handshake acknowledged):
        a later failure starts the budget of failures in a row again, and the stream is live
        (``on_established`` is told, once per connection)."""
        if not self.established and self._on_established is not None:
            self._on_established()
        self.established = True

    async def send(self, text: str) -> None:
        """Send one text message (it counts as speaking: the next keepalive waits)."""
        await socket_step(self._ws.send_text(text), broker=self._broker)
        self._sent_at = self._clock()

    async def receive(self) -> str:
        """The next text message, keepalives sent while waiting; ``NetworkError`` after
        ``silence`` seconds without one. Chatter a conversation skips (the server's own
        keepalives) still proves the line alive: the silence counts from each call."""
        every, silence = self._every, self._silence
        deadline = None if silence is None else self._clock() + silence
        while True:
            now = self._clock()
            if deadline is not None and now >= deadline:
                raise errors.NetworkError(
                    f"nothing received for {silence:g} s: reconnecting", broker=self._broker
                )
            wait = None if deadline is None else deadline - now
            if every is not None:
                due = max(self._sent_at + every - now, 0.01)
                wait = due if wait is None else min(wait, due)
            text = await socket_step(self._within(wait), broker=self._broker)
            if text is not None:
                return text
            speak = self._keepalive_message
            if speak is not None and every is not None and self._clock() >= self._sent_at + every:
                await self.send(await socket_step(speak(), broker=self._broker))

    async def _within(self, wait: float | None) -> str | None:
        # Only the socket's own timeout is a pause; a transport timeout is a failure.
        try:
            return await self._ws.receive_text(timeout=wait)
        except TimeoutError:
            return None


@attrs.frozen(kw_only=True)
class Dialed(Generic[T]):
    """What one (re)connect of :func:`websocket_stream` opens and says.

    ``converse`` holds the connection: handshake and subscriptions through the :class:`Link`,
    then the decoded events. Returning ends the connection like a drop (reopened after the
    backoff); an ``OperationFailedError`` it raises is a drop too (retried if retryable), and
    anything else ends the stream. ``keepalive`` words the message sent when we have been quiet
    (called each time, so it may carry a refreshed token); ``None`` sends none.
    """

    url: str
    converse: Callable[[Link], AsyncGenerator[T, None]]
    keepalive: Callable[[], Awaitable[str]] | None = None


async def websocket_stream(
    session: StreamSession,
    dial: Callable[[], Awaitable[Dialed[T]]],
    *,
    broker: str,
    keepalive: float | None = None,
    silence: float | None = None,
    backoff: RetryPolicy | None = None,
    clock: Clock = time.monotonic,
) -> AsyncGenerator[T, None]:
    """Events of a websocket conversation, reopened after drops and silences.

    ``dial()`` is awaited before every connect (its failure ends the stream); ``keepalive`` is
    how often we speak up when quiet and ``silence`` how long a quiet server is trusted (both
    seconds, ``None`` for never). The backoff budget (``session.max_reconnects`` by default)
    counts failures in a row; when it is spent the last failure is raised. Closing this
    generator closes the conversation and then the socket.
    """
    policy = backoff or RetryPolicy(max_retries=session.max_reconnects)
    failures = 0
    while True:
        dialed = await dial()
        stack = contextlib.AsyncExitStack()
        link: Link | None = None
        failure: errors.OperationFailedError
        try:
            opening = stack.enter_async_context(session.client.websocket(dialed.url))
            ws = await socket_step(opening, broker=broker)
            link = Link(
                ws, broker=broker, keepalive=keepalive, keepalive_message=dialed.keepalive,
                silence=silence, clock=clock, on_established=session.live,
            )  # fmt: skip
            async with contextlib.aclosing(dialed.converse(link)) as events:
                async for event in events:
                    link.establish()
                    yield event
            failure = errors.NetworkError("the websocket conversation ended", broker=broker)
        except errors.OperationFailedError as exc:
            failure = exc
        finally:
            await _close_quietly(stack)
        if link is not None and link.established:
            failures = 0
        delay = policy.delay(failures, failure)
        if delay is None:
            raise failure
        failures += 1
        await asyncio.sleep(delay)


async def _close_quietly(stack: contextlib.AsyncExitStack) -> None:
    # Closing a dead socket re-raises its failure (often as a group); it is already handled.
    with contextlib.suppress(Exception):
        await stack.aclose()
