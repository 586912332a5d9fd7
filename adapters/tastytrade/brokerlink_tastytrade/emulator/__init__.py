"""The tastytrade emulator: tastytrade's REST API, DxLink and account streamer over the core
engine (DESIGN §9; wire formats from refs/tastytrade/).

>>> from brokerlink.emulator import Engine
>>> transport = emulator_transport(Engine())     # serves http://tastytrade.emulator in-process

``brokerlink emulate tastytrade --port N`` serves the same front on loopback.

============== ================================================================================
module         job
============== ================================================================================
front          the :class:`TastytradeFront`: routing, websockets, the engine's personality
base           request checks (Bearer token, User-Agent, Accept-Version), errors, helpers
signin         the emulated OAuth server (``/oauth/authorize``, ``/oauth/token``)
rest_*         the REST routes: accounts, orders, complex orders, instruments and market data
orders_in/out  order requests into engine orders; engine orders as tastytrade order objects
accounts_out   customers, accounts, balances, positions and transactions
instruments_out instruments, option chains and REST quotes
future_options the wire shapes of the engine's futures options (chains, instruments, products)
previews       buying-power effect and fee calculation of submit and dry-run answers
envelope       the ``data`` envelope, pagination, decimals, timestamps and the error envelope
symbols        tastytrade and DxLink symbols <-> canonical instruments
book           what the front remembers beside the engine (wire details, fills, tokens)
dxlink         the DxLink websocket (``/dxlink``); dxlink_events: COMPACT event values
streamer       the account streamer websocket (``/account-streamer``)
reset          the sandbox's 24-hour reset (an option)
============== ================================================================================
"""

from __future__ import annotations

from brokerlink.emulator import Engine
from brokerlink.emulator.http import EmulatorTransport
from brokerlink.emulator.oauth import OAuthServer
from brokerlink_tastytrade.emulator.base import SandboxOptions
from brokerlink_tastytrade.emulator.front import TastytradeFront
from brokerlink_tastytrade.emulator.signin import EMULATOR_APP, signin_server

__all__ = [
    "EMULATOR_APP",
    "SandboxOptions",
    "TastytradeFront",
    "emulator_front",
    "emulator_transport",
    "signin_server",
]


def emulator_front(
    engine: Engine,
    sandbox: SandboxOptions | None = None,
    *,
    oauth: OAuthServer | None = None,
    strict_tokens: bool = False,
) -> TastytradeFront:
    """The tastytrade front over ``engine`` (``sandbox``: the cert quirks to imitate; ``oauth``:
    its OAuth server; ``strict_tokens``: refuse bearer tokens that server did not issue)."""
    return TastytradeFront(engine, sandbox, oauth=oauth, strict_tokens=strict_tokens)


def emulator_transport(
    engine: Engine,
    sandbox: SandboxOptions | None = None,
    *,
    oauth: OAuthServer | None = None,
    strict_tokens: bool = False,
) -> EmulatorTransport:
    """The in-process transport serving the tastytrade front over ``engine``."""
    front = emulator_front(engine, sandbox, oauth=oauth, strict_tokens=strict_tokens)
    return EmulatorTransport(front, engine)
