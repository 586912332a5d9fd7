"""What the tastytrade adapter supports, per environment (DESIGN §7, NOTES §5, §9, §10).

- Order types Market, Limit, Stop, Stop Limit (no trailing stops); up to 4 legs for options;
  OCO, OTO and brackets (tastytrade's OTOCO); notional market orders through
  :meth:`TastytradeAdapter.place_notional`.
- ``replace`` is a cancel-replace: price, stop and time in force only, and the replacement is a
  **new order id** (``keeps_id=False``); the quantity cannot change.
- ``cancel`` answers ``Cancel Requested`` (CANCEL_PENDING); the final state arrives on the
  account streamer.
- Bars exist only as DxLink ``Candle`` events: :attr:`HistoryLimits.over_stream` routes
  ``bars()`` through the adapter's websocket history, not an operation.
- Sandbox: REST quotes are for funded live accounts only, so ``quotes()`` is not offered there
  (stream quotes instead: a delayed DxLink feed); fills follow a simulator whose rules changed
  in 2026, and everything is reset every 24 hours.
- Futures options exist live and in the sandbox (where their instruments may lack a
  ``streamer-symbol``, NOTES §10), and in the emulator, whose engine lists, prices and fills
  them.
- No quotas are published and no rate-limit headers are sent: the limits below are our own
  pacing, and a 429 is retried with backoff.
- The ``emulator`` running the ``sandbox`` personality (profile ``emulator_personality``) imitates
  the cert sandbox (NOTES §10) and declares what the sandbox declares (no REST quotes, delayed
  DxLink quotes), still as ``emulator``.
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
from brokerlink.enums import AssetClass, GroupKind, OrderType, TimeInForce
from brokerlink.runtime.ratelimit import RateLimit

__all__ = ["tastytrade_capabilities"]

_ASSETS = frozenset(
    {
        AssetClass.EQUITY,
        AssetClass.OPTION,
        AssetClass.FUTURE,
        AssetClass.FUTURE_OPTION,
        AssetClass.CRYPTO,
    }
)
_BASIC = frozenset({TimeInForce.DAY, TimeInForce.GTC, TimeInForce.GTD, TimeInForce.IOC})
# Extended-hours TIFs are for single-leg equity orders only (NOTES §5.4).
_TIFS = {
    AssetClass.EQUITY: _BASIC | {TimeInForce.DAY_EXT, TimeInForce.GTC_EXT},
    AssetClass.OPTION: _BASIC,
    AssetClass.FUTURE: _BASIC,
    AssetClass.FUTURE_OPTION: _BASIC,
    AssetClass.CRYPTO: frozenset({TimeInForce.DAY, TimeInForce.GTC, TimeInForce.IOC}),
}
_NOTES = {
    "live": (
        "replace is cancel-replace: the replacement order has a new id",
        "cancel returns CANCEL_PENDING; the final state arrives on the account streamer",
        "bars come from DxLink candles over a websocket",
        "tastytrade's 2026-06-29 release notes announce crypto trading being disabled",
    ),
    "sandbox": (
        "reset every 24 hours: orders, positions and balances are cleared",
        "quotes are 15-minute delayed and only streamed (no REST quotes)",
        "fills come from a market simulator with no reliable fill rule",
        "replace is cancel-replace: the replacement order has a new id",
    ),
    "emulator": (
        "the in-process tastytrade wire front over the core engine",
        "futures options: chains, instruments, REST quotes and orders from the core engine",
    ),
}
_EMULATED_SANDBOX = (
    "the in-process tastytrade wire front imitating the cert sandbox",
    *_NOTES["sandbox"],
)


def tastytrade_capabilities(environment: str, personality: str = "ideal") -> Capabilities:
    """The tastytrade adapter's capabilities in ``environment`` (the emulator with
    ``personality="sandbox"`` declares what the cert sandbox declares)."""
    emulated_sandbox = environment == "emulator" and personality == "sandbox"
    rules = "sandbox" if emulated_sandbox else environment
    features = set(Feature)
    if rules == "sandbox":
        features.discard(Feature.QUOTES)
    account_stream = StreamSupport(
        reliable=True, note="after a reconnect, state is reconciled against REST"
    )
    return Capabilities(
        adapter="tastytrade",
        environment=environment,
        features=frozenset(features),
        asset_classes=_ASSETS,
        order_types=frozenset(
            {OrderType.MARKET, OrderType.LIMIT, OrderType.STOP, OrderType.STOP_LIMIT}
        ),
        time_in_force=_TIFS,
        groups=frozenset({GroupKind.OCO, GroupKind.OTO, GroupKind.BRACKET}),
        max_legs=4,
        # NOTES §5.4: a Market order takes one leg only; a spread is a net Limit.
        combo_order_types=frozenset({OrderType.LIMIT}),
        replace=ReplaceSupport(
            fields=frozenset({"limit_price", "stop_price", "time_in_force"}), keeps_id=False
        ),
        streams={
            StreamKind.QUOTES: StreamSupport(
                reliable=True,
                note="DxLink; delayed 15 minutes" if rules == "sandbox" else "DxLink",
            ),
            StreamKind.BARS: StreamSupport(reliable=True, note="DxLink candles"),
            StreamKind.ORDERS: account_stream,
            StreamKind.POSITIONS: account_stream,
        },
        history=HistoryLimits(
            timeframes=frozenset({"1min", "5min", "15min", "30min", "1h", "1d", "1w", "1mo"}),
            over_stream=True,
        ),
        rate_limits=(
            RateLimit(rate_class="default", requests=20, per_seconds=1.0),
            RateLimit(rate_class="trading", requests=10, per_seconds=1.0),
            RateLimit(rate_class="market_data", requests=20, per_seconds=1.0),
        ),
        notes=_EMULATED_SANDBOX if emulated_sandbox else _NOTES.get(environment, ()),
    )
