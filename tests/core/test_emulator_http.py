"""brokerlink.emulator.http: replies, routing, the in-process transport with faults, and serving."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import orjson
import pytest

from brokerlink import errors
from brokerlink._http import AsyncClient, Client, Request, TransportFailure
from brokerlink.emulator.faults import (
    DropConnection,
    Faults,
    HttpError,
    Latency,
    StreamGap,
    TokenExpired,
)
from brokerlink.emulator.http import (
    BadRequest,
    EmulatorTransport,
    Front,
    Reply,
    Router,
    json_body,
    query_param,
    serve,
    status_for,
)

BASE = "http://echo.emulator/v1"


class EchoFront(Front):
    """A tiny front: enough routes to exercise the machinery, counting what reaches it."""

    name = "echo"

    def __init__(self) -> None:
        super().__init__(SimpleNamespace(faults=Faults()))  # type: ignore[arg-type]
        self.calls: list[str] = []
        self.closed_streams = 0
        router = Router(
            prefix="/v1", error=lambda status, message: self.error_reply(status, message)
        )
        router.add("GET", "/accounts/{account_id}/orders/{order_id}", self.get_order)
        router.add("DELETE", "/accounts/{account_id}/orders/{order_id}", self.get_order)
        router.add("POST", "/orders", self.post_order)
        router.add("GET", "/quotes/{symbol:path}", self.quote)
        router.add("GET", "/fail/{kind}", self.fail)
        router.add("GET", "/stream", self.stream)
        self.router = router

    @property
    def faults(self) -> Faults:
        return self.engine.faults

    def handle(self, request: Request) -> Reply:
        self.calls.append(f"{request.method} {request.url.path}")
        return self.dispatch(self.router, request)

    def error_reply(self, status: int, message: str, *, retry_after: float | None = None) -> Reply:
        return Reply.json(status, {"error": {"status": status, "message": message}})

    def get_order(self, request: Request, **params: str) -> Reply:
        return Reply.json(200, {"params": params, "verbose": query_param(request, "verbose", "no")})

    def post_order(self, request: Request) -> Reply:
        return Reply.json(201, {"got": json_body(request)})

    def quote(self, request: Request, symbol: str) -> Reply:
        return Reply.json(200, {"symbol": symbol})

    def fail(self, request: Request, kind: str) -> Reply:
        problems: dict[str, Exception] = {
            "funds": errors.InsufficientFundsError("not enough cash"),
            "order": errors.OrderNotFoundError("no order 7"),
            "symbol": errors.SymbolNotFoundError("no symbol ZZZ"),
            "invalid": errors.InvalidOrderError("bad tick", field="limit_price"),
            "auth": errors.UnauthorizedError("who are you"),
            "slow": errors.RateLimitedError("slow down", retry_after=2.0),
            "down": errors.BrokerUnavailableError("maintenance"),
            "bad": BadRequest("missing parameter x"),
            "value": ValueError("status must be 'open' or 'all'"),
        }
        raise problems[kind]

    def stream(self, request: Request) -> Reply:
        count = int(query_param(request, "count", "5") or 5)

        async def frames() -> AsyncIterator[bytes]:
            try:
                for n in range(count):
                    yield orjson.dumps({"n": n}) + b"\n"
            finally:
                self.closed_streams += 1

        return Reply.stream(frames())


@pytest.fixture
def front() -> EchoFront:
    return EchoFront()


@pytest.fixture
def client(front: EchoFront) -> Client:
    return Client(transport=EmulatorTransport(front, front.engine), base_url=BASE)


# -- Reply and Router ----------------------------------------------------------------------------


def test_reply_helpers() -> None:
    reply = Reply.json(200, {"a": 1}, headers={"X-Test": "1"})
    assert reply.body == b'{"a":1}'
    assert reply.headers["Content-Type"] == "application/json"
    assert not reply.is_stream
    assert reply.headers["X-Test"] == "1"

    async def frames() -> AsyncIterator[bytes]:
        yield b"x\n"

    streamed = Reply.stream(frames())
    assert streamed.is_stream
    assert streamed.headers["Content-Type"] == "application/x-ndjson"
    assert Reply.empty().status == 204
    assert Reply.empty().body == b""


def test_router_matches_templates_and_decodes_parameters(client: Client) -> None:
    response = client.get("/accounts/EMU%201/orders/42", params={"verbose": "yes"})
    assert response.json() == {
        "params": {"account_id": "EMU 1", "order_id": "42"},
        "verbose": "yes",
    }
    # An escaped slash stays inside one segment; a path parameter takes slashes as they come.
    assert client.get("/quotes/BTC%2FUSD").json() == {"symbol": "BTC/USD"}
    assert client.get("/quotes/BTC/USD").json() == {"symbol": "BTC/USD"}


def test_router_answers_404_and_405_in_the_front_shape(client: Client) -> None:
    missing = client.get("/nowhere")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "no such endpoint: GET /v1/nowhere"
    wrong = client.put("/accounts/A/orders/1")
    assert wrong.status_code == 405
    assert wrong.headers["Allow"] == "DELETE, GET"


def test_a_path_parameter_must_come_last() -> None:
    router = Router(error=lambda status, message: Reply.empty(status))
    with pytest.raises(ValueError, match="must come last"):
        router.add("GET", "/x/{rest:path}/y", lambda request, **params: Reply.empty())


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        ("funds", 400),
        ("order", 404),
        ("symbol", 404),
        ("invalid", 400),
        ("auth", 401),
        ("slow", 429),
        ("down", 503),
        ("bad", 400),
        ("value", 400),
    ],
)
def test_engine_errors_become_the_front_error_shape(client: Client, kind: str, status: int) -> None:
    response = client.get(f"/fail/{kind}")
    assert response.status_code == status
    assert set(response.json()["error"]) == {"status", "message"}


def test_status_for_falls_back_to_500_for_unknown_errors() -> None:
    assert status_for(errors.ResponseFormatError("odd")) == 500
    assert status_for(errors.ScopeError("needs trade", scope="trade")) == 403


def test_json_body_rejects_missing_and_malformed_bodies(client: Client) -> None:
    assert client.post("/orders", json={"q": 1}).json() == {"got": {"q": 1}}
    assert client.post("/orders").status_code == 400
    assert "not valid JSON" in client.post("/orders", content=b"{").json()["error"]["message"]


# -- faults on the sync path ---------------------------------------------------------------------


def test_http_error_fault_answers_without_reaching_the_front(
    front: EchoFront, client: Client
) -> None:
    front.faults.add(HttpError(status=429, retry_after=0.5), match="/orders")
    response = client.get("/accounts/A/orders/1")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "0.5"
    assert front.calls == []
    assert client.get("/accounts/A/orders/1").status_code == 200


def test_token_expired_fault_is_a_401(front: EchoFront, client: Client) -> None:
    front.faults.add(TokenExpired())
    assert client.get("/accounts/A/orders/1").status_code == 401


def test_latency_fault_waits(front: EchoFront, client: Client) -> None:
    front.faults.add(Latency(seconds=0.05))
    started = time.monotonic()
    assert client.get("/accounts/A/orders/1").status_code == 200
    assert time.monotonic() - started >= 0.05


def test_drop_connection_loses_the_answer_after_the_front_acted(
    front: EchoFront, client: Client
) -> None:
    front.faults.add(DropConnection(), match="/orders")
    with pytest.raises(TransportFailure, match="connection dropped"):
        client.post("/orders", json={"q": 1})
    assert front.calls == ["POST /v1/orders"]  # the broker acted; only the answer was lost


def test_a_stream_on_the_sync_client_is_refused_with_an_explanation(client: Client) -> None:
    with pytest.raises(RuntimeError, match="streams run on the async client"):
        client.get("/stream")


# -- the async path and streams ------------------------------------------------------------------


def async_client(front: EchoFront) -> AsyncClient:
    return AsyncClient(transport=EmulatorTransport(front, front.engine), base_url=BASE)


async def stream_lines(client: AsyncClient, path: str) -> list[Any]:
    async with client.stream("GET", path) as response:
        return [orjson.loads(line) async for line in response.aiter_lines() if line]


async def test_async_rest_and_faults(front: EchoFront) -> None:
    async with async_client(front) as client:
        assert (await client.get("/quotes/AAPL")).json() == {"symbol": "AAPL"}
        front.faults.add(HttpError(status=503))
        assert (await client.get("/quotes/AAPL")).status_code == 503
        front.faults.add(DropConnection())
        with pytest.raises(TransportFailure):
            await client.get("/quotes/AAPL")


async def test_streams_are_chunked_frames(front: EchoFront) -> None:
    async with async_client(front) as client:
        assert await stream_lines(client, "/stream?count=3") == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert front.closed_streams == 1


async def test_stream_gap_skips_frames(front: EchoFront) -> None:
    front.faults.add(StreamGap(events=2), match="/stream")
    async with async_client(front) as client:
        assert await stream_lines(client, "/stream?count=5") == [{"n": 2}, {"n": 3}, {"n": 4}]


async def read_until_cut(response: Any, seen: list[Any], front: EchoFront) -> None:
    async for line in response.aiter_lines():
        seen.append(orjson.loads(line))
        if len(seen) == 3:
            front.faults.add(DropConnection(), match="/stream")


async def test_drop_connection_cuts_a_stream_mid_way(front: EchoFront) -> None:
    seen: list[Any] = []
    async with async_client(front) as client, client.stream("GET", "/stream?count=100") as response:
        with pytest.raises(TransportFailure, match="connection dropped"):
            await read_until_cut(response, seen, front)
    assert seen == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert front.closed_streams == 1


async def test_an_http_error_planned_for_a_request_is_not_swallowed_by_an_open_stream(
    front: EchoFront,
) -> None:
    front.faults.add(HttpError(status=500))
    front.faults.add(StreamGap(events=1), match="/stream")
    async with async_client(front) as client:
        assert (await client.get("/stream")).status_code == 500
        assert await stream_lines(client, "/stream?count=3") == [{"n": 1}, {"n": 2}]


async def test_closing_a_stream_early_closes_the_front_generator(front: EchoFront) -> None:
    async with (
        async_client(front) as client,
        client.stream("GET", "/stream?count=1000") as response,
    ):
        async for _ in response.aiter_lines():
            break
    assert front.closed_streams == 1


# -- serving over loopback -----------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com", "::"])
def test_serve_refuses_anything_but_loopback(front: EchoFront, host: str) -> None:
    with pytest.raises(ValueError, match="loopback"):
        serve(front, host=host)


async def test_serve_answers_real_http_with_faults_and_streams(front: EchoFront) -> None:
    handle = serve(front, host="127.0.0.1", port=0)
    try:
        assert handle.url.startswith("http://127.0.0.1:")
        with Client(base_url=handle.url + "/v1") as client:
            assert client.get("/accounts/A/orders/9").json()["params"] == {
                "account_id": "A",
                "order_id": "9",
            }
            assert client.post("/orders", json={"q": 2}).json() == {"got": {"q": 2}}
            assert client.get("/nowhere").status_code == 404
            front.faults.add(HttpError(status=429, retry_after=1))
            limited = client.get("/quotes/AAPL")
            assert limited.status_code == 429
            assert limited.headers["retry-after"] == "1"
            front.faults.add(DropConnection(), match="/orders")
            with pytest.raises(TransportFailure):
                client.post("/orders", json={"q": 3})
            assert front.calls[-1] == "POST /v1/orders"
        async with AsyncClient(base_url=handle.url + "/v1") as aclient:
            assert await stream_lines(aclient, "/stream?count=4") == [{"n": n} for n in range(4)]
            async with aclient.stream("GET", "/stream?count=100000") as response:
                assert response.headers["transfer-encoding"] == "chunked"
                async for _ in response.aiter_lines():
                    break
    finally:
        handle.stop()
    assert not handle._thread.is_alive()
