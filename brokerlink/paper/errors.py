"""The paper error table: a response -> the brokerlink error it stands for (DESIGN §6).

Every paper error answer has the body ``{"error": {"code": "...", "message": "..."}}``. The table
is checked in two passes, the pattern every adapter follows:

1. **exact**: the ``code`` names the error class (``insufficient_funds`` ->
   :class:`~brokerlink.errors.InsufficientFundsError`, ...);
2. **broad**: an unknown code (or no body at all) falls back on the status: 401
   :class:`~brokerlink.errors.UnauthorizedError`, 403 :class:`~brokerlink.errors.AuthError`, 404
   :class:`~brokerlink.errors.OrderNotFoundError` under ``/orders`` else
   :class:`~brokerlink.errors.SymbolNotFoundError`, 400/422
   :class:`~brokerlink.errors.InvalidOrderError`, 429
   :class:`~brokerlink.errors.RateLimitedError` (``Retry-After`` honoured), 5xx
   :class:`~brokerlink.errors.BrokerUnavailableError`.

A 200 whose body carries an ``error`` object is an error too: brokers do that, and the table
must not trust the status code alone.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

import orjson

from brokerlink import errors
from brokerlink._http import Response
from brokerlink.runtime.retry import retry_after_seconds
from brokerlink.runtime.statuses import body_excerpt, error_for_status

__all__ = ["CODE_TO_ERROR", "ERROR_CODES", "error_from_paper"]

BROKER = "paper"

Factory = Callable[[str, str, Response], errors.BrokerError]


def _simple(kind: type[errors.BrokerError]) -> Factory:
    def build(message: str, code: str, response: Response) -> errors.BrokerError:
        return kind(message, broker=BROKER, code=code)

    return build


def _invalid(message: str, code: str, response: Response) -> errors.BrokerError:
    return errors.InvalidOrderError(message, broker=BROKER, code=code)


def _retryable(kind: type[errors.OperationFailedError]) -> Factory:
    def build(message: str, code: str, response: Response) -> errors.BrokerError:
        return kind(message, broker=BROKER, code=code, retry_after=retry_after_seconds(response))

    return build


CODE_TO_ERROR: MappingProxyType[str, Factory] = MappingProxyType(
    {
        "invalid_order": _invalid,
        "bad_request": _invalid,
        "insufficient_funds": _simple(errors.InsufficientFundsError),
        "order_not_found": _simple(errors.OrderNotFoundError),
        "symbol_not_found": _simple(errors.SymbolNotFoundError),
        "not_supported": _simple(errors.NotSupportedError),
        "account_not_found": _simple(errors.RejectedError),
        "order_not_open": _simple(errors.RejectedError),
        "order_final": _simple(errors.RejectedError),
        "rejected": _simple(errors.RejectedError),
        "unauthorized": _simple(errors.UnauthorizedError),
        "forbidden": _simple(errors.AuthError),
        "rate_limited": _retryable(errors.RateLimitedError),
        "unavailable": _retryable(errors.BrokerUnavailableError),
    }
)
"""Exact table: the paper ``code`` -> a factory of the brokerlink error."""

ERROR_CODES: MappingProxyType[type[errors.BrokerError], str] = MappingProxyType(
    {
        errors.InvalidOrderError: "invalid_order",
        errors.InsufficientFundsError: "insufficient_funds",
        errors.OrderNotFoundError: "order_not_found",
        errors.SymbolNotFoundError: "symbol_not_found",
        errors.NotSupportedError: "not_supported",
        errors.UnauthorizedError: "unauthorized",
        errors.AuthError: "forbidden",
        errors.RejectedError: "rejected",
        errors.RateLimitedError: "rate_limited",
        errors.BrokerUnavailableError: "unavailable",
    }
)
"""The reverse table, for the emulator front: the error class -> the code it answers with."""


def error_from_paper(response: Response) -> errors.BrokerError | None:
    """The error ``response`` stands for, or ``None`` for a good answer (reads the body)."""
    code, message = _error_body(response)
    if code is None and response.status_code < 400:
        return None
    text = message or body_excerpt(response) or response.reason_phrase
    factory = CODE_TO_ERROR.get(code or "")
    if factory is not None:
        return factory(text, code or "", response)
    return _broad(response, text, code)


def _broad(response: Response, message: str, code: str | None) -> errors.BrokerError:
    status = response.status_code
    if status == 404:
        path = response.request.url.path if _has_request(response) else ""
        kind: type[errors.RejectedError] = (
            errors.OrderNotFoundError if "/orders" in path else errors.SymbolNotFoundError
        )
        return kind(f"HTTP 404: {message}", broker=BROKER, code=code)
    if status in (400, 422):
        return errors.InvalidOrderError(f"HTTP {status}: {message}", broker=BROKER, code=code)
    if status < 400:  # a 200 carrying an error object with a code we do not know
        return errors.RejectedError(
            f"HTTP {status} with an error: {message}", broker=BROKER, code=code
        )
    found = error_for_status(response, broker=BROKER, message=message)
    assert found is not None  # every status >= 400 maps to an error
    found.code = code
    return found


def _error_body(response: Response) -> tuple[str | None, str | None]:
    """``(code, message)`` from a JSON error body; ``(None, None)`` when there is none."""
    if "json" not in response.headers.get("content-type", ""):
        return None, None
    # A good answer is parsed once, by its operation: only look inside when it may be an error
    # (the front writes the "error" key first, so it shows in the first bytes).
    if response.status_code < 400 and b'"error"' not in response.content[:32]:
        return None, None
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return None, None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str):
        return "", error
    if not isinstance(error, dict):
        return None, None
    code, message = error.get("code"), error.get("message")
    return (str(code) if code is not None else ""), (str(message) if message is not None else None)


def _has_request(response: Response) -> bool:
    try:
        response.request  # noqa: B018 - raises RuntimeError when the response has none
    except RuntimeError:
        return False
    return True
