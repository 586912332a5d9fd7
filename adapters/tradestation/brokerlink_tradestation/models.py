"""TradeStation-only models: what the TradeStation-specific calls and streams return.

The broker-neutral models live in :mod:`brokerlink.models`; these cover endpoints the neutral API
has no word for (routes, activation triggers, beginning-of-day balances, option expirations with
their type, spread types, risk/reward, market depth, option-chain quotes, v2 tick bars). Every
amount is a ``Decimal``, every time aware UTC, and the payload rides in ``raw``.
"""

from __future__ import annotations

import datetime as _dt
from datetime import datetime
from decimal import Decimal

import attrs

from brokerlink.instruments import Instrument
from brokerlink.models._common import masked

__all__ = [
    "ActivationTrigger",
    "BODBalance",
    "DepthLevel",
    "ExpirationInfo",
    "MarketDepth",
    "OptionSpreadQuote",
    "PlacedOrder",
    "RiskReward",
    "Route",
    "SpreadType",
    "TickBar",
]


@attrs.frozen(kw_only=True)
class Route:
    """An order route (``GET /orderexecution/routes``): pass ``id`` as an order's route."""

    id: str
    name: str
    asset_types: tuple[str, ...]


@attrs.frozen(kw_only=True)
class ActivationTrigger:
    """A stop/activation trigger rule (``STT``: single trade tick, ...)."""

    key: str
    name: str
    description: str


@attrs.frozen(kw_only=True)
class BODBalance:
    """Beginning-of-day balance of one account (``GET .../bodbalances``)."""

    account: str = attrs.field(repr=masked)
    account_type: str
    equity: Decimal | None
    net_cash: Decimal | None
    cash_available_to_withdraw: Decimal | None
    overnight_buying_power: Decimal | None = None
    day_trading_buying_power: Decimal | None = None
    option_buying_power: Decimal | None = None
    raw: object = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class ExpirationInfo:
    """One option expiration and its kind (``Weekly``, ``Monthly``, ``Quarterly``, ``EOM``, ``Other``)."""

    date: _dt.date
    type: str


@attrs.frozen(kw_only=True)
class SpreadType:
    """An option spread type and whether it takes a strike and/or an expiration interval."""

    name: str
    strike_interval: bool
    expiration_interval: bool


@attrs.frozen(kw_only=True)
class RiskReward:
    """``POST /marketdata/options/riskreward``: max gain/loss (None when infinite), breakevens."""

    max_gain: Decimal | None
    max_loss: Decimal | None
    breakevens: tuple[Decimal, ...]


@attrs.frozen(kw_only=True)
class PlacedOrder:
    """One entry of a place answer: the new order's id and TradeStation's message."""

    order_id: str
    message: str


@attrs.frozen(kw_only=True)
class DepthLevel:
    """One level of market depth: a participant's quote, or the aggregate at a price."""

    side: str
    price: Decimal
    size: Decimal
    time: datetime | None
    name: str | None = None
    order_count: int | None = None
    participants: int | None = None


@attrs.frozen(kw_only=True)
class MarketDepth:
    """A market-depth frame: bids best first, asks best first; ``aggregated`` per price level."""

    instrument: Instrument
    bids: tuple[DepthLevel, ...]
    asks: tuple[DepthLevel, ...]
    aggregated: bool
    received_at: datetime
    raw: object = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class OptionSpreadQuote:
    """An option-chain stream frame: a spread's legs, strikes, prices and greeks."""

    legs: tuple[tuple[Instrument, int], ...]
    strikes: tuple[Decimal, ...]
    side: str | None
    bid: Decimal | None
    ask: Decimal | None
    last: Decimal | None
    mid: Decimal | None
    delta: Decimal | None
    gamma: Decimal | None
    theta: Decimal | None
    vega: Decimal | None
    implied_volatility: Decimal | None
    open_interest: int | None
    volume: int | None
    raw: object = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True)
class TickBar:
    """A v2 tick bar: ``time`` is when it closed (v2 stamps the end); ``status`` the bit mask."""

    time: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    status: int

    @property
    def is_historical(self) -> bool:
        """True for history bars (status bit 2), False for real-time ones."""
        return bool(self.status & 0b100)

    @property
    def is_end_of_history(self) -> bool:
        """True on the last history bar (status bit 29)."""
        return bool(self.status & (1 << 29))
