"""The pure step machine: retry rules for reads, and the never-resend rules for placements."""

from __future__ import annotations

import random
from collections.abc import Generator

import pytest

from brokerlink import _http, errors
from brokerlink.runtime.operation import CallPolicy, call
from brokerlink.runtime.ratelimit import RateLimiter
from brokerlink.runtime.retry import RetryPolicy
from brokerlink.runtime.statuses import error_for_status
from brokerlink.runtime.steps import RunContext, Send, Sleep, Step, run_steps


def context(max_retries: int = 3) -> RunContext:
    return RunContext(
        broker="fake",
        base_url=_http.URL("https://fake.invalid/api/v1"),
        check=lambda response: error_for_status(response, broker="fake"),
        retry=RetryPolicy(
            max_retries=max_retries, base_delay=0.5, jitter=0.0, rng=random.Random(1)
        ),
    )


def read_once() -> Generator[_http.Request, _http.Response, int]:
    response = yield call("GET", "/accounts")
    return int(response.json()["n"])


def place_once() -> Generator[_http.Request, _http.Response, str]:
    policy = CallPolicy(kind="placement", client_id="bl-abc", rate_class="trading")
    response = yield call("POST", "/orders", json={"symbol": "AAPL"}, policy=policy)
    return str(response.json()["id"])


class Script:
    """Feeds scripted outcomes to a step machine and records the steps it took."""

    def __init__(self, *outcomes: _http.Response | BaseException) -> None:
        self.outcomes = list(outcomes)
        self.steps: list[Step] = []

    def run(self, machine: Generator[Step, _http.Response | None, object]) -> object:
        reply: _http.Response | None = None
        failure: BaseException | None = None
        while True:
            try:
                step = machine.send(reply) if failure is None else machine.throw(failure)
            except StopIteration as stop:
                return stop.value
            self.steps.append(step)
            reply, failure = None, None
            if isinstance(step, Send):
                outcome = self.outcomes.pop(0)
                if isinstance(outcome, BaseException):
                    failure = outcome
                else:
                    outcome.request = step.request
                    reply = outcome

    @property
    def sends(self) -> list[Send]:
        return [s for s in self.steps if isinstance(s, Send)]

    @property
    def sleeps(self) -> list[float]:
        return [s.seconds for s in self.steps if isinstance(s, Sleep)]


def resp(status: int, body: bytes = b'{"n": 1, "id": "9"}', **headers: str) -> _http.Response:
    return _http.Response(status, content=body, headers=headers)


def test_relative_urls_keep_the_base_path() -> None:
    script = Script(resp(200))
    assert script.run(run_steps(read_once(), context())) == 1
    assert str(script.sends[0].request.url) == "https://fake.invalid/api/v1/accounts"


def test_a_read_answered_429_waits_for_retry_after_then_succeeds() -> None:
    script = Script(resp(429, b"{}", **{"Retry-After": "2"}), resp(200))
    assert script.run(run_steps(read_once(), context())) == 1
    assert len(script.sends) == 2
    assert script.sleeps == [2.0]


def test_a_read_answered_503_is_retried_with_growing_backoff_then_gives_up() -> None:
    script = Script(*(resp(503, b"down") for _ in range(4)))
    with pytest.raises(errors.BrokerUnavailableError):
        script.run(run_steps(read_once(), context(max_retries=3)))
    assert len(script.sends) == 4
    assert script.sleeps == [0.5, 1.0, 2.0]


def test_a_read_with_a_network_error_is_retried() -> None:
    request = _http.Request("GET", "https://fake.invalid/x")
    script = Script(_http.read_error("reset", request), resp(200))
    assert script.run(run_steps(read_once(), context())) == 1
    assert len(script.sends) == 2


def test_a_400_is_not_retried() -> None:
    script = Script(resp(400, b"bad symbol"))
    with pytest.raises(errors.RejectedError, match="bad symbol"):
        script.run(run_steps(read_once(), context()))
    assert len(script.sends) == 1


def test_a_placement_that_times_out_is_never_resent_and_is_ambiguous() -> None:
    request = _http.Request("POST", "https://fake.invalid/orders")
    script = Script(_http.read_timeout("slow", request))
    with pytest.raises(errors.AmbiguousOrderError) as caught:
        script.run(run_steps(place_once(), context()))
    assert caught.value.client_id == "bl-abc"
    assert caught.value.retryable is False
    assert len(script.sends) == 1


def test_a_placement_answered_5xx_is_ambiguous_not_retried() -> None:
    script = Script(resp(502, b"bad gateway"))
    with pytest.raises(errors.AmbiguousOrderError):
        script.run(run_steps(place_once(), context()))
    assert len(script.sends) == 1


def test_a_placement_that_never_connected_is_a_plain_network_error() -> None:
    request = _http.Request("POST", "https://fake.invalid/orders")
    script = Script(_http.connect_error("refused", request))
    with pytest.raises(errors.NetworkError) as caught:
        script.run(run_steps(place_once(), context()))
    assert not isinstance(caught.value, errors.AmbiguousOrderError)
    assert len(script.sends) == 1


def test_a_placement_answered_429_is_not_retried() -> None:
    script = Script(resp(429, b"{}", **{"Retry-After": "1"}))
    with pytest.raises(errors.RateLimitedError) as caught:
        script.run(run_steps(place_once(), context()))
    assert caught.value.retry_after == 1.0
    assert len(script.sends) == 1


def test_writes_are_not_retried_on_5xx() -> None:
    def cancel() -> Generator[_http.Request, _http.Response, None]:
        yield call("DELETE", "/orders/1")

    script = Script(resp(503, b"down"))
    with pytest.raises(errors.BrokerUnavailableError):
        script.run(run_steps(cancel(), context()))
    assert len(script.sends) == 1


def test_errors_are_thrown_into_the_operation_so_it_can_recover() -> None:
    def tolerant() -> Generator[_http.Request, _http.Response, str]:
        try:
            yield call("GET", "/orders/1")
        except errors.RejectedError:
            response = yield call("GET", "/orders", params={"client_id": "bl-abc"})
            return str(response.json()["id"])
        return "first"

    script = Script(resp(404, b"gone"), resp(200))
    assert script.run(run_steps(tolerant(), context())) == "9"
    assert script.sends[1].request.url.params["client_id"] == "bl-abc"


def test_rate_limiter_waits_are_turned_into_sleeps() -> None:
    now = [0.0]
    from brokerlink.runtime.ratelimit import RateLimit

    limited = RunContext(
        broker="fake",
        base_url=_http.URL("https://fake.invalid"),
        check=lambda response: None,
        limiter=RateLimiter(
            [RateLimit(rate_class="default", requests=1, per_seconds=4.0)], clock=lambda: now[0]
        ),
    )
    script = Script(resp(200))
    script.run(run_steps(read_once(), limited))
    script2 = Script(resp(200))
    script2.run(run_steps(read_once(), limited))
    assert script.sleeps == []
    assert script2.sleeps == [4.0]
