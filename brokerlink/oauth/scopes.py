"""Which neutral scopes a call needs, and the check the facade can make before sending it.

A feature of :class:`~brokerlink.capabilities.Capabilities` (or a stream) needs one or more
neutral scopes; an :class:`~brokerlink.oauth.OAuthStrategy` knows which broker scopes its token
was granted and, through its adapter's :class:`~brokerlink.oauth.OAuthSpec`, which broker scopes
grant each neutral one. :func:`require_scopes` raises :class:`~brokerlink.errors.ScopeError`
naming the missing broker scope before any request; with a strategy that does not know its
scopes (a static token) it lets the call through and the broker decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

from brokerlink._http import Auth
from brokerlink.capabilities import Feature, StreamKind
from brokerlink.oauth.spec import NeutralScope

__all__ = ["FEATURE_SCOPES", "STREAM_SCOPES", "require_scopes", "scopes_for"]

_READ: tuple[NeutralScope, ...] = ("read",)
_TRADE: tuple[NeutralScope, ...] = ("trade",)
_DATA: tuple[NeutralScope, ...] = ("market_data",)

FEATURE_SCOPES = MappingProxyType(
    {
        Feature.ACCOUNTS: _READ,
        Feature.BALANCES: _READ,
        Feature.POSITIONS: _READ,
        Feature.ORDERS: _READ,
        Feature.ORDER_HISTORY: _READ,
        Feature.PREVIEW: _TRADE,
        Feature.PLACE: _TRADE,
        Feature.REPLACE: _TRADE,
        Feature.CANCEL: _TRADE,
        Feature.QUOTES: _DATA,
        Feature.BARS: _DATA,
        Feature.OPTION_CHAIN: _DATA,
        Feature.INSTRUMENT: _DATA,
    }
)
"""The neutral scopes each request/response feature needs."""

STREAM_SCOPES = MappingProxyType(
    {
        StreamKind.QUOTES: ("market_data", "stream"),
        StreamKind.BARS: ("market_data", "stream"),
        StreamKind.ORDERS: ("read", "stream"),
        StreamKind.POSITIONS: ("read", "stream"),
    }
)
"""The neutral scopes each stream needs."""


def scopes_for(what: Feature | StreamKind) -> tuple[NeutralScope, ...]:
    """The neutral scopes a feature or stream needs."""
    if isinstance(what, StreamKind):
        return STREAM_SCOPES[what]  # type: ignore[return-value]
    return FEATURE_SCOPES[what]


def require_scopes(auth: Auth | None, needs: Feature | StreamKind | Iterable[NeutralScope]) -> None:
    """Raise :class:`~brokerlink.errors.ScopeError` if ``auth``'s token lacks a needed scope.

    ``needs`` is a feature, a stream kind, or neutral scopes. Strategies that do not track their
    granted scopes pass.
    """
    from brokerlink.oauth.flow import OAuthStrategy

    if not isinstance(auth, OAuthStrategy):
        return
    neutral = scopes_for(needs) if isinstance(needs, Feature | StreamKind) else tuple(needs)
    for scope in neutral:
        auth.require_scope(scope)
