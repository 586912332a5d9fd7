"""What the paper adapter supports: everything the core vocabulary names (DESIGN §7).

paper is the reference adapter, so its capabilities are the full set: every feature, every asset
class the engine trades, every order type and time in force, OCO/OTO/bracket groups, up to 4 legs,
replace of every field, all four streams (reliable: the order and position streams resume from
the last sequence number after a reconnect, so nothing is lost or doubled), and bar history in
the core timeframes, 1000 bars per request (the operation pages for the user).

Whether a replaced order keeps its id follows the engine's personality; the paper front uses the
engine as connect() builds it, whose default retires the old order as ``REPLACED`` under a new id.
"""

from __future__ import annotations

from brokerlink.capabilities import (
    Capabilities,
    Feature,
    HistoryLimits,
    ReplaceSupport,
    StreamKind,
    StreamSupport,
)
from brokerlink.emulator.personality import Personality
from brokerlink.enums import AssetClass, GroupKind, OrderType, TimeInForce
from brokerlink.runtime.ratelimit import RateLimit

__all__ = ["MAX_BARS_PER_REQUEST", "paper_capabilities"]

MAX_BARS_PER_REQUEST = 1000
"""The most bars one ``GET /bars`` page holds; longer histories come in pages."""

# Futures options are left out because the engine does not price them yet: capabilities say
# only what works, so the facade refuses them before any request.
_ASSETS = frozenset({AssetClass.EQUITY, AssetClass.OPTION, AssetClass.FUTURE, AssetClass.CRYPTO})


def paper_capabilities(environment: str) -> Capabilities:
    """The paper adapter's capabilities in ``environment`` (it only has ``emulator``)."""
    every_tif = frozenset(TimeInForce)
    return Capabilities(
        adapter="paper",
        environment=environment,
        features=frozenset(Feature),
        asset_classes=_ASSETS,
        order_types=frozenset(OrderType),
        time_in_force=dict.fromkeys(_ASSETS, every_tif),
        groups=frozenset(GroupKind),
        max_legs=4,
        replace=ReplaceSupport(
            fields=frozenset({"quantity", "limit_price", "stop_price", "time_in_force"}),
            keeps_id=Personality().replace_keeps_id,
        ),
        streams={kind: StreamSupport(reliable=True) for kind in StreamKind},
        history=HistoryLimits(
            timeframes=frozenset({"1min", "5min", "15min", "30min", "1h", "1d", "1w", "1mo"}),
            max_bars_per_request=MAX_BARS_PER_REQUEST,
        ),
        # Generous, but real: the limiter's buckets are exercised on every call.
        rate_limits=(
            RateLimit(rate_class="default", requests=500, per_seconds=1.0),
            RateLimit(rate_class="trading", requests=100, per_seconds=1.0),
            RateLimit(rate_class="market_data", requests=500, per_seconds=1.0),
        ),
        notes=(
            "paper is the neutral reference adapter: a JSON API served by the emulator only",
            "streams resume from the last sequence number after a reconnect",
        ),
    )
