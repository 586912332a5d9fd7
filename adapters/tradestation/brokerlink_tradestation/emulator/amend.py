"""``PUT`` and ``DELETE /v3/orderexecution/orders/{orderID}``: replace and cancel.

Both answer acknowledgements (``{"Message": "Cancel/Replace order sent.", "OrderID"}``,
``{"Message": "Cancel request sent", "OrderID"}``); the outcome shows in the order's status. The
path id must be all digits (``1-2345-6789`` is "Invalid order ID."); an order no longer open
answers 400 "Not an open order.", as TradeStation's cancel rejects do (NOTES §3). A replace
takes ``Quantity``, ``LimitPrice``, ``StopPrice``, ``AdvancedOptions.TrailingStop`` and
``OrderType: "Market"``; activation rules are not emulated.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from brokerlink import errors
from brokerlink._http import Request
from brokerlink.emulator.http import BadRequest, Reply, json_body
from brokerlink.enums import OrderType
from brokerlink.models import Leg, NewOrder, Order
from brokerlink_tradestation.emulator.base import FrontBase
from brokerlink_tradestation.emulator.orders_in import decimal_field
from brokerlink_tradestation.emulator.orders_out import OrderExtras

__all__ = ["AmendMixin"]

_SENT = "Cancel/Replace order sent."


def _order_id(text: str) -> str:
    if not text.isdigit():
        raise BadRequest("Invalid order ID.")
    return text


def _trailing(body: dict[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    options = body.get("AdvancedOptions")
    if options is None:
        return None, None
    if not isinstance(options, dict) or set(options) - {"TrailingStop"}:
        raise BadRequest("only AdvancedOptions.TrailingStop can be changed in the emulator")
    trailing = options["TrailingStop"]
    if not isinstance(trailing, dict):
        raise BadRequest("AdvancedOptions.TrailingStop must be an object with Amount or Percent")
    amount, percent = decimal_field(trailing, "Amount"), decimal_field(trailing, "Percent")
    if (amount is None) == (percent is None):
        raise BadRequest("AdvancedOptions.TrailingStop takes exactly one of Amount or Percent")
    return amount, percent


class AmendMixin(FrontBase):
    """Handlers for replacing and canceling orders."""

    def find_order(self, order_id: str) -> Order:
        """The order with ``order_id`` in any account (the paths carry no account)."""
        for account in self.known_accounts():
            try:
                return self.engine.order(account, order_id)
            except errors.OrderNotFoundError:
                continue
        raise errors.OrderNotFoundError("Invalid order ID.")

    def replace_reply(self, request: Request, order_id: str) -> Reply:
        """``PUT /orderexecution/orders/{orderID}``."""
        order = self.find_order(_order_id(order_id))
        body = json_body(request)
        if not isinstance(body, dict):
            raise BadRequest("the replace request must be a JSON object")
        if not order.is_working:
            raise BadRequest("Not an open order.")
        kind = body.get("OrderType")
        if kind is not None:
            if str(kind).upper() != "MARKET":
                raise BadRequest("OrderType can only be changed to Market")
            return self._convert_to_market(order)
        amount, percent = _trailing(body)
        try:
            replaced = self.engine.replace(
                order.account,
                order.id,
                quantity=decimal_field(body, "Quantity"),
                limit_price=decimal_field(body, "LimitPrice"),
                stop_price=decimal_field(body, "StopPrice"),
                trail_amount=amount,
                trail_percent=percent,
            )
        except errors.RejectedError as exc:
            raise BadRequest(exc.message) from None
        return Reply.json(200, {"Message": _SENT, "OrderID": replaced.id})

    def _convert_to_market(self, order: Order) -> Reply:
        # The engine cannot change an order's type in place: cancel it and send the remainder
        # at market, answering with the new order's id.
        remaining = order.quantity - order.filled_quantity
        legs = tuple(
            Leg(
                instrument=leg.instrument,
                side=leg.side,
                quantity=remaining * leg.quantity / order.quantity,
                effect=leg.effect,
            )
            for leg in order.legs
        )
        tif, expires = order.time_in_force, order.expires_at
        market = NewOrder(legs=legs, type=OrderType.MARKET, time_in_force=tif, expires_at=expires)
        self.engine.cancel(order.account, order.id)
        placed = self.engine.place(order.account, market)
        self.remember(placed.id, OrderExtras())
        return Reply.json(200, {"Message": _SENT, "OrderID": placed.id})

    def cancel_reply(self, request: Request, order_id: str) -> Reply:
        """``DELETE /orderexecution/orders/{orderID}``."""
        order = self.find_order(_order_id(order_id))
        if not order.is_working:
            raise BadRequest("Not an open order.")
        self.engine.cancel(order.account, order.id)
        return Reply.json(200, {"Message": "Cancel request sent", "OrderID": order.id})
