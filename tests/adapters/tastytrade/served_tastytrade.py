"""The tastytrade emulator served on a loopback port, with the real tastytrade client connected.

:class:`ServedTastytrade` serves ``emulator_front(engine)`` (here :class:`RecordingFront`, the
same front writing down what crossed it) on ``127.0.0.1:0`` and connects the real adapter with
``bl.connect_async("tastytrade:emulator", base_url=<served url>, auth=bl.StaticToken("t"))``, so
REST, DxLink and the account streamer all cross real sockets.

What the front records: every REST request with its status (and the quote token each
``/api-quote-tokens`` answer handed out), and per websocket connection every message in each
direction, decoded, with the time it crossed. :attr:`RecordingFront.streamer_gate` holds new
account-streamer connections (accepted, but not served) while it is clear, which is how a test
makes something happen "while the client is disconnected" without racing the reconnect.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

import attrs
import orjson
from brokerlink_tastytrade import TastytradeAdapter
from brokerlink_tastytrade.emulator import SandboxOptions, TastytradeFront

import brokerlink as bl
from brokerlink._http import Headers, QueryParams, Request
from brokerlink.emulator import Engine
from brokerlink.emulator.http import EmulatorSocket, Reply, ServerHandle, WebSocketHandler, serve
from brokerlink.registry import AdapterRegistry

__all__ = ["Exchange", "RecordingFront", "ServedTastytrade", "Socket", "until"]

TOKEN = "t"


@attrs.frozen
class Exchange:
    """One REST request the front answered (``token``: the quote token it handed out)."""

    method: str
    path: str
    status: int
    at: float
    token: str | None = None


@attrs.define
class Socket:
    """One websocket connection: the client's messages (``received``, stamped when read) and
    the server's (``sent``, stamped as they are handed to the socket), each
    ``(time.monotonic(), message)``; ``closed_at`` once the handler ended."""

    path: str
    opened_at: float
    received: list[tuple[float, dict[str, Any]]] = attrs.Factory(list)
    sent: list[tuple[float, dict[str, Any]]] = attrs.Factory(list)
    closed_at: float | None = None

    def inbound(self, kind: str | None = None) -> list[dict[str, Any]]:
        """The client's messages (of DxLink ``type`` or streamer ``action`` ``kind``)."""
        return [m for _, m in list(self.received) if kind in (None, _kind(m))]

    def outbound(self, kind: str | None = None) -> list[dict[str, Any]]:
        """The server's messages (of ``type`` or acknowledged ``action`` ``kind``)."""
        return [m for _, m in list(self.sent) if kind in (None, _kind(m))]


def _kind(message: dict[str, Any]) -> Any:
    return message.get("type", message.get("action"))


class _RecordingSocket:
    """An :class:`EmulatorSocket` writing every text message down in a :class:`Socket`."""

    def __init__(self, inner: EmulatorSocket, record: Socket) -> None:
        self.inner, self.record = inner, record
        self.path: str = inner.path
        self.query: QueryParams = inner.query
        self.headers: Headers = inner.headers

    async def receive_text(self, timeout: float | None = None) -> str:
        text = await self.inner.receive_text(timeout)
        self.record.received.append((time.monotonic(), orjson.loads(text)))
        return text

    async def send_text(self, text: str) -> None:
        # Written down before it leaves: a reply is then always stamped before the client's
        # answer to it, whichever server task gets to run first afterwards.
        self.record.sent.append((time.monotonic(), orjson.loads(text)))
        await self.inner.send_text(text)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        await self.inner.close(code, reason)


class RecordingFront(TastytradeFront):
    """The tastytrade front, recording REST exchanges and websocket traffic (see module doc)."""

    def __init__(self, engine: Engine, sandbox: SandboxOptions | None = None) -> None:
        super().__init__(engine, sandbox)
        self.exchanges: list[Exchange] = []
        self.sockets: list[Socket] = []
        self.streamer_gate = threading.Event()
        self.streamer_gate.set()

    def handle(self, request: Request) -> Reply:
        """Answer as tastytrade would, then record the exchange."""
        reply = super().handle(request)
        token = None
        if request.url.path == "/api-quote-tokens" and isinstance(reply.body, bytes):
            token = orjson.loads(reply.body)["data"]["token"]
        self.exchanges.append(
            Exchange(request.method, request.url.path, reply.status, time.monotonic(), token)
        )
        return reply

    def websocket(self, path: str) -> WebSocketHandler | None:
        """The front's handler for ``path``, serving a recorded socket."""
        handler = super().websocket(path)
        if handler is None:
            return None
        served = handler

        async def recorded(socket: EmulatorSocket) -> None:
            record = Socket(path=path.rstrip("/"), opened_at=time.monotonic())
            self.sockets.append(record)
            try:
                if record.path == "/account-streamer":
                    while not self.streamer_gate.is_set():
                        await asyncio.sleep(0.01)
                await served(_RecordingSocket(socket, record))
            finally:
                record.closed_at = time.monotonic()

        return recorded

    def connections(self, path: str) -> list[Socket]:
        """The websocket connections to ``path``, oldest first."""
        return [s for s in list(self.sockets) if s.path == path]

    def quote_tokens(self) -> list[str]:
        """The quote tokens handed out, in order."""
        return [e.token for e in list(self.exchanges) if e.token is not None]


class ServedTastytrade:
    """A served tastytrade emulator: ``engine``, ``front``, ``handle``; :meth:`connect` gives
    the real client for it."""

    def __init__(self, sandbox: SandboxOptions | None = None) -> None:
        self.engine = Engine()
        self.front = RecordingFront(self.engine, sandbox)
        self.handle: ServerHandle = serve(self.front, host="127.0.0.1", port=0)

    def connect(self, adapter: type[TastytradeAdapter] | None = None) -> bl.AsyncBroker:
        """The real client relocated to the served front; ``adapter``: a subclass of the
        tastytrade adapter to use instead (shorter stream timings, say)."""
        registry = AdapterRegistry()
        if adapter is not None:
            registry.register(adapter)
        return bl.connect_async(
            "tastytrade:emulator",
            base_url=self.handle.url,
            auth=bl.StaticToken(TOKEN),
            registry=registry,
        )

    def stop(self) -> None:
        """Stop serving."""
        self.front.streamer_gate.set()
        self.handle.stop()


async def until(condition: Callable[[], bool], *, timeout: float = 5.0, what: str = "") -> None:
    """Wait (polling every 10 ms) until ``condition()`` holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g}s waiting for {what or condition}")
        await asyncio.sleep(0.01)
