"""The reconnecting websocket stream, against a scripted front served in-process.

Each connection of the scripted front follows one plan: greet (``hello <n>``), maybe send an
event, then drop the line, refuse, or stay open reading what the client sends (keepalives).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator

import pytest

from brokerlink import errors
from brokerlink._http import AsyncClient, Request
from brokerlink.adapter import StreamSession
from brokerlink.emulator import Engine
from brokerlink.emulator.http import EmulatorTransport, Front, Reply
from brokerlink.emulator.http.sockets import EmulatorSocket, SocketClosed, WebSocketHandler
from brokerlink.runtime.retry import RetryPolicy
from brokerlink.runtime.websocket_streams import Dialed, Link, websocket_stream

URL = "ws://feed.emulator/feed"


class _ScriptedFeed(Front):
    """Serves ``/feed``: one plan per connection, in order (``"quiet"`` once they run out)."""

    name = "feed"

    def __init__(self, engine: Engine, plans: list[str]) -> None:
        super().__init__(engine)
        self.plans = plans
        self.opened: list[float] = []  # time.monotonic() of each connection
        self.received: list[list[str]] = []  # what the client sent, per connection
        # Set from the loopback server's thread, so a thread-safe event.
        self.client_left = threading.Event()

    def handle(self, request: Request) -> Reply:
        return self.error_reply(404, request.url.path)

    def error_reply(self, status: int, message: str, *, retry_after: float | None = None) -> Reply:
        return Reply.json(status, {"error": message})

    def websocket(self, path: str) -> WebSocketHandler | None:
        return self._serve if path == "/feed" else None

    async def _serve(self, socket: EmulatorSocket) -> None:
        self.opened.append(time.monotonic())
        number = len(self.opened)
        log: list[str] = []
        self.received.append(log)
        plan = self.plans.pop(0) if self.plans else "quiet"
        try:
            await socket.send_text(f"hello {number}")
            if plan.startswith("event"):
                await socket.send_text(f"event {number}")
            if plan.endswith("drop"):
                await asyncio.sleep(0.05)  # let the client read what was sent first
                await socket.close(1011, "going away")
                return
            while True:  # "quiet", "event", "ack": keep reading the client
                log.append(await socket.receive_text())
        except SocketClosed:
            self.client_left.set()


async def _texts(link: Link) -> AsyncGenerator[str, None]:
    """Skip the greeting, then every text message is an event."""
    await link.receive()
    while True:
        yield await link.receive()


async def _ping() -> str:
    return "ping"


async def _dial() -> Dialed[str]:
    return Dialed(url=URL, converse=_texts, keepalive=_ping)


def _policy(retries: int, delay: float = 0.01) -> RetryPolicy:
    return RetryPolicy(max_retries=retries, base_delay=delay, jitter=0.0)


@pytest.fixture
def engine() -> Engine:
    return Engine()


async def _take(stream: AsyncIterator[str], count: int) -> list[str]:
    # Stepped from this task: the socket's task group is left by the task that entered it.
    async with asyncio.timeout(10):
        return [await anext(stream) for _ in range(count)]


async def test_a_drop_is_reopened_after_the_backoff(engine: Engine) -> None:
    front = _ScriptedFeed(engine, ["event-then-drop", "event"])
    async with AsyncClient(transport=EmulatorTransport(front, engine)) as client:
        session = StreamSession(client=client, auth=None, max_reconnects=0)
        stream = websocket_stream(session, _dial, broker="test", backoff=_policy(1, 0.3))
        got = await _take(stream, 2)
        await stream.aclose()
    assert got == ["event 1", "event 2"]
    assert len(front.opened) == 2
    assert front.opened[1] - front.opened[0] >= 0.3  # the backoff was waited out


async def test_a_spent_budget_raises_the_last_failure(engine: Engine) -> None:
    front = _ScriptedFeed(engine, [])

    async def refuse(link: Link) -> AsyncGenerator[str, None]:
        greeting = await link.receive()
        if greeting.startswith("hello"):
            raise errors.BrokerUnavailableError(f"refused after {greeting!r}", broker="test")
        yield greeting  # never reached: the server always greets

    async def dial() -> Dialed[str]:
        return Dialed(url=URL, converse=refuse)

    async with AsyncClient(transport=EmulatorTransport(front, engine)) as client:
        session = StreamSession(client=client, auth=None, max_reconnects=2)
        stream = websocket_stream(session, dial, broker="test", backoff=_policy(2))
        with pytest.raises(errors.BrokerUnavailableError, match="'hello 3'"):
            await _take(stream, 1)
    assert len(front.opened) == 3  # the first try and two reconnects


async def test_a_silent_server_is_reopened_and_kept_alive_meanwhile(engine: Engine) -> None:
    front = _ScriptedFeed(engine, ["quiet", "event"])
    async with AsyncClient(transport=EmulatorTransport(front, engine)) as client:
        session = StreamSession(client=client, auth=None, max_reconnects=1)
        stream = websocket_stream(
            session, _dial, broker="test", keepalive=0.1, silence=0.5, backoff=_policy(1)
        )
        got = await _take(stream, 1)
        await stream.aclose()
    assert got == ["event 2"]
    assert front.opened[1] - front.opened[0] >= 0.5  # dropped only after the silence
    assert "ping" in front.received[0]  # we spoke up while the server was quiet


async def test_a_delivered_event_starts_the_budget_again(engine: Engine) -> None:
    # One reconnect allowed in a row, three drops in all: each connection delivered first.
    front = _ScriptedFeed(engine, ["event-then-drop"] * 3 + ["event"])
    async with AsyncClient(transport=EmulatorTransport(front, engine)) as client:
        session = StreamSession(client=client, auth=None, max_reconnects=1)
        stream = websocket_stream(session, _dial, broker="test", backoff=_policy(1))
        got = await _take(stream, 4)
        await stream.aclose()
    assert got == ["event 1", "event 2", "event 3", "event 4"]


async def test_an_established_connection_starts_the_budget_again(engine: Engine) -> None:
    front = _ScriptedFeed(engine, ["drop"] * 3 + ["event"])

    async def acknowledged(link: Link) -> AsyncGenerator[str, None]:
        await link.receive()
        link.establish()  # the greeting is the handshake's answer: the line works
        while True:
            yield await link.receive()

    async def dial() -> Dialed[str]:
        return Dialed(url=URL, converse=acknowledged)

    async with AsyncClient(transport=EmulatorTransport(front, engine)) as client:
        session = StreamSession(client=client, auth=None, max_reconnects=1)
        stream = websocket_stream(session, dial, broker="test", backoff=_policy(1))
        got = await _take(stream, 1)
        await stream.aclose()
    assert got == ["event 4"]


async def test_without_events_the_budget_runs_out(engine: Engine) -> None:
    front = _ScriptedFeed(engine, ["drop"] * 3)
    async with AsyncClient(transport=EmulatorTransport(front, engine)) as client:
        session = StreamSession(client=client, auth=None, max_reconnects=1)
        stream = websocket_stream(session, _dial, broker="test")
        with pytest.raises(errors.NetworkError):
            await _take(stream, 1)
    assert len(front.opened) == 2


async def test_closing_the_consumer_closes_the_socket(engine: Engine) -> None:
    front = _ScriptedFeed(engine, ["event"])
    async with AsyncClient(transport=EmulatorTransport(front, engine)) as client:
        session = StreamSession(client=client, auth=None, max_reconnects=1)
        stream = websocket_stream(session, _dial, broker="test", backoff=_policy(1))
        assert await _take(stream, 1) == ["event 1"]
        await stream.aclose()
        # The server sees the client go while the client (and its transport) is still open.
        assert await asyncio.to_thread(front.client_left.wait, 5)
    assert len(front.opened) == 1
