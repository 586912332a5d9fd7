"""A uvicorn server that lets the app end its open streams and websockets before shutting down.

uvicorn's own shutdown waits for open connections only without ``force_exit`` and, either way,
ends by cancelling the tasks still running the application, which it logs as "Exception in ASGI
application ... CancelledError" while the client sees its connection cut. The emulator's streams
never end on their own, so the server first asks the app to finish them (a normal end of body, a
1001 close) and waits a moment for that, then shuts down as usual with nothing left to cancel.

Imported only by :func:`~brokerlink.emulator.http.serve`: the in-process transport stays free of
uvicorn.
"""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable

import uvicorn

__all__ = ["OrderlyServer"]


class OrderlyServer(uvicorn.Server):
    """A :class:`uvicorn.Server` that runs ``end_sessions(grace)`` first when it shuts down."""

    def __init__(
        self,
        config: uvicorn.Config,
        end_sessions: Callable[[float], Awaitable[None]],
        *,
        grace: float,
    ) -> None:
        super().__init__(config)
        self._end_sessions = end_sessions
        self._grace = grace

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """Stop accepting connections, end the app's open sessions, then shut down as uvicorn does."""
        # No new connection may start a stream while the open ones are being ended; closing the
        # listeners again in uvicorn's shutdown is harmless.
        for server in self.servers:
            server.close()
        await self._end_sessions(self._grace)
        await super().shutdown(sockets)
