"""Tradier's JSON as the emulator writes it, quirks included (NOTES §3.1, §3.2, §4.3).

Tradier's JSON is a mechanical translation of XML, and the emulator reproduces that on purpose so
clients are tested against what the real API sends:

- :func:`collection`: one element is an **object**, several an **array**, none the string
  ``"null"`` (or a JSON ``null`` where the endpoint documents that);
- :func:`dumps`: ``Decimal`` values are written as JSON numbers spelled exactly as given
  (``1.00000000`` for a quantity, as the docs show), never as strings;
- :func:`iso_ms`, :func:`epoch_ms`, :func:`ny_local`: the different time spellings;
- :class:`TradierError`: a request the API refuses, answered ``{"errors": {"error": ...}}``
  (HTTP 400, or HTTP 200 for what Tradier's downstream systems reject);
- :func:`fault`: the Apigee gateway's ``{"fault": {...}}`` body (auth failures, unknown paths).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from brokerlink.emulator.http import Reply

__all__ = [
    "NEW_YORK",
    "QTY",
    "TradierError",
    "collection",
    "dumps",
    "epoch_ms",
    "errors_reply",
    "fault",
    "iso_ms",
    "json_reply",
    "money",
    "ny_local",
    "point",
    "qty",
]

NEW_YORK = ZoneInfo("America/New_York")
"""Tradier's zone-less times are exchange (New York) times."""

QTY = Decimal("0.00000001")
"""Quantities are written with eight decimals, as every documented example does."""

_CENT = Decimal("0.01")


class TradierError(Exception):
    """A request Tradier refuses: ``{"errors": {"error": ...}}`` with ``status``.

    ``status`` is 400 for a malformed request and 200 for a rejection by the order-management
    system (NOTES §4.3: "the API sends back a 200 response for any error that is thrown by
    downstream systems"). ``code`` is the OMS validator name (``ShortOrderIsGtc``) when there is
    one; it is sent as a second ``error`` entry, after the message.
    """

    def __init__(self, message: str, *, status: int = 400, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        # A Fragment is written verbatim: the number keeps the spelling the docs show.
        return orjson.Fragment(format(value, "f").encode())
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(obj: object) -> bytes:
    """JSON bytes for ``obj`` with ``Decimal`` values written as exact JSON numbers."""
    return orjson.dumps(obj, default=_default)


def json_reply(status: int, obj: object, headers: Mapping[str, str] | None = None) -> Reply:
    """A JSON reply written with :func:`dumps`."""
    merged = {"Content-Type": "application/json", **(headers or {})}
    return Reply(status=status, headers=merged, body=dumps(obj))


def errors_reply(error: TradierError) -> Reply:
    """``{"errors": {"error": "msg"}}``, or ``[msg, code]`` when the OMS named a code."""
    messages: object = error.message if error.code is None else [error.message, error.code]
    return json_reply(error.status, {"errors": {"error": messages}})


def fault(status: int, faultstring: str, errorcode: str) -> Reply:
    """The API gateway's error body: ``{"fault": {"faultstring", "detail": {"errorcode"}}}``."""
    body = {"fault": {"faultstring": faultstring, "detail": {"errorcode": errorcode}}}
    return json_reply(status, body)


def collection(items: Sequence[Any], empty: object = "null") -> Any:
    """One item as itself, several as a list, none as ``empty`` (Tradier's ``"null"``)."""
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    return list(items)


def qty(value: Decimal) -> Decimal:
    """A quantity spelled with eight decimals (``1.00000000``)."""
    return value.quantize(QTY)


def point(value: Decimal) -> Decimal:
    """A number with at least one decimal (``25.0``, ``22.5``), as strikes are written."""
    return value.quantize(Decimal("0.1")) if value == value.quantize(Decimal("0.1")) else value


def money(value: Decimal | None) -> Decimal | None:
    """An amount in cents (``None`` passes through)."""
    return None if value is None else value.quantize(_CENT)


def iso_ms(when: datetime) -> str:
    """``2018-06-01T12:02:29.682Z``: order and position times."""
    utc = when.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def epoch_ms(when: datetime | None) -> int:
    """Epoch milliseconds (``0`` for "none", as quotes do)."""
    return 0 if when is None else int(when.timestamp() * 1000)


def ny_local(when: datetime) -> str:
    """``2019-05-09T09:30:00``: exchange time without a zone (time & sales)."""
    return when.astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M:%S")
