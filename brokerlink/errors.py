"""Errors: one tree for every adapter (DESIGN §6).

::

    BrokerError
    ├── RejectedError                the broker (or our pre-flight check) said no; retrying won't help
    │   ├── InvalidOrderError(ValueError)   bad quantity/price/tick/type/TIF for this broker
    │   ├── InsufficientFundsError
    │   ├── OrderNotFoundError
    │   ├── SymbolNotFoundError
    │   ├── NotSupportedError        the capability is missing for this adapter+environment
    │   └── AuthError
    │       ├── UnauthorizedError
    │       └── ScopeError           names the missing scope
    ├── OperationFailedError         may succeed later; carries ``retryable`` and ``retry_after``
    │   ├── NetworkError
    │   ├── TimeoutError
    │   ├── RateLimitedError
    │   ├── BrokerUnavailableError   (5xx)
    │   └── AmbiguousOrderError      sent, outcome unknown: reconcile, never resend blindly
    ├── ResponseFormatError          the payload did not match: field path, redacted excerpt, raw body
    └── ConfigError                  bad profile/selector/credentials: the key path and the fix

Lower-layer exceptions (httpx2's) are translated in exactly one place,
:func:`brokerlink._http.translate_transport_error`.
"""

from __future__ import annotations

import builtins

__all__ = [
    "AmbiguousOrderError",
    "AuthError",
    "BrokerError",
    "BrokerUnavailableError",
    "ConfigError",
    "InsufficientFundsError",
    "InvalidOrderError",
    "NetworkError",
    "NotSupportedError",
    "OperationFailedError",
    "OrderNotFoundError",
    "RateLimitedError",
    "RejectedError",
    "ResponseFormatError",
    "ScopeError",
    "SymbolNotFoundError",
    "TimeoutError",
    "UnauthorizedError",
]


class BrokerError(Exception):
    """Root of every error brokerlink raises.

    ``broker`` names the adapter (``"tradier"``), ``code`` the broker's own error code when it sent
    one. Messages never carry tokens, secrets or account numbers.
    """

    def __init__(self, message: str, *, broker: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.broker = broker
        self.code = code

    def __str__(self) -> str:
        prefix = f"[{self.broker}] " if self.broker else ""
        suffix = f" (code {self.code})" if self.code else ""
        return f"{prefix}{self.message}{suffix}"


class RejectedError(BrokerError):
    """The broker, or our pre-flight check, said no. Retrying the same request will not help."""


class InvalidOrderError(RejectedError, ValueError):
    """An order is malformed or not allowed for this broker; ``field`` names the culprit."""

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        broker: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message, broker=broker, code=code)
        self.field = field


class InsufficientFundsError(RejectedError):
    """Not enough cash or buying power for the order."""


class OrderNotFoundError(RejectedError):
    """No order with that id (or client id) exists in the account."""


class SymbolNotFoundError(RejectedError):
    """The broker does not know the symbol."""


class NotSupportedError(RejectedError):
    """The adapter and environment lack a capability; raised before any request is sent."""


class AuthError(RejectedError):
    """Authentication or authorization failed."""


class UnauthorizedError(AuthError):
    """The credentials were refused (expired, revoked or wrong)."""


class ScopeError(AuthError):
    """The token lacks a scope the call needs; ``scope`` names it."""

    def __init__(self, message: str, *, scope: str, broker: str | None = None) -> None:
        super().__init__(message, broker=broker)
        self.scope = scope


class OperationFailedError(BrokerError):
    """The operation failed in a way that may succeed later.

    ``retryable`` says whether brokerlink considers a retry safe; ``retry_after`` is the broker's
    requested wait in seconds, when it gave one.
    """

    default_retryable = True

    def __init__(
        self,
        message: str,
        *,
        broker: str | None = None,
        code: str | None = None,
        retryable: bool | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, broker=broker, code=code)
        self.retryable = self.default_retryable if retryable is None else retryable
        self.retry_after = retry_after


class NetworkError(OperationFailedError):
    """The connection failed or dropped before a response arrived."""


class TimeoutError(OperationFailedError, builtins.TimeoutError):
    """No response in time. Also a builtin ``TimeoutError``, so generic handlers still catch it."""


class RateLimitedError(OperationFailedError):
    """The broker (HTTP 429) or our own limiter asked us to slow down."""


class BrokerUnavailableError(OperationFailedError):
    """The broker answered with a 5xx or a maintenance notice."""


class AmbiguousOrderError(OperationFailedError):
    """An order was sent but its outcome is unknown. Reconcile by ``client_id``; never resend blindly."""

    default_retryable = False

    def __init__(self, message: str, *, client_id: str, broker: str | None = None) -> None:
        super().__init__(message, broker=broker, retryable=False)
        self.client_id = client_id


class ResponseFormatError(BrokerError):
    """A broker payload did not have the documented shape.

    ``path`` is where in the payload the problem is (``$.Bars[2].Close``), ``excerpt`` a short,
    redacted piece of the payload, ``raw`` the whole body as received (never printed), and
    ``reason`` the problem alone, without path or excerpt.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str = "$",
        excerpt: str = "",
        raw: bytes | str | None = None,
        broker: str | None = None,
    ) -> None:
        detail = f"{message} at {path}"
        if excerpt:
            detail += f": {excerpt}"
        super().__init__(detail, broker=broker)
        self.reason = message
        self.path = path
        self.excerpt = excerpt
        self.raw = raw


class ConfigError(BrokerError):
    """A profile, selector or credential is wrong or missing.

    ``key`` is the path of the offending setting (``profiles.paper-ts.environment``), ``fix`` what
    to do about it; both are part of the message.
    """

    def __init__(self, message: str, *, key: str | None = None, fix: str | None = None) -> None:
        text = message
        if key:
            text = f"{key}: {text}"
        if fix:
            text = f"{text}. Fix: {fix}"
        super().__init__(text)
        self.key = key
        self.fix = fix
