"""The tastytrade error table: a response -> the brokerlink error it stands for (DESIGN §6).

Error answers carry ``{"error": {"code": "...", "message": "...", "errors": [...]}}``
(NOTES §3); ``errors`` lists the individual preflight failures. Some codes are numbers
(``{"code": 406, ...}`` for an unsupported ``Accept-Version``). Messages may end with "Unique
customer support identifier: <hex>", which is kept out of what we show. The table branches on
codes, never on message text:

1. **exact**: the top-level ``code``; for ``preflight_check_failure`` the first inner code
   decides (``cant_buy_for_credit`` is an invalid order, a buying-power failure is
   insufficient funds);
2. **broad**: anything else falls back on the status (:func:`error_for_status`), with 400/422
   meaning a rejected order under ``/orders`` and 404 an unknown order or symbol.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import MappingProxyType
from typing import Any

import orjson

from brokerlink import errors
from brokerlink._http import Response
from brokerlink.runtime.retry import retry_after_seconds
from brokerlink.runtime.statuses import error_for_status

__all__ = ["CODE_TO_ERROR", "PREFLIGHT_CODES", "error_from_tastytrade"]

BROKER = "tastytrade"

Factory = Callable[[str, str, Response], errors.BrokerError]

_SUPPORT_ID = re.compile(r"\s*Unique customer support identifier: [0-9a-fA-F]+\.?\s*$")


def _simple(kind: type[errors.BrokerError]) -> Factory:
    def build(message: str, code: str, response: Response) -> errors.BrokerError:
        return kind(message, broker=BROKER, code=code)

    return build


def _version(message: str, code: str, response: Response) -> errors.BrokerError:
    return errors.ConfigError(
        f"tastytrade no longer serves the pinned API version: {message}",
        key="Accept-Version",
        fix="upgrade brokerlink-tastytrade (it pins the version it was tested against)",
    )


def _unauthorized(message: str, code: str, response: Response) -> errors.BrokerError:
    return errors.UnauthorizedError(
        f"{message}. Refresh the access token (it lasts 15 minutes) or check the credentials",
        broker=BROKER,
        code=code,
    )


CODE_TO_ERROR: MappingProxyType[str, Factory] = MappingProxyType(
    {
        "406": _version,
        "invalid_credentials": _unauthorized,
        "token_invalid": _unauthorized,
        "unauthorized": _unauthorized,
        "not_permitted": _simple(errors.AuthError),
        "unconfirmed_user": _simple(errors.AuthError),
        "cannot_update_order": _simple(errors.RejectedError),
        "order_not_found": _simple(errors.OrderNotFoundError),
        "record_not_found": _simple(errors.OrderNotFoundError),
        "invalid_symbol": _simple(errors.SymbolNotFoundError),
        "quote_streamer.customer_not_found_error": _simple(errors.AuthError),
        "validation_error": _simple(errors.InvalidOrderError),
    }
)
"""Exact table: the tastytrade ``code`` -> a factory of the brokerlink error."""

PREFLIGHT_CODES: MappingProxyType[str, type[errors.RejectedError]] = MappingProxyType(
    {
        "cant_buy_for_credit": errors.InvalidOrderError,
        "gtc_market_orders_not_supported": errors.InvalidOrderError,
        "invalid_price": errors.InvalidOrderError,
        "invalid_quantity": errors.InvalidOrderError,
        "insufficient_buying_power": errors.InsufficientFundsError,
        "insufficient_funds": errors.InsufficientFundsError,
        "invalid_symbol": errors.SymbolNotFoundError,
        "margin_check_failed": errors.InsufficientFundsError,
    }
)
"""Inner codes of ``preflight_check_failure`` -> the error class (default: a rejection)."""


def error_from_tastytrade(response: Response) -> errors.BrokerError | None:
    """The error ``response`` stands for, or ``None`` for a good answer (reads the body)."""
    error = _error_object(response)
    if error is None:
        return error_for_status(response, broker=BROKER)
    code = str(error.get("code", ""))
    message = _clean(str(error.get("message") or response.reason_phrase))
    inner = [item for item in error.get("errors") or () if isinstance(item, dict)]
    if code == "preflight_check_failure" or inner:
        return _preflight(message, code, inner)
    factory = CODE_TO_ERROR.get(code)
    if factory is not None:
        return factory(message, code, response)
    return _broad(response, message, code)


def _preflight(message: str, code: str, inner: list[dict[str, Any]]) -> errors.BrokerError:
    details = "; ".join(
        f"{item.get('code') or item.get('reason')}: {_clean(str(item.get('message', '')))}"
        for item in inner
    )
    first = str(inner[0].get("code") or inner[0].get("reason")) if inner else code
    kind = PREFLIGHT_CODES.get(first, errors.RejectedError)
    text = f"{message}: {details}" if details else message
    return kind(text, broker=BROKER, code=first)


def _broad(response: Response, message: str, code: str) -> errors.BrokerError:
    status = response.status_code
    path = _path(response)
    if status == 404:
        kind: type[errors.RejectedError] = (
            errors.OrderNotFoundError if "/orders" in path else errors.SymbolNotFoundError
        )
        return kind(f"HTTP 404: {message}", broker=BROKER, code=code or None)
    if status in (400, 422) and "/orders" in path:
        return errors.InvalidOrderError(f"HTTP {status}: {message}", broker=BROKER, code=code)
    if status < 400:
        return errors.RejectedError(f"HTTP {status} with an error: {message}", broker=BROKER)
    if status == 429:
        return errors.RateLimitedError(
            f"HTTP 429: {message}", broker=BROKER, retry_after=retry_after_seconds(response)
        )
    found = error_for_status(response, broker=BROKER, message=message)
    assert found is not None  # every status >= 400 maps to an error
    found.code = code or None
    return found


def _error_object(response: Response) -> dict[str, Any] | None:
    if response.status_code < 400 and b'"error"' not in response.content[:64]:
        return None
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else None


def _clean(message: str) -> str:
    return _SUPPORT_ID.sub("", message).strip()


def _path(response: Response) -> str:
    try:
        return response.request.url.path
    except RuntimeError:  # a response built without a request
        return ""
