"""Tradier environments and their URLs (from refs/tradier/NOTES.md §1)."""

from __future__ import annotations

from types import MappingProxyType

from brokerlink.adapter import Environment

__all__ = ["ENVIRONMENTS"]

ENVIRONMENTS = MappingProxyType(
    {
        "live": Environment(
            name="live",
            base_url="https://api.tradier.com/v1",
            is_live=True,
            urls={
                "stream": "https://stream.tradier.com/v1",
                "websocket": "wss://ws.tradier.com/v1",
                "authorize": "https://api.tradier.com/v1/oauth/authorize",
                "token": "https://api.tradier.com/v1/oauth/accesstoken",
            },
            description="real money",
        ),
        "sandbox": Environment(
            name="sandbox",
            base_url="https://sandbox.tradier.com/v1",
            urls={"account_websocket": "wss://sandbox-ws.tradier.com/v1"},
            description="paper trading; delayed data and no market-data streaming",
        ),
    }
)
"""Every environment Tradier offers; `live` needs the explicit opt-in."""
