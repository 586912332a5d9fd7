"""Every installed adapter honours the contract: what its capabilities declare, it implements."""

from __future__ import annotations

import pytest

from brokerlink.adapter import Adapter
from brokerlink.capabilities import Feature, StreamKind
from brokerlink.config import Profile
from brokerlink.registry import AdapterRegistry

FEATURE_METHODS = {
    Feature.ACCOUNTS: ["accounts"],
    Feature.BALANCES: ["balances"],
    Feature.POSITIONS: ["positions"],
    Feature.ORDERS: ["orders", "order"],
    Feature.ORDER_HISTORY: ["orders"],
    Feature.PREVIEW: ["preview"],
    Feature.PLACE: ["place", "find_order"],
    Feature.REPLACE: ["replace"],
    Feature.CANCEL: ["cancel"],
    Feature.QUOTES: ["quotes"],
    Feature.BARS: ["bars"],
    Feature.OPTION_CHAIN: ["option_chain"],
    Feature.INSTRUMENT: ["instrument"],
}
STREAM_METHODS = {kind: f"stream_{kind.value}" for kind in StreamKind}

REGISTRY = AdapterRegistry()
CASES = [(name, env) for name in REGISTRY.names() for env in REGISTRY.get(name).environments]


def test_the_three_broker_adapters_and_the_reference_adapter_are_installed() -> None:
    assert {"tradestation", "tradier", "tastytrade", "paper"} <= set(REGISTRY.names())


@pytest.mark.parametrize(("adapter_name", "environment"), CASES)
def test_declared_capabilities_are_implemented(adapter_name: str, environment: str) -> None:
    adapter_type = REGISTRY.get(adapter_name)
    env = adapter_type.environments[environment]
    adapter = adapter_type(
        env,
        Profile(name=f"{adapter_name}:{environment}", broker=adapter_name, environment=environment),
    )
    capabilities = adapter.capabilities()
    assert (capabilities.adapter, capabilities.environment) == (adapter_name, environment)
    methods = dict(FEATURE_METHODS)
    if capabilities.history.over_stream:  # bars come from the adapter's stream-backed history
        methods[Feature.BARS] = ["bar_history"]
    missing = [
        method
        for feature in capabilities.features
        for method in methods[feature]
        if getattr(adapter_type, method) is getattr(Adapter, method)
    ]
    missing += [
        STREAM_METHODS[kind]
        for kind in capabilities.streams
        if getattr(adapter_type, STREAM_METHODS[kind]) is getattr(Adapter, STREAM_METHODS[kind])
    ]
    assert missing == [], f"{adapter_name} {environment} declares but does not implement {missing}"
    if capabilities.groups:
        assert adapter_type.place_group is not Adapter.place_group
    if env.is_emulator:
        assert adapter_type.emulator_transport is not Adapter.emulator_transport


@pytest.mark.parametrize("adapter_name", REGISTRY.names())
def test_live_environments_are_marked_live(adapter_name: str) -> None:
    for name, env in REGISTRY.get(adapter_name).environments.items():
        assert env.name == name
        assert env.is_live == (name == "live")
        if not env.is_emulator:
            assert env.base_url.startswith("https://")
