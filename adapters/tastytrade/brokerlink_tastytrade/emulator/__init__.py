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
rest_*         the REST routes: accounts, orders, complex orders, instruments and market data
orders_in/out  order requests into engine orders; engine orders as tastytrade order objects
accounts_out   customers, accounts, balances, positions and transactions
instruments_out instruments, option chains and REST quotes
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
from brokerlink_tastytrade.emulator.base import SandboxOptions
from brokerlink_tastytrade.emulator.front import TastytradeFront

__all__ = ["SandboxOptions", "TastytradeFront", "emulator_front", "emulator_transport"]


def emulator_front(engine: Engine, sandbox: SandboxOptions | None = None) -> TastytradeFront:
    """The tastytrade front over ``engine`` (``sandbox``: the cert quirks to imitate)."""
    return TastytradeFront(engine, sandbox)


def emulator_transport(engine: Engine, sandbox: SandboxOptions | None = None) -> EmulatorTransport:
    """The in-process transport serving the tastytrade front over ``engine``."""
    return EmulatorTransport(emulator_front(engine, sandbox), engine)
