"""Shared field helpers for the models: UTC checks, masking, enum coercion.

Broker-returned models get validators only for their datetimes (cheap, and the one mistake an
adapter can make that types do not catch); user-built models (orders, legs, groups) get the
converters in :mod:`brokerlink.models._convert`, built on :func:`coerce_enum` and
:func:`user_datetime`, which raise :class:`~brokerlink.errors.InvalidOrderError` naming the field.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

from brokerlink.errors import InvalidOrderError
from brokerlink.redact import mask_account
from brokerlink.timeutil import ensure_utc, is_utc

__all__ = ["coerce_enum", "masked", "only_leg", "optional_utc", "user_datetime", "utc"]

_E = TypeVar("_E", bound=enum.Enum)

masked = mask_account
"""``repr=`` callable for account-id fields: reprs show ``****567M``, never the whole id."""


def utc(instance: object, attribute: Any, value: datetime) -> None:
    """attrs validator: ``value`` must be an aware datetime in UTC.

    Adapters convert at the parse boundary with :func:`~brokerlink.timeutil.ensure_utc`; a naive or
    non-UTC time here is an adapter bug, reported where it happens rather than at a comparison.
    """
    if not isinstance(value, datetime) or not is_utc(value):
        where = f"{type(instance).__name__}.{attribute.name}"
        raise ValueError(
            f"{where} must be an aware UTC datetime, got {value!r}; "
            f"convert with brokerlink.timeutil.ensure_utc(dt, field=...)"
        )


def optional_utc(instance: object, attribute: Any, value: datetime | None) -> None:
    """attrs validator: like :func:`utc`, letting ``None`` through."""
    if value is not None:
        utc(instance, attribute, value)


def user_datetime(value: datetime | None, *, field: str) -> datetime | None:
    """Convert a user's aware datetime to UTC; a naive one is an ``InvalidOrderError``."""
    if value is None:
        return None
    try:
        return ensure_utc(value, field=field)
    except (TypeError, ValueError) as exc:
        raise InvalidOrderError(str(exc), field=field) from None


def coerce_enum(enum_type: type[_E], value: object, *, field: str) -> _E:
    """``value`` as a member of ``enum_type``, by member, value or name (case-insensitive).

    Users may write ``"buy"``, ``"BUY"`` or ``Side.BUY``; anything else is an
    ``InvalidOrderError`` listing the accepted values.
    """
    if isinstance(value, enum_type):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        for member in enum_type:
            if text in (str(member.value).lower(), member.name.lower()):
                return member
    accepted = ", ".join(repr(str(m.value)) for m in enum_type)
    raise InvalidOrderError(f"{field}: {value!r} is not one of {accepted}", field=field)


L = TypeVar("L")


def only_leg(legs: Sequence[L], what: str) -> L:
    """The one leg of a single-leg order; ``ValueError`` naming ``what`` for a multi-leg one."""
    if len(legs) != 1:
        raise ValueError(f"a {len(legs)}-leg order has no single {what}; read .legs")
    return legs[0]
