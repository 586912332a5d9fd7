"""The facade's cross-broker rules, run through the real drivers against a scripted broker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.fake_adapter import FakeAdapter, Recorder, json_response, order_json

import brokerlink as bl
from brokerlink import _http
from brokerlink.capabilities import Feature
from brokerlink.registry import AdapterRegistry

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture
def registry() -> AdapterRegistry:
    reg = AdapterRegistry(discover=list)
    reg.register(FakeAdapter)
    return reg


@pytest.fixture(autouse=True)
def _no_config(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(str(tmp_path))
    for var in ("BROKERLINK_CONFIG", "BROKERLINK_ALLOW_LIVE"):
        monkeypatch.delenv(var, raising=False)
    return


def test_a_placement_that_times_out_is_sent_once_then_found_by_client_id(
    registry: AdapterRegistry,
) -> None:
    order = bl.NewOrder.market("AAPL", bl.BUY, 5)

    def broker_side(request: _http.Request) -> _http.Response:
        if request.method == "POST":
            raise _http.read_timeout("the answer was lost", request)
        assert request.url.params["client_id"] == order.client_id
        return json_response(200, {"orders": [order_json(order, "501")]})

    recorder = Recorder(broker_side)
    with bl.connect(
        "fake:sandbox", registry=registry, transport=recorder.transport, account="ACC1"
    ) as broker:
        placed = broker.place(order)
    assert isinstance(placed, bl.Order)
    assert placed.id == "501"
    assert placed.client_id == order.client_id
    assert recorder.count("POST") == 1
    assert recorder.count("GET") == 1


def test_an_ambiguous_placement_not_found_raises_and_is_not_resent(
    registry: AdapterRegistry,
) -> None:
    order = bl.NewOrder.market("AAPL", bl.BUY, 5)

    def broker_side(request: _http.Request) -> _http.Response:
        if request.method == "POST":
            return json_response(504, {"error": "gateway timeout"})
        return json_response(200, {"orders": []})

    recorder = Recorder(broker_side)
    broker = bl.connect(
        "fake:sandbox", registry=registry, transport=recorder.transport, account="ACC1"
    )
    with pytest.raises(bl.AmbiguousOrderError, match="reconcile by client_id") as caught:
        broker.place(order)
    assert caught.value.client_id == order.client_id
    assert recorder.count("POST") == 1


async def test_the_async_facade_follows_the_same_placement_rule(registry: AdapterRegistry) -> None:
    order = bl.NewOrder.market("AAPL", bl.BUY, 5)

    def broker_side(request: _http.Request) -> _http.Response:
        if request.method == "POST":
            raise _http.read_error("connection reset", request)
        return json_response(200, {"orders": [order_json(order, "9")]})

    recorder = Recorder(broker_side)
    async with bl.connect_async(
        "fake:sandbox", registry=registry, transport=recorder.transport, account="A"
    ) as broker:
        placed = await broker.place(order)
    assert isinstance(placed, bl.Order)
    assert placed.id == "9"
    assert recorder.count("POST") == 1


def test_a_missing_capability_refuses_before_any_request(
    registry: AdapterRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        FakeAdapter, "features", frozenset(Feature) - {Feature.PREVIEW, Feature.BARS}
    )
    recorder = Recorder(lambda request: json_response(200, {}))
    broker = bl.connect("fake:sandbox", registry=registry, transport=recorder.transport)
    with pytest.raises(bl.NotSupportedError, match="preview is not supported by fake sandbox"):
        broker.preview(bl.NewOrder.market("AAPL", bl.BUY, 1))
    with pytest.raises(bl.NotSupportedError, match="bars"):
        broker.bars("AAPL", "1min")
    with pytest.raises(bl.NotSupportedError, match="option orders"):
        broker.place(bl.NewOrder.market("AAPL  250321C00175000", bl.BUY, 1))
    with pytest.raises(bl.NotSupportedError, match="OTO order groups"):
        broker.place(
            bl.OrderGroup.oto(
                bl.NewOrder.limit("AAPL", bl.BUY, 1, "10"),
                bl.NewOrder.limit("AAPL", bl.SELL, 1, "12"),
            )
        )
    with pytest.raises(bl.NotSupportedError, match="quotes streaming is not supported"):
        broker.stream_quotes("AAPL")
    assert recorder.requests == []


def test_the_only_account_is_the_default_and_many_accounts_need_a_choice(
    registry: AdapterRegistry,
) -> None:
    accounts = {"accounts": ["ONLY0001"]}
    recorder = Recorder(
        lambda request: json_response(
            200,
            accounts
            if request.url.path.endswith("/accounts")
            else order_json(bl.NewOrder.market("AAPL", bl.BUY, 1)),
        )
    )
    broker = bl.connect("fake:sandbox", registry=registry, transport=recorder.transport)
    assert broker.cancel("77").account == "ONLY0001"
    accounts["accounts"] = ["A0000001", "B0000002"]
    other = bl.connect("fake:sandbox", registry=registry, transport=recorder.transport)
    with pytest.raises(bl.ConfigError, match="pass account=") as caught:
        other.cancel("77")
    assert "A0000001" not in str(caught.value)


def test_live_refuses_before_any_request_without_both_opt_ins(
    registry: AdapterRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorder = Recorder(lambda request: json_response(200, {}))
    with pytest.raises(bl.ConfigError, match="BROKERLINK_ALLOW_LIVE"):
        bl.connect("fake:live", registry=registry, transport=recorder.transport)
    monkeypatch.setenv("BROKERLINK_ALLOW_LIVE", "1")
    with pytest.raises(bl.ConfigError, match="allow_live"):
        bl.connect("fake:live", registry=registry, transport=recorder.transport)
    monkeypatch.setenv("BROKERLINK_FAKE_LIVE_ALLOW_LIVE", "true")
    assert (
        bl.connect("fake:live", registry=registry, transport=recorder.transport).name == "fake:live"
    )
    assert recorder.requests == []


def test_unknown_environment_and_adapter_say_what_exists(registry: AdapterRegistry) -> None:
    with pytest.raises(bl.ConfigError, match="use one of: sandbox, live"):
        bl.connect("fake:paper", registry=registry)
    with pytest.raises(bl.ConfigError, match="pip install brokerlink-tradier"):
        bl.connect("tradier:sandbox", registry=registry)


def test_replace_checks_its_input_before_any_request(registry: AdapterRegistry) -> None:
    recorder = Recorder(lambda request: json_response(200, {}))
    broker = bl.connect(
        "fake:sandbox", registry=registry, transport=recorder.transport, account="A"
    )
    with pytest.raises(bl.InvalidOrderError, match="at least one") as empty:
        broker.replace("1")
    assert empty.value.field == "replace"
    with pytest.raises(bl.InvalidOrderError) as floaty:
        broker.replace("1", limit_price=1.1)  # type: ignore[arg-type]
    assert floaty.value.field == "limit_price"
    with pytest.raises(bl.InvalidOrderError) as negative:
        broker.replace("1", quantity="-3")
    assert negative.value.field == "quantity"
    assert recorder.requests == []


def test_closing_a_broker_cancels_a_stream_left_suspended() -> None:
    """An iterator kept alive by a traceback (never closed) must not stop close() returning."""
    import threading
    from itertools import islice

    import brokerlink as bl

    broker = bl.connect("paper:emulator")
    stream = broker.stream_quotes(["SPY"])
    assert len(list(islice(stream, 2))) == 2  # islice leaves `stream` suspended, not closed
    closer = threading.Thread(target=broker.close, daemon=True)
    closer.start()
    closer.join(15)
    assert not closer.is_alive()
    del stream
