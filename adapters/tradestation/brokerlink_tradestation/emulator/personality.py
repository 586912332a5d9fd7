"""How the emulated TradeStation behaves: the ideal API, or the SIM with its known quirks.

Two layers, because two objects are involved:

- :data:`ENGINE_PERSONALITY` is the core engine's :class:`~brokerlink.emulator.Personality` for
  TradeStation: a replace keeps the order id (the documented replace answers the same
  ``OrderID``), whole shares only, market orders outside the session refused.
- :class:`TradeStationPersonality` holds the front's own switches: the stream heartbeat interval
  (the spec: "sent after 5 seconds on an idle stream") and the SIM quirk of dropping fill frames
  from the order stream while heartbeats continue (NOTES §5 and §9: in one SIM test only 4 of 18
  FLL frames arrived). The reconnect snapshot always carries the true state, which is how a
  client recovers a dropped fill.

``IDEAL`` (the default) is deterministic and drops nothing, so tests are stable; ``SIM`` drops
every other fill frame, deterministically (the real rate is unpredictable, the pattern here is
not, so a test can count on it).
"""

from __future__ import annotations

import attrs

from brokerlink.emulator import Engine, Personality
from brokerlink.enums import OrderType

__all__ = [
    "ENGINE_PERSONALITY",
    "IDEAL",
    "SIM",
    "TradeStationPersonality",
    "adopt_engine",
    "personality_named",
]

ENGINE_PERSONALITY = Personality(
    name="tradestation",
    replace_keeps_id=True,
    allow_fractional_equity=False,
    extended_hours_order_types=frozenset({OrderType.LIMIT}),
)
"""The engine personality a TradeStation emulator is built with (see :func:`adopt_engine`)."""


@attrs.frozen(kw_only=True)
class TradeStationPersonality:
    """The front's behaviour switches.

    - ``name``: ``"ideal"`` or ``"sim"`` (shown in reprs and the CLI).
    - ``heartbeat_seconds``: idle time before a stream sends ``{"Heartbeat": n, ...}``.
    - ``drop_fill_frame_every``: ``n > 0`` leaves every n-th fill update out of the order
      stream (counted over the whole front, in event order); ``0`` keeps them all.
    - ``poll_seconds``: how often open account streams look for new engine events.
    """

    name: str = "ideal"
    heartbeat_seconds: float = attrs.field(default=5.0, validator=attrs.validators.gt(0.0))
    drop_fill_frame_every: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    poll_seconds: float = attrs.field(default=0.01, validator=attrs.validators.gt(0.0))

    def drops(self, fill_number: int) -> bool:
        """Whether the ``fill_number``-th fill frame (1, 2, ...) is left out of the stream."""
        every = self.drop_fill_frame_every
        return every > 0 and fill_number % every == 0


IDEAL = TradeStationPersonality()
"""The documented API, with nothing dropped (the default)."""

SIM = TradeStationPersonality(name="sim", drop_fill_frame_every=2)
"""The TradeStation SIM: the order stream loses fill frames (every other one, here)."""


def personality_named(name: str) -> TradeStationPersonality:
    """``IDEAL`` or ``SIM`` by name (``"ideal"``/``"sim"``); ``ValueError`` otherwise."""
    found = {"ideal": IDEAL, "sim": SIM}.get(name.strip().lower())
    if found is None:
        raise ValueError(f"personality {name!r} is not 'ideal' or 'sim'")
    return found


def adopt_engine(engine: Engine) -> None:
    """Give a plain engine (one built without a broker personality, as ``brokerlink emulate``
    builds it) TradeStation's engine personality; an engine already carrying a broker's
    personality is left alone. The fill-drop setting of the plain engine is kept."""
    if engine.personality.name is None:
        engine.personality = attrs.evolve(
            ENGINE_PERSONALITY,
            drop_fill_event_every=engine.personality.drop_fill_event_every,
        )
