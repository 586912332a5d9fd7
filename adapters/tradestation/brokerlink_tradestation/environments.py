"""TradeStation environments and their URLs (from refs/tradestation/NOTES.md §1)."""

from __future__ import annotations

from types import MappingProxyType

from brokerlink.adapter import Environment

__all__ = ["ENVIRONMENTS"]

ENVIRONMENTS = MappingProxyType(
    {
        "live": Environment(
            name="live",
            base_url="https://api.tradestation.com/v3",
            is_live=True,
            urls={
                "authorize": "https://signin.tradestation.com/authorize",
                "token": "https://signin.tradestation.com/oauth/token",
            },
            description="real money",
        ),
        "sim": Environment(
            name="sim",
            base_url="https://sim-api.tradestation.com/v3",
            urls={
                "authorize": "https://signin.tradestation.com/authorize",
                "token": "https://signin.tradestation.com/oauth/token",
            },
            description="simulated trading with the live auth server",
        ),
    }
)
"""Every environment TradeStation offers; `live` needs the explicit opt-in."""
