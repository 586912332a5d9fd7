"""The in-process transport: an httpx2 transport that answers from an emulator front.

``connect("<adapter>:emulator")`` builds one of these, so the whole client stack (drivers, auth,
error tables, streams) runs exactly as against the real broker, with no socket. Before dispatching
a request it applies the engine's fault plan for the request's path (DESIGN §9):

=================== ========================================================================
fault               effect
=================== ========================================================================
``Latency``         waits (``time.sleep`` on the sync path, ``asyncio.sleep`` on the async)
``HttpError``       answers ``front.error_reply(status)`` with ``Retry-After`` when given;
                    the front (and the engine) never see the request
``TokenExpired``    answers 401 through ``front.error_reply``
``DropConnection``  dispatches first, *then* raises a read error: the broker acted but the
                    answer was lost, which is what makes an ambiguous placement testable
=================== ========================================================================

Streaming replies are checked frame by frame as well (see :func:`faulted_frames`): a
``StreamGap`` skips frames and a ``DropConnection`` cuts the stream mid-way.

A websocket upgrade cannot be answered without a byte stream, so the transport forwards it to a
loopback server of the same front (DESIGN §9: websockets on an ephemeral loopback port), started
on the first upgrade and stopped when the transport is closed with no websocket left open
(:class:`_LoopbackSockets`). Client code therefore opens ``ws://<broker>.emulator/...`` exactly as
it would open the real broker's URL.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator
from types import MappingProxyType
from typing import TYPE_CHECKING

import attrs

from brokerlink._http import (
    AsyncByteStream,
    AsyncHTTPTransport,
    Request,
    Response,
    UpgradedStream,
    read_error,
)
from brokerlink.adapter import Transport
from brokerlink.emulator.faults import (
    DropConnection,
    Fault,
    Faults,
    HttpError,
    Latency,
    StreamGap,
    TokenExpired,
)
from brokerlink.emulator.http.front import Front
from brokerlink.emulator.http.reply import Reply
from brokerlink.runtime.streaming import close_stream

if TYPE_CHECKING:
    from brokerlink.emulator import Engine
    from brokerlink.emulator.http.server import ServerHandle

__all__ = [
    "ConnectionDropped",
    "EmulatorTransport",
    "FaultAction",
    "fault_action",
    "faulted_frames",
    "take_stream_fault",
]

_STREAM_FAULTS = (Latency, StreamGap, DropConnection)

_REASONS = MappingProxyType(
    {
        429: "too many requests",
        500: "internal server error",
        502: "bad gateway",
        503: "service unavailable",
        504: "gateway timeout",
    }
)


@attrs.frozen(kw_only=True)
class FaultAction:
    """What one request's fault asks of whoever serves it (transport or server)."""

    delay: float = 0.0
    answer: Reply | None = None
    drop: bool = False


def fault_action(front: Front, fault: Fault | None) -> FaultAction:
    """Translate a fault taken for a request into what to do about it."""
    if isinstance(fault, Latency):
        return FaultAction(delay=fault.seconds)
    if isinstance(fault, HttpError):
        reply = front.error_reply(
            fault.status,
            _REASONS.get(fault.status, "injected error"),
            retry_after=fault.retry_after,
        )
        if fault.retry_after is not None:
            reply = reply.with_headers({"Retry-After": _seconds(fault.retry_after)})
        return FaultAction(answer=reply)
    if isinstance(fault, TokenExpired):
        return FaultAction(answer=front.error_reply(401, "the access token has expired"))
    if isinstance(fault, DropConnection):
        return FaultAction(drop=True)
    return FaultAction()


async def faulted_frames(
    frames: AsyncIterator[bytes], faults: Faults, path: str
) -> AsyncGenerator[bytes, None]:
    """``frames`` with the stream faults planned for ``path`` applied, one check per frame.

    Only a fault that belongs in a stream (latency, gap, drop) is taken here: an ``HttpError`` at
    the head of the plan is left for the next request, so an open stream never swallows it.
    """
    skip = 0
    try:
        async for frame in frames:
            fault = take_stream_fault(faults, path)
            if isinstance(fault, Latency):
                await asyncio.sleep(fault.seconds)
            elif isinstance(fault, StreamGap):
                skip += fault.events
            elif isinstance(fault, DropConnection):
                raise _dropped(path)
            if skip:
                skip -= 1
                continue
            yield frame
    finally:
        await close_stream(frames)


class EmulatorTransport(Transport):
    """Serves ``front`` in-process, for the sync client (REST) and the async client (REST + streams)."""

    def __init__(self, front: Front, engine: Engine) -> None:
        self.front = front
        self.engine = engine
        self._sockets = _LoopbackSockets(front)

    def close(self) -> None:
        """Stop the loopback websocket server, if one was started."""
        self._sockets.release()

    async def aclose(self) -> None:
        """Stop the loopback websocket server unless a websocket is still open through it.

        Every stream client closes the transport it shares with the facade; only the last one
        out may take the server down.
        """
        self._sockets.release()

    def handle_request(self, request: Request) -> Response:
        """Answer a request from the sync client; streams are refused (they run on the async client)."""
        request.read()
        fault = self.engine.faults.take(request.url.path)
        action = fault_action(self.front, fault)
        if action.delay:
            time.sleep(action.delay)
        reply = action.answer or self.front.handle(request)
        if not isinstance(reply.body, bytes):
            raise RuntimeError(
                f"{request.url.path} is a streaming endpoint: streams run on the async client "
                f"(broker.stream_*() does that for you, also on the sync Broker)"
            )
        if action.drop:
            raise _dropped(request.url.path, request)
        return Response(reply.status, headers=reply.headers, content=reply.body, request=request)

    async def handle_async_request(self, request: Request) -> Response:
        """Answer a request from the async client, streaming replies and websockets included."""
        if request.headers.get("upgrade", "").lower() == "websocket":
            return await self._sockets.forward(request)
        await request.aread()
        fault = self.engine.faults.take(request.url.path)
        action = fault_action(self.front, fault)
        if action.delay:
            await asyncio.sleep(action.delay)
        reply = action.answer or self.front.handle(request)
        if isinstance(reply.body, bytes):
            if action.drop:
                raise _dropped(request.url.path, request)
            return Response(
                reply.status, headers=reply.headers, content=reply.body, request=request
            )
        if action.drop:
            await close_stream(reply.body)
            raise _dropped(request.url.path, request)
        frames = faulted_frames(reply.body, self.engine.faults, request.url.path)
        stream = _FrameStream(frames, request)
        return Response(reply.status, headers=reply.headers, stream=stream, request=request)


class _FrameStream(AsyncByteStream):
    """An httpx2 response stream over a front's frames; closing it ends the front's generator."""

    def __init__(self, frames: AsyncIterator[bytes], request: Request) -> None:
        self._frames = frames
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for frame in self._frames:
                yield frame
        except ConnectionDropped as exc:
            raise read_error(str(exc), self._request) from None

    async def aclose(self) -> None:
        await close_stream(self._frames)


class _LoopbackSockets:
    """The loopback server websocket upgrades are forwarded to, and the count of open ones."""

    def __init__(self, front: Front) -> None:
        self._front = front
        self._lock = threading.Lock()
        self._server: ServerHandle | None = None
        self._open = 0

    def _ensure(self) -> ServerHandle:
        from brokerlink.emulator.http.server import serve  # uvicorn only when a socket opens

        with self._lock:
            if self._server is None:
                self._server = serve(self._front)
            self._open += 1
            return self._server

    def _done(self) -> None:
        with self._lock:
            self._open -= 1

    def release(self) -> None:
        """Stop the server when no websocket is open (it starts again on the next upgrade)."""
        with self._lock:
            server = self._server if self._open <= 0 else None
            if server is not None:
                self._server = None
        if server is not None:
            server.signal_stop()

    async def forward(self, request: Request) -> Response:
        # The Host header is kept, so the front sees the emulator host it would in-process.
        server = await asyncio.to_thread(self._ensure)
        target = request.url.copy_with(scheme="http", host=server.host, port=server.port)
        upgrade = Request(
            request.method, target, headers=request.headers, extensions=request.extensions
        )
        transport = AsyncHTTPTransport()
        try:
            response = await transport.handle_async_request(upgrade)
        except BaseException:
            self._done()
            await transport.aclose()
            raise
        response.request = request
        network = response.extensions.get("network_stream")
        response.stream = UpgradedStream(response.stream, transport, network, self._done)
        return response


class ConnectionDropped(Exception):
    """A stream was cut by a ``DropConnection`` fault: the transport turns it into an httpx2 read
    error, the server into a connection closed mid-body."""


def _dropped(path: str, request: Request | None = None) -> Exception:
    message = f"emulator: connection dropped ({path})"
    return read_error(message, request) if request is not None else ConnectionDropped(message)


def take_stream_fault(faults: Faults, path: str) -> Fault | None:
    """The next stream fault planned for ``path`` (latency, gap, drop), consumed; else ``None``.

    An HTTP-only fault at the head of the plan for this path is left for the next request, so
    an open stream (chunked or websocket) never swallows it.
    """
    for entry in faults.pending():
        if entry.applies(path, streaming=True):
            if isinstance(entry.fault, _STREAM_FAULTS):
                return faults.take(path, streaming=True)
            return None
    return None


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
