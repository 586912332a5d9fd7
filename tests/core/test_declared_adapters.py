"""The broker packages install and register before their endpoints exist, and say so clearly."""

from __future__ import annotations

from types import MappingProxyType

import pytest
from support.fake_adapter import Recorder, json_response

import brokerlink as bl
from brokerlink import _http
from brokerlink.adapter import DeclaredAdapter, Environment
from brokerlink.registry import AdapterRegistry


class _Planned(DeclaredAdapter):
    """A broker package that so far declares only its environments (as third parties start)."""

    name = "planned"
    display_name = "Planned"
    environments = MappingProxyType(
        {"sandbox": Environment(name="sandbox", base_url="https://sandbox.planned.invalid/v1")}
    )


def test_every_call_is_refused_before_any_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROKERLINK_PLANNED_SANDBOX_ACCESS_TOKEN", "test-token-not-real")
    registry = AdapterRegistry(discover=list)
    registry.register(_Planned)
    recorder = Recorder(lambda request: json_response(200, {}))
    broker = bl.connect(
        "planned:sandbox", transport=recorder.transport, account="X1234567", registry=registry
    )
    assert broker.capabilities.features == frozenset()
    with pytest.raises(bl.NotSupportedError, match="accounts is not supported"):
        broker.accounts()
    with pytest.raises(bl.NotSupportedError):
        broker.place(bl.NewOrder.market("AAPL", bl.BUY, 1))
    assert recorder.requests == []


@pytest.mark.parametrize("selector", ["tradestation:sim", "tradier:sandbox", "tastytrade:sandbox"])
def test_missing_credentials_name_the_variable_to_set(
    selector: str, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    monkeypatch.chdir(str(tmp_path))
    prefix = "BROKERLINK_" + selector.upper().replace(":", "_")
    monkeypatch.delenv(f"{prefix}_ACCESS_TOKEN", raising=False)
    with pytest.raises(bl.ConfigError, match=f"{prefix}_ACCESS_TOKEN"):
        bl.connect(selector, transport=_http.MockTransport(lambda request: json_response(200, {})))


def test_the_declared_environments_match_the_broker_notes() -> None:
    from brokerlink.registry import AdapterRegistry

    registry = AdapterRegistry()
    urls = {
        name: {env: e.base_url for env, e in registry.get(name).environments.items()}
        for name in ("tradestation", "tradier", "tastytrade")
    }
    assert urls == {
        "tradestation": {
            "live": "https://api.tradestation.com/v3",
            "sim": "https://sim-api.tradestation.com/v3",
            "emulator": "http://tradestation.emulator/v3",
        },
        "tradier": {
            "live": "https://api.tradier.com/v1",
            "sandbox": "https://sandbox.tradier.com/v1",
            "emulator": "http://tradier.emulator/v1",
        },
        "tastytrade": {
            "live": "https://api.tastyworks.com",
            "sandbox": "https://api.cert.tastyworks.com",
            "emulator": "http://tastytrade.emulator",
        },
    }
