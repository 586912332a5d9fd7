"""When the drivers may send a request again, and how long they wait first (pure, no sleeping here).

Only reads are retried, and only for failures that may pass: HTTP 429, 5xx, and network errors.
A broker's ``Retry-After`` wins over our own backoff (capped, so a hostile header cannot park a
trading loop for an hour). Placements are never retried: see :mod:`brokerlink.runtime.steps`.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import attrs

from brokerlink import errors
from brokerlink._http import Response

__all__ = ["RETRYABLE_STATUSES", "RetryPolicy", "retry_after_seconds"]

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


def retry_after_seconds(response: Response, *, now: datetime | None = None) -> float | None:
    """Seconds the broker asked us to wait, from ``Retry-After`` (seconds or an HTTP date)."""
    value = response.headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Exponential backoff with jitter for reads.

    ``max_retries`` counts resends (so ``3`` means at most four attempts); ``jitter`` is the
    fraction of each delay that is randomised, to keep many clients from retrying in lockstep.
    """

    max_retries: int = 3
    base_delay: float = 0.25
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.2
    rng: random.Random = attrs.field(factory=random.Random, eq=False, repr=False)

    def delay(self, attempt: int, error: errors.OperationFailedError | None = None) -> float | None:
        """How long to wait before resend number ``attempt + 1``, or ``None`` to give up.

        ``attempt`` starts at 0 for the first failure. A ``retry_after`` carried by ``error``
        replaces the computed backoff.
        """
        if attempt >= self.max_retries:
            return None
        if error is not None and not error.retryable:
            return None
        if error is not None and error.retry_after is not None:
            return min(error.retry_after, self.max_retry_after)
        backoff = min(self.max_delay, self.base_delay * (2.0**attempt))
        spread = backoff * self.jitter
        return max(0.0, backoff - spread + self.rng.random() * 2 * spread)

    @classmethod
    def never(cls) -> RetryPolicy:
        """A policy that gives up at the first failure (tests, or users who retry themselves)."""
        return cls(max_retries=0)
