"""What an adapter can do, per environment (DESIGN §7), and the checks made before any request.

A :class:`Capabilities` object is plain data an adapter declares for each environment. The broker
facade calls its ``require_*`` methods before building a request, so a call the broker cannot
honour fails fast with :class:`~brokerlink.errors.NotSupportedError` naming the adapter, the
environment and what is missing, instead of a broker error (or worse, a half-done action).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING

import attrs

from brokerlink.enums import AssetClass, GroupKind, OrderType, TimeInForce
from brokerlink.errors import NotSupportedError
from brokerlink.runtime.ratelimit import RateLimit

if TYPE_CHECKING:
    from brokerlink.models import NewOrder, OrderGroup

__all__ = [
    "Capabilities",
    "Feature",
    "HistoryLimits",
    "ReplaceSupport",
    "StreamKind",
    "StreamSupport",
]


class Feature(enum.StrEnum):
    """Request/response features an adapter may lack in some environment."""

    ACCOUNTS = "accounts"
    BALANCES = "balances"
    POSITIONS = "positions"
    ORDERS = "orders"
    ORDER_HISTORY = "order_history"
    PREVIEW = "preview"
    PLACE = "place"
    REPLACE = "replace"
    CANCEL = "cancel"
    QUOTES = "quotes"
    BARS = "bars"
    OPTION_CHAIN = "option_chain"
    INSTRUMENT = "instrument"


class StreamKind(enum.StrEnum):
    """The four broker-neutral streams."""

    QUOTES = "quotes"
    BARS = "bars"
    ORDERS = "orders"
    POSITIONS = "positions"


@attrs.frozen(kw_only=True)
class StreamSupport:
    """One stream: ``reliable`` is False when events can be lost and state must be reconciled."""

    reliable: bool = True
    note: str = ""


@attrs.frozen(kw_only=True)
class ReplaceSupport:
    """Which fields ``replace`` may change, and whether the order keeps its id afterwards."""

    fields: frozenset[str] = frozenset({"quantity", "limit_price", "stop_price", "time_in_force"})
    keeps_id: bool = True


@attrs.frozen(kw_only=True)
class HistoryLimits:
    """Bar history limits: the facade splits and pages requests within them for the user."""

    timeframes: frozenset[str] = frozenset(
        {"1min", "5min", "15min", "30min", "1h", "1d", "1w", "1mo"}
    )
    max_bars_per_request: int | None = None
    earliest: date | None = None
    intraday_days_back: int | None = None
    # Brokers whose only history is a stream (tastytrade's DxLink candles): the facades call the
    # adapter's ``bar_history`` coroutine instead of running a ``bars`` operation.
    over_stream: bool = False


@attrs.frozen(kw_only=True)
class Capabilities:
    """Everything one adapter supports in one environment."""

    adapter: str
    environment: str
    features: frozenset[Feature] = frozenset(Feature)
    asset_classes: frozenset[AssetClass] = frozenset({AssetClass.EQUITY})
    order_types: frozenset[OrderType] = frozenset(OrderType)
    time_in_force: Mapping[AssetClass, frozenset[TimeInForce]] = attrs.field(factory=dict)
    groups: frozenset[GroupKind] = frozenset()
    max_legs: int = 1
    combo_order_types: frozenset[OrderType] | None = None
    """The order types a multi-leg order may have; ``None`` means the same as ``order_types``."""
    replace: ReplaceSupport = attrs.field(factory=ReplaceSupport)
    streams: Mapping[StreamKind, StreamSupport] = attrs.field(factory=dict)
    history: HistoryLimits = attrs.field(factory=HistoryLimits)
    rate_limits: tuple[RateLimit, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """``"<adapter> <environment>"``, for messages."""
        return f"{self.adapter} {self.environment}"

    @property
    def multi_leg_order_types(self) -> frozenset[OrderType]:
        """The order types a multi-leg order may have here."""
        return self.order_types if self.combo_order_types is None else self.combo_order_types

    def supports(self, feature: Feature) -> bool:
        """True when ``feature`` is available here."""
        return feature in self.features

    def require(self, feature: Feature) -> None:
        """Raise :class:`NotSupportedError` unless ``feature`` is available."""
        if feature not in self.features:
            raise NotSupportedError(
                f"{feature.value} is not supported by {self.where}", broker=self.adapter
            )

    def require_stream(self, kind: StreamKind) -> StreamSupport:
        """The stream's support record, or :class:`NotSupportedError` when it does not exist here."""
        support = self.streams.get(kind)
        if support is None:
            raise NotSupportedError(
                f"{kind.value} streaming is not supported by {self.where}", broker=self.adapter
            )
        return support

    def require_timeframe(self, timeframe: str) -> None:
        """Raise unless bars of ``timeframe`` (canonical text) can be requested."""
        self.require(Feature.BARS)
        if timeframe not in self.history.timeframes:
            offered = ", ".join(sorted(self.history.timeframes))
            raise NotSupportedError(
                f"{timeframe} bars are not supported by {self.where}; available: {offered}",
                broker=self.adapter,
            )

    def require_replace(self, fields: Iterable[str]) -> None:
        """Raise unless every field in ``fields`` may be changed by ``replace``."""
        self.require(Feature.REPLACE)
        refused = sorted(set(fields) - self.replace.fields)
        if refused:
            raise NotSupportedError(
                f"replace cannot change {', '.join(refused)} on {self.where}; "
                f"cancel and place a new order instead",
                broker=self.adapter,
            )

    def require_order(self, order: NewOrder) -> None:
        """Raise unless this broker can take ``order`` (asset class, type, TIF, legs)."""
        self.require(Feature.PLACE)
        if len(order.legs) > self.max_legs:
            raise NotSupportedError(
                f"{len(order.legs)}-leg orders are not supported by {self.where} (at most {self.max_legs})",
                broker=self.adapter,
            )
        if order.type not in self.order_types:
            raise NotSupportedError(
                f"{order.type.name} orders are not supported by {self.where}", broker=self.adapter
            )
        if len(order.legs) > 1 and order.type not in self.multi_leg_order_types:
            names = ", ".join(sorted(kind.name for kind in self.multi_leg_order_types))
            raise NotSupportedError(
                f"{order.type.name} multi-leg orders are not supported by {self.where}; "
                f"use one of {names}",
                broker=self.adapter,
            )
        for leg in order.legs:
            asset = leg.instrument.asset_class
            if asset not in self.asset_classes:
                raise NotSupportedError(
                    f"{asset.value} orders ({leg.instrument}) are not supported by {self.where}",
                    broker=self.adapter,
                )
            allowed = self.time_in_force.get(asset)
            if allowed is not None and order.time_in_force not in allowed:
                names = ", ".join(sorted(tif.name for tif in allowed))
                raise NotSupportedError(
                    f"time in force {order.time_in_force.name} is not supported for {asset.value} "
                    f"on {self.where}; use one of {names}",
                    broker=self.adapter,
                )

    def require_group(self, group: OrderGroup) -> None:
        """Raise unless the group kind and each of its orders are supported."""
        if group.kind not in self.groups:
            raise NotSupportedError(
                f"{group.kind.name} order groups are not supported by {self.where}",
                broker=self.adapter,
            )
        for order in group.orders:
            self.require_order(order)
