"""The emulator engine: an offline, deterministic simulated broker (DESIGN §9).

Pure Python, no HTTP: each adapter's wire front speaks its broker's formats over this engine.

>>> from datetime import timedelta
>>> from brokerlink.emulator import Engine
>>> engine = Engine()                      # seed 7, Monday 2025-01-06 09:30 New York
>>> engine.quote("AAPL").bid is not None
True
>>> _ = engine.advance(timedelta(minutes=5))

Modules: :mod:`~brokerlink.emulator.config` (what an engine starts with),
:mod:`~brokerlink.emulator.calendar` (sessions and holidays), :mod:`~brokerlink.emulator.prices`
and :mod:`~brokerlink.emulator.pricer` (seeded price paths), :mod:`~brokerlink.emulator.marketdata`
(quotes, bars, chains), :mod:`~brokerlink.emulator.matching` (fill rules),
:mod:`~brokerlink.emulator.ledger` (cash, positions, margin), :mod:`~brokerlink.emulator.faults`
(fault injection), :mod:`~brokerlink.emulator.personality` (broker quirks).
"""

from brokerlink.emulator.calendar import (
    NYSE_HOLIDAYS,
    Session,
    is_open,
    session_at,
    trading_minutes,
)
from brokerlink.emulator.clock import SimClock
from brokerlink.emulator.config import DEFAULT_START, AccountSpec, EmulatorConfig, PositionSpec
from brokerlink.emulator.defaults import DEFAULT_SYMBOLS, SymbolSpec
from brokerlink.emulator.engine import Engine
from brokerlink.emulator.events import EngineEvent
from brokerlink.emulator.faults import (
    DropConnection,
    Fault,
    Faults,
    HttpError,
    Latency,
    StreamGap,
    TokenExpired,
)
from brokerlink.emulator.personality import Personality

__all__ = [
    "DEFAULT_START",
    "DEFAULT_SYMBOLS",
    "NYSE_HOLIDAYS",
    "AccountSpec",
    "DropConnection",
    "EmulatorConfig",
    "Engine",
    "EngineEvent",
    "Fault",
    "Faults",
    "HttpError",
    "Latency",
    "Personality",
    "PositionSpec",
    "Session",
    "SimClock",
    "StreamGap",
    "SymbolSpec",
    "TokenExpired",
    "is_open",
    "session_at",
    "trading_minutes",
]
