"""Checking and pricing an order before it is accepted: validation, position effects, funds.

Validation failures are :class:`~brokerlink.errors.InvalidOrderError` naming the field (bad tick,
fractional contracts, closing more than is held, an index leg, a type not allowed in extended
hours); unknown symbols are :class:`~brokerlink.errors.SymbolNotFoundError`; orders the account
cannot pay for (or short sales in a cash account) are
:class:`~brokerlink.errors.InsufficientFundsError`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import attrs

from brokerlink.emulator import calendar as mkt
from brokerlink.emulator.ledger import AccountState
from brokerlink.emulator.orders import LegState, OrderState
from brokerlink.emulator.state import EngineState
from brokerlink.enums import AccountType, OrderType, PositionEffect, Side, TimeInForce
from brokerlink.errors import InsufficientFundsError, InvalidOrderError
from brokerlink.instruments import Crypto, Equity, Index, Instrument, Option
from brokerlink.models.new_order import NewOrder

__all__ = ["Estimate", "PlacementMixin"]

_ZERO = Decimal(0)


@attrs.frozen
class Estimate:
    """What filling an order's remaining quantity would do to the account.

    ``cost`` is signed (positive: cash out) before ``commission``; ``bp_before``/``bp_after`` are
    buying power before reservations; ``req_before``/``req_after`` margin requirements.
    """

    prices: tuple[Decimal, ...]
    cost: Decimal
    commission: Decimal
    bp_before: Decimal
    bp_after: Decimal
    req_before: Decimal
    req_after: Decimal

    @property
    def reserve(self) -> Decimal:
        """Buying power the order consumes while it works (zero for orders that free some)."""
        return max(self.bp_before - self.bp_after, _ZERO)


class PlacementMixin(EngineState):
    """Order validation and pre-trade checks."""

    def _invalid(self, message: str, field: str | None) -> InvalidOrderError:
        return InvalidOrderError(message, field=field, broker=self._broker)

    def _build(
        self, account: AccountState, new_order: NewOrder, *, held: bool = False
    ) -> OrderState:
        """Validate ``new_order`` and return its (not yet accepted) state, without an id."""
        quantity = new_order.quantity
        legs = [self._leg_state(leg.instrument, leg.side, leg.effect, leg.quantity, quantity)
                for leg in new_order.legs]  # fmt: skip
        now = self._now()
        state = OrderState(
            id="",
            account=account.id,
            request=new_order,
            legs=legs,
            quantity=quantity,
            type=new_order.type,
            time_in_force=new_order.time_in_force,
            limit_price=new_order.limit_price,
            stop_price=new_order.stop_price,
            trail_amount=new_order.trail_amount,
            trail_percent=new_order.trail_percent,
            expires_at=new_order.expires_at,
            created_at=now,
            updated_at=now,
            active_from=now,
            held=held,
        )
        self._check_prices(state)
        self._check_time_in_force(state, now)
        return state

    def _leg_state(
        self, symbol: Instrument, side: Side, effect: PositionEffect, qty: Decimal, units: Decimal
    ) -> LegState:
        inst = self._resolve(symbol)
        if isinstance(inst, Index):
            raise self._invalid(f"{inst} is an index: quotable, not tradable", "legs")
        if qty <= 0:
            raise self._invalid(f"quantity {qty} must be positive", "quantity")
        if qty != qty.to_integral_value():
            fractional = isinstance(inst, Crypto) or (
                isinstance(inst, Equity) and self.personality.allow_fractional_equity
            )
            if not fractional:
                raise self._invalid(
                    f"quantity {qty}: {inst.asset_class} orders take whole quantities", "quantity"
                )
            step = inst.details.quantity_increment if inst.details is not None else Decimal(1)
            if qty % step:
                raise self._invalid(f"quantity {qty} is not a multiple of {step}", "quantity")
        return LegState(instrument=inst, side=side, effect=effect, ratio=qty / units)

    def _check_prices(self, state: OrderState) -> None:
        ticks = [self.pricer.tick(leg.instrument) for leg in state.legs]
        tick = max(ticks)
        fields = {
            "limit_price": state.limit_price,
            "stop_price": state.stop_price,
            "trail_amount": state.trail_amount,
        }
        for field, value in fields.items():
            if value is not None and value % tick:
                raise self._invalid(
                    f"{field} {value} is not a multiple of the tick size {tick} "
                    f"of {state.legs[0].instrument}",
                    field,
                )

    def _check_time_in_force(self, state: OrderState, now: datetime) -> None:
        tif = state.time_in_force
        if tif.extended_hours and state.type not in self.personality.extended_hours_order_types:
            allowed = ", ".join(sorted(t.name for t in self.personality.extended_hours_order_types))
            raise self._invalid(
                f"{state.type.name} orders cannot be {tif.name}; extended hours take {allowed}",
                "type",
            )
        if tif is TimeInForce.GTD and state.expires_at is not None and state.expires_at <= now:
            raise self._invalid(
                f"expires_at {state.expires_at.isoformat()} has passed", "expires_at"
            )

    def _market_hours_problem(self, state: OrderState, now: datetime) -> str | None:
        """Why a market order may not be accepted now (``None``: it may)."""
        if state.type is not OrderType.MARKET:
            return None
        if not self.personality.reject_market_orders_outside_regular_hours:
            return None
        session = mkt.session_at(state.legs[0].instrument, now)
        if session is mkt.Session.REGULAR:
            return None
        return f"market orders are not accepted outside regular hours (now {session})"

    def _resolve_effects(self, account: AccountState, state: OrderState) -> None:
        """Turn AUTO into OPEN/CLOSE from the positions, and check closes and short sales."""
        for leg in state.legs:
            qty = leg.ratio * state.remaining
            held = account.quantity_of(leg.instrument)
            opposite = held != 0 and (held > 0) != (leg.side is Side.BUY)
            effect = leg.effect
            if effect is PositionEffect.AUTO:
                effect = PositionEffect.CLOSE if opposite else PositionEffect.OPEN
            if effect is PositionEffect.CLOSE:
                if not opposite:
                    raise self._invalid(
                        f"no {'short' if leg.side is Side.BUY else 'long'} position in "
                        f"{str(leg.instrument).strip()} to close",
                        "quantity",
                    )
                if qty > abs(held):
                    raise self._invalid(
                        f"closing {qty} of {str(leg.instrument).strip()} but the position is "
                        f"{abs(held)}",
                        "quantity",
                    )
            elif opposite:
                raise self._invalid(
                    f"the account holds {held} of {str(leg.instrument).strip()}; close it before "
                    f"opening the other way",
                    "effect",
                )
            elif leg.side is Side.SELL:
                self._check_short_sale(account, leg.instrument)
            leg.effect = effect

    def _check_short_sale(self, account: AccountState, inst: Instrument) -> None:
        if isinstance(inst, Crypto):
            raise InsufficientFundsError(
                f"{inst} cannot be sold short: sell only what the account holds",
                broker=self._broker,
            )
        if account.type is AccountType.CASH and isinstance(inst, Equity | Option):
            raise InsufficientFundsError(
                f"a cash account cannot sell {str(inst).strip()} it does not own (no short sales)",
                broker=self._broker,
            )

    def _estimate(self, account: AccountState, state: OrderState) -> Estimate:
        """Price the order's remaining quantity and its effect on buying power."""
        now = self._now()
        prices: list[Decimal] = []
        for leg in state.legs:
            if not state.is_multi_leg and state.type in (OrderType.LIMIT, OrderType.STOP_LIMIT):
                price = state.limit_price
            elif not state.is_multi_leg and state.type is OrderType.STOP:
                price = state.stop_price
            else:
                quote = self.market.quote(leg.instrument, now)
                price = quote.ask if leg.side is Side.BUY else quote.bid
            assert price is not None
            prices.append(price)
        before = {h.instrument: h.quantity for h in account.holdings.values()}
        after = dict(before)
        cost = commission = _ZERO
        for leg, price in zip(state.legs, prices, strict=True):
            qty = leg.ratio * state.remaining
            after[leg.instrument] = after.get(leg.instrument, _ZERO) + leg.side.sign * qty
            cost += leg.side.sign * qty * price * leg.instrument.multiplier
            commission += self._commission(leg.instrument, qty, price)
        after = {inst: qty for inst, qty in after.items() if qty != 0}
        at = {leg.instrument: price for leg, price in zip(state.legs, prices, strict=True)}
        return Estimate(
            prices=tuple(prices),
            cost=cost,
            commission=commission,
            bp_before=self._raw_buying_power(account, before, _ZERO, at),
            bp_after=self._raw_buying_power(account, after, -cost - commission, at),
            req_before=self._requirement(before, at),
            req_after=self._requirement(after, at),
        )

    def _check_funds(self, account: AccountState, state: OrderState, estimate: Estimate) -> None:
        available = self._buying_power(account, excluding=state.id or None)
        if estimate.reserve > available:
            raise InsufficientFundsError(
                f"the order needs {estimate.reserve:.2f} of buying power; "
                f"{max(available, _ZERO):.2f} is available",
                broker=self._broker,
            )

    def _warnings(self, state: OrderState, now: datetime) -> tuple[str, ...]:
        inst = state.legs[0].instrument
        warnings: list[str] = []
        extended = state.time_in_force.extended_hours
        if not mkt.is_open(inst, now, extended):
            warnings.append("market closed: order will queue until the open")
        if not state.is_multi_leg and state.type is OrderType.MARKET:
            quote = self.market.quote(inst, now)
            size = quote.ask_size if state.legs[0].side is Side.BUY else quote.bid_size
            if size is not None and state.quantity > size:
                warnings.append(
                    f"quantity {state.quantity} exceeds the displayed size {size}: "
                    f"expect partial fills over several minutes"
                )
        return tuple(warnings)
