"""Fixtures for the TradeStation emulator tests: an engine, the in-process transport, raw clients.

The clients are plain httpx2 clients (through ``brokerlink._http``) carrying a bearer token, so
the tests see exactly the bytes TradeStation's documented API would send, with no adapter code
in between. ``documented(name)`` loads a documented payload from ``examples/`` (see its README).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from brokerlink_tradestation.emulator import TradeStationPersonality, emulator_transport

from brokerlink._http import AsyncClient, Client
from brokerlink.emulator import Engine
from brokerlink.emulator.http import EmulatorTransport

ACCOUNT = "EMU00001"
CASH_ACCOUNT = "EMU00002"
BASE = "https://sim-api.tradestation.com"
AUTH = {"Authorization": "Bearer emulator-token"}
FAST = TradeStationPersonality(heartbeat_seconds=0.05)
"""Heartbeats after 50 ms idle, so heartbeat tests stay fast."""

_EXAMPLES = Path(__file__).parent / "examples"


def documented(name: str) -> Any:
    """A documented TradeStation payload from ``examples/``."""
    return orjson.loads((_EXAMPLES / name).read_bytes())


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


def _keys(examples: list[dict[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for example in examples:
        for key, value in example.items():
            found.setdefault(key, value)
    return found


def assert_shape(actual: Any, example: Any, path: str = "$") -> None:
    """``actual`` uses only the documented field names, each with the documented JSON type.

    Objects are compared key by key (recursively); a list is compared item by item with the
    union of the documented items' fields.
    """
    assert _kind(actual) == _kind(example), f"{path}: {_kind(actual)} vs {_kind(example)}"
    if isinstance(actual, dict):
        for key, value in actual.items():
            assert key in example, f"{path}.{key} is not a documented field"
            assert_shape(value, example[key], f"{path}.{key}")
    elif isinstance(actual, list) and example:
        merged = _keys(example) if isinstance(example[0], dict) else None
        for i, item in enumerate(actual):
            assert_shape(item, merged if merged is not None else example[0], f"{path}[{i}]")


def order_body(**changes: Any) -> dict[str, Any]:
    """A documented-style single-leg order request (``Market Order`` example) with changes."""
    body = {
        "AccountID": ACCOUNT,
        "Symbol": "MSFT",
        "Quantity": "10",
        "OrderType": "Market",
        "TradeAction": "BUY",
        "TimeInForce": {"Duration": "DAY"},
        "Route": "Intelligent",
    }
    body.update(changes)
    return body


@pytest.fixture
def engine() -> Engine:
    return Engine()


@pytest.fixture
def transport(engine: Engine) -> EmulatorTransport:
    return emulator_transport(engine, personality=FAST)


@pytest.fixture
def client(transport: EmulatorTransport) -> Iterator[Client]:
    with Client(transport=transport, base_url=BASE + "/v3", headers=AUTH) as raw:
        yield raw


@pytest.fixture
async def aclient(transport: EmulatorTransport) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(transport=transport, base_url=BASE, headers=AUTH, timeout=10) as raw:
        yield raw
