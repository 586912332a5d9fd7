"""Websockets in the emulators: the handler seam a front implements, and its ASGI side.

Tradier's market and account events and tastytrade's DxLink and account streamer are websocket
protocols. A front serves them by overriding :meth:`Front.websocket`, which returns a
:data:`WebSocketHandler` for a path (or ``None``: the upgrade is refused). The handler talks to an
:class:`EmulatorSocket` and knows nothing of ASGI, so one handler serves both ways of running an
emulator:

- served on a port (:func:`~brokerlink.emulator.http.serve`): uvicorn hands the ASGI websocket
  scope to :func:`run_websocket`;
- in-process (:class:`~brokerlink.emulator.http.EmulatorTransport`): the transport forwards the
  upgrade request to a loopback server of the same front that it starts on first use (DESIGN §9:
  websockets on an ephemeral loopback port), because a websocket needs a real byte stream.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any, Protocol

from brokerlink._http import Headers, QueryParams

if TYPE_CHECKING:
    from brokerlink.emulator.http.front import Front

__all__ = ["EmulatorSocket", "SocketClosed", "WebSocketHandler", "run_websocket"]

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class SocketClosed(Exception):
    """The client closed the websocket or went away; the handler should return."""

    def __init__(self, code: int = 1000) -> None:
        super().__init__(f"the websocket was closed (code {code})")
        self.code = code


class EmulatorSocket(Protocol):
    """One accepted websocket connection, as a front's handler sees it."""

    path: str
    query: QueryParams
    headers: Headers

    async def receive_text(self, timeout: float | None = None) -> str:
        """The next text message; :class:`SocketClosed` when the client has gone, and the
        builtin ``TimeoutError`` when nothing arrived within ``timeout`` seconds."""
        ...

    async def send_text(self, text: str) -> None:
        """Send one text message (:class:`SocketClosed` when the client has gone)."""
        ...

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """Close the connection from the server side."""
        ...


WebSocketHandler = Callable[[EmulatorSocket], Awaitable[None]]
"""What a front returns from ``websocket(path)``: serves one connection until it returns."""


class _AsgiSocket:
    """:class:`EmulatorSocket` over an ASGI websocket scope."""

    def __init__(self, scope: Message, receive: Receive, send: Send) -> None:
        self._receive = receive
        self._send = send
        self._closed = False
        self.path: str = scope["path"]
        self.query = QueryParams(scope.get("query_string", b"").decode("latin-1"))
        self.headers = Headers(
            [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        )

    async def receive_text(self, timeout: float | None = None) -> str:
        if self._closed:
            raise SocketClosed()
        while True:
            message = await asyncio.wait_for(self._receive(), timeout)
            kind = message["type"]
            if kind == "websocket.disconnect":
                self._closed = True
                raise SocketClosed(int(message.get("code", 1000)))
            if kind != "websocket.receive":
                continue
            if message.get("text") is not None:
                return str(message["text"])
            # Every protocol emulated here is JSON text; a binary frame is decoded leniently.
            return bytes(message.get("bytes") or b"").decode("utf-8", "replace")

    async def send_text(self, text: str) -> None:
        if self._closed:
            raise SocketClosed()
        try:
            await self._send({"type": "websocket.send", "text": text})
        except OSError as exc:  # the peer vanished between our check and the write
            self._closed = True
            raise SocketClosed(1006) from exc

    async def close(self, code: int = 1000, reason: str = "") -> None:
        if self._closed:
            return
        self._closed = True
        # The peer may already be gone; there is nobody left to tell.
        with contextlib.suppress(OSError):
            await self._send({"type": "websocket.close", "code": code, "reason": reason})

    @property
    def closed(self) -> bool:
        return self._closed


async def run_websocket(
    front: Front,
    scope: Message,
    receive: Receive,
    send: Send,
    *,
    stopping: asyncio.Event | None = None,
) -> None:
    """Serve one ASGI websocket scope with the front's handler for its path.

    When ``stopping`` is set while the handler runs (the server is going down), the socket is
    closed with 1001 "going away" and the handler is cancelled, so it ends here, in order.
    """
    connect = await receive()
    if connect["type"] != "websocket.connect":
        return
    handler = front.websocket(scope["path"])
    if handler is None:
        # Closing before accepting makes the server answer the upgrade with 403.
        await send({"type": "websocket.close", "code": 1008})
        return
    await send({"type": "websocket.accept"})
    socket = _AsgiSocket(scope, receive, send)
    try:
        if stopping is None:
            await handler(socket)
        else:
            await _until_stopped(handler(socket), socket, stopping)
    except SocketClosed:
        return
    await socket.close()


async def _until_stopped(
    serving: Awaitable[None], socket: _AsgiSocket, stopping: asyncio.Event
) -> None:
    """Await the handler, or close the socket (1001) and cancel it once ``stopping`` is set."""
    task = asyncio.ensure_future(serving)
    ending = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait({task, ending}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:  # this call was cancelled: the handler goes with it
        task.cancel()
        raise
    finally:
        ending.cancel()
    if not task.done():
        # Tell the client first: a handler that tries to send or close while being cancelled
        # then finds the socket closed instead of racing the 1001.
        await socket.close(1001, "the emulator is stopping")
        task.cancel()
        await asyncio.wait({task})
        if task.cancelled() or isinstance(task.exception(), SocketClosed):
            raise SocketClosed(1001)
    await task  # the handler's own outcome, its errors included
