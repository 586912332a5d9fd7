"""Tradier environments and their URLs (refs/tradier/NOTES.md §1 and §6).

``live`` is api.tradier.com with the HTTP stream on stream.tradier.com and both websockets on
ws.tradier.com. ``sandbox`` (paper trading) is sandbox.tradier.com; it has an account-events
websocket on sandbox-ws.tradier.com but no market-data stream. ``emulator`` is the in-process
Tradier wire front over the core engine: the host ``tradier.emulator`` is never resolved.

URL roles in ``Environment.urls``:

=================== ===========================================================
role                meaning
=================== ===========================================================
``stream``          root of the HTTP market stream (``/markets/events``)
``websocket``       root of the market-events websocket
``account_websocket`` root of the account-events websocket
``authorize``       the OAuth authorize page (partners)
``token``           the OAuth token endpoint
``refresh``         the OAuth refresh endpoint (a different URL from ``token``)
=================== ===========================================================
"""

from __future__ import annotations

from types import MappingProxyType

from brokerlink.adapter import Environment

__all__ = ["EMULATOR_ACCOUNT", "EMULATOR_BASE_URL", "ENVIRONMENTS"]

EMULATOR_BASE_URL = "http://tradier.emulator/v1"
"""The REST root the emulator front answers (in-process; never resolved)."""

EMULATOR_ACCOUNT = "EMU00001"
"""The emulator's first account: what ``account=None`` means there."""

_OAUTH = {
    "authorize": "https://api.tradier.com/v1/oauth/authorize",
    "token": "https://api.tradier.com/v1/oauth/accesstoken",
    "refresh": "https://api.tradier.com/v1/oauth/refreshtoken",
}

ENVIRONMENTS = MappingProxyType(
    {
        "live": Environment(
            name="live",
            base_url="https://api.tradier.com/v1",
            is_live=True,
            urls={
                "stream": "https://stream.tradier.com/v1",
                "websocket": "wss://ws.tradier.com/v1",
                "account_websocket": "wss://ws.tradier.com/v1",
                **_OAUTH,
            },
            description="real money",
        ),
        "sandbox": Environment(
            name="sandbox",
            base_url="https://sandbox.tradier.com/v1",
            urls={"account_websocket": "wss://sandbox-ws.tradier.com/v1", **_OAUTH},
            description="paper trading; delayed data and no market-data streaming",
        ),
        "emulator": Environment(
            name="emulator",
            base_url=EMULATOR_BASE_URL,
            is_emulator=True,
            urls={
                "stream": "http://tradier.emulator/v1",
                "websocket": "ws://tradier.emulator/v1",
                "account_websocket": "ws://tradier.emulator/v1",
            },
            description="offline, in-process Tradier emulator over the core engine",
            default_account=EMULATOR_ACCOUNT,
        ),
    }
)
"""Every environment Tradier offers; ``live`` needs the explicit opt-in."""
