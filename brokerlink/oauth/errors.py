"""The typed errors of the OAuth flows, each under the core tree (DESIGN §6).

Every one says what happened and what to do; none carries a token, code or secret.
"""

from __future__ import annotations

from brokerlink.errors import AuthError, ConfigError

__all__ = [
    "CallbackPortError",
    "ConsentDeniedError",
    "ExpiredCodeError",
    "LoginTimeoutError",
    "RedirectUriError",
    "StateMismatchError",
]


class ConsentDeniedError(AuthError):
    """The user (or the broker) declined the authorization request."""


class StateMismatchError(AuthError):
    """The callback's ``state`` is not the one this login sent: a stale tab or a forged request."""


class ExpiredCodeError(AuthError):
    """The authorization code expired (or was already used) before it was exchanged."""


class RedirectUriError(AuthError):
    """The broker refused the redirect URI: it is not registered for the client."""


class LoginTimeoutError(AuthError):
    """No callback arrived in time."""


class CallbackPortError(ConfigError):
    """The login callback server cannot listen on the profile's redirect URI (port in use)."""
