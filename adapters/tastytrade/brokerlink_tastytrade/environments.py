"""tastytrade environments and their URLs (from refs/tastytrade/NOTES.md §1)."""

from __future__ import annotations

from types import MappingProxyType

from brokerlink.adapter import Environment

__all__ = ["ENVIRONMENTS"]

ENVIRONMENTS = MappingProxyType(
    {
        "live": Environment(
            name="live",
            base_url="https://api.tastyworks.com",
            is_live=True,
            urls={
                "account_streamer": "wss://streamer.tastyworks.com",
                "token": "https://api.tastyworks.com/oauth/token",
            },
            description="real money",
        ),
        "sandbox": Environment(
            name="sandbox",
            base_url="https://api.cert.tastyworks.com",
            urls={
                "account_streamer": "wss://streamer.cert.tastyworks.com",
                "token": "https://api.cert.tastyworks.com/oauth/token",
            },
            description="the cert environment: separate credentials, simulated fills",
        ),
    }
)
"""Every environment tastytrade offers; `live` needs the explicit opt-in."""
