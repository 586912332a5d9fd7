"""Shared pieces of the tastytrade websocket handlers: stream faults on a socket, and running a
connection's reader and pump together."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from brokerlink.emulator.faults import DropConnection, Faults, Latency, StreamGap
from brokerlink.emulator.http import EmulatorSocket, SocketClosed, take_stream_fault

__all__ = ["SocketFaults", "run_until_either_ends"]


class SocketFaults:
    """The stream faults planned for one websocket's path, applied message by message.

    ``StreamGap`` swallows that many messages, ``DropConnection`` closes the socket (code 1011,
    as a lost connection would) and ends the handler; a ``Latency`` goes to ``on_latency`` (the
    handler decides what silence means for it), or is consumed without effect.
    """

    def __init__(
        self,
        faults: Faults,
        socket: EmulatorSocket,
        on_latency: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self._faults = faults
        self._socket = socket
        self._on_latency = on_latency
        self._skip = 0

    async def admit(self) -> bool:
        """Whether the next message goes out (``False``: a gap swallows it)."""
        fault = take_stream_fault(self._faults, self._socket.path)
        if isinstance(fault, Latency):
            if self._on_latency is not None:
                await self._on_latency(fault.seconds)
        elif isinstance(fault, StreamGap):
            self._skip += fault.events
        elif isinstance(fault, DropConnection):
            await self._socket.close(1011, "connection dropped")
            raise SocketClosed(1011)
        if self._skip:
            self._skip -= 1
            return False
        return True


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
