"""Streams that say when they are live: :class:`EventStream` (sync) and
:class:`AsyncEventStream`, what the facades' ``stream_*`` calls return.

A stream connects on its first step, and a broker reports an order only to the streams open
when the order changed. So code that trades while another thread or task reads a stream waits
until the broker accepted the stream (:attr:`StreamSession.on_live
<brokerlink.adapter.StreamSession>`) before its first order, or that order's first events may
pass unseen. Polled streams cannot tell, so every wait is bounded.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Generator
from typing import Generic, TypeVar

from brokerlink.runtime.streaming import close_stream

__all__ = ["AsyncEventStream", "EventStream"]

T = TypeVar("T")

_STEP = 0.05  # seconds between looks at whether a stream waited for has ended meanwhile


class EventStream(Generic[T]):
    """What the sync ``Broker.stream_*`` calls return: the events, one per ``next()``, and word
    of when the broker accepted the stream.

    The stream connects on its first ``next()``. An order placed before the stream is live may
    have its first events pass unseen, so code that reads the stream in one thread and trades in
    another waits for :meth:`wait_live` before the first order (the strategy runner does).
    """

    def __init__(self, events: Generator[T, None, None], live: threading.Event) -> None:
        self._events = events
        self._live = live
        self._ended = False

    def __iter__(self) -> EventStream[T]:
        return self

    def __next__(self) -> T:
        try:
            return next(self._events)
        except BaseException:  # ended, or failed (to open, say): no wait for it to be live
            self._ended = True
            raise

    def close(self) -> None:
        """Stop the stream (from the thread that iterates it) and close its connection."""
        self._ended = True
        self._events.close()

    @property
    def ended(self) -> bool:
        """True once the stream ended, failed or was closed."""
        return self._ended

    @property
    def is_live(self) -> bool:
        """True once the broker accepted the stream (and again after each reconnect)."""
        return self._live.is_set()

    def wait_live(self, timeout: float | None = None) -> bool:
        """Wait until the broker accepted the stream; False after ``timeout`` seconds without,
        or as soon as the stream ended or failed (its reader raises the error).

        Only another thread's ``next()`` connects the stream, so wait from a thread that does
        not iterate it. A polled stream cannot tell and is never live: bound the wait.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._ended:
            step = _STEP if deadline is None else min(_STEP, deadline - time.monotonic())
            if step <= 0:
                break
            if self._live.wait(step):
                return True
        return self._live.is_set()


class AsyncEventStream(Generic[T]):
    """What the async ``AsyncBroker.stream_*`` calls return: the events, one per ``anext()``,
    and word of when the broker accepted the stream.

    The stream connects on its first ``anext()``. Code that reads it in one task and trades in
    another awaits :meth:`wait_live` before the first order. Close it with :meth:`aclose` (or
    ``contextlib.aclosing``) from the task that reads it.
    """

    def __init__(self, events: AsyncIterator[T], live: asyncio.Event) -> None:
        self._events = events
        self._live = live
        self._ended = asyncio.Event()

    def __aiter__(self) -> AsyncEventStream[T]:
        return self

    async def __anext__(self) -> T:
        try:
            return await anext(self._events)
        except BaseException:  # ended, or failed (to open, say): no wait for it to be live
            self._ended.set()
            raise

    async def aclose(self) -> None:
        """Stop the stream and close its connection."""
        self._ended.set()
        await close_stream(self._events)

    @property
    def ended(self) -> bool:
        """True once the stream ended, failed or was closed."""
        return self._ended.is_set()

    @property
    def is_live(self) -> bool:
        """True once the broker accepted the stream (and again after each reconnect)."""
        return self._live.is_set()

    async def wait_live(self, timeout: float | None = None) -> bool:
        """Wait until the broker accepted the stream; False after ``timeout`` seconds without,
        or as soon as the stream ended or failed (its reader gets the error).

        Only the task iterating the stream connects it, so await this from another task. A
        polled stream cannot tell and is never live: bound the wait.
        """
        waits = {
            asyncio.ensure_future(self._live.wait()),
            asyncio.ensure_future(self._ended.wait()),
        }
        try:
            await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        return self._live.is_set()
