"""Sync iteration over the async streams, for :class:`~brokerlink.broker.sync.Broker`.

Streams are async at heart (DESIGN §5). The sync facade runs them on an event loop in a helper
thread (an anyio blocking portal) and hands each event over as the caller iterates, so the
stream code exists once.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import AsyncIterator, Callable, Generator
from concurrent.futures import Future
from typing import Any, TypeVar

import anyio
import anyio.from_thread

from brokerlink.runtime.streaming import close_stream

__all__ = ["StreamPortal"]

T = TypeVar("T")

_CLOSE_TIMEOUT = 10.0  # seconds to wait for a stream to close after the caller stops


class StreamPortal:
    """Event loops in helper threads: one shared for calls (started on first use), one per open
    stream; :meth:`close` stops them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stack: contextlib.ExitStack | None = None
        self._portal: anyio.from_thread.BlockingPortal | None = None
        # Open streams and their loops. An iterator dropped without being closed (left
        # suspended by an exception's traceback, say) is cancelled and stopped by close().
        self._live: dict[Future[None], anyio.from_thread.BlockingPortal] = {}

    def _ensure(self) -> anyio.from_thread.BlockingPortal:
        with self._lock:
            if self._portal is None:
                stack = contextlib.ExitStack()
                self._portal = stack.enter_context(anyio.from_thread.start_blocking_portal())
                self._stack = stack
            return self._portal

    def call(self, func: Callable[..., Any], *args: Any) -> Any:
        """Run the coroutine function ``func(*args)`` on the portal's loop and return its result."""
        return self._ensure().call(func, *args)

    def iterate(self, make: Callable[[], AsyncIterator[T]]) -> Generator[T, None, None]:
        """Iterate, from this thread, the async iterator ``make()`` creates on a loop of its own.

        Each stream gets its own loop (a blocking portal in a helper thread), not the shared
        one: a websocket library that leaves a cancellation behind when its stream is closed
        early would otherwise stop the loop every later stream and call of this broker needs.
        The iterator lives in **one** task from its first step to its close (a websocket's
        task group must be left by the task that entered it); that task fetches one item each
        time the caller asks for one, and hands it over through a queue.
        """
        with anyio.from_thread.start_blocking_portal() as portal:
            pump = _Pump(make)
            future = portal.start_task_soon(pump.run)
            with self._lock:
                self._live[future] = portal
            try:
                while future in self._live:  # close() ends every open stream
                    portal.call(pump.ask)
                    kind, value = pump.handoff.get()
                    if kind == "done":
                        return
                    if kind == "error":
                        raise value
                    yield value
            finally:
                if not future.done():
                    future.cancel()
                with contextlib.suppress(BaseException):  # cancelled, or already reported
                    future.result(timeout=_CLOSE_TIMEOUT)
                with self._lock:
                    self._live.pop(future, None)

    def close(self) -> None:
        """Stop the helper threads' loops, cancelling streams still open (idempotent)."""
        with self._lock:
            stack, self._stack, self._portal = self._stack, None, None
            live, self._live = list(self._live.items()), {}
        for future, portal in live:
            future.cancel()
            with contextlib.suppress(BaseException):
                future.result(timeout=_CLOSE_TIMEOUT)
            # The iterator was dropped without being closed: stop its loop here, or its
            # thread (and the interpreter's exit) would wait for it.
            with contextlib.suppress(BaseException):
                portal.call(portal.stop, True)
        if stack is not None:
            stack.close()


class _Pump:
    """Runs one async iterator in one task, an item at a time, for :meth:`StreamPortal.iterate`."""

    def __init__(self, make: Callable[[], AsyncIterator[Any]]) -> None:
        self.make = make
        self.handoff: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.pending = 0
        self.wanted: anyio.Event | None = None

    def ask(self) -> None:
        """The caller wants one more item (runs on the loop, through ``portal.call``)."""
        self.pending += 1
        if self.wanted is not None:
            self.wanted.set()

    async def run(self) -> None:
        source = self.make()
        try:
            while True:
                while self.pending == 0:
                    self.wanted = anyio.Event()
                    await self.wanted.wait()
                self.pending -= 1
                try:
                    item = await anext(source)
                except StopAsyncIteration:
                    self.handoff.put(("done", None))
                    return
                except Exception as exc:  # the stream's own error: the caller raises it
                    self.handoff.put(("error", exc))
                    return
                self.handoff.put(("item", item))
        finally:
            # Shielded: the caller's cancellation must not cut the stream's cleanup short.
            with anyio.CancelScope(shield=True):
                await close_stream(source)
            # Wakes a caller still waiting for an item after close() cancelled this task (a
            # stream read in another thread); after "done" or "error" the extra is never read.
            self.handoff.put(("done", None))
