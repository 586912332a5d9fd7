"""Converters for user input: friendly values in, exact values out, or a precise error.

Each is a named function (the attrs mypy plugin types ``__init__`` from a converter's signature)
that raises :class:`~brokerlink.errors.InvalidOrderError` with ``field`` set.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from brokerlink.enums import OrderType, PositionEffect, Side, TimeInForce
from brokerlink.errors import InvalidOrderError
from brokerlink.instruments import Instrument, InstrumentLike, instrument
from brokerlink.models._common import coerce_enum, user_datetime
from brokerlink.money import DecimalLike, optional_decimal, to_decimal

if TYPE_CHECKING:
    from brokerlink.models.leg import Leg

__all__ = [
    "client_id",
    "effect",
    "expires_at",
    "legs",
    "limit_price",
    "new_client_id",
    "order_type",
    "quantity",
    "side",
    "stop_price",
    "symbol",
    "time_in_force",
    "trail_amount",
    "trail_percent",
]


def symbol(value: InstrumentLike) -> Instrument:
    return instrument(value)


def side(value: Side | str) -> Side:
    return coerce_enum(Side, value, field="side")


def effect(value: PositionEffect | str) -> PositionEffect:
    return coerce_enum(PositionEffect, value, field="effect")


def quantity(value: DecimalLike) -> Decimal:
    return to_decimal(value, field="quantity")


_CLIENT_ID = re.compile(r"[A-Za-z0-9-]{1,40}")


def new_client_id() -> str:
    """A fresh client order id: ``bl-`` and 20 lowercase hex characters (80 random bits).

    Short and plain enough for every broker's field (Tradier's ``tag`` takes letters, digits and
    dashes only).
    """
    return f"bl-{secrets.token_hex(10)}"


def client_id(value: str | None) -> str:
    if value is None:
        return new_client_id()
    if not isinstance(value, str) or not _CLIENT_ID.fullmatch(value):
        raise InvalidOrderError(
            f"client_id: {value!r} must be 1-40 characters of letters, digits and '-' "
            f"(every broker accepts that); omit it to have one generated",
            field="client_id",
        )
    return value


def legs(value: Iterable[Leg]) -> tuple[Leg, ...]:
    # Imported here: leg.py imports this module for its own converters.
    from brokerlink.models.leg import Leg

    result = tuple(value)
    for leg in result:
        if not isinstance(leg, Leg):
            raise InvalidOrderError(
                f"legs: {leg!r} is not a Leg; build one with Leg.buy(...)", field="legs"
            )
    return result


def order_type(value: OrderType | str) -> OrderType:
    return coerce_enum(OrderType, value, field="type")


def time_in_force(value: TimeInForce | str) -> TimeInForce:
    return coerce_enum(TimeInForce, value, field="time_in_force")


def limit_price(value: DecimalLike | None) -> Decimal | None:
    return optional_decimal(value, field="limit_price")


def stop_price(value: DecimalLike | None) -> Decimal | None:
    return optional_decimal(value, field="stop_price")


def trail_amount(value: DecimalLike | None) -> Decimal | None:
    return optional_decimal(value, field="trail_amount")


def trail_percent(value: DecimalLike | None) -> Decimal | None:
    return optional_decimal(value, field="trail_percent")


def expires_at(value: datetime | None) -> datetime | None:
    return user_datetime(value, field="expires_at")
