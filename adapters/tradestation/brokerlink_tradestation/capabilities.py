"""What TradeStation supports, per environment (DESIGN §7; NOTES.md §3.1, §4, §7, §9).

- Asset classes: equities, equity/index options (single and up to 4 legs), futures and future
  options. Crypto pairs and indices are data only (quotes, bars), never orders.
- Order types: market, limit, stop market, stop limit, and trailing stops (``StopMarket`` with
  ``AdvancedOptions.TrailingStop`` amount or percent).
- Durations per asset class: equities take every request code (``DYP``/``GCP`` are our
  ``DAY_EXT``/``GTC_EXT``, ``OPG``, ``CLO`` is our ``CLS``); options and futures take
  ``DAY``, ``GTC``, ``GTD``, ``IOC``, ``FOK``. GTC/GTD live at most 90 calendar days.
- Groups: OCO (``/ordergroups`` type ``OCO``), OTO (an ``OSOs`` entry of type ``NORMAL``) and
  brackets (entry + ``OSOs`` type ``BRK``).
- Replace changes quantity, limit and stop price (``PUT``); the order keeps its id. Changing the
  duration needs a cancel and a new order.
- Streams: quotes, bars, orders and positions. The order stream is **not reliable**: SIM (and,
  less often, live) drops individual fill frames while heartbeats continue; brokerlink
  reconciles against REST after every reconnect.
- History: minute bars 1-1440, daily, weekly, monthly; at most 57,600 intraday bars per request
  (brokerlink splits longer requests); historical orders reach back 90 days.
- Rate limits: the newer documented quotas (per user, 5-minute windows): 320 account/order reads,
  500 quote snapshots, 90 per minute for each options endpoint. TradeStation also enforces them
  itself, so these buckets only keep a loop from collecting 429s.
- The ``emulator`` running the ``sandbox`` personality (profile ``emulator_personality``) imitates
  the SIM (NOTES §9): it declares what SIM declares (its notes included), still as ``emulator``,
  and its order stream drops fill frames the way SIM's does.
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

__all__ = [
    "HISTORY_DAYS",
    "MAX_ACCOUNTS",
    "MAX_BARS",
    "MAX_DEPTH_STREAMS",
    "MAX_ORDER_IDS",
    "MAX_QUOTE_SYMBOLS",
    "MAX_SYMBOL_DETAILS",
    "RATE_LIMITS",
    "TIMEFRAMES",
    "tradestation_capabilities",
]

MAX_BARS = 57_600
"""Most intraday bars one bar-chart request returns (by ``barsback`` or by date range)."""
MAX_ACCOUNTS = 25
"""Most account ids in one brokerage path."""
MAX_ORDER_IDS = 50
"""Most order ids in one ``orders/{orderIds}`` path."""
MAX_QUOTE_SYMBOLS = 100
"""Most symbols per quote snapshot or quote stream."""
MAX_SYMBOL_DETAILS = 50
"""Most symbols per symbol-details request."""
MAX_DEPTH_STREAMS = 10
"""Concurrent market-depth streams allowed per user."""
HISTORY_DAYS = 90
"""How far back ``historicalorders`` reaches."""

TIMEFRAMES = frozenset(
    {f"{n}min" for n in range(1, 1441)} | {f"{n}h" for n in range(1, 25)} | {"1d", "1w", "1mo"}
)
"""Every bar timeframe TradeStation serves (minute intervals 1-1440; hours are 60-minute multiples)."""

_EQUITY_TIFS = frozenset(TimeInForce)
_DERIVATIVE_TIFS = frozenset(
    {TimeInForce.DAY, TimeInForce.GTC, TimeInForce.GTD, TimeInForce.IOC, TimeInForce.FOK}
)

RATE_LIMITS = (
    RateLimit(rate_class="default", requests=320, per_seconds=300.0),
    RateLimit(rate_class="trading", requests=320, per_seconds=300.0),
    RateLimit(rate_class="market_data", requests=500, per_seconds=300.0),
    RateLimit(rate_class="options", requests=90, per_seconds=60.0),
)
"""Client-side buckets from the documented quotas (NOTES.md §3.1, newer page)."""

_ORDER_STREAM_NOTE = (
    "the order stream can drop fill frames (SIM dropped ~80% of FLL frames in one test); "
    "brokerlink replays the reconnect snapshot and reconciles against REST, so each fill is "
    "reported once"
)


def tradestation_capabilities(environment: str, personality: str = "ideal") -> Capabilities:
    """TradeStation's capabilities in ``environment`` (``live``, ``sim`` or ``emulator``; the
    emulator with ``personality="sandbox"`` declares what SIM declares)."""
    emulated = environment == "emulator"
    sim = environment == "sim" or (emulated and personality == "sandbox")
    assets = {AssetClass.EQUITY, AssetClass.OPTION, AssetClass.FUTURE}
    if not emulated:  # the engine does not price futures options
        assets.add(AssetClass.FUTURE_OPTION)
    tifs = {
        asset: (_EQUITY_TIFS if asset is AssetClass.EQUITY else _DERIVATIVE_TIFS)
        for asset in assets
    }
    notes = [
        "crypto pairs and indices are data only; continuous futures (@ES) are data only",
        "historical orders reach back 90 days; GTC and GTD orders live at most 90 days",
        "replace keeps the order id; the duration cannot be replaced",
    ]
    if sim:
        notes.append("SIM fills are simulated and instant; its order stream drops fill frames")
    if sim and emulated:
        notes.append("emulator imitating SIM: every 2nd fill frame is left out of the order stream")
    return Capabilities(
        adapter="tradestation",
        environment=environment,
        features=frozenset(Feature),
        asset_classes=frozenset(assets),
        order_types=frozenset(OrderType),
        time_in_force=tifs,
        groups=frozenset({GroupKind.OCO, GroupKind.OTO, GroupKind.BRACKET}),
        max_legs=4,
        replace=ReplaceSupport(
            fields=frozenset({"quantity", "limit_price", "stop_price"}), keeps_id=True
        ),
        streams={
            StreamKind.QUOTES: StreamSupport(
                reliable=True, note="a quote supersedes the last; resubscribed after a drop"
            ),
            StreamKind.BARS: StreamSupport(
                reliable=True, note="bars re-sent while forming; complete once BarStatus=Closed"
            ),
            StreamKind.ORDERS: StreamSupport(reliable=False, note=_ORDER_STREAM_NOTE),
            StreamKind.POSITIONS: StreamSupport(
                reliable=True, note="each (re)connect replays a snapshot; replays are de-duplicated"
            ),
        },
        history=HistoryLimits(timeframes=TIMEFRAMES, max_bars_per_request=MAX_BARS),
        rate_limits=RATE_LIMITS,
        notes=tuple(notes),
    )
