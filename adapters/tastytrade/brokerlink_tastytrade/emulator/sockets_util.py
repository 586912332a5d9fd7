"""Shared pieces of the tastytrade websocket handlers: stream faults on a socket path."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from brokerlink.emulator.faults import DropConnection, Fault, Faults, Latency, StreamGap
from brokerlink.emulator.http import SocketClosed

__all__ = ["run_until_either_ends", "take_stream_fault"]

_STREAM_FAULTS = (Latency, StreamGap, DropConnection)


def take_stream_fault(faults: Faults, path: str) -> Fault | None:
    """The next stream fault planned for ``path`` (latency, gap, drop), consumed; else ``None``.

    An HTTP-only fault at the head of the plan for this path is left for a request, as the core
    transport does for streamed replies.
    """
    for entry in faults.pending():
        if entry.applies(path, streaming=True):
            if isinstance(entry.fault, _STREAM_FAULTS):
                return faults.take(path, streaming=True)
            return None
    return None


async def run_until_either_ends(
    reader: Coroutine[Any, Any, None], pump: Coroutine[Any, Any, None]
) -> None:
    """Run a connection's reader and its pump until one ends; the other is cancelled.

    A closed socket ends a connection quietly; any other failure of either side is raised, so a
    broken pump cannot leave a client connected to a feed that never speaks.
    """
    tasks = [asyncio.ensure_future(reader), asyncio.ensure_future(pump)]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        results = await asyncio.gather(*tasks, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException) and not isinstance(
            result, SocketClosed | asyncio.CancelledError
        ):
            raise result
