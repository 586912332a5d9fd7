"""A client-side rate limiter the adapters configure from their brokers' documented limits.

Each *rate class* (``"market_data"``, ``"account"``, ``"trading"``, ...) is a token bucket:
``requests`` per ``per_seconds``, refilled continuously. :meth:`RateLimiter.reserve` is pure
bookkeeping that returns how long the caller must wait; the sync and async drivers do the waiting,
so one limiter serves both and a test can drive it with a fake clock.

Brokers also report their own view (Tradier's ``X-Ratelimit-*`` headers): :meth:`observe` lets an
adapter feed that in, so when the broker says the window is spent we wait for its reset instead of
collecting 429s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

import attrs

__all__ = ["RateLimit", "RateLimiter"]


@attrs.frozen(kw_only=True)
class RateLimit:
    """``requests`` per ``per_seconds`` for one rate class, as the broker documents it."""

    rate_class: str
    requests: int
    per_seconds: float

    def __attrs_post_init__(self) -> None:
        if self.requests < 1 or self.per_seconds <= 0:
            raise ValueError(
                f"rate limit {self.rate_class!r} needs requests >= 1 and a positive window"
            )


@attrs.define
class _Bucket:
    capacity: float
    refill_per_second: float
    tokens: float
    updated: float
    blocked_until: float = 0.0


class RateLimiter:
    """Token buckets per rate class; unknown classes fall back to ``"default"`` or are unlimited."""

    def __init__(
        self, limits: Iterable[RateLimit] = (), *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        now = clock()
        self._buckets = {
            limit.rate_class: _Bucket(
                capacity=float(limit.requests),
                refill_per_second=limit.requests / limit.per_seconds,
                tokens=float(limit.requests),
                updated=now,
            )
            for limit in limits
        }

    def reserve(self, rate_class: str = "default") -> float:
        """Take one request slot; return the seconds to wait before sending (0.0 when free).

        The slot is taken even when a wait is returned, so concurrent callers queue up in order
        instead of all waking at once.
        """
        with self._lock:
            bucket = self._buckets.get(rate_class) or self._buckets.get("default")
            if bucket is None:
                return 0.0
            now = self._clock()
            bucket.tokens = min(
                bucket.capacity, bucket.tokens + (now - bucket.updated) * bucket.refill_per_second
            )
            bucket.updated = now
            bucket.tokens -= 1.0
            wait = 0.0 if bucket.tokens >= 0 else -bucket.tokens / bucket.refill_per_second
            return max(wait, bucket.blocked_until - now)

    def observe(self, rate_class: str, *, remaining: int, reset_in: float) -> None:
        """Adopt the broker's own count: with nothing ``remaining``, hold the class until reset."""
        with self._lock:
            bucket = self._buckets.get(rate_class)
            if bucket is None:
                return
            now = self._clock()
            bucket.tokens = min(bucket.tokens, float(remaining))
            if remaining <= 0:
                bucket.blocked_until = max(bucket.blocked_until, now + max(0.0, reset_in))
