"""tastytrade's response conventions: the envelope, pagination, numbers, times and errors.

(refs/tastytrade/NOTES.md §3.) A single object is ``{"data": {...}, "context": "/path"}``, a
collection ``{"data": {"items": [...]}, "context": ...}`` with a top-level ``pagination`` object
when paginated. Decimals are strings (``"3.0"``, ``"7218.997"``), timestamps ISO-8601 with
milliseconds and ``+00:00``, order ``updated-at`` epoch milliseconds. Errors are
``{"error": {"code", "message", "errors": [...]}}``; the ``errors`` list only appears for
preflight failures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from brokerlink.emulator.http import Reply
from brokerlink.money import format_plain

__all__ = [
    "TastyError",
    "collection",
    "dec",
    "epoch_ms",
    "error_body",
    "iso",
    "number",
    "page",
    "single",
]


class TastyError(Exception):
    """An error answered in tastytrade's envelope: HTTP ``status``, machine ``code``, ``errors``."""

    def __init__(
        self,
        status: int,
        code: str | int,
        message: str,
        errors: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.errors = tuple(errors)

    def reply(self) -> Reply:
        """The error response."""
        return Reply.json(self.status, error_body(self.code, self.message, self.errors))


def error_body(
    code: str | int, message: str, errors: Sequence[tuple[str, str]] = ()
) -> dict[str, Any]:
    """``{"error": {"code", "message"[, "errors"]}}``."""
    inner: dict[str, Any] = {"code": code, "message": message}
    if errors:
        inner["errors"] = [{"code": c, "message": m} for c, m in errors]
    return {"error": inner}


def dec(value: Decimal | None) -> str | None:
    """A decimal as tastytrade writes it: plain, with at least one decimal (``"3.0"``)."""
    if value is None:
        return None
    text = format_plain(value)
    return text if "." in text else f"{text}.0"


def number(value: Decimal) -> int | str:
    """A quantity: an integer when whole (``100``), else a decimal string (``"0.5"``)."""
    return int(value) if value == value.to_integral_value() else format_plain(value)


def iso(when: datetime | None) -> str | None:
    """``2023-07-31T15:33:45.899+00:00``."""
    if when is None:
        return None
    return when.astimezone(UTC).isoformat(timespec="milliseconds")


def epoch_ms(when: datetime) -> int:
    """Epoch milliseconds (order ``updated-at``)."""
    return int(when.timestamp() * 1000)


def single(data: Any, context: str) -> Reply:
    """One object in the envelope."""
    return Reply.json(200, {"data": data, "context": context})


def collection(items: list[Any], context: str) -> Reply:
    """An unpaginated collection."""
    return Reply.json(200, {"data": {"items": items}, "context": context})


def page(items: list[Any], context: str, *, per_page: int, page_offset: int) -> Reply:
    """One page of ``items`` (the whole list) with tastytrade's ``pagination`` object."""
    total = len(items)
    per_page = max(per_page, 1)
    start = page_offset * per_page
    chunk = items[start : start + per_page]
    pagination = {
        "per-page": per_page,
        "page-offset": page_offset,
        "item-offset": start,
        "total-items": total,
        "total-pages": max(math.ceil(total / per_page), 1),
        "current-item-count": len(chunk),
        "previous-link": None,
        "next-link": None,
        "paging-link-template": None,
    }
    return Reply.json(200, {"data": {"items": chunk}, "context": context, "pagination": pagination})
