"""The Tradier emulator: Tradier's wire format over brokerlink's core engine (DESIGN §9).

``emulator_transport(engine)`` is what the ``tradier:emulator`` environment runs on (in-process,
websockets through a loopback server); ``emulator_front(engine)`` is the same front for
``serve()`` and ``brokerlink emulate tradier --port N``. Pass
``options=TradierOptions.sandbox_like()`` for the sandbox's behaviour (no market-data stream,
polled fills, enforced rate limits); ``oauth=`` (a :func:`~.signin.signin_server`) and
``strict_tokens=True`` set up its OAuth server (see :mod:`.front` for how bearer tokens are
checked).

============== ================================================================================
module         job
============== ================================================================================
front          the front: auth, rate-limit headers, error shapes, routing, websockets
signin         the OAuth server: authorize, access token, refresh token (``/v1/oauth/...``)
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
from brokerlink.emulator.oauth import OAuthServer

from .front import TradierFront
from .personality import TradierOptions, tradier_personality
from .signin import EMULATOR_APP, TradierOAuthServer, signin_server

__all__ = [
    "EMULATOR_APP",
    "TradierFront",
    "TradierOAuthServer",
    "TradierOptions",
    "emulator_front",
    "emulator_transport",
    "signin_server",
    "tradier_personality",
]


def emulator_front(
    engine: Engine,
    options: TradierOptions | None = None,
    *,
    oauth: OAuthServer | None = None,
    strict_tokens: bool = False,
) -> TradierFront:
    """The Tradier front over ``engine`` (``options``: the ideal broker by default; ``oauth``:
    its OAuth server; ``strict_tokens``: refuse bearer tokens that server did not issue)."""
    return TradierFront(engine, options, oauth=oauth, strict_tokens=strict_tokens)


def emulator_transport(
    engine: Engine,
    options: TradierOptions | None = None,
    *,
    oauth: OAuthServer | None = None,
    strict_tokens: bool = False,
) -> EmulatorTransport:
    """The in-process httpx2 transport serving Tradier's API from ``engine``."""
    front = emulator_front(engine, options, oauth=oauth, strict_tokens=strict_tokens)
    return EmulatorTransport(front, engine)
