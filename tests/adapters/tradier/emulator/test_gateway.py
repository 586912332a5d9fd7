"""The gateway's side: bearer tokens, faults, rate-limit headers and 429s; watchlists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from brokerlink_tradier.emulator import TradierFront, TradierOptions
from tradier_emu import ACCOUNT, AUTH, BASE, FakeClock, body, place

from brokerlink._http import Client
from brokerlink.emulator import Engine, HttpError, TokenExpired
from brokerlink.emulator.http import EmulatorTransport


def test_a_missing_token_is_the_gateways_401_fault(front: TradierFront, engine: Engine) -> None:
    transport = EmulatorTransport(front, engine)
    for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Basic abc"}):
        with Client(transport=transport, base_url=BASE, headers=headers) as anonymous:
            answer = anonymous.get("/user/profile")
        assert answer.status_code == 401
        assert body(answer) == {
            "fault": {
                "faultstring": "Invalid Access Token",
                "detail": {"errorcode": "keymanagement.service.invalid_access_token"},
            }
        }


def test_an_expired_token_is_the_documented_fault(client: Client, engine: Engine) -> None:
    engine.faults.add(TokenExpired())
    answer = client.get("/user/profile")
    assert answer.status_code == 401
    assert body(answer)["fault"]["detail"]["errorcode"] == (
        "keymanagement.service.access_token_expired"
    )
    assert client.get("/user/profile").status_code == 200


def test_unknown_paths_and_server_errors_are_gateway_faults(client: Client, engine: Engine) -> None:
    missing = client.get("/no/such/thing")
    assert missing.status_code == 404
    assert body(missing)["fault"]["detail"]["errorcode"].endswith("ApplicationNotFound")
    engine.faults.add(HttpError(status=503))
    unavailable = client.get("/user/profile")
    assert unavailable.status_code == 503
    assert "fault" in body(unavailable)


def test_rate_limit_headers_count_per_class(client: Client, clock: FakeClock) -> None:
    first = client.get("/user/profile").headers
    assert first["X-Ratelimit-Allowed"] == "120"
    assert (first["X-Ratelimit-Used"], first["X-Ratelimit-Available"]) == ("1", "119")
    # The expiry is the end of the one-minute window, in epoch milliseconds.
    assert int(first["X-Ratelimit-Expiry"]) == int((clock.now + 60) * 1000)
    second = client.get(f"/accounts/{ACCOUNT}/positions").headers
    assert second["X-Ratelimit-Used"] == "2"
    market = client.get("/markets/clock").headers
    assert market["X-Ratelimit-Used"] == "1"
    trading = client.post(f"/accounts/{ACCOUNT}/orders", data={"class": "equity"}).headers
    assert (trading["X-Ratelimit-Allowed"], trading["X-Ratelimit-Used"]) == ("60", "1")
    clock.advance(61)
    assert client.get("/user/profile").headers["X-Ratelimit-Used"] == "1"


def test_the_ideal_emulator_does_not_throttle(client: Client) -> None:
    for _ in range(125):
        answer = client.get("/markets/clock")
    assert answer.status_code == 200
    assert answer.headers["X-Ratelimit-Available"] == "0"


def test_the_sandbox_throttles_with_429_until_the_window_resets(engine: Engine) -> None:
    clock = FakeClock()
    front = TradierFront(engine, TradierOptions.sandbox_like(), clock=clock)
    with Client(transport=EmulatorTransport(front, engine), base_url=BASE, headers=AUTH) as c:
        answers = [c.get("/markets/clock") for _ in range(61)]
        assert {a.status_code for a in answers[:60]} == {200}
        assert answers[60].status_code == 429
        assert answers[60].text.startswith("Quota Violation")
        assert answers[60].text.endswith(answers[60].headers["X-Ratelimit-Expiry"])
        # Another token has its own window.
        other = c.get("/markets/clock", headers={"Authorization": "Bearer other"})
        assert other.status_code == 200
        clock.advance(60)
        assert c.get("/markets/clock").status_code == 200


def test_sandbox_requests_move_the_clock_and_orders_fill_by_polling(engine: Engine) -> None:
    front = TradierFront(engine, TradierOptions.sandbox_like(), clock=FakeClock())
    start = engine.now()
    with Client(transport=EmulatorTransport(front, engine), base_url=BASE, headers=AUTH) as c:
        c.get("/markets/clock")
        assert engine.now() - start == timedelta(seconds=5)
        refused = c.post("/markets/events/session")
        assert refused.status_code == 400
        assert "not available in the sandbox" in body(refused)["errors"]["error"]


@pytest.fixture
def watch(client: Client) -> Client:
    return client


def test_watchlists_crud(watch: Client) -> None:
    listing = body(watch.get("/watchlists"))["watchlists"]["watchlist"]
    assert listing == {"name": "default", "id": "default", "public_id": listing["public_id"]}
    created = body(watch.post("/watchlists", data={"name": "My Watchlist",
                                                   "symbols": "AAPL,IBM,NFLX"}))["watchlist"]  # fmt: skip
    assert created["id"] == "my-watchlist"
    assert [i["symbol"] for i in created["items"]["item"]] == ["AAPL", "IBM", "NFLX"]
    both = body(watch.get("/watchlists"))["watchlists"]["watchlist"]
    assert [w["id"] for w in both] == ["default", "my-watchlist"]
    updated = body(watch.put("/watchlists/my-watchlist", data={"name": "My Updated Watchlist",
                                                               "symbols": "AAPL"}))  # fmt: skip
    assert updated["watchlist"]["name"] == "My Updated Watchlist"
    assert updated["watchlist"]["items"]["item"] == {"symbol": "AAPL", "id": "aapl"}
    added = body(watch.post("/watchlists/my-watchlist/symbols",
                            data={"symbols": "AAPL,IBM,NFLX,SPY"}))["watchlist"]  # fmt: skip
    assert [i["symbol"] for i in added["items"]["item"]] == ["AAPL", "IBM", "NFLX", "SPY"]
    removed = body(watch.delete("/watchlists/my-watchlist/symbols/IBM"))["watchlist"]
    assert [i["symbol"] for i in removed["items"]["item"]] == ["AAPL", "NFLX", "SPY"]
    empty = body(watch.get("/watchlists/default"))["watchlist"]
    assert empty["items"] == "null"
    remaining = body(watch.delete("/watchlists/my-watchlist"))["watchlists"]["watchlist"]
    assert remaining["id"] == "default"
    gone = watch.get("/watchlists/my-watchlist")
    assert gone.status_code == 404
    assert "errors" in body(gone)
    assert watch.post("/watchlists", data={"symbols": "AAPL"}).status_code == 400


def test_a_sandbox_placement_waits_for_polls_to_fill(engine: Engine) -> None:
    front = TradierFront(engine, TradierOptions.sandbox_like(), clock=FakeClock())
    form = {"class": "equity", "symbol": "AAPL", "side": "buy", "quantity": "1",
            "type": "market", "duration": "day"}  # fmt: skip
    with Client(transport=EmulatorTransport(front, engine), base_url=BASE, headers=AUTH) as c:
        order_id = place(c, **form)["order"]["id"]
        statuses = []
        for _ in range(30):
            status = body(c.get(f"/accounts/{ACCOUNT}/orders/{order_id}"))["order"]["status"]
            statuses.append(status)
            if status == "filled":
                break
    assert statuses[0] == "open"
    assert statuses[-1] == "filled"
