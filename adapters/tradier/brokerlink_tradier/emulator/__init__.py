"""The Tradier emulator: Tradier's wire format over brokerlink's core engine (DESIGN §9).

``emulator_transport(engine)`` is what the ``tradier:emulator`` environment runs on (in-process,
websockets through a loopback server); ``emulator_front(engine)`` is the same front for
``serve()`` and ``brokerlink emulate tradier --port N``. Pass
``options=TradierOptions.sandbox_like()`` for the sandbox's behaviour (no market-data stream,
polled fills, enforced rate limits).

============== ================================================================================
module         job
============== ================================================================================
front          the front: auth, rate-limit headers, error shapes, routing, websockets
personality    :class:`TradierOptions` (ideal or sandbox-like) and the engine personality
wire           JSON writing with Tradier's quirks; ``errors`` and gateway ``fault`` bodies
forms          form bodies and query strings, indexed leg fields
symbols        Tradier symbols <-> engine instruments
accounts       profile, balances, positions, history (:mod:`.gainloss`: gain/loss)
trading        orders: list, get, place/preview (:mod:`.orderform`), modify, cancel
book, views    Tradier's notes and ids for engine orders; order objects (:mod:`.ledger`)
markets        quotes (:mod:`.quotes`), history, time & sales, clock, calendar
options        chains, expirations, strikes, option lookup, search, lookup, easy-to-borrow
watchlists     watchlist CRUD and symbols
sessions       rate-limit windows and stream sessions
streams        session endpoints, HTTP streams, websockets (payloads in :mod:`.events`)
============== ================================================================================
"""

from __future__ import annotations

from brokerlink.emulator import Engine
from brokerlink.emulator.http import EmulatorTransport

from .front import TradierFront
from .personality import TradierOptions, tradier_personality

__all__ = [
    "TradierFront",
    "TradierOptions",
    "emulator_front",
    "emulator_transport",
    "tradier_personality",
]


def emulator_front(engine: Engine, options: TradierOptions | None = None) -> TradierFront:
    """The Tradier front over ``engine`` (``options``: the ideal broker by default)."""
    return TradierFront(engine, options)


def emulator_transport(engine: Engine, options: TradierOptions | None = None) -> EmulatorTransport:
    """The in-process httpx2 transport serving Tradier's API from ``engine``."""
    return EmulatorTransport(emulator_front(engine, options), engine)
