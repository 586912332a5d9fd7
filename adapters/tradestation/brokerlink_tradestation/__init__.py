"""TradeStation adapter for brokerlink (distribution `brokerlink-tradestation`).

This release declares the environments and plugs into the core; the endpoints, streams and the
emulator front arrive in the next release. Until then the capabilities are empty, so every call
raises ``NotSupportedError`` before any request is sent.
"""

from __future__ import annotations

from brokerlink.adapter import DeclaredAdapter
from brokerlink_tradestation.environments import ENVIRONMENTS

__all__ = ["TradeStationAdapter"]


class TradeStationAdapter(DeclaredAdapter):
    """TradeStation: environments declared; endpoints not yet implemented (empty capabilities)."""

    name = "tradestation"
    display_name = "TradeStation"
    environments = ENVIRONMENTS
