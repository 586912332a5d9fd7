"""Stopping a served emulator while clients still hold streams and websockets open.

Before the fix, uvicorn's shutdown cancelled the ASGI tasks still serving a chunked stream or a
websocket, and logged each as "Exception in ASGI application ... CancelledError"; the client saw
its connection cut. Now the server ends its open streams (a normal end of the chunked body) and
closes its websockets with 1001 "going away" before uvicorn shuts down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from support.stream_checks import error_messages, server_logs

from brokerlink._http import AsyncClient, AsyncWebSocketSession, WebSocketClosed
from brokerlink.emulator.http import ServerHandle, serve
from brokerlink.emulator.serving import servable_emulator

# A stop that hangs, or a stream that never ends, fails the test instead of stalling it.
_BOUND = 5.0


async def _rest(lines: AsyncIterator[str]) -> int:
    """Read a stream to its end; how many lines were left."""
    count = 0
    async for _ in lines:
        count += 1
    return count


async def _close_code(ws: AsyncWebSocketSession) -> int:
    """Read on (what was sent before the close is still there) until the server closes."""
    while True:
        try:
            await ws.receive_text(timeout=_BOUND)
        except WebSocketClosed as closed:
            return int(closed.code)


async def _stop(*handles: ServerHandle) -> None:
    # stop() joins the server thread: off this loop, which must keep serving the clients.
    await asyncio.wait_for(
        asyncio.gather(*(asyncio.to_thread(h.stop) for h in handles)), _BOUND * 2
    )


async def test_stopping_ends_open_streams_and_closes_websockets_without_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    paper = servable_emulator("paper")
    tradier = servable_emulator("tradier")
    with (
        serve(paper.front) as paper_server,
        serve(tradier.front) as tradier_server,
        server_logs(caplog, logging.ERROR),
    ):
        quotes_url = paper.api_root(paper_server.url) + "/stream/quotes"
        events_url = f"ws://127.0.0.1:{tradier_server.port}/v1/markets/events"
        async with (
            AsyncClient() as client,
            client.stream("GET", quotes_url, params={"symbols": "SPY"}) as response,
            client.websocket(events_url) as ws,
        ):
            assert response.status_code == 200
            lines = response.aiter_lines()
            assert '"quote"' in await asyncio.wait_for(anext(lines), _BOUND)
            # The market socket answers a payload it cannot read: its handler is serving.
            await ws.send_text("not json")
            assert "error" in await ws.receive_text(timeout=_BOUND)

            await _stop(paper_server, tradier_server)

            # The chunked body ended normally: reading on finishes, with no protocol error.
            await asyncio.wait_for(_rest(lines), _BOUND)
            assert await _close_code(ws) == 1001
    assert error_messages(caplog) == []
