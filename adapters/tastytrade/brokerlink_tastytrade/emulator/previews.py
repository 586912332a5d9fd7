"""The preview parts of submit and dry-run answers (``POST_accounts_N_orders_dry-run``):
the order as it would stand (no id, ``Received``, ``updated-at`` 0), ``buying-power-effect``
and ``fee-calculation``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from brokerlink.instruments import Instrument
from brokerlink_tastytrade.emulator.envelope import dec, number
from brokerlink_tastytrade.emulator.orders_in import ParsedOrder
from brokerlink_tastytrade.emulator.orders_out import TIF_NAMES, TYPE_NAMES, action_of
from brokerlink_tastytrade.emulator.symbols import instrument_type, tasty_symbol, underlying_symbol

__all__ = ["buying_power_effect", "fee_calculation", "preview_order"]

_ZERO = Decimal(0)


def _effect(amount: Decimal) -> str:
    return "None" if amount == 0 else ("Credit" if amount > 0 else "Debit")


def buying_power_effect(before: Decimal, after: Decimal) -> dict[str, Any]:
    """``buying-power-effect``: unsigned amounts with Debit (less buying power) or Credit."""
    change = after - before
    return {
        "change-in-margin-requirement": dec(abs(change)),
        "change-in-margin-requirement-effect": _effect(change),
        "change-in-buying-power": dec(abs(change)),
        "change-in-buying-power-effect": _effect(change),
        "current-buying-power": dec(abs(before)),
        "current-buying-power-effect": "Credit" if before >= 0 else "Debit",
        "new-buying-power": dec(abs(after)),
        "new-buying-power-effect": "Credit" if after >= 0 else "Debit",
        "isolated-order-margin-requirement": dec(abs(change)),
        "isolated-order-margin-requirement-effect": _effect(change),
        "is-spread": False,
        "impact": dec(abs(change)),
        "effect": _effect(change),
    }


def fee_calculation(commission: Decimal | int) -> dict[str, Any]:
    """``fee-calculation``: the engine charges commissions only (no regulatory or clearing)."""
    total = Decimal(commission)
    charged = "Debit" if total else "None"
    return {
        "regulatory-fees": "0.0",
        "regulatory-fees-effect": "None",
        "clearing-fees": "0.0",
        "clearing-fees-effect": "None",
        "commission": dec(total),
        "commission-effect": charged,
        "proprietary-index-option-fees": "0.0",
        "proprietary-index-option-fees-effect": "None",
        "total-fees": dec(total),
        "total-fees-effect": charged,
    }


def preview_order(
    parsed: ParsedOrder, account: str, underlying: Callable[[Instrument], Instrument | None]
) -> dict[str, Any]:
    """The dry-run ``order``: what would be placed, before it has an id."""
    new = parsed.order
    first = new.legs[0].instrument
    under = underlying(first)
    body: dict[str, Any] = {
        "account-number": account,
        "time-in-force": TIF_NAMES.get(new.time_in_force, "Day"),
        "order-type": "Notional Market" if parsed.meta.notional else TYPE_NAMES[new.type],
        "size": number(new.quantity),
        "underlying-symbol": underlying_symbol(first, under),
        "underlying-instrument-type": instrument_type(under or first),
    }
    if new.limit_price is not None:
        debit = new.limit_price >= 0 if new.is_multi_leg else new.legs[0].side.sign > 0
        body["price"] = dec(abs(new.limit_price))
        body["price-effect"] = "Debit" if debit else "Credit"
    if new.stop_price is not None:
        body["stop-trigger"] = dec(new.stop_price)
    if parsed.meta.notional and parsed.meta.value is not None:
        body["value"] = dec(parsed.meta.value)
        body["value-effect"] = parsed.meta.value_effect
    body.update(
        {"status": "Received", "cancellable": True, "editable": True, "edited": False,
         "updated-at": 0}
    )  # fmt: skip
    if parsed.meta.external_identifier is not None:
        body["external-identifier"] = parsed.meta.external_identifier
    body["legs"] = [
        {
            "instrument-type": instrument_type(leg.instrument),
            "symbol": tasty_symbol(leg.instrument),
            "quantity": number(leg.quantity),
            "remaining-quantity": number(leg.quantity),
            "action": action_of(leg.side, leg.effect),
            "fills": [],
        }
        for leg in new.legs
    ]
    return body
