"""The emulator websocket seam: one handler serves a socket in-process and on a loopback port."""

from __future__ import annotations

import asyncio
import threading

import pytest

from brokerlink._http import AsyncClient, Request, WebSocketClosed, WebSocketError
from brokerlink.emulator import Engine
from brokerlink.emulator.http import (
    EmulatorSocket,
    EmulatorTransport,
    Front,
    Reply,
    SocketClosed,
    WebSocketHandler,
    serve,
)


class _EchoFront(Front):
    """Echoes text in upper case at /echo, greets with the Host it saw, and closes on "bye"."""

    name = "echo"

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        # Set from the loopback server's thread, so a thread-safe event (not an asyncio one).
        self.closed_by_client = threading.Event()

    def handle(self, request: Request) -> Reply:
        return Reply.json(200, {"path": request.url.path})

    def error_reply(self, status: int, message: str, *, retry_after: float | None = None) -> Reply:
        return Reply.json(status, {"error": message})

    def websocket(self, path: str) -> WebSocketHandler | None:
        return self._echo if path == "/echo" else None

    async def _echo(self, socket: EmulatorSocket) -> None:
        await socket.send_text(f"hello {socket.headers['host']} {socket.query.get('who')}")
        try:
            while True:
                text = await socket.receive_text()
                if text == "bye":
                    await socket.close(4000, "asked to")
                    return
                await socket.send_text(text.upper())
        except SocketClosed:
            self.closed_by_client.set()


@pytest.fixture
def engine() -> Engine:
    return Engine()


async def test_an_in_process_emulator_serves_websockets_through_a_loopback_server(
    engine: Engine,
) -> None:
    front = _EchoFront(engine)
    transport = EmulatorTransport(front, engine)
    async with AsyncClient(transport=transport) as client:
        # REST still answers in-process on the same client.
        assert (await client.get("http://echo.emulator/rest")).json() == {"path": "/rest"}
        async with client.websocket("ws://echo.emulator/echo?who=me") as ws:
            assert await ws.receive_text(timeout=5) == "hello echo.emulator me"
            await ws.send_text("abc")
            assert await ws.receive_text(timeout=5) == "ABC"
            await ws.send_text("bye")
            with pytest.raises(WebSocketClosed) as closed:
                await ws.receive_text(timeout=5)
            assert closed.value.code == 4000
    # The last websocket closed and the client closed the transport: the server is gone.
    assert transport._sockets._server is None


async def test_the_handler_sees_the_client_go_away(engine: Engine) -> None:
    front = _EchoFront(engine)
    async with AsyncClient(transport=EmulatorTransport(front, engine)) as client:
        async with client.websocket("ws://echo.emulator/echo") as ws:
            await ws.receive_text(timeout=5)
        assert await asyncio.to_thread(front.closed_by_client.wait, 5)


async def test_an_unknown_websocket_path_is_refused(engine: Engine) -> None:
    async with AsyncClient(transport=EmulatorTransport(_EchoFront(engine), engine)) as client:
        with pytest.raises(WebSocketError):
            async with client.websocket("ws://echo.emulator/nowhere"):
                pass


async def test_a_served_front_speaks_websockets_to_any_client(engine: Engine) -> None:
    with serve(_EchoFront(engine)) as handle:
        async with (
            AsyncClient() as client,
            client.websocket(f"ws://127.0.0.1:{handle.port}/echo?who=you") as ws,
        ):
            assert await ws.receive_text(timeout=5) == f"hello 127.0.0.1:{handle.port} you"
            await ws.send_text("xyz")
            assert await ws.receive_text(timeout=5) == "XYZ"
