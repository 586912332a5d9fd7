"""Exact numbers for prices, quantities and amounts.

Every price, quantity and amount in brokerlink is a :class:`~decimal.Decimal`. Users may pass a
``str``, an ``int`` or a ``Decimal``; a ``float`` is refused because binary floating point cannot
hold most prices exactly (``0.1 + 0.2 != 0.3``) and a price that is off by one ulp is a rejected
order or, worse, a different one. ``bool`` is refused because it is an ``int`` by accident only.

:func:`to_decimal` raises :class:`~brokerlink.errors.InvalidOrderError` (a ``ValueError``) naming
the field, for user-facing builders. :func:`as_decimal` is the same check for converters and
wire hooks, where the caller adds its own context.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TypeAlias

from brokerlink.errors import InvalidOrderError

__all__ = [
    "DecimalLike",
    "as_decimal",
    "decimal_places",
    "format_plain",
    "increment_price",
    "optional_decimal",
    "to_decimal",
]

DecimalLike: TypeAlias = str | int | Decimal
"""What brokerlink accepts wherever it wants an exact number."""

_HOW = "pass a str or Decimal such as '187.50'"


def _problem(value: object) -> tuple[str, Decimal | None]:
    """Return ``("", number)`` when ``value`` is an acceptable exact number, else what is wrong.

    One implementation for both the raising flavours, so their rules cannot drift apart.
    """
    if isinstance(value, bool):
        return f"got the bool {value!r}; {_HOW}", None
    if isinstance(value, float):
        return f"got the float {value!r}; {_HOW}; floats cannot hold prices exactly", None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return f"{value!r} is not a number; {_HOW}", None
    else:
        return f"got a {type(value).__name__} ({value!r}); {_HOW}", None
    if number.is_nan():
        return f"got NaN; {_HOW}", None
    if number.is_infinite():
        return f"got {value!r}, which is infinite; {_HOW}", None
    return "", number


def to_decimal(value: DecimalLike, *, field: str) -> Decimal:
    """Convert a user-supplied ``str``/``int``/``Decimal`` to a finite ``Decimal``.

    Raises :class:`~brokerlink.errors.InvalidOrderError` with ``field`` set when ``value`` is a
    float, a bool, NaN, infinite, or text that is not a number. The message says how to fix it.
    """
    problem, number = _problem(value)
    if number is None:
        raise InvalidOrderError(f"{field}: {problem}", field=field)
    return number


def optional_decimal(value: DecimalLike | None, *, field: str) -> Decimal | None:
    """:func:`to_decimal`, letting ``None`` through (for optional prices)."""
    return None if value is None else to_decimal(value, field=field)


def as_decimal(value: DecimalLike) -> Decimal:
    """:func:`to_decimal` for converters: raises ``TypeError`` for floats, bools and other types,
    ``ValueError`` for NaN, infinities and text that is not a number."""
    problem, number = _problem(value)
    if number is None:
        if isinstance(value, str | Decimal | int) and not isinstance(value, bool):
            raise ValueError(problem)
        raise TypeError(problem)
    return number


def decimal_places(value: Decimal) -> int:
    """How many significant decimal places ``value`` has: trailing zeros do not count.

    ``decimal_places(Decimal("187.50")) == 1``, ``decimal_places(Decimal("100")) == 0``. Tick
    checks use this, so ``"187.500"`` passes a two-decimal rule.
    """
    if not value.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return len(format_plain(value).partition(".")[2])


def format_plain(value: Decimal) -> str:
    """``value`` as plain text, without exponent or trailing zeros: ``5000``, ``4512.5``.

    Exact for any number of digits (``Decimal.normalize`` would round to the context precision).
    """
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").removesuffix(".")
    return "0" if text == "-0" else text


def increment_price(
    total: Decimal, average: Decimal | None, before: Decimal, old_average: Decimal | None
) -> Decimal:
    """The price of the part of an order filled since ``before`` was, from two cumulative
    averages (brokers report an order's average fill price, not each fill's): ``average`` over
    ``total`` now, ``old_average`` over ``before`` then. Zero when no average is known; the
    current average when there is no earlier one to take out."""
    if average is None:
        return Decimal(0)
    if before > 0 and old_average is not None and total > before:
        return (total * average - before * old_average) / (total - before)
    return average
