"""Authentication for the paper adapter: there is none.

The paper API is served only by the emulator, in-process or on loopback, and the emulator asks
for no credentials, so :func:`paper_auth` returns ``None`` and requests go out unchanged. (A
user may still pass ``auth=`` to ``connect``: the emulator ignores the header.) Real adapters put
their OAuth endpoints, scopes and token-endpoint auth method here.
"""

from __future__ import annotations

from brokerlink._http import Auth

__all__ = ["paper_auth"]


def paper_auth() -> Auth | None:
    """No auth flow: the emulator needs no credentials."""
    return None
