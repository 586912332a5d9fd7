"""How the Tradier emulator behaves: the ideal broker by default, or the sandbox's ways.

:class:`TradierOptions` gathers every switch a test or the CLI may flip. ``TradierOptions()`` is
the ideal, deterministic broker: market data streams, fills as soon as the engine allows, no
throttling. :meth:`TradierOptions.sandbox_like` imitates Tradier's paper-trading sandbox (NOTES §6):
no market-data stream (session creation is refused), no tick time & sales, 60 requests a minute
for every rate class and enforced, and fills found by polling: orders wait ``fill_delay`` of
simulated time before they may trade, and each REST request moves the clock ``request_step``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from types import MappingProxyType

import attrs

from brokerlink.emulator import Personality
from brokerlink.enums import AssetClass, OrderType

__all__ = ["LIVE_LIMITS", "SANDBOX_LIMITS", "TradierOptions", "tradier_personality"]

LIVE_LIMITS: Mapping[str, int] = MappingProxyType({"standard": 120, "market": 120, "trading": 60})
"""Requests per minute per rate class in production (DOC overview/rate-limiting)."""

SANDBOX_LIMITS: Mapping[str, int] = MappingProxyType({"standard": 60, "market": 60, "trading": 60})
"""Requests per minute per rate class in the sandbox."""


def _limits(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class TradierOptions:
    """The Tradier front's switches.

    - ``sandbox``: present as the sandbox (what :meth:`sandbox_like` sets up).
    - ``market_stream``: market-event sessions may be created.
    - ``tick_timesales``: ``interval=tick`` time & sales is served.
    - ``rate_limits``/``enforce_rate_limits``: per-class allowances in the ``X-Ratelimit-*``
      headers, and whether exceeding one answers 429.
    - ``fill_delay``: simulated time an accepted order waits before it may trade.
    - ``request_step``: simulated time each REST request moves the clock (a sandbox's orders
      fill while the client polls).
    - ``stream_step``/``stream_pause``: simulated time each round of market-stream quotes moves
      the clock, and the real pause between rounds (:mod:`.events`).
    - ``heartbeat``: real seconds between account-stream heartbeats when idle (the docs: about a
      minute).
    - ``session_ttl``: real seconds a stream session id stays valid unused (the docs: 5 minutes).
    """

    sandbox: bool = False
    market_stream: bool = True
    tick_timesales: bool = True
    rate_limits: Mapping[str, int] = attrs.field(default=LIVE_LIMITS, converter=_limits)
    enforce_rate_limits: bool = False
    fill_delay: timedelta = timedelta(0)
    request_step: timedelta = timedelta(0)
    stream_step: timedelta = timedelta(seconds=15)
    stream_pause: float = 0.001
    heartbeat: float = 60.0
    session_ttl: float = 300.0

    @classmethod
    def sandbox_like(cls, **changes: object) -> TradierOptions:
        """The sandbox's behaviour (see the module docs), with ``changes`` on top."""
        base = cls(
            sandbox=True,
            market_stream=False,
            tick_timesales=False,
            rate_limits=SANDBOX_LIMITS,
            enforce_rate_limits=True,
            fill_delay=timedelta(seconds=30),
            request_step=timedelta(seconds=5),
        )
        return attrs.evolve(base, **changes)  # type: ignore[arg-type]


def tradier_personality(options: TradierOptions) -> Personality:
    """The engine personality of Tradier: whole shares, equities/options/indices, ids kept on
    modify (``PUT`` answers the same id), market orders queued outside regular hours, extended
    sessions for limit orders only."""
    return Personality(
        name="tradier",
        replace_keeps_id=True,
        cancel_is_async=False,
        allow_fractional_equity=False,
        asset_classes=frozenset({AssetClass.EQUITY, AssetClass.OPTION, AssetClass.INDEX}),
        reject_market_orders_outside_regular_hours=False,
        extended_hours_order_types=frozenset({OrderType.LIMIT}),
        record_rejections=True,
        fill_delay=options.fill_delay,
    )
