"""Tradier's JSON quirks, absorbed once: every parse function reads payloads through these.

Tradier's JSON is a mechanical translation of XML (NOTES §3.1, §3.2), so:

- a collection is ``{"<plural>": {"<singular>": ...}}`` whose inner value is an **object** for
  one element and an **array** for several (:func:`items`);
- an empty collection is the string ``"null"``, a JSON ``null``, or a missing key (:func:`items`);
- unknown quote symbols come back beside the quotes as ``unmatched_symbols.symbol``, itself
  one-or-many (:func:`unmatched`);
- numbers may be JSON numbers with long tails, strings (``"281.85"``), ``"NaN"`` or ``null``
  (:func:`dec`, :func:`opt_dec`); bodies are decoded with ``Decimal`` floats so nothing is lost;
- times are ISO with a zone, ISO without one (exchange time, America/New_York), epoch
  milliseconds as a number or a string, epoch seconds, or ``0`` for "none" (:func:`when`);
- errors arrive with HTTP 200 as ``{"errors": {"error": "..." | [...]}}`` and from the gateway as
  ``{"fault": {"faultstring": ..., "detail": {"errorcode": ...}}}`` (:func:`error_messages`,
  :func:`fault_of`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from brokerlink.errors import ResponseFormatError

__all__ = [
    "BROKER",
    "NEW_YORK",
    "dec",
    "error_messages",
    "fault_of",
    "flag",
    "items",
    "load",
    "obj",
    "opt_dec",
    "opt_text",
    "unmatched",
    "when",
]

BROKER = "tradier"
NEW_YORK = ZoneInfo("America/New_York")
_EMPTY: tuple[object, ...] = (None, "null", "", [])
_MS = 100_000_000_000  # an epoch number this large is milliseconds (seconds would be year 5138)


def load(body: bytes | str) -> dict[str, Any]:
    """Decode a Tradier body with exact decimals; a non-object or non-JSON body is a format error."""
    try:
        decoded = json.loads(body, parse_float=Decimal)
    except ValueError as exc:
        raise ResponseFormatError(
            f"the body is not JSON ({exc})", raw=body, excerpt=_short(body), broker=BROKER
        ) from exc
    if not isinstance(decoded, dict):
        raise ResponseFormatError("the body is not a JSON object", raw=body, broker=BROKER)
    return decoded


def _short(body: bytes | str) -> str:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return text[:80]


def obj(payload: Mapping[str, Any], key: str, *, path: str = "$") -> dict[str, Any] | None:
    """``payload[key]`` when it is an object; ``None`` for an empty form (``"null"``, null, absent)."""
    value = payload.get(key)
    if value in _EMPTY:
        return None
    if not isinstance(value, dict):
        raise ResponseFormatError(
            f"expected an object, got {type(value).__name__}", path=f"{path}.{key}", broker=BROKER
        )
    return value


def items(payload: Mapping[str, Any], wrapper: str, element: str) -> list[Any]:
    """The elements of ``payload[wrapper][element]`` as a list, whatever shape they came in.

    ``{"positions": {"position": [...]}}`` and ``{"positions": {"position": {...}}}`` both give a
    list; ``{"positions": "null"}``, ``{"positions": null}``, ``{}`` and an empty inner value give
    ``[]``. ``wrapper=""`` reads ``element`` straight from ``payload`` (an order's ``leg``).
    """
    container = payload if not wrapper else obj(payload, wrapper)
    if container is None:
        return []
    return listed(container.get(element))


def listed(value: Any) -> list[Any]:
    """A one-or-many value as a list (``None``/``"null"`` is empty)."""
    if value in _EMPTY:
        return []
    return value if isinstance(value, list) else [value]


def unmatched(quotes: Mapping[str, Any] | None) -> list[str]:
    """The symbols a quote request named but Tradier does not know (``unmatched_symbols``)."""
    if quotes is None:
        return []
    found = quotes.get("unmatched_symbols")
    if not isinstance(found, dict):
        return []
    return [str(symbol) for symbol in listed(found.get("symbol"))]


def opt_dec(value: Any, *, path: str = "$") -> Decimal | None:
    """A number from a JSON number or a string; ``None`` for null, ``""``, ``"null"``, ``"NaN"``."""
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise ResponseFormatError(f"not a number: {value!r}", path=path, broker=BROKER)
        return None
    if isinstance(value, str):
        text = value.strip()
        if text in ("", "null") or text.lower() == "nan":
            return None
        value = text
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise ResponseFormatError(f"not a number: {value!r}", path=path, broker=BROKER) from None
    return number if number.is_finite() else None


def dec(value: Any, *, path: str = "$") -> Decimal:
    """Like :func:`opt_dec`, but the value must be there."""
    number = opt_dec(value, path=path)
    if number is None:
        raise ResponseFormatError(f"a number is required, got {value!r}", path=path, broker=BROKER)
    return number


def opt_text(value: Any) -> str | None:
    """Text, with Tradier's ``"null"`` string and empty values read as ``None``."""
    if value in _EMPTY:
        return None
    return str(value)


def flag(value: Any) -> bool:
    """A boolean sent as ``true``/``false`` or (older captures) ``"true"``/``"false"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return False


def when(value: Any, *, path: str = "$") -> datetime | None:
    """Any Tradier time as an aware UTC datetime (``None`` for null, ``0`` or ``"null"``).

    Epoch numbers (or digit strings) are milliseconds when large, else seconds; ISO text with a
    zone is converted; zone-less text (``2019-05-14T15:56:47.371``, ``2019-08-29 14:59:08``) is
    New York exchange time; nanosecond fractions are cut to microseconds.
    """
    if value is None or value in ("", "null", 0, "0"):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        number = int(value)
        if number == 0:
            return None
        return datetime.fromtimestamp(number / 1000 if number >= _MS else number, UTC)
    if not isinstance(value, str):
        raise ResponseFormatError(f"not a time: {value!r}", path=path, broker=BROKER)
    text = _trim_fraction(value.strip().replace(" ", "T"))
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ResponseFormatError(f"not a time: {value!r}", path=path, broker=BROKER) from None
    if parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=NEW_YORK)
    return parsed.astimezone(UTC)


def _trim_fraction(text: str) -> str:
    """Cut a fraction longer than 6 digits (Tradier sends nanoseconds) for ``fromisoformat``."""
    head, dot, rest = text.partition(".")
    if not dot:
        return text
    digits = len(rest) - len(rest.lstrip("0123456789"))
    return f"{head}.{rest[: min(digits, 6)]}{rest[digits:]}"


def day(value: Any, *, path: str = "$") -> date:
    """A ``YYYY-MM-DD`` date."""
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ResponseFormatError(f"not a date: {value!r}", path=path, broker=BROKER) from None


def error_messages(payload: Mapping[str, Any]) -> list[str]:
    """The messages of an ``errors`` body (``{"errors": {"error": "m" | ["m1", "m2"]}}``)."""
    errors = payload.get("errors")
    if errors in _EMPTY:
        return []
    if isinstance(errors, str):
        return [errors]
    if isinstance(errors, dict):
        return [str(m) for m in listed(errors.get("error"))]
    return [str(m) for m in listed(errors)]


def fault_of(payload: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(faultstring, errorcode)`` of a gateway fault body, or ``None``."""
    fault = payload.get("fault")
    if not isinstance(fault, dict):
        return None
    detail = fault.get("detail")
    code = detail.get("errorcode") if isinstance(detail, dict) else None
    return str(fault.get("faultstring") or ""), str(code or "")
