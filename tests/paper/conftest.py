"""Fixtures for the paper adapter tests: an engine, a recording transport, and both facades.

Everything runs in-process (no network): the facades talk to the paper front through
:class:`~brokerlink.emulator.http.EmulatorTransport`, wrapped in :class:`Recording` so a test can
count exactly which requests reached the broker.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from brokerlink._http import Request, Response
from brokerlink.adapter import Transport
from brokerlink.broker.async_ import AsyncBroker
from brokerlink.broker.connect import connect, connect_async
from brokerlink.broker.sync import Broker
from brokerlink.emulator import Engine
from brokerlink.emulator.http import EmulatorTransport
from brokerlink.paper.emulator import PaperFront

ACCOUNT = "EMU00001"
CASH_ACCOUNT = "EMU00002"


class Recording(Transport):
    """Delegates to the emulator transport, keeping every request that was sent."""

    def __init__(self, inner: EmulatorTransport) -> None:
        self.inner = inner
        self.requests: list[Request] = []

    def handle_request(self, request: Request) -> Response:
        self.requests.append(request)
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: Request) -> Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    def sent(self, method: str | None = None, contains: str = "") -> list[Request]:
        """The requests with ``method`` whose URL contains ``contains``."""
        return [
            r
            for r in self.requests
            if (method is None or r.method == method) and contains in str(r.url)
        ]


@pytest.fixture
def engine() -> Engine:
    return Engine()


@pytest.fixture
def recording(engine: Engine) -> Recording:
    return Recording(EmulatorTransport(PaperFront(engine), engine))


@pytest.fixture
def broker(recording: Recording) -> Iterator[Broker]:
    with connect("paper:emulator", transport=recording, account=ACCOUNT) as connected:
        yield connected


@pytest.fixture
async def abroker(recording: Recording) -> AsyncIterator[AsyncBroker]:
    async with connect_async("paper:emulator", transport=recording, account=ACCOUNT) as connected:
        yield connected


class Either:
    """One facade seen through awaitable methods, so a test body serves sync and async alike."""

    def __init__(self, facade: Broker | AsyncBroker) -> None:
        self.facade = facade
        self.is_async = isinstance(facade, AsyncBroker)

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self.facade, name)
        if not callable(attribute) or name.startswith("stream_"):
            return attribute

        async def call(*args: Any, **kwargs: Any) -> Any:
            result = attribute(*args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        return call


@pytest.fixture(params=["sync", "async"])
async def either(request: pytest.FixtureRequest, recording: Recording) -> AsyncIterator[Either]:
    """The same test against the sync ``Broker`` and the ``AsyncBroker``."""
    if request.param == "sync":
        with connect("paper:emulator", transport=recording, account=ACCOUNT) as sync_broker:
            yield Either(sync_broker)
    else:
        async with connect_async(
            "paper:emulator", transport=recording, account=ACCOUNT
        ) as async_broker:
            yield Either(async_broker)
