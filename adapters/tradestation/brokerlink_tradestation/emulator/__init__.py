"""The TradeStation emulator: TradeStation's v3 REST and stream formats over the core engine.

>>> from brokerlink.emulator import Engine
>>> from brokerlink_tradestation.emulator import emulator_transport
>>> transport = emulator_transport(Engine())      # an httpx2 transport, sync and async
>>> transport.front
<TradeStationFront personality=ideal>

``emulator_front(engine)`` is the front alone (for :func:`brokerlink.emulator.http.serve`);
``personality="sim"`` imitates the SIM's lossy order stream; ``oauth=`` (a
:func:`~.signin.signin_server`) and ``strict_tokens=True`` set up the sign-in server (see
:mod:`.front` for how bearer tokens are checked); ``front.go_away()`` ends the open
streams with their GoAway frames. Modules: :mod:`.front` (routes),
:mod:`.brokerage`, :mod:`.execution`, :mod:`.amend`, :mod:`.marketdata`, :mod:`.options` (REST),
:mod:`.stream_account`, :mod:`.stream_market`, :mod:`.stream_options` (streams),
:mod:`.orders_in`/:mod:`.orders_out`/:mod:`.payloads`/:mod:`.market_payloads` (wire formats),
:mod:`.symbols` (TradeStation symbology at the edge), :mod:`.personality`, :mod:`.signin`
(the OAuth server).
"""

from __future__ import annotations

from brokerlink.emulator import Engine
from brokerlink.emulator.http import EmulatorTransport
from brokerlink.emulator.oauth import OAuthServer
from brokerlink_tradestation.emulator.front import TradeStationFront
from brokerlink_tradestation.emulator.personality import (
    ENGINE_PERSONALITY,
    IDEAL,
    SIM,
    TradeStationPersonality,
    personality_named,
)
from brokerlink_tradestation.emulator.signin import EMULATOR_APP, signin_server

__all__ = [
    "EMULATOR_APP",
    "ENGINE_PERSONALITY",
    "IDEAL",
    "SIM",
    "TradeStationFront",
    "TradeStationPersonality",
    "emulator_front",
    "emulator_transport",
    "signin_server",
]


def _personality(value: TradeStationPersonality | str) -> TradeStationPersonality:
    return personality_named(value) if isinstance(value, str) else value


def emulator_front(
    engine: Engine,
    *,
    personality: TradeStationPersonality | str = IDEAL,
    oauth: OAuthServer | None = None,
    strict_tokens: bool = False,
) -> TradeStationFront:
    """The TradeStation front over ``engine`` (``personality``: ``"ideal"``, ``"sim"`` or a
    :class:`TradeStationPersonality`; ``oauth``: its sign-in server; ``strict_tokens``: refuse
    bearer tokens that server did not issue)."""
    return TradeStationFront(
        engine, _personality(personality), oauth=oauth, strict_tokens=strict_tokens
    )


def emulator_transport(
    engine: Engine,
    *,
    personality: TradeStationPersonality | str = IDEAL,
    oauth: OAuthServer | None = None,
    strict_tokens: bool = False,
) -> EmulatorTransport:
    """The in-process httpx2 transport serving TradeStation's API over ``engine``; its
    ``front`` is what ``brokerlink emulate tradestation`` serves."""
    front = emulator_front(
        engine, personality=personality, oauth=oauth, strict_tokens=strict_tokens
    )
    return EmulatorTransport(front, engine)
