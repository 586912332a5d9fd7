"""The TradeStation error table: a response (or an ``Errors`` item) -> our error (DESIGN §6).

TradeStation answers errors three ways (NOTES.md §3, §7.5):

1. non-2xx with ``{"Error": "<title>", "Message": "<text>"}`` (titles ``BadRequest``,
   ``Unauthorized``, ``Forbidden``, ``NotFound``, ``TooManyRequests``, ``InternalServerError``,
   ``NotImplemented``, ``ServiceUnavailable``, ``GatewayTimeout``);
2. **HTTP 200** with the same top-level ``Error`` object (bar charts: ``{"Error": "Failed",
   "Message": "Not entitled to data for this symbol"}``);
3. **HTTP 200** with an ``Errors`` array beside the data (partial success: one item per failed
   account, symbol or order), read by the operations through :func:`error_from_item`.

Exact messages are matched first (:data:`MESSAGE_TO_ERROR`, case-insensitive substrings seen on
the real API), then the title (:data:`TITLE_TO_ERROR`), then the status
(:func:`~brokerlink.runtime.statuses.error_for_status`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import orjson

from brokerlink import errors
from brokerlink._http import Response
from brokerlink.runtime.retry import retry_after_seconds
from brokerlink.runtime.statuses import body_excerpt, error_for_status

__all__ = [
    "BROKER",
    "MESSAGE_TO_ERROR",
    "TITLE_TO_ERROR",
    "error_from_item",
    "error_from_text",
    "error_from_tradestation",
]

BROKER = "tradestation"

MESSAGE_TO_ERROR: tuple[tuple[str, type[errors.BrokerError]], ...] = (
    ("invalid symbol", errors.SymbolNotFoundError),
    ("ex_invalid_symbol", errors.SymbolNotFoundError),
    ("not entitled", errors.AuthError),
    ("invalid order id", errors.OrderNotFoundError),
    ("order not found", errors.OrderNotFoundError),
    ("not an open order", errors.RejectedError),
    ("cancel/replace not allowed", errors.RejectedError),
    ("insufficient", errors.InsufficientFundsError),
    ("buying power", errors.InsufficientFundsError),
    ("you are short", errors.InvalidOrderError),
    ("invalid price", errors.InvalidOrderError),
    ("has invalid", errors.InvalidOrderError),
    ("request not supported for account type", errors.NotSupportedError),
    ("invalid account id", errors.RejectedError),
    ("rate quota exceeded", errors.RateLimitedError),
    ("dual logon", errors.AuthError),
    ("duallogon", errors.AuthError),
)
"""Exact table: a (lower-case) piece of TradeStation's message -> our error class."""

TITLE_TO_ERROR: MappingProxyType[str, type[errors.BrokerError]] = MappingProxyType(
    {
        "unauthorized": errors.UnauthorizedError,
        "forbidden": errors.AuthError,
        "toomanyrequests": errors.RateLimitedError,
        "internalservererror": errors.BrokerUnavailableError,
        "serviceunavailable": errors.BrokerUnavailableError,
        "gatewaytimeout": errors.BrokerUnavailableError,
        "notimplemented": errors.NotSupportedError,
        "failed": errors.RejectedError,
    }
)
"""Broad table: the ``Error`` title -> our error class (``BadRequest``/``NotFound`` by path)."""


def error_from_text(
    title: str, message: str, *, path: str = "", retry_after: float | None = None
) -> errors.BrokerError:
    """The error for TradeStation's ``title`` and ``message`` (from a body or an Errors item)."""
    text = message or title or "TradeStation reported an error"
    lowered = f"{title} {message}".lower()
    kind: type[errors.BrokerError] | None = next(
        (cls for piece, cls in MESSAGE_TO_ERROR if piece in lowered), None
    )
    if kind is None:
        kind = TITLE_TO_ERROR.get(title.replace(" ", "").lower())
    if kind is None and title.lower() in ("notfound", "not found"):
        kind = errors.OrderNotFoundError if "/order" in path else errors.SymbolNotFoundError
    if kind is None and title.lower() == "badrequest":
        kind = errors.InvalidOrderError if "orderexecution" in path else errors.RejectedError
    if kind is None:
        kind = errors.RejectedError
    return _build(kind, text, title, retry_after)


def _build(
    kind: type[errors.BrokerError], text: str, code: str, retry_after: float | None
) -> errors.BrokerError:
    if issubclass(kind, errors.AmbiguousOrderError):  # never built from a body
        return errors.RejectedError(text, broker=BROKER, code=code or None)
    if issubclass(kind, errors.OperationFailedError):
        return kind(text, broker=BROKER, code=code or None, retry_after=retry_after)
    if kind is errors.ScopeError:
        return errors.AuthError(text, broker=BROKER)
    return kind(text, broker=BROKER, code=code or None)


def error_from_item(item: Mapping[str, Any], *, path: str = "") -> errors.BrokerError:
    """The error one ``Errors`` array item stands for (``{"Error", "Message", ...}``)."""
    title = str(item.get("Error") or "")
    message = str(item.get("Message") or "")
    if not message and "," in title:  # quotes: {"Symbol": "X", "Error": "FAILED, INVALID SYMBOL"}
        title, _, message = (part.strip() for part in title.partition(","))
    subject = item.get("Symbol") or item.get("OrderID")
    text = f"{message or title} ({subject})" if subject else message or title
    return error_from_text(title, text, path=path)


def error_from_tradestation(response: Response) -> errors.BrokerError | None:
    """The error ``response`` stands for, or ``None`` for a good answer (checks 200 bodies)."""
    status = response.status_code
    title, message = _error_body(response)
    if title is None and status < 400:
        return None
    path = _path(response)
    retry_after = retry_after_seconds(response)
    if title is not None:
        found = error_from_text(title, message or "", path=path, retry_after=retry_after)
        if status >= 400 and type(found) is errors.RejectedError and title.lower() == "failed":
            broad = error_for_status(response, broker=BROKER, message=message or title)
            return broad or found
        if status >= 500 and not isinstance(found, errors.OperationFailedError):
            return errors.BrokerUnavailableError(
                f"HTTP {status}: {message or title}", broker=BROKER, retry_after=retry_after
            )
        return found
    excerpt = body_excerpt(response) or response.reason_phrase
    if status == 404:
        kind = errors.OrderNotFoundError if "/order" in path else errors.SymbolNotFoundError
        return kind(f"HTTP 404: {excerpt}", broker=BROKER)
    if status == 400:
        return error_from_text("BadRequest", excerpt, path=path)
    return error_for_status(response, broker=BROKER)


def _error_body(response: Response) -> tuple[str | None, str | None]:
    """``(Error, Message)`` of a top-level error object; ``(None, None)`` when there is none."""
    if "json" not in response.headers.get("content-type", "json"):
        return None, None
    head = response.content[:64]
    # Good answers are parsed once, by their operation: look inside only when an "Error" key
    # can be at the top (TradeStation writes it first in error objects).
    if response.status_code < 400 and b'"Error"' not in head:
        return None, None
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None, None
    if not isinstance(body, dict) or not isinstance(body.get("Error"), str):
        return None, None
    if response.status_code < 400 and len(body) > 3:  # a data object that merely has an Error
        return None, None
    return str(body["Error"]), str(body.get("Message") or "")


def _path(response: Response) -> str:
    try:
        return response.request.url.path
    except RuntimeError:  # a response built without a request
        return ""
