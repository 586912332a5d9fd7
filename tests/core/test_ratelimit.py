"""The client-side rate limiter: token buckets per rate class, fed by broker headers."""

from __future__ import annotations

import pytest

from brokerlink.runtime.ratelimit import RateLimit, RateLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_up_to_capacity_is_free_then_requests_are_spaced() -> None:
    clock = FakeClock()
    limiter = RateLimiter(
        [RateLimit(rate_class="quotes", requests=3, per_seconds=1.5)], clock=clock
    )
    assert [limiter.reserve("quotes") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.reserve("quotes") == pytest.approx(0.5)
    assert limiter.reserve("quotes") == pytest.approx(1.0)


def test_tokens_refill_with_time() -> None:
    clock = FakeClock()
    limiter = RateLimiter(
        [RateLimit(rate_class="default", requests=2, per_seconds=2.0)], clock=clock
    )
    limiter.reserve()
    limiter.reserve()
    clock.now += 1.0
    assert limiter.reserve() == 0.0
    assert limiter.reserve() == pytest.approx(1.0)


def test_classes_are_independent_and_unknown_classes_use_default() -> None:
    clock = FakeClock()
    limiter = RateLimiter(
        [
            RateLimit(rate_class="trading", requests=1, per_seconds=10),
            RateLimit(rate_class="default", requests=1, per_seconds=1),
        ],
        clock=clock,
    )
    assert limiter.reserve("trading") == 0.0
    assert limiter.reserve("trading") == pytest.approx(10.0)
    assert limiter.reserve("market_data") == 0.0
    assert limiter.reserve("market_data") == pytest.approx(1.0)


def test_without_any_limit_nothing_waits() -> None:
    limiter = RateLimiter()
    assert all(limiter.reserve("anything") == 0.0 for _ in range(1000))


def test_broker_headers_saying_nothing_remains_hold_until_reset() -> None:
    clock = FakeClock()
    limiter = RateLimiter(
        [RateLimit(rate_class="account", requests=60, per_seconds=60)], clock=clock
    )
    limiter.observe("account", remaining=0, reset_in=7.0)
    assert limiter.reserve("account") == pytest.approx(7.0)
    clock.now += 7.0
    assert limiter.reserve("account") == 0.0


def test_invalid_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="requests >= 1"):
        RateLimit(rate_class="x", requests=0, per_seconds=1)
