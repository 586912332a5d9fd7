"""tastytrade environments and their URLs (refs/tastytrade/NOTES.md §1, §8, §9).

``live`` is api.tastyworks.com with the account streamer on streamer.tastyworks.com; ``sandbox``
(the "cert" environment: separate credentials, simulated fills, 24-hour resets, delayed quotes)
is api.cert.tastyworks.com with streamer.cert.tastyworks.com. ``emulator`` is the in-process
tastytrade wire front over the core engine: the host ``tastytrade.emulator`` is never resolved.

The DxLink market-data URL is not fixed: ``GET /api-quote-tokens`` returns it with the token
(``dxlink-url``), so it is read from there on every connect, never configured.

URL roles in ``Environment.urls``:

==================== ==============================================================
role                 meaning
==================== ==============================================================
``account_streamer`` the account-streamer websocket (orders, positions, balances)
``authorize``        the OAuth consent page (authorization-code flow)
``token``            the OAuth token endpoint (refresh and code grants), on the API host
==================== ==============================================================
"""

from __future__ import annotations

from types import MappingProxyType

from brokerlink.adapter import Environment

__all__ = [
    "API_VERSION",
    "EMULATOR_ACCOUNT",
    "EMULATOR_BASE_URL",
    "EMULATOR_STREAMER_URL",
    "ENVIRONMENTS",
]

API_VERSION = "20261012"
"""The ``Accept-Version`` pinned on every request (NOTES §3).

Without the header tastytrade serves the *oldest* live version; pinning makes the wire format a
choice we tested against. 20261012 is the order-api release that makes a start date mandatory on
order searches, which :func:`~brokerlink_tastytrade.operations.orders` always sends.
"""

EMULATOR_BASE_URL = "http://tastytrade.emulator"
"""The REST root the emulator front answers (in-process; never resolved)."""

EMULATOR_STREAMER_URL = "ws://tastytrade.emulator/account-streamer"
"""The emulator's account-streamer websocket."""

EMULATOR_ACCOUNT = "EMU00001"
"""The emulator's first account: what ``account=None`` means there."""

ENVIRONMENTS = MappingProxyType(
    {
        "live": Environment(
            name="live",
            base_url="https://api.tastyworks.com",
            is_live=True,
            urls={
                "account_streamer": "wss://streamer.tastyworks.com",
                "authorize": "https://my.tastytrade.com/auth.html",
                "token": "https://api.tastyworks.com/oauth/token",
            },
            description="real money",
        ),
        "sandbox": Environment(
            name="sandbox",
            base_url="https://api.cert.tastyworks.com",
            urls={
                "account_streamer": "wss://streamer.cert.tastyworks.com",
                "authorize": "https://cert-my.staging-tasty.works/auth.html",
                "token": "https://api.cert.tastyworks.com/oauth/token",
            },
            description=(
                "the cert environment: separate credentials, simulated fills, reset every 24 h, "
                "15-minute delayed quotes"
            ),
        ),
        "emulator": Environment(
            name="emulator",
            base_url=EMULATOR_BASE_URL,
            is_emulator=True,
            urls={
                "account_streamer": EMULATOR_STREAMER_URL,
                "authorize": EMULATOR_BASE_URL + "/oauth/authorize",
                "token": EMULATOR_BASE_URL + "/oauth/token",
            },
            description="offline, in-process tastytrade emulator over the core engine",
            default_account=EMULATOR_ACCOUNT,
        ),
    }
)
"""Every environment tastytrade offers; ``live`` needs the explicit opt-in."""
