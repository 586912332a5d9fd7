"""TradeStation environments and their URLs (refs/tradestation/NOTES.md §1, §2.1, §10).

``live`` and ``sim`` share one auth server and one audience: the same tokens work on both, only
the API root differs (``sim-api``, with a hyphen). The v2 root serves the legacy tick-bar stream.
``emulator`` is served in-process by the TradeStation emulator front over the core engine; its
host is never resolved.
"""

from __future__ import annotations

from types import MappingProxyType

from brokerlink.adapter import Environment

__all__ = ["EMULATOR_ROOT", "ENVIRONMENTS", "SIGNIN"]

SIGNIN = "https://signin.tradestation.com"
"""The Auth0 tenant serving authorize, token and revoke for both live and sim."""

EMULATOR_ROOT = "http://tradestation.emulator"
"""Root of the in-process emulator; v3 under ``/v3``, the tick-bar stream under ``/v2``."""

_AUTH_URLS = {
    "authorize": f"{SIGNIN}/authorize",
    "token": f"{SIGNIN}/oauth/token",
    "revoke": f"{SIGNIN}/oauth/revoke",
}

ENVIRONMENTS = MappingProxyType(
    {
        "live": Environment(
            name="live",
            base_url="https://api.tradestation.com/v3",
            is_live=True,
            urls={**_AUTH_URLS, "v2": "https://api.tradestation.com/v2"},
            description="real money",
        ),
        "sim": Environment(
            name="sim",
            base_url="https://sim-api.tradestation.com/v3",
            urls={**_AUTH_URLS, "v2": "https://sim-api.tradestation.com/v2"},
            description="simulated trading (fake money, instant simulated fills), live auth server",
        ),
        "emulator": Environment(
            name="emulator",
            base_url=f"{EMULATOR_ROOT}/v3",
            is_emulator=True,
            urls={"v2": f"{EMULATOR_ROOT}/v2"},
            description="offline, in-process TradeStation emulator over the core engine",
            default_account="EMU00001",
        ),
    }
)
"""Every environment TradeStation offers; ``live`` needs the explicit opt-in."""
