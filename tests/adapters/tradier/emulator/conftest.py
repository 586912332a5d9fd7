"""Fixtures for the Tradier emulator tests: an engine, the front, raw httpx2 clients.

The clients are plain httpx2 clients (through ``brokerlink._http``) writing Tradier requests by
hand, so the front is tested against the documented wire format and nothing of the Tradier
client adapter. Documented examples live in ``documented/`` (see its README).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from brokerlink_tradier.emulator import TradierFront, TradierOptions, emulator_transport

from brokerlink._http import Client
from brokerlink.emulator import Engine
from brokerlink.emulator.http import EmulatorTransport

sys.path.insert(0, str(Path(__file__).parent))

from tradier_emu import AUTH, BASE, FakeClock, load_documented


@pytest.fixture
def documented() -> Callable[[str], Any]:
    return load_documented


@pytest.fixture
def engine() -> Engine:
    return Engine()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def front(engine: Engine, clock: FakeClock) -> TradierFront:
    return TradierFront(engine, clock=clock)


@pytest.fixture
def client(front: TradierFront, engine: Engine) -> Iterator[Client]:
    with Client(transport=EmulatorTransport(front, engine), base_url=BASE, headers=AUTH) as c:
        yield c


@pytest.fixture
def make_client(engine: Engine) -> Callable[..., Client]:
    """A client over a fresh front with ``options`` (the caller closes it with ``with``)."""

    def build(options: TradierOptions | None = None) -> Client:
        return Client(transport=emulator_transport(engine, options), base_url=BASE, headers=AUTH)

    return build
