"""What the Tradier adapter supports, per environment (DESIGN §7; NOTES §4-§6).

Trading: equities and equity/index options; market, limit, stop and stop-limit orders (no
trailing stops); multi-leg option spreads (up to 4 legs) and combos (an equity leg and one or
two option legs) at a net price; OCO, OTO and brackets (Tradier's ``otoco``). Durations ``day``,
``gtc``, ``pre`` and ``post``: ``DAY_EXT`` is sent as ``pre`` or ``post`` for the extended session
the market is in (limit orders only). Tradier's further rules (no GTC short sales, no GTC market
orders, equities in whole shares, ...) are checked by :mod:`brokerlink_tradier.rules` before any
request. ``replace`` may change the price, stop and duration, never the quantity.

Rate limits (NOTES §5), per access token and per minute, in three classes: ``account`` (account,
order, user and watchlist reads), ``market_data`` and ``trading``; production 120/120/60, the
sandbox 60 for every class. The ``X-Ratelimit-*`` headers feed the same buckets.

Streams: quotes come from Tradier's market-events stream in ``live`` and the emulator, and so do
intraday bars (built from its time and sales prints); the sandbox has no market stream, so there
both are polled (the notes say which mode is in use). Orders come from the account-events
websocket (its events carry no symbol or side: each is completed by fetching the order).
Positions have no Tradier stream anywhere: they are polled within the limits.

The ``emulator`` running the ``sandbox`` personality (profile ``emulator_personality``) follows
the sandbox's rules here (NOTES §6): quotes and bars polled, no tick bars, 60 requests a minute
per class; its capabilities still name the ``emulator`` environment.
"""

from __future__ import annotations

from datetime import date

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

__all__ = [
    "ACCOUNT",
    "MARKET_DATA",
    "TRADING",
    "poll_interval",
    "rate_limits",
    "rules_of",
    "streams_mode",
    "tradier_capabilities",
]

ACCOUNT = "account"
MARKET_DATA = "market_data"
TRADING = "trading"

_PER_MINUTE = {
    "live": {ACCOUNT: 120, MARKET_DATA: 120, TRADING: 60},
    "sandbox": {ACCOUNT: 60, MARKET_DATA: 60, TRADING: 60},
    "emulator": {ACCOUNT: 120, MARKET_DATA: 120, TRADING: 60},
}

_ORDER_TYPES = frozenset({OrderType.MARKET, OrderType.LIMIT, OrderType.STOP, OrderType.STOP_LIMIT})
_TIF = {
    AssetClass.EQUITY: frozenset({TimeInForce.DAY, TimeInForce.GTC, TimeInForce.DAY_EXT}),
    AssetClass.OPTION: frozenset({TimeInForce.DAY, TimeInForce.GTC}),
}
_TIMEFRAMES = frozenset({"tick", "1min", "5min", "15min", "1d", "1w", "1mo"})


def rules_of(environment: str, personality: str = "ideal") -> str:
    """Whose rules apply: ``"sandbox"`` for the sandbox and for the emulator imitating it
    (``personality="sandbox"``), else ``environment`` itself."""
    if environment == "emulator" and personality == "sandbox":
        return "sandbox"
    return environment


def rate_limits(environment: str, personality: str = "ideal") -> tuple[RateLimit, ...]:
    """The documented per-minute limits of ``environment`` as limiter buckets."""
    table = _PER_MINUTE.get(rules_of(environment, personality), _PER_MINUTE["sandbox"])
    return tuple(
        RateLimit(rate_class=name, requests=count, per_seconds=60.0)
        for name, count in table.items()
    )


def poll_interval(
    environment: str,
    rate_class: str = MARKET_DATA,
    *,
    share: float = 0.5,
    personality: str = "ideal",
) -> float:
    """Seconds between polls so one poller uses at most ``share`` of a class's budget."""
    rules = rules_of(environment, personality)
    per_minute = _PER_MINUTE.get(rules, _PER_MINUTE["sandbox"])[rate_class]
    return 60.0 / (per_minute * share)


def streams_mode(environment: str, personality: str = "ideal") -> dict[StreamKind, str]:
    """How each stream is delivered in ``environment``: ``"stream"``, ``"websocket"`` or ``"poll"``."""
    market = "poll" if rules_of(environment, personality) == "sandbox" else "stream"
    return {
        StreamKind.QUOTES: market,
        StreamKind.BARS: market,
        StreamKind.ORDERS: "websocket",
        StreamKind.POSITIONS: "poll",
    }


def _streams(rules: str) -> dict[StreamKind, StreamSupport]:
    every = poll_interval(rules)
    mode = streams_mode(rules)
    return {
        StreamKind.QUOTES: StreamSupport(
            reliable=True,
            note=(
                f"polled every {every:g}s (the sandbox has no market-data stream)"
                if mode[StreamKind.QUOTES] == "poll"
                else "market-events stream (one session at a time; resubscribes on reconnect)"
            ),
        ),
        StreamKind.BARS: StreamSupport(
            reliable=True,
            note=(
                f"polled from time and sales / history every {2 * every:g}s (no bar stream)"
                if mode[StreamKind.BARS] == "poll"
                else "intraday bars built from the market stream's time and sales; "
                f"daily and longer polled every {2 * every:g}s"
            ),
        ),
        StreamKind.ORDERS: StreamSupport(
            reliable=False,
            note="account-events websocket (beta); each event is completed by fetching the order",
        ),
        StreamKind.POSITIONS: StreamSupport(
            reliable=True,
            note=f"polled every {poll_interval(rules, ACCOUNT):g}s (no position stream)",
        ),
    }


def tradier_capabilities(environment: str, personality: str = "ideal") -> Capabilities:
    """The Tradier adapter's capabilities in ``environment`` (``live``, ``sandbox``, ``emulator``;
    the emulator with ``personality="sandbox"`` declares what the sandbox declares)."""
    rules = rules_of(environment, personality)
    timeframes = _TIMEFRAMES if rules != "sandbox" else _TIMEFRAMES - {"tick"}
    notes = [
        "replace changes price, stop and duration only: cancel and re-place to change quantity",
        "no GTC short sales and no GTC market orders; pre/post (DAY_EXT) take limit orders only",
        "positions carry cost basis only: market value and P&L are None",
        "streams: " + ", ".join(f"{k.value}={v}" for k, v in streams_mode(rules).items()),
    ]
    if rules == "sandbox":
        notes.append("sandbox: delayed quotes, no tick time and sales, no account history")
    if rules != environment:
        notes.append("emulator imitating the sandbox: fills are found by polling (NOTES §6)")
    return Capabilities(
        adapter="tradier",
        environment=environment,
        features=frozenset(Feature),
        asset_classes=frozenset({AssetClass.EQUITY, AssetClass.OPTION}),
        order_types=_ORDER_TYPES,
        time_in_force=_TIF,
        groups=frozenset({GroupKind.OCO, GroupKind.OTO, GroupKind.BRACKET}),
        max_legs=4,
        # NOTES §4.2: a multileg order is market, debit, credit or even (a net limit for us).
        combo_order_types=frozenset({OrderType.MARKET, OrderType.LIMIT}),
        replace=ReplaceSupport(
            fields=frozenset({"limit_price", "stop_price", "time_in_force"}), keeps_id=True
        ),
        streams=_streams(rules),
        history=HistoryLimits(
            timeframes=timeframes, earliest=date(1980, 1, 1), intraday_days_back=20
        ),
        rate_limits=rate_limits(rules),
        notes=tuple(notes),
    )
