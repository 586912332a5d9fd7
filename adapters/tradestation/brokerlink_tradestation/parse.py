"""TradeStation payloads -> core models, named by direction (``*_from_ts``).

Each function takes the converter and a decoded payload and returns models keeping their payload
in ``raw``. Partial-success answers (HTTP 200 with an ``Errors`` array beside the data) return
the data *and* the errors; the operations decide what to raise. A trimmed sample sits above each
function; the full documented payloads are the static cases in ``tests/adapters/tradestation``.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import attrs
import cattrs

from brokerlink import errors
from brokerlink.enums import AccountStatus, AccountType, OrderType, TimeInForce
from brokerlink.errors import ResponseFormatError
from brokerlink.instruments import Index, Instrument, InstrumentDetails
from brokerlink.models import (
    Account,
    Balance,
    NewOrder,
    Order,
    OrderLeg,
    OrderPreview,
    Position,
    Quote,
)
from brokerlink_tradestation.errors import error_from_item
from brokerlink_tradestation.models import BODBalance
from brokerlink_tradestation.symbology import ContinuousFuture, from_tradestation
from brokerlink_tradestation.wire import (
    DURATION_FROM_TS,
    ORDER_TYPE_FROM_TS,
    TS_STATUSES,
    Fields,
    side_effect_from_ts,
)

__all__ = [
    "accounts_from_ts",
    "balances_from_ts",
    "bod_balances_from_ts",
    "confirmation_from_ts",
    "details_from_ts",
    "errors_from_ts",
    "instrument_at",
    "order_from_ts",
    "orders_from_ts",
    "position_from_ts",
    "positions_from_ts",
    "quote_from_ts",
    "quotes_from_ts",
]

_ZERO = Decimal(0)


def errors_from_ts(
    conv: cattrs.Converter, payload: Any, *, path: str = ""
) -> list[errors.BrokerError]:
    """The ``Errors`` array of a partial-success answer, as our errors (empty when none)."""
    return [error_from_item(item.data, path=path) for item in Fields(conv, payload).items("Errors")]


def instrument_at(item: Fields, key: str = "Symbol") -> Instrument:
    """The instrument named by ``item[key]``, using ``AssetType``/``ExpirationDate`` to settle it."""
    expiration = item.time("ExpirationDate")
    found = item.convert(
        key,
        lambda text: from_tradestation(
            text,
            asset_type=item.text("AssetType"),
            expiration=expiration.date() if expiration else None,
        ),
    )
    if isinstance(found, ContinuousFuture):
        raise ResponseFormatError(
            f"{found} is a continuous contract where an instrument was expected",
            path=f"{item.path}.{key}",
            broker="tradestation",
        )
    return found  # type: ignore[no-any-return]


# {"Accounts": [{"AccountID": "123456789", "Currency": "USD", "Status": "Active",
#   "AccountType": "Cash", "AccountDetail": {...}}]}
def accounts_from_ts(conv: cattrs.Converter, payload: Any) -> list[Account]:
    """``GET /brokerage/accounts``."""
    found = []
    for item in Fields(conv, payload).items("Accounts"):
        found.append(
            Account(
                id=item.need_text("AccountID"),
                type=_account_type(item.text("AccountType")),
                status=_account_status(item.text("Status")),
                currency=item.text("Currency") or "USD",
                raw=item.data,
            )
        )
    return found


def _account_type(text: str | None) -> AccountType:
    table = {"cash": AccountType.CASH, "margin": AccountType.MARGIN, "futures": AccountType.FUTURES}
    return table.get((text or "").lower(), AccountType.UNKNOWN)


def _account_status(text: str | None) -> AccountStatus:
    lowered = (text or "").lower()
    if lowered == "active":
        return AccountStatus.ACTIVE
    if lowered == "closed":
        return AccountStatus.CLOSED
    if any(word in lowered for word in ("closing", "restrict", "liquidat", "inactive", "call")):
        return AccountStatus.RESTRICTED
    return AccountStatus.UNKNOWN


# {"Balances": [{"AccountID": "123456782", "CashBalance": "39735538.661", "BuyingPower":
#   "39735498.661", "Equity": "39893233.6211", "BalanceDetail": {"UnsettledFunds": ...}}],
#  "Errors": [{"AccountID": "123456789C", "Error": "Forbidden", "Message": "..."}]}
def balances_from_ts(
    conv: cattrs.Converter, payload: Any
) -> tuple[list[Balance], list[errors.BrokerError]]:
    """``GET /brokerage/accounts/{ids}/balances``: the balances and the per-account errors."""
    found = []
    for item in Fields(conv, payload).items("Balances"):
        detail = item.sub("BalanceDetail")
        currencies = list(item.items("CurrencyDetails"))
        found.append(
            Balance(
                account=item.need_text("AccountID"),
                cash=item.need_decimal("CashBalance"),
                equity=item.need_decimal("Equity"),
                buying_power=item.need_decimal("BuyingPower"),
                day_trading_buying_power=detail.decimal("DayTradeExcess") if detail else None,
                maintenance_requirement=detail.decimal("MaintenanceMargin") if detail else None,
                unsettled_cash=detail.decimal("UnsettledFunds") if detail else None,
                currency=(currencies[0].text("Currency") if currencies else None) or "USD",
                raw=item.data,
            )
        )
    return found, errors_from_ts(conv, payload)


# {"Positions": [{"AccountID": "123456782", "AveragePrice": "216.68", "AssetType": "STOCK",
#   "PositionID": "64630792", "LongShort": "Long", "Quantity": "10", "Symbol": "MSFT",
#   "Timestamp": "2020-11-16T16:53:37Z", "MarketValue": "2166.3", "UnrealizedProfitLoss": "-0.5"}]}
def position_from_ts(item: Fields) -> Position:
    """One position (REST or stream); quantities are negative when short."""
    quantity = item.need_decimal("Quantity")
    if (item.text("LongShort") or "").lower() == "short" and quantity > 0:
        quantity = -quantity
    return Position(
        account=item.need_text("AccountID"),
        instrument=instrument_at(item),
        quantity=quantity,
        average_price=item.need_decimal("AveragePrice"),
        market_value=item.decimal("MarketValue"),
        unrealized_pnl=item.decimal("UnrealizedProfitLoss"),
        opened_at=item.time("Timestamp"),
        raw=item.data,
    )


def positions_from_ts(
    conv: cattrs.Converter, payload: Any
) -> tuple[list[Position], list[errors.BrokerError]]:
    """``GET /brokerage/accounts/{ids}/positions``: the positions and the per-account errors."""
    found = [position_from_ts(item) for item in Fields(conv, payload).items("Positions")]
    return found, errors_from_ts(conv, payload)


# {"AccountID": "123456782", "Duration": "GTC", "Legs": [{"AssetType": "STOCK", "BuyOrSell":
#  "Sell", "ExecQuantity": "0", "OpenOrClose": "Close", "QuantityOrdered": "10", "Symbol":
#  "MSFT"}], "OrderID": "286179864", "OpenedDateTime": "2020-11-17T16:34:37Z", "OrderType":
#  "StopMarket", "Status": "ACK", "AdvancedOptions": "STPTRG=STT;TRL=5%;",
#  "TrailingStop": {"Percent": "5.0"}, "ConditionalOrders": [{"Relationship": "OCO", ...}]}
def order_from_ts(item: Fields) -> Order:
    """One order (REST list, by id, historical, or an order-stream frame)."""
    legs = tuple(_leg(leg) for leg in item.items("Legs"))
    if not legs:
        raise ResponseFormatError(
            "an order without legs", path=f"{item.path}.Legs", broker="tradestation"
        )
    trailing = item.sub("TrailingStop")
    kind = item.convert("OrderType", lambda text: ORDER_TYPE_FROM_TS[text.upper()])
    trail_amount = trailing.decimal("Amount") if trailing else None
    trail_percent = trailing.decimal("Percent") if trailing else None
    if kind is OrderType.STOP and (trail_amount or trail_percent or _has_trail(item)):
        kind = OrderType.TRAILING_STOP
    duration = item.text("Duration") or "DAY"
    tif = DURATION_FROM_TS.get(duration.upper())
    if tif is None:
        raise ResponseFormatError(
            f"undocumented Duration {duration!r}; known: {', '.join(DURATION_FROM_TS)}",
            path=f"{item.path}.Duration",
            broker="tradestation",
        )
    opened = item.time("OpenedDateTime") or item.time("ClosedDateTime")
    if opened is None:
        raise ResponseFormatError(
            "an order without OpenedDateTime",
            path=f"{item.path}.OpenedDateTime",
            broker="tradestation",
        )
    unit = _unit(legs)
    # Units of the whole order: a 1:2 ratio spread of 2 units has legs of 2 and 4.
    filled_units = min(
        (leg.filled_quantity * unit / leg.quantity for leg in legs if leg.quantity), default=_ZERO
    )
    if len(legs) > 1:
        filled_units = filled_units.to_integral_value(rounding="ROUND_FLOOR")
    filled_price = item.decimal("FilledPrice")
    parent = next(
        (
            rel.text("OrderID")
            for rel in item.items("ConditionalOrders")
            if rel.text("Relationship") == "OSP"
        ),
        None,
    )
    good_till = item.time("GoodTillDate")
    return Order(
        id=item.need_text("OrderID"),
        client_id=None,
        account=item.need_text("AccountID"),
        status=TS_STATUSES.parse(item.need_text("Status"), path=f"{item.path}.Status"),
        type=kind,
        time_in_force=tif,
        legs=legs,
        quantity=unit,
        filled_quantity=filled_units,
        average_fill_price=filled_price if filled_price else None,
        limit_price=item.decimal("LimitPrice"),
        stop_price=item.decimal("StopPrice"),
        created_at=opened,
        updated_at=item.time("ClosedDateTime"),
        trail_amount=trail_amount,
        trail_percent=trail_percent,
        expires_at=good_till if tif is TimeInForce.GTD else None,
        group_id=item.text("GroupName"),
        parent_id=parent,
        reject_reason=item.text("RejectReason"),
        raw=item.data,
    )


def _has_trail(item: Fields) -> bool:
    return "TRL=" in (item.text("AdvancedOptions") or "")


def _unit(legs: tuple[OrderLeg, ...]) -> Decimal:
    if len(legs) == 1:
        return legs[0].quantity
    return Decimal(math.gcd(*(int(leg.quantity) for leg in legs)))


def _leg(item: Fields) -> OrderLeg:
    side, effect = item.convert(
        "BuyOrSell", lambda text: side_effect_from_ts(text, item.text("OpenOrClose"))
    )
    filled = item.decimal("ExecQuantity") or _ZERO
    price = item.decimal("ExecutionPrice")
    return OrderLeg(
        instrument=instrument_at(item),
        side=side,
        effect=effect,
        quantity=item.need_decimal("QuantityOrdered"),
        filled_quantity=filled,
        average_fill_price=price if filled > 0 else None,
    )


# {"Orders": [{...order...}], "Errors": [], "NextToken": "eyJ0aW1l..."}
def orders_from_ts(
    conv: cattrs.Converter, payload: Any
) -> tuple[list[Order], list[errors.BrokerError], str | None]:
    """Order lists (current, by id, historical): orders, per-item errors, the next page token."""
    body = Fields(conv, payload)
    found = [order_from_ts(item) for item in body.items("Orders")]
    return found, errors_from_ts(conv, payload, path="/orders"), body.text("NextToken")


# {"Confirmations": [{"OrderAssetCategory": "EQUITY", "Route": "Intelligent", "AccountID":
#   "123456782", "OrderConfirmID": "7CMygnFJXk+ihrJJfOPmVQ", "EstimatedPrice": "216.32",
#   "EstimatedCost": "2163.2", "DebitCreditEstimatedCost": "2163.2", "EstimatedCommission": "0",
#   "SummaryMessage": "Buy 10 MSFT @ Market"}]}
def confirmation_from_ts(conv: cattrs.Converter, payload: Any, order: NewOrder) -> OrderPreview:
    """``POST /orderexecution/orderconfirm``: the first confirmation as our preview.

    ``DebitCreditEstimatedCost`` is signed like our ``estimated_cost`` (a debit is positive);
    without it, ``EstimatedCost`` takes the order's direction.
    """
    body = Fields(conv, payload)
    confirmations = list(body.items("Confirmations"))
    if not confirmations:
        raise ResponseFormatError(
            "no confirmation in the answer", path="$.Confirmations", broker="tradestation"
        )
    first = confirmations[0]
    cost = first.decimal("DebitCreditEstimatedCost")
    if cost is None:
        plain = first.decimal("EstimatedCost") or _ZERO
        sell = not order.is_multi_leg and order.side.value == "sell"
        cost = -plain if sell else plain
    warnings = tuple(
        text
        for c in confirmations
        for text in [c.text("SummaryMessage")]
        if text and "warning" in text.lower()
    )
    return OrderPreview(
        order=order,
        estimated_cost=cost,
        commission=first.decimal("EstimatedCommission") or _ZERO,
        fees=_ZERO,
        buying_power_effect=None,
        margin_requirement=None,
        warnings=warnings,
        raw=payload,
    )


# {"Quotes": [{"Symbol": "MSFT", "Last": "212.85", "Ask": "212.87", "AskSize": "300",
#   "Bid": "212.85", "BidSize": "200", "Volume": "5852511", "TradeTime": "2020-11-18T15:19:14Z"}],
#  "Errors": [{"Symbol": "INVALID", "Error": "FAILED, INVALID SYMBOL"}]}
def quote_from_ts(item: Fields, instrument: Instrument | None = None) -> Quote:
    """One quote (snapshot or a complete stream frame).

    ``instrument`` is given by a stream, which knows what it asked for (``Symbol`` is then not
    parsed again). Quotes stream by the thousand a second, so the common field shapes take
    :func:`_quick_decimal` and :func:`_quick_time`; anything else goes the strict way.
    """
    return Quote(
        instrument=instrument_at(item) if instrument is None else instrument,
        bid=_quick_decimal(item, "Bid"),
        ask=_quick_decimal(item, "Ask"),
        last=_quick_decimal(item, "Last"),
        bid_size=_quick_decimal(item, "BidSize"),
        ask_size=_quick_decimal(item, "AskSize"),
        time=_quick_time(item, "TradeTime"),
        volume=_quick_decimal(item, "Volume"),
        raw=item.data,
    )


def _quick_decimal(item: Fields, key: str) -> Decimal | None:
    """``item.decimal(key)``, skipping the converter for a string ``Decimal`` reads as finite.

    Every other value, and every failure, takes :meth:`Fields.decimal`, so the result and the
    error (with its path) are the same as the strict reader's.
    """
    value = item.data.get(key)
    if type(value) is str and value:
        try:
            number = Decimal(value)
        except ArithmeticError:  # InvalidOperation: let the strict reader report it
            return item.decimal(key)
        if number.is_finite():
            return number
    return item.decimal(key)


def _quick_time(item: Fields, key: str) -> datetime | None:
    """``item.time(key)``, skipping the converter for an ISO 8601 string already in UTC."""
    value = item.data.get(key)
    if type(value) is str and value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return item.time(key)
        if moment.tzinfo is UTC:
            return moment
    return item.time(key)


def quotes_from_ts(
    conv: cattrs.Converter, payload: Any
) -> tuple[dict[str, Quote], list[errors.BrokerError]]:
    """``GET /marketdata/quotes/{symbols}``: quotes keyed by canonical symbol, and the errors."""
    found = {}
    for item in Fields(conv, payload).items("Quotes"):
        quote = quote_from_ts(item)
        found[str(quote.instrument)] = quote
    return found, errors_from_ts(conv, payload, path="/marketdata/quotes")


# {"Symbols": [{"AssetType": "STOCK", "Description": "Microsoft Corp", "Exchange": "NASDAQ",
#   "Symbol": "MSFT", "Currency": "USD", "PriceFormat": {"Increment": "0.01", "PointValue": "1"},
#   "QuantityFormat": {"Increment": "1", "MinimumTradeQuantity": "1"}}], "Errors": []}
def details_from_ts(
    item: Fields,
) -> tuple[Instrument | ContinuousFuture, InstrumentDetails, str | None]:
    """One symbol detail: the instrument, its details, and ``Underlying`` (a continuous
    contract's current contract)."""
    symbol = item.need_text("Symbol")
    target = item.convert(
        "Symbol",
        lambda text: from_tradestation(
            text, asset_type=item.text("AssetType"), expiration=_date(item)
        ),
    )
    prices = item.sub("PriceFormat")
    quantities = item.sub("QuantityFormat")
    tradable = not isinstance(target, ContinuousFuture | Index) and not symbol.startswith("@")
    details = InstrumentDetails(
        description=item.text("Description") or symbol,
        tick_size=prices.decimal("Increment") if prices else None,
        multiplier=(prices.decimal("PointValue") if prices else None) or Decimal(1),
        tradable=tradable,
        exchange=item.text("Exchange"),
        currency=item.text("Currency") or "USD",
        min_quantity=(quantities.decimal("MinimumTradeQuantity") if quantities else None)
        or Decimal(1),
        quantity_increment=(quantities.decimal("Increment") if quantities else None) or Decimal(1),
        raw=item.data,
    )
    return target, details, item.text("Underlying")


def _date(item: Fields) -> date | None:
    moment: datetime | None = item.time("ExpirationDate")
    return moment.date() if moment else None


# {"BODBalances": [{"AccountID": "123456789", "AccountType": "Cash", "BalanceDetail":
#   {"Equity": "...", "NetCash": "...", "CashAvailableToWithdraw": "...", ...}}], "Errors": []}
def bod_balances_from_ts(conv: cattrs.Converter, payload: Any) -> list[BODBalance]:
    """``GET /brokerage/accounts/{ids}/bodbalances``: beginning-of-day balances."""
    found = []
    for item in Fields(conv, payload).items("BODBalances"):
        detail = item.sub("BalanceDetail") or Fields(conv, {})
        found.append(
            BODBalance(
                account=item.need_text("AccountID"),
                account_type=item.text("AccountType") or "",
                equity=detail.decimal("Equity"),
                net_cash=detail.decimal("NetCash"),
                cash_available_to_withdraw=detail.decimal("CashAvailableToWithdraw"),
                overnight_buying_power=detail.decimal("OvernightBuyingPower"),
                day_trading_buying_power=detail.decimal("DayTradingMarginableBuyingPower"),
                option_buying_power=detail.decimal("OptionBuyingPower"),
                raw=item.data,
            )
        )
    return found


def with_client_id(order: Order, client_id: str) -> Order:
    """``order`` carrying our ``client_id`` (TradeStation does not echo it)."""
    return attrs.evolve(order, client_id=client_id)
