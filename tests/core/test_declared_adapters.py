"""The broker packages install and register before their endpoints exist, and say so clearly."""

from __future__ import annotations

import pytest
from support.fake_adapter import Recorder, json_response

import brokerlink as bl
from brokerlink import _http


def _declared_selectors() -> list[str]:
    """``<adapter>:<first non-emulator environment>`` of every still declared-only adapter."""
    from brokerlink.adapter import DeclaredAdapter
    from brokerlink.registry import AdapterRegistry

    registry = AdapterRegistry()
    found = []
    for name in registry.names():
        kind = registry.get(name)
        if issubclass(kind, DeclaredAdapter):
            env = next(e for e, spec in kind.environments.items() if not spec.is_emulator)
            found.append(f"{name}:{env}")
    return found


@pytest.mark.parametrize("selector", _declared_selectors())
def test_every_call_is_refused_before_any_request(
    selector: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = "BROKERLINK_" + selector.upper().replace(":", "_")
    monkeypatch.setenv(f"{prefix}_ACCESS_TOKEN", "test-token-not-real")
    recorder = Recorder(lambda request: json_response(200, {}))
    broker = bl.connect(selector, transport=recorder.transport, account="X1234567")
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
