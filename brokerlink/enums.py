"""The broker-neutral vocabulary (DESIGN §4).

Order state (:class:`OrderStatus`) is strict: every documented broker status maps onto one of these
members, and an undocumented one is a :class:`~brokerlink.errors.ResponseFormatError` in strict mode.
Descriptive enums (:class:`AssetClass`, :class:`AccountType`, ...) are lenient: an adapter that meets
a value it does not know maps it to ``UNKNOWN`` quietly, via :func:`lenient`.
"""

from __future__ import annotations

import enum
from typing import TypeVar

__all__ = [
    "AccountStatus",
    "AccountType",
    "AssetClass",
    "GroupKind",
    "OptionRight",
    "OrderStatus",
    "OrderType",
    "PositionEffect",
    "Side",
    "TimeInForce",
    "lenient",
]


class Side(enum.StrEnum):
    """Direction of a leg. Sell-short is ``SELL`` + ``OPEN``; buy-to-cover is ``BUY`` + ``CLOSE``."""

    BUY = "buy"
    SELL = "sell"

    @property
    def opposite(self) -> Side:
        """The side that closes a position opened with this one."""
        return Side.SELL if self is Side.BUY else Side.BUY

    @property
    def sign(self) -> int:
        """``+1`` for a buy, ``-1`` for a sell: the sign a fill adds to a position."""
        return 1 if self is Side.BUY else -1


class PositionEffect(enum.StrEnum):
    """Whether a leg opens or closes a position; ``AUTO`` lets the adapter decide from positions."""

    OPEN = "open"
    CLOSE = "close"
    AUTO = "auto"


class OrderType(enum.StrEnum):
    """How an order is priced."""

    MARKET = "market"
    LIMIT = "limit"
    STOP = "stop"
    STOP_LIMIT = "stop_limit"
    TRAILING_STOP = "trailing_stop"

    @property
    def needs_limit_price(self) -> bool:
        """True for the types that carry a limit price."""
        return self in (OrderType.LIMIT, OrderType.STOP_LIMIT)

    @property
    def needs_stop_price(self) -> bool:
        """True for the types that carry a stop (trigger) price."""
        return self in (OrderType.STOP, OrderType.STOP_LIMIT)


class TimeInForce(enum.StrEnum):
    """How long an order works. ``*_EXT`` variants also work in the extended sessions."""

    DAY = "day"
    GTC = "gtc"
    GTD = "gtd"
    IOC = "ioc"
    FOK = "fok"
    DAY_EXT = "day_ext"
    GTC_EXT = "gtc_ext"
    OPG = "opg"
    CLS = "cls"

    @property
    def extended_hours(self) -> bool:
        """True when the order may work outside the regular session."""
        return self in (TimeInForce.DAY_EXT, TimeInForce.GTC_EXT)


class OrderStatus(enum.StrEnum):
    """Where an order is in its life. ``UNKNOWN`` only appears in lenient (non-strict) parsing."""

    PENDING = "pending"
    OPEN = "open"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCEL_PENDING = "cancel_pending"
    CANCELED = "canceled"
    REJECTED = "rejected"
    EXPIRED = "expired"
    REPLACED = "replaced"
    UNKNOWN = "unknown"

    @property
    def is_final(self) -> bool:
        """True once the order can no longer change (filled, canceled, rejected, expired, replaced)."""
        return self in _FINAL

    @property
    def is_working(self) -> bool:
        """True while the order can still fill."""
        return self in (
            OrderStatus.PENDING,
            OrderStatus.OPEN,
            OrderStatus.PARTIALLY_FILLED,
            OrderStatus.CANCEL_PENDING,
        )


_FINAL = frozenset(
    {
        OrderStatus.FILLED,
        OrderStatus.CANCELED,
        OrderStatus.REJECTED,
        OrderStatus.EXPIRED,
        OrderStatus.REPLACED,
    }
)


class GroupKind(enum.StrEnum):
    """An :class:`~brokerlink.OrderGroup`'s kind: one-cancels-other, one-triggers-others, or bracket."""

    OCO = "oco"
    OTO = "oto"
    BRACKET = "bracket"


class AssetClass(enum.StrEnum):
    """What kind of instrument a symbol names (descriptive: unknown values become ``UNKNOWN``)."""

    EQUITY = "equity"
    OPTION = "option"
    FUTURE = "future"
    FUTURE_OPTION = "future_option"
    INDEX = "index"
    CRYPTO = "crypto"
    UNKNOWN = "unknown"


class OptionRight(enum.StrEnum):
    """Call or put."""

    CALL = "C"
    PUT = "P"


class AccountType(enum.StrEnum):
    """The account's type (descriptive)."""

    CASH = "cash"
    MARGIN = "margin"
    FUTURES = "futures"
    CRYPTO = "crypto"
    IRA = "ira"
    UNKNOWN = "unknown"


class AccountStatus(enum.StrEnum):
    """Whether the account may trade (descriptive)."""

    ACTIVE = "active"
    RESTRICTED = "restricted"
    CLOSED = "closed"
    UNKNOWN = "unknown"


_E = TypeVar("_E", bound=enum.Enum)


def lenient(enum_type: type[_E], value: object, *, default: _E) -> _E:
    """Map ``value`` onto ``enum_type`` by value or name, falling back to ``default`` quietly.

    For descriptive enums only; order status is mapped strictly by each adapter's table.
    """
    if isinstance(value, enum_type):
        return value
    text = str(value).strip()
    for member in enum_type:
        if text in (member.value, member.name) or text.lower() == str(member.value).lower():
            return member
    return default
