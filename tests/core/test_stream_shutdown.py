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
import threading
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from support.stream_checks import error_messages, open_readers, server_logs

import brokerlink as bl
from brokerlink._http import AsyncBaseTransport, AsyncHTTPTransport
from brokerlink.emulator.http import serve
from brokerlink.emulator.serving import servable_emulator
from brokerlink.paper import streams as paper_streams
from brokerlink.runtime import streaming
from brokerlink.testing.tap import TapTransport

# The client's reader chain: what must be closed by the time aclose() returns.
_READERS = {streaming.__file__, paper_streams.__file__}


class _ClosingTracked(AsyncHTTPTransport):
    """A real loopback transport that notes when it is closed (its sockets with it)."""

    def __init__(self, ledger: list[_ClosingTracked]) -> None:
        super().__init__()
        self.closed = False
        ledger.append(self)

    async def aclose(self) -> None:
        self.closed = True
        await super().aclose()


@attrs.define
class _Served:
    """The served paper emulator, and how a case connects to it: plain, or through the tap."""

    api_root: str
    tapped: bool
    transports: list[_ClosingTracked] = attrs.Factory(list)

    def options(self) -> dict[str, Any]:
        """``connect`` keywords: the server's address, and the tap when the case uses one."""
        extra: dict[str, Any] = {"base_url": self.api_root, "auth": bl.StaticToken("x")}
        if self.tapped:
            extra["transport"] = TapTransport(async_transport=self._transport)
        return extra

    def _transport(self) -> AsyncBaseTransport:
        return _ClosingTracked(self.transports)

    def check_released(self) -> None:
        """With the tap, the stream's own connection was released by its close, not later."""
        if self.tapped:
            assert self.transports, "the tap made no transport"
            assert all(t.closed for t in self.transports)


@pytest.fixture(params=[False, True], ids=["plain", "tap"])
def served(request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture) -> Iterator[_Served]:
    """The paper emulator served on loopback, with asyncio's and the server's errors captured."""
    emulator = servable_emulator("paper")
    with serve(emulator.front) as handle, server_logs(caplog):
        yield _Served(emulator.api_root(handle.url), bool(request.param))


def _market_order() -> bl.NewOrder:
    return bl.NewOrder.market("AAPL", bl.BUY, 3, effect=bl.OPEN)


def test_an_async_order_stream_stopped_after_its_first_fill_closes_in_order(
    served: _Served, caplog: pytest.LogCaptureFixture
) -> None:
    reported: list[dict[str, Any]] = []

    async def scenario() -> list[asyncio.Task[Any]]:
        asyncio.get_running_loop().set_exception_handler(lambda _, ctx: reported.append(ctx))
        async with bl.connect_async("paper:emulator", **served.options()) as broker:
            stream = broker.stream_orders()
            placing = asyncio.ensure_future(broker.place(_market_order()))
            async for event in stream:
                if event.fill is not None:
                    break
            await placing
            await stream.aclose()
            assert open_readers(_READERS) == []
            served.check_released()
        for _ in range(3):  # let finalizer callbacks scheduled by the closes run
            await asyncio.sleep(0)
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task() and not t.done()]

    with asyncio.Runner() as runner:
        leftover = runner.run(scenario())
        assert leftover == []
    # The runner's close ran shutdown_asyncgens: nothing was left for it to close.
    assert [ctx.get("message") for ctx in reported] == []
    assert error_messages(caplog) == []


def test_a_sync_order_stream_stopped_after_its_first_fill_closes_in_order(
    served: _Served, caplog: pytest.LogCaptureFixture
) -> None:
    with bl.connect("paper:emulator", **served.options()) as broker:
        stream = broker.stream_orders()
        placer = threading.Timer(0.2, lambda: broker.place(_market_order()))
        placer.start()
        try:
            fills = (event for event in stream if event.fill is not None)
            assert next(fills).fill is not None
        finally:
            placer.join()
        stream.close()  # type: ignore[attr-defined]
        assert open_readers(_READERS) == []
        served.check_released()
    # The stream's loop (a helper thread's) shut down with nothing left to close.
    assert error_messages(caplog) == []
