"""Stopping a stream early over real HTTP: the whole reader chain closes at once, in order.

A consumer that breaks out of ``async for`` and calls ``aclose()`` must leave nothing behind:
before the fix, the paper streams and the sync facade iterated their inner generators with a
bare ``async for`` (which never closes them), so the core NDJSON reader stayed suspended inside
``AsyncClient.stream`` with its socket open, until the loop's ``shutdown_asyncgens`` closed all
the leftovers at once and one of them was closed while another was still closing it
("aclose(): asynchronous generator is already running").

Each case runs on a loop of its own (``asyncio.Runner``) so that the loop's shutdown, where the
old failure surfaced, happens inside the test, with an exception handler recording what the
loop reports.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import types
from collections.abc import Iterator
from typing import Any

import pytest

import brokerlink as bl
from brokerlink._http import AsyncBaseTransport, AsyncHTTPTransport
from brokerlink.emulator.http import ServerHandle, serve
from brokerlink.emulator.serving import ServableEmulator, servable_emulator
from brokerlink.paper import streams as paper_streams
from brokerlink.runtime import streaming
from brokerlink.testing.tap import TapTransport

# The client's reader chain: what must be closed by the time aclose() returns.
_READERS = {streaming.__file__, paper_streams.__file__}


def _open_readers() -> list[str]:
    """The reader-chain generators still open (started, not finished) anywhere in the process."""
    gc.collect()
    return [
        g.ag_code.co_qualname
        for g in gc.get_objects()
        if isinstance(g, types.AsyncGeneratorType)
        and g.ag_frame is not None
        and g.ag_code.co_filename in _READERS
    ]


class _ClosingTracked(AsyncHTTPTransport):
    """A real loopback transport that notes when it is closed (its sockets with it)."""

    def __init__(self, ledger: list[_ClosingTracked]) -> None:
        super().__init__()
        self.closed = False
        ledger.append(self)

    async def aclose(self) -> None:
        self.closed = True
        await super().aclose()


@pytest.fixture
def served() -> Iterator[tuple[ServableEmulator, ServerHandle]]:
    emulator = servable_emulator("paper")
    handle = serve(emulator.front)
    try:
        yield emulator, handle
    finally:
        handle.stop()


@pytest.fixture
def logged(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Errors logged by asyncio (any loop, any thread) and by the emulator's server."""
    server_log = logging.getLogger("uvicorn.error")  # uvicorn's loggers do not propagate
    server_log.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.WARNING):
            yield caplog
    finally:
        server_log.removeHandler(caplog.handler)


def _market_order() -> bl.NewOrder:
    return bl.NewOrder.market("AAPL", bl.BUY, 3, effect=bl.OPEN)


def _problems(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("tapped", [False, True], ids=["plain", "tap"])
def test_an_async_order_stream_stopped_after_its_first_fill_closes_in_order(
    served: tuple[ServableEmulator, ServerHandle],
    logged: pytest.LogCaptureFixture,
    tapped: bool,
) -> None:
    emulator, handle = served
    transports: list[_ClosingTracked] = []
    reported: list[dict[str, Any]] = []

    def make_transport() -> AsyncBaseTransport:
        return _ClosingTracked(transports)

    async def scenario() -> list[asyncio.Task[Any]]:
        asyncio.get_running_loop().set_exception_handler(lambda _, ctx: reported.append(ctx))
        extra: dict[str, Any] = {}
        if tapped:
            extra["transport"] = TapTransport(async_transport=make_transport)
        async with bl.connect_async(
            "paper:emulator",
            base_url=emulator.api_root(handle.url),
            auth=bl.StaticToken("x"),
            **extra,
        ) as broker:
            stream = broker.stream_orders()
            placing = asyncio.ensure_future(broker.place(_market_order()))
            async for event in stream:
                if event.fill is not None:
                    break
            await placing
            await stream.aclose()
            assert _open_readers() == []
            if tapped:
                # The stream's own connection was released by aclose() itself, not later.
                assert transports, "the tap made no transport"
                assert all(t.closed for t in transports)
        for _ in range(3):  # let finalizer callbacks scheduled by the closes run
            await asyncio.sleep(0)
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]

    with asyncio.Runner() as runner:
        leftover = runner.run(scenario())
        assert leftover == []
    # The runner's close ran shutdown_asyncgens: nothing was left for it to close.
    assert [ctx.get("message") for ctx in reported] == []
    assert _problems(logged) == []


@pytest.mark.parametrize("tapped", [False, True], ids=["plain", "tap"])
def test_a_sync_order_stream_stopped_after_its_first_fill_closes_in_order(
    served: tuple[ServableEmulator, ServerHandle],
    logged: pytest.LogCaptureFixture,
    tapped: bool,
) -> None:
    emulator, handle = served
    transports: list[_ClosingTracked] = []

    def make_transport() -> AsyncBaseTransport:
        return _ClosingTracked(transports)

    extra: dict[str, Any] = {}
    if tapped:
        extra["transport"] = TapTransport(async_transport=make_transport)
    with bl.connect(
        "paper:emulator",
        base_url=emulator.api_root(handle.url),
        auth=bl.StaticToken("x"),
        **extra,
    ) as broker:
        stream = broker.stream_orders()
        placer = threading.Timer(0.2, lambda: broker.place(_market_order()))
        placer.start()
        try:
            fills = (event for event in stream if event.fill is not None)
            assert next(fills).fill is not None
        finally:
            placer.join()
        stream.close()  # type: ignore[attr-defined]
        assert _open_readers() == []
        if tapped:
            assert transports
            assert all(t.closed for t in transports)
    # The stream's loop (a helper thread's) shut down with nothing left to close.
    assert _problems(logged) == []
