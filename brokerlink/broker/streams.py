"""Sync iteration over the async streams, for :class:`~brokerlink.broker.sync.Broker`.

Streams are async at heart (DESIGN §5). The sync facade runs them on an event loop in a helper
thread (an anyio blocking portal) and hands each event over as the caller iterates, so the
stream code exists once.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, TypeVar

import anyio.from_thread

__all__ = ["StreamPortal"]

T = TypeVar("T")

_DONE = object()


class StreamPortal:
    """An event loop in a helper thread, started on first use and stopped by :meth:`close`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stack: contextlib.ExitStack | None = None
        self._portal: anyio.from_thread.BlockingPortal | None = None

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

    def iterate(self, make: Callable[[], AsyncIterator[T]]) -> Iterator[T]:
        """Iterate, from this thread, the async iterator ``make()`` creates on the portal's loop."""
        portal = self._ensure()

        async def start() -> AsyncIterator[T]:
            return make()

        source: AsyncIterator[T] = portal.call(start)

        async def step() -> object:
            try:
                return await anext(source)
            except StopAsyncIteration:
                return _DONE

        async def finish() -> None:
            closer = getattr(source, "aclose", None)
            if closer is not None:
                await closer()

        try:
            while True:
                item = portal.call(step)
                if item is _DONE:
                    return
                yield item  # type: ignore[misc]
        finally:
            portal.call(finish)

    def close(self) -> None:
        """Stop the helper thread's loop (idempotent)."""
        with self._lock:
            stack, self._stack, self._portal = self._stack, None, None
        if stack is not None:
            stack.close()
