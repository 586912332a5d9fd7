"""A leg of a new order: instrument, side, quantity and position effect.

Legs are user input: their converters accept canonical text for the instrument, ``"buy"`` /
``Side.BUY`` for the side and ``str``/``int``/``Decimal`` for the quantity, and raise
:class:`~brokerlink.errors.InvalidOrderError` naming the field.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from brokerlink.enums import PositionEffect, Side
from brokerlink.instruments import Instrument, InstrumentLike
from brokerlink.models import _convert, _rules
from brokerlink.money import DecimalLike

__all__ = ["Leg"]


@attrs.frozen(kw_only=True)
class Leg:
    """One leg of a new order: what to trade, which way, how many, and the position effect.

    ``instrument`` takes canonical text or an instrument; ``quantity`` a positive ``str``, ``int``
    or ``Decimal`` (fractional for equities and crypto only). ``effect=AUTO`` lets the adapter
    choose open/close from the account's positions.
    """

    instrument: Instrument = attrs.field(converter=_convert.symbol)
    side: Side = attrs.field(converter=_convert.side)
    quantity: Decimal = attrs.field(converter=_convert.quantity)
    effect: PositionEffect = attrs.field(default=PositionEffect.AUTO, converter=_convert.effect)

    def __attrs_post_init__(self) -> None:
        _rules.check_leg(self.instrument, self.quantity)

    @classmethod
    def buy(
        cls,
        symbol: InstrumentLike,
        quantity: DecimalLike,
        effect: PositionEffect | str = PositionEffect.AUTO,
    ) -> Leg:
        """A buying leg: ``Leg.buy("AAPL  250321C00175000", 1)``."""
        return cls(instrument=symbol, side=Side.BUY, quantity=quantity, effect=effect)

    @classmethod
    def sell(
        cls,
        symbol: InstrumentLike,
        quantity: DecimalLike,
        effect: PositionEffect | str = PositionEffect.AUTO,
    ) -> Leg:
        """A selling leg: ``Leg.sell("AAPL  250321C00180000", 1)``."""
        return cls(instrument=symbol, side=Side.SELL, quantity=quantity, effect=effect)
