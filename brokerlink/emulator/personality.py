"""A broker sandbox's "personality": the knobs a wire front sets to imitate its broker (DESIGN §9).

The engine's behaviour is one set of rules; these few switches cover the ways the three sandboxes
are known to differ. A front builds one ``Personality`` and hands it to the engine.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import attrs

from brokerlink.enums import AssetClass, OrderType
from brokerlink.errors import ConfigError

if TYPE_CHECKING:
    from brokerlink.emulator.engine import Engine

__all__ = ["PERSONALITIES", "Personality", "front_key"]

PERSONALITIES = ("ideal", "sandbox")
"""The values of a profile's ``emulator_personality``: ``"ideal"`` is the documented API with
nothing lost (deterministic, for tests); ``"sandbox"`` imitates the broker's paper environment
as its references document it (each adapter's emulator says what that means for its broker)."""

_ALL_CLASSES = frozenset(
    {
        AssetClass.EQUITY,
        AssetClass.OPTION,
        AssetClass.FUTURE,
        AssetClass.FUTURE_OPTION,
        AssetClass.INDEX,
        AssetClass.CRYPTO,
    }
)


@attrs.frozen(kw_only=True)
class Personality:
    """Broker-specific behaviour of the emulated sandbox.

    - ``name``: put in every error's ``broker`` field (``"tradier"``); ``None`` for the plain engine.
    - ``replace_keeps_id``: a replace modifies the order in place (tastytrade, TradeStation) instead
      of retiring it as ``REPLACED`` and issuing a new id (Tradier).
    - ``cancel_is_async``: a cancel answers ``CANCEL_PENDING``; ``CANCELED`` arrives on the next
      :meth:`~brokerlink.emulator.Engine.advance`, as with brokers that confirm cancels later.
    - ``drop_fill_event_every``: ``n > 0`` hides every n-th fill event from the *stream view* of
      the event log (the TradeStation SIM drops fill frames); order state is unaffected.
    - ``allow_fractional_equity``: equity quantities may have decimals.
    - ``asset_classes``: what the broker trades; other symbols are unknown to it
      (``SymbolNotFoundError``). Indices are quotable only, never tradable.
    - ``reject_market_orders_outside_regular_hours``: a market order placed while its instrument's
      regular session is closed is rejected instead of queued for the open.
    - ``extended_hours_order_types``: the order types accepted with an extended-hours time in
      force (``DAY_EXT``/``GTC_EXT``).
    - ``record_rejections``: a business rejection (funds, market hours) leaves a ``REJECTED``
      order in the history, as brokers that assign ids before checking do; malformed orders
      (bad tick, unknown symbol) are never recorded.
    - ``fill_delay``: simulated time an accepted order waits before it may trade (a sandbox
      whose fills are found by polling).
    """

    name: str | None = None
    replace_keeps_id: bool = False
    cancel_is_async: bool = False
    drop_fill_event_every: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    allow_fractional_equity: bool = True
    asset_classes: frozenset[AssetClass] = _ALL_CLASSES
    reject_market_orders_outside_regular_hours: bool = True
    extended_hours_order_types: frozenset[OrderType] = frozenset({OrderType.LIMIT})
    record_rejections: bool = True
    fill_delay: timedelta = timedelta(0)


def front_key(engine: Engine, adapter: str, personality: str) -> str:
    """The :meth:`~brokerlink.emulator.Engine.attached` key of ``adapter``'s front running
    ``personality`` over ``engine``.

    A front sets engine-wide switches (a fill delay, for one), so one engine serves an adapter
    in one personality only: asking for the other raises :class:`ConfigError` instead of
    quietly serving the connection with the wrong broker.
    """
    if personality not in PERSONALITIES:
        raise ConfigError(
            f"unknown emulator personality {personality!r}",
            key="emulator_personality",
            fix=f"use one of {', '.join(PERSONALITIES)}",
        )
    claimed = engine.attached(f"{adapter}.personality", lambda: personality)
    if claimed != personality:
        raise ConfigError(
            f"this engine already runs the {adapter} emulator as {claimed!r}, not {personality!r}",
            key="emulator_personality",
            fix="connect with a new engine (leave emulator= unset) for the other personality",
        )
    return f"{adapter}.front.{personality}"
