"""Fixtures for the tastytrade emulator tests: an engine, its front, raw httpx2 clients.

The clients are plain httpx2 clients over the in-process transport (no adapter code): the tests
speak tastytrade's wire format directly, with the headers every tastytrade request carries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from brokerlink_tastytrade.emulator import TastytradeFront, emulator_front

from brokerlink._http import AsyncClient, Client
from brokerlink.emulator import Engine
from brokerlink.emulator.http import EmulatorTransport

ACCOUNT = "EMU00001"
CASH_ACCOUNT = "EMU00002"
BASE = "http://tastytrade.emulator"
HEADERS = {
    "Authorization": "Bearer test-access-token",
    "User-Agent": "brokerlink-tests/1.0",
    "Accept-Version": "20261012",
}
FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> Any:
    """A documented payload from ``fixtures/`` (see its README)."""
    return orjson.loads((FIXTURES / name).read_bytes())


@pytest.fixture
def engine() -> Engine:
    return Engine()


@pytest.fixture
def front(engine: Engine) -> TastytradeFront:
    return emulator_front(engine)


@pytest.fixture
def client(front: TastytradeFront, engine: Engine) -> Iterator[Client]:
    with Client(transport=EmulatorTransport(front, engine), base_url=BASE, headers=HEADERS) as c:
        yield c


@pytest.fixture
async def aclient(front: TastytradeFront, engine: Engine) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(
        transport=EmulatorTransport(front, engine), base_url=BASE, headers=HEADERS
    ) as c:
        yield c


def data(response: Any, status: int = 200) -> Any:
    """The ``data`` of a good answer (asserting its status)."""
    assert response.status_code == status, response.text
    return response.json()["data"]


def error(response: Any, status: int) -> dict[str, Any]:
    """The ``error`` object of an error answer (asserting its status)."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()["error"]
    return body


async def recv(ws: Any, timeout: float = 5.0) -> Any:
    """The next JSON message from a websocket."""
    return orjson.loads(await ws.receive_text(timeout=timeout))


async def recv_until(ws: Any, wanted: str, timeout: float = 5.0, key: str = "type") -> Any:
    """The first message whose ``key`` is ``wanted`` (keepalives and others skipped)."""
    while True:
        message = await recv(ws, timeout)
        if message.get(key) == wanted:
            return message


async def closed_code(ws: Any, timeout: float = 5.0) -> int:
    """Read until the server closes the websocket; its close code."""
    from brokerlink._http import WebSocketClosed

    try:
        while True:
            await ws.receive_text(timeout=timeout)
    except WebSocketClosed as closed:
        return int(closed.code)
