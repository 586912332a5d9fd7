"""Broker-specific extensions: declared by an adapter, run by both facades through their drivers."""

from __future__ import annotations

from types import MappingProxyType
from typing import ClassVar

import pytest
from support.fake_adapter import FakeAdapter, Recorder, json_response

import brokerlink as bl
from brokerlink import _http
from brokerlink.broker.core import AccountRef
from brokerlink.broker.extensions import Extension, declared_extensions
from brokerlink.registry import AdapterRegistry
from brokerlink.runtime.operation import CallPolicy, Operation, call


class GreetingExtension(Extension):
    """A broker-only feature: a greeting per account, and a write that must not be retried."""

    def greeting(self, name: str, account: AccountRef = None) -> Operation[str]:
        """``GET /accounts/{id}/greeting?name=...``."""
        account_id = yield from self.account_id(account)
        response = yield call("GET", f"/accounts/{account_id}/greeting", params={"name": name})
        return str(response.json()["text"])

    def shout(self, text: str) -> Operation[int]:
        """``POST /shout`` (a write)."""
        response = yield call(
            "POST", "/shout", json={"text": text}, policy=CallPolicy(kind="write")
        )
        return int(response.json()["length"])


class ExtendedAdapter(FakeAdapter):
    """The fake adapter with one declared extension."""

    name = "extended"
    extensions: ClassVar[MappingProxyType[str, type[Extension]]] = MappingProxyType(
        {"greeter": GreetingExtension}
    )


@pytest.fixture(autouse=True)
def _no_config(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.delenv("BROKERLINK_CONFIG", raising=False)


def _registry() -> AdapterRegistry:
    registry = AdapterRegistry(discover=list)
    registry.register(ExtendedAdapter)
    registry.register(FakeAdapter)
    return registry


def _handler(request: _http.Request) -> _http.Response:
    if request.url.path.endswith("/greeting"):
        return json_response(200, {"text": f"hello {request.url.params['name']}"})
    if request.url.path.endswith("/shout"):
        return json_response(503, {})
    return json_response(200, {"accounts": ["A1"]})


def test_a_sync_broker_runs_extension_operations_through_its_driver() -> None:
    recorder = Recorder(_handler)
    broker = bl.connect("extended:sandbox", transport=recorder.transport, registry=_registry())
    greeter = broker.extension("greeter")
    # account=None resolves like the neutral methods: here the only account, A1.
    assert greeter.greeting("ann") == "hello ann"
    assert [r.url.path for r in recorder.requests] == ["/api/accounts", "/api/accounts/A1/greeting"]
    assert "greeting" in dir(greeter)


def test_writes_through_an_extension_keep_the_driver_rules() -> None:
    recorder = Recorder(_handler)
    broker = bl.connect(
        "extended:sandbox", transport=recorder.transport, registry=_registry(), account="A1"
    )
    with pytest.raises(bl.BrokerUnavailableError):
        broker.extension("greeter").shout("hi")
    assert recorder.count("POST") == 1  # a write is never resent


async def test_an_async_broker_awaits_extension_operations() -> None:
    recorder = Recorder(_handler)
    async with bl.connect_async(
        "extended:sandbox", transport=recorder.transport, registry=_registry(), account="A2"
    ) as broker:
        assert await broker.extension("greeter").greeting("bo") == "hello bo"
    assert recorder.requests[-1].url.path == "/api/accounts/A2/greeting"


def test_a_missing_extension_names_the_broker_and_what_it_has() -> None:
    recorder = Recorder(_handler)
    plain = bl.connect("fake:sandbox", transport=recorder.transport, registry=_registry())
    with pytest.raises(bl.NotSupportedError, match="fake has no 'greeter' extension"):
        plain.extension("greeter")
    extended = bl.connect("extended:sandbox", transport=recorder.transport, registry=_registry())
    with pytest.raises(bl.NotSupportedError, match=r"extensions: greeter"):
        extended.extension("other")
    assert declared_extensions(plain._connection.adapter) == {}
    assert recorder.requests == []


def test_an_unknown_operation_lists_the_operations() -> None:
    recorder = Recorder(_handler)
    broker = bl.connect("extended:sandbox", transport=recorder.transport, registry=_registry())
    with pytest.raises(AttributeError, match="greeting, shout"):
        broker.extension("greeter").wave  # noqa: B018
    with pytest.raises(AttributeError):
        broker.extension("greeter").account_id  # noqa: B018
