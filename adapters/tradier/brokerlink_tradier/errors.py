"""The Tradier error table: a response -> the brokerlink error it stands for (DESIGN §6).

Tradier reports failures four ways (NOTES §4.3, §5), all checked here, HTTP 200 included:

1. ``{"errors": {"error": "msg" | ["msg", ...]}}``, often with **HTTP 200** (downstream risk and
   OMS rejections on order placement, modification and cancellation);
2. the Apigee gateway's ``{"fault": {"faultstring": ..., "detail": {"errorcode": ...}}}``
   (expired or invalid token, ``Datastore Error``, ``protocol.http.TooBigBody``);
3. a plain-text ``Quota Violation ... <epoch ms>`` body for an exceeded rate limit;
4. the HTTP status alone.

Messages are matched exactly first (:data:`MESSAGE_TO_ERROR`: the ETNA OMS validator names
Tradier passes through, and a few documented phrases), then the status decides
(:func:`brokerlink.runtime.statuses.error_for_status`).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from types import MappingProxyType

from brokerlink import errors
from brokerlink._http import Response
from brokerlink.runtime.retry import retry_after_seconds
from brokerlink.runtime.statuses import body_excerpt, error_for_status
from brokerlink_tradier.quirks import BROKER, error_messages, fault_of, load

__all__ = ["MESSAGE_TO_ERROR", "error_from_tradier", "rate_limit_reset"]

Factory = Callable[[str, str | None, Response], errors.BrokerError]


def _of(kind: type[errors.RejectedError]) -> Factory:
    def build(message: str, code: str | None, response: Response) -> errors.BrokerError:
        return kind(message, broker=BROKER, code=code)

    return build


def _invalid(message: str, code: str | None, response: Response) -> errors.BrokerError:
    return errors.InvalidOrderError(message, broker=BROKER, code=code)


def _unavailable(message: str, code: str | None, response: Response) -> errors.BrokerError:
    return errors.BrokerUnavailableError(
        message, broker=BROKER, code=code, retry_after=retry_after_seconds(response)
    )


def _limited(message: str, code: str | None, response: Response) -> errors.BrokerError:
    return errors.RateLimitedError(
        message, broker=BROKER, code=code, retry_after=rate_limit_reset(response)
    )


_FUNDS = _of(errors.InsufficientFundsError)
_REJECTED = _of(errors.RejectedError)

MESSAGE_TO_ERROR: MappingProxyType[str, Factory] = MappingProxyType(
    {
        # Buying power and margin.
        "AccountMarginRuleViolation": _FUNDS,
        "DayTradingBuyingPowerExceeded": _FUNDS,
        "InitialMargin": _FUNDS,
        "MaintenanceMargin": _FUNDS,
        "TotalInitialMargin": _FUNDS,
        "TooSmallEquityForDayTrading": _FUNDS,
        # The symbol or contract does not exist.
        "SecurityUndefined": _of(errors.SymbolNotFoundError),
        "ExpirationDateUndefined": _of(errors.SymbolNotFoundError),
        "StrikePriceUndefined": _of(errors.SymbolNotFoundError),
        "OptionTypeUndefined": _of(errors.SymbolNotFoundError),
        # The order itself is wrong for Tradier.
        **dict.fromkeys(
            (
                "BuyStopOrderStopPriceLessAsk",
                "IncorrectOrderQuantity",
                "IncorrectTimeInForce",
                "IndexOptionsOneExparyDate",
                "InvalidOrderExpiration",
                "LimitPriceUndefined",
                "LongPositionCrossZero",
                "MarketOrderIsGtc",
                "OcoExpirationTypeNotTheSame",
                "OcoOrderWithOppositeLegs",
                "OcoPriceDifferenceIsLessThanDelta",
                "OrderPriceIsInvalid",
                "OrderQuantity",
                "OrderWithDifferentSide",
                "OtoFirstLesIsMarketNotAllowed",
                "OtoOcoMarketNotAllowed",
                "OtoOcoTrailingNotAllowed",
                "QuotePriceIsInvalid",
                "SellShortOrderLastPriceBelow5",
                "SellStopOrderStopPriceGreaterBid",
                "ShortOrderIsGtc",
                "ShortPositionCrossZero",
                "StopPriceUndefined",
                "TradeNonStandartOptions",
                "UnexpectedBuyOrder",
                "UnexpectedBuyOrderOption",
                "UnexpectedBuyToCoverOrder",
                "UnexpectedBuyToCoverOrderOption",
                "UnexpectedSellOrder",
                "UnexpectedSellOrderOption",
                "UnexpectedSellShortOrder",
                "UnexpectedSellShortOrderOption",
                "LimitOrderRequiredDueToPriceVolatility",
                "LimitOrderRequiredOutsideMarketHours",
                "OrderFailedPriceRangeAggressive",
                "PreMarketTradingUnavailable",
                "OpeningOrdersForOTCBBNotAccepted",
                "OrderContingentChangeNotAllowed",
                "ContingentOrderExecution",
            ),
            _invalid,
        ),
        # The account may not do this.
        **dict.fromkeys(
            (
                "AccountDisabled",
                "AccountIsNotApproved",
                "AssetTradingNotConfiguredForAccount",
                "DayTraderPatternRestriction",
                "LongOptionTradingDeniedForAccount",
                "OptionLevelRestriction",
                "OrderIsNotAllowedForAccount",
                "ShortOptionTradingDeniedForAccount",
                "ShortStockTradingDeniedForAccount",
                "ShortTradingDeniedForSecurity",
                "SpreadTradingDeniedForAccount",
                "TradingDeniedForAccount",
                "TradingDeniedForSecurity",
                "UserDisabled",
                "WashTradeAttempt",
            ),
            _REJECTED,
        ),
        "OmsInternalError": _unavailable,
        "OmsUnavailable": _unavailable,
    }
)
"""Exact table: an ETNA validator name (as Tradier sends it) -> a factory of our error."""

# Documented phrases inside longer messages, checked after the exact names.
_PHRASES: tuple[tuple[re.Pattern[str], Factory], ...] = (
    (re.compile(r"order already in finalized state", re.I), _REJECTED),
    (re.compile(r"^Invalid parameter", re.I), _invalid),
    (re.compile(r"not enough buying power|insufficient", re.I), _FUNDS),
    (re.compile(r"access token (expired|invalid)|invalid access token", re.I),
     _of(errors.UnauthorizedError)),
)  # fmt: skip

_FAULTS: MappingProxyType[str, Factory] = MappingProxyType(
    {
        "keymanagement.service.access_token_expired": _of(errors.UnauthorizedError),
        "keymanagement.service.invalid_access_token": _of(errors.UnauthorizedError),
        "protocol.http.TooBigBody": _REJECTED,
    }
)

_QUOTA = re.compile(r"Quota Violation.*?(\d{12,})", re.S)


def rate_limit_reset(response: Response) -> float | None:
    """Seconds until the rate-limit window resets: ``Retry-After``, ``X-Ratelimit-Expiry`` (epoch
    ms) or the epoch ms at the end of a ``Quota Violation`` body."""
    after = retry_after_seconds(response)
    if after is not None:
        return after
    expiry = response.headers.get("x-ratelimit-expiry", "")
    match = _QUOTA.search(response.text[:300]) if not expiry.isdigit() else None
    stamp = int(expiry) if expiry.isdigit() else (int(match[1]) if match else None)
    return None if stamp is None else max(0.0, stamp / 1000 - time.time())


def error_from_tradier(response: Response) -> errors.BrokerError | None:
    """The error ``response`` stands for, or ``None`` for a good answer (bodies read when needed)."""
    status = response.status_code
    content = response.content
    suspicious = status >= 400 or b'"errors"' in content or b'"fault"' in content[:40]
    if not suspicious:
        return None
    if content.lstrip().startswith(b"Quota Violation"):
        return _limited("Quota Violation: the rate limit is exhausted", None, response)
    messages: list[str] = []
    fault: tuple[str, str] | None = None
    if content.lstrip().startswith(b"{"):
        try:
            payload = load(content)
        except errors.ResponseFormatError:
            payload = {}
        messages = error_messages(payload)
        order = payload.get("order")
        if not messages and isinstance(order, dict) and order.get("errors"):
            messages = error_messages(order)  # the 2013-style {"order": {"errors": "..."}}
        fault = fault_of(payload)
    if fault is not None:
        text, code = fault
        factory = _FAULTS.get(code)
        if factory is None and status == 401:
            factory = _of(errors.UnauthorizedError)
        if factory is not None:
            return factory(f"{text or code}", code or None, response)
        if status >= 500 or text == "Datastore Error":
            return _unavailable(text or code, code or None, response)
    if messages:
        return _from_messages(messages, response)
    if status == 429:
        return _limited(f"HTTP 429: {body_excerpt(response)}", None, response)
    return _broad(response, fault[0] if fault else None)


def _from_messages(messages: list[str], response: Response) -> errors.BrokerError:
    text = "; ".join(messages)
    for message in messages:
        code = message.strip()
        factory = MESSAGE_TO_ERROR.get(code)
        if factory is not None:
            return factory(text, code, response)
    for pattern, factory in _PHRASES:
        if pattern.search(text):
            return factory(text, None, response)
    if response.status_code >= 500:
        return _unavailable(text, None, response)
    if response.status_code == 401:
        return errors.UnauthorizedError(text, broker=BROKER)
    return errors.RejectedError(text, broker=BROKER)


def _broad(response: Response, message: str | None) -> errors.BrokerError:
    status = response.status_code
    path = _path(response)
    detail = message or body_excerpt(response) or response.reason_phrase
    if status == 404 and "/orders/" in path:
        return errors.OrderNotFoundError(f"HTTP 404: no such order ({detail})", broker=BROKER)
    if status == 400 and "/orders" in path:
        return errors.InvalidOrderError(f"HTTP 400: {detail}", broker=BROKER)
    if status == 401:
        return errors.UnauthorizedError(
            f"HTTP 401: {detail}. Check the access token, and that it belongs to this "
            "environment (sandbox tokens only work on sandbox.tradier.com)",
            broker=BROKER,
        )
    found = error_for_status(response, broker=BROKER, message=detail)
    return found or errors.RejectedError(f"HTTP {status}: {detail}", broker=BROKER)


def _path(response: Response) -> str:
    try:
        return response.request.url.path
    except RuntimeError:  # a response built without a request (tests)
        return ""
