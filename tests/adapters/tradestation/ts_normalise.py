"""The documented request examples' known slips, and how each is read (NOTES.md §11).

The spec's request examples are hand-written: they mix casing (``"Buy"``, ``"Day"``,
``"Normal"``), send numbers where the schema says strings, misspell ``AccountID`` once, nest an
``AdvancedOptions`` inside ``AdvancedOptions`` once, and give one group member another account.
Each case names the rules it needs; the runner applies exactly those to the documented body and
requires the result to equal what we send. A rule never applies silently.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

_ENUM_KEYS = ("TradeAction", "Duration", "Type")


def _walk_orders(body: dict[str, Any]) -> list[dict[str, Any]]:
    found = [body]
    for oso in body.get("OSOs", []):
        for child in oso.get("Orders", []):
            found += _walk_orders(child)
    for child in body.get("Orders", []):
        found += _walk_orders(child)
    return found


def upper_case_enums(body: dict[str, Any]) -> None:
    """``TradeAction``, ``Duration`` and OSO/group ``Type`` in the upper case the enums define."""
    for order in _walk_orders(body):
        for key in _ENUM_KEYS:
            if isinstance(order.get(key), str):
                order[key] = order[key].upper()
        if isinstance(order.get("TimeInForce"), dict):
            order["TimeInForce"]["Duration"] = order["TimeInForce"]["Duration"].upper()
        for leg in order.get("Legs", []):
            leg["TradeAction"] = leg["TradeAction"].upper()
        for oso in order.get("OSOs", []):
            oso["Type"] = oso["Type"].upper()


def quantity_as_text(body: dict[str, Any]) -> None:
    """``Quantity`` as the string the schema types it as (``100`` -> ``"100"``)."""
    for order in _walk_orders(body):
        if isinstance(order.get("Quantity"), int):
            order["Quantity"] = str(order["Quantity"])
        for leg in order.get("Legs", []):
            if isinstance(leg.get("Quantity"), int):
                leg["Quantity"] = str(leg["Quantity"])


def account_id_spelling(body: dict[str, Any]) -> None:
    """``AccountId`` -> ``AccountID`` (the field's name everywhere else)."""
    for order in _walk_orders(body):
        if "AccountId" in order:
            order["AccountID"] = order.pop("AccountId")


def single_option_form(body: dict[str, Any]) -> None:
    """A one-leg option order in the documented single-order form: the option symbol, quantity
    and action at the top (the example puts the underlying there and the option in ``Legs``)."""
    (leg,) = body.pop("Legs")
    body.update(Symbol=leg["Symbol"], Quantity=leg["Quantity"], TradeAction=leg["TradeAction"])


def flat_advanced_options(body: dict[str, Any]) -> None:
    """An ``AdvancedOptions`` nested in ``AdvancedOptions`` merged into its parent."""
    for order in _walk_orders(body):
        options = order.get("AdvancedOptions")
        if isinstance(options, dict) and isinstance(options.get("AdvancedOptions"), dict):
            options.update(options.pop("AdvancedOptions"))


def one_account(body: dict[str, Any]) -> None:
    """Every order of a group in the first order's account (a group is one account's)."""
    orders = _walk_orders(body)
    first = next(o["AccountID"] for o in orders if "AccountID" in o)
    for order in orders:
        if "AccountID" in order:
            order["AccountID"] = first


RULES: dict[str, Callable[[dict[str, Any]], None]] = {
    "upper_case_enums": upper_case_enums,
    "quantity_as_text": quantity_as_text,
    "account_id_spelling": account_id_spelling,
    "single_option_form": single_option_form,
    "flat_advanced_options": flat_advanced_options,
    "one_account": one_account,
}


def normalised(documented: dict[str, Any], rules: list[str]) -> dict[str, Any]:
    """``documented`` with the named rules applied (a copy)."""
    body = copy.deepcopy(documented)
    for name in rules:
        RULES[name](body)
    return body
