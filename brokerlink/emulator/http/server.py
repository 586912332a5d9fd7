"""Serving a front over real HTTP on loopback, for ``brokerlink emulate <adapter> --port N``.

``serve(front)`` runs uvicorn in a background thread behind a small ASGI wrapper and returns a
:class:`ServerHandle` with the ``url`` to call and ``stop()``. Any HTTP client can then talk to
the emulated broker, not only brokerlink. Streaming replies go out with chunked encoding, one
frame per chunk, and end when the client disconnects or the server stops. Websocket connections go
to the front's :meth:`~brokerlink.emulator.http.Front.websocket` handler
(:mod:`brokerlink.emulator.http.sockets`).

Stopping is orderly: before uvicorn shuts down, the app ends each open stream with the chunked
body's normal last chunk and closes each websocket with 1001 "going away", so a client sees a
clean end and nothing is cancelled under uvicorn (which would log it as an application error).

The engine's fault plan applies as in the in-process transport, with one difference: a
``DropConnection`` on a plain request is served by sending the response head and then closing the
connection, so the client sees the answer cut off (the request was acted on, the answer lost).

Only loopback addresses are accepted: an emulator has no authentication and must never be
reachable from another machine.
"""

from __future__ import annotations

import asyncio
import ipaddress
import threading
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from brokerlink._http import Request
from brokerlink.emulator.http.front import Front
from brokerlink.emulator.http.sockets import run_websocket
from brokerlink.emulator.http.transport import ConnectionDropped, fault_action, faulted_frames

if TYPE_CHECKING:
    import uvicorn

__all__ = ["EmulatorApp", "ServerHandle", "asgi_app", "serve"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

_STARTUP_SECONDS = 10.0
# How long a stop waits for open streams and websockets to finish once told to.
_STOP_GRACE_SECONDS = 2.0


def _check_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(
            f"refusing to serve the emulator on {host!r}: it has no authentication, so it only "
            f"listens on loopback; use host='127.0.0.1' (or '::1')"
        )


class EmulatorApp:
    """The ASGI application serving a front, which can end its open streams and websockets.

    Each call (one request or websocket) is tracked while it runs, so :meth:`end_sessions` can
    ask the long-lived ones to finish and wait until they have.
    """

    def __init__(self, front: Front) -> None:
        self.front = front
        # Not bound to a loop until first awaited (Python 3.10+): the server thread's loop uses it.
        self._stopping = asyncio.Event()
        self._running: set[asyncio.Task[Any]] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        task = asyncio.current_task()
        if task is None:  # not run as a task: nothing to wait for on stop
            await self._serve(scope, receive, send)
            return
        self._running.add(task)
        try:
            await self._serve(scope, receive, send)
        finally:
            self._running.discard(task)

    async def end_sessions(self, grace: float) -> None:
        """End open streams and close websockets (1001), waiting up to ``grace`` seconds.

        Calls that arrive afterwards end at once: the server is on its way down.
        """
        self._stopping.set()
        running = self._running - {asyncio.current_task()}
        if running:
            await asyncio.wait(running, timeout=grace)

    async def _serve(self, scope: Scope, receive: Receive, send: Send) -> None:
        front = self.front
        if scope["type"] == "websocket":
            await run_websocket(front, scope, receive, send, stopping=self._stopping)
            return
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = _request(scope, body)
        path = request.url.path
        action = fault_action(front, front.engine.faults.take(path))
        if action.delay:
            await asyncio.sleep(action.delay)
        reply = action.answer or front.handle(request)
        headers = [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers.items()
        ]
        if action.drop:
            # Send the head, then hang up without a body: the client's read fails mid-response.
            await send(
                {
                    "type": "http.response.start",
                    "status": reply.status,
                    "headers": [*headers, (b"content-length", b"1")],
                }
            )
            return
        await send({"type": "http.response.start", "status": reply.status, "headers": headers})
        if isinstance(reply.body, bytes):
            await send({"type": "http.response.body", "body": reply.body})
            return
        frames = faulted_frames(reply.body, front.engine.faults, path)
        await _pump(frames, receive, send, self._stopping)


def asgi_app(front: Front) -> EmulatorApp:
    """An ASGI application serving ``front`` (with the engine's fault plan applied)."""
    return EmulatorApp(front)


async def _pump(
    frames: AsyncGenerator[bytes, None], receive: Receive, send: Send, stopping: asyncio.Event
) -> None:
    """Send frames as chunks until they end, the client disconnects, a fault cuts the stream, or
    the server stops (which ends the body normally)."""

    async def forward() -> None:
        async for frame in frames:
            await send({"type": "http.response.body", "body": frame, "more_body": True})
            # uvicorn's send returns at once while the socket buffer has room; yield so the
            # disconnect watcher runs, or a fast stream would write into a closed socket forever.
            await asyncio.sleep(0)
        await send({"type": "http.response.body", "body": b""})

    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    pumping = asyncio.ensure_future(forward())
    watching = asyncio.ensure_future(disconnected())
    ending = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait({pumping, watching, ending}, return_when=asyncio.FIRST_COMPLETED)
        stopped = ending.done() and not (pumping.done() or watching.done())
    finally:
        for task in (pumping, watching, ending):
            task.cancel()
        results = await asyncio.gather(pumping, watching, ending, return_exceptions=True)
        await frames.aclose()
    if stopped:
        # The last chunk: the client reads a complete body rather than a cut connection. A send
        # cancelled above wrote nothing (uvicorn writes a chunk in one go after any drain).
        await send({"type": "http.response.body", "body": b""})
        return
    for result in results:
        # A dropped stream returns without finishing the body: uvicorn then closes the connection.
        if isinstance(result, BaseException) and not isinstance(
            result, ConnectionDropped | asyncio.CancelledError
        ):
            raise result


def _request(scope: Scope, body: bytes) -> Request:
    headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
    host = next((v for k, v in headers if k.lower() == "host"), "127.0.0.1")
    raw_path = scope.get("raw_path") or scope["path"].encode()
    query = scope.get("query_string", b"")
    target = raw_path.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
    return Request(
        scope["method"],
        f"{scope.get('scheme', 'http')}://{host}{target}",
        headers=headers,
        content=body,
    )


class ServerHandle:
    """A running emulator server: ``url`` to call, ``stop()`` to end it (also a context manager)."""

    def __init__(
        self, server: uvicorn.Server, thread: threading.Thread, host: str, port: int
    ) -> None:
        self._server = server
        self._thread = thread
        self.host = host
        self.port = port
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{port}"

    def signal_stop(self) -> None:
        """Ask the server to stop and return at once (safe to call from an event loop)."""
        self._server.should_exit = True
        self._server.force_exit = True

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving (open streams are closed) and wait for the server thread to end."""
        self.signal_stop()
        self._thread.join(timeout)

    def wait(self) -> None:
        """Block until the server stops (``brokerlink emulate`` runs in the foreground with this)."""
        self._thread.join()

    def __enter__(self) -> ServerHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<ServerHandle {self.url}>"


def serve(front: Front, *, host: str = "127.0.0.1", port: int = 0) -> ServerHandle:
    """Serve ``front`` on ``host:port`` (loopback only; port 0 picks a free one) in a thread."""
    _check_loopback(host)
    import uvicorn  # only the served emulator needs it: the in-process transport stays light

    from brokerlink.emulator.http.orderly import OrderlyServer

    app = asgi_app(front)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan="off",
        # wsproto, not the websockets package: it is what httpx2[ws] already installs.
        ws="wsproto",
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=1,
    )
    server = OrderlyServer(config, app.end_sessions, grace=_STOP_GRACE_SECONDS)
    thread = threading.Thread(
        target=server.run, name=f"brokerlink-emulate-{front.name}", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + _STARTUP_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the emulator server did not start on {host}:{port} (port in use?)")
        time.sleep(0.01)
    bound = server.servers[0].sockets[0].getsockname()
    return ServerHandle(server, thread, bound[0], int(bound[1]))
