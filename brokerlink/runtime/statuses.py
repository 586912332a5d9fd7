"""The broad fallback of every adapter's error table: HTTP status -> our error.

Adapters check their exact codes and messages first (their ``errors`` module) and fall back to
:func:`error_for_status`, so a broker answer we have never seen still becomes the right branch of
the tree, with a short, redacted excerpt of the body in the message.
"""

from __future__ import annotations

import re

from brokerlink import errors
from brokerlink._http import Response
from brokerlink.runtime.retry import retry_after_seconds

__all__ = ["body_excerpt", "error_for_status"]

_SECRETS = re.compile(
    r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+|"
    r"(\"?(?:access_token|refresh_token|id_token|client_secret|token|password)\"?\s*[:=]\s*\"?)[^\",&\s]+"
)
_ACCOUNT_LIKE = re.compile(r"\b([A-Z]{0,4})(\d{4,})(\d{3}[A-Z]?)\b")


def body_excerpt(response: Response, limit: int = 160) -> str:
    """The start of the body, with tokens and account-number-like digits blanked."""
    text = response.text[: limit * 2]
    text = _SECRETS.sub(lambda m: (m.group(1) or m.group(2) or "") + "****", text)
    text = _ACCOUNT_LIKE.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_for_status(
    response: Response, *, broker: str, message: str | None = None
) -> errors.BrokerError | None:
    """The error for a non-2xx response (``None`` for 1xx-3xx), named by status class."""
    status = response.status_code
    if status < 400:
        return None
    detail = message or body_excerpt(response) or response.reason_phrase
    text = f"HTTP {status}: {detail}"
    if status == 401:
        return errors.UnauthorizedError(
            f"{text}. Check the credentials or log in again", broker=broker
        )
    if status == 403:
        return errors.AuthError(
            f"{text}. The token may lack a permission (scope) this call needs", broker=broker
        )
    if status == 404:
        return errors.RejectedError(f"{text}. The resource does not exist", broker=broker)
    if status == 429:
        return errors.RateLimitedError(
            text, broker=broker, retry_after=retry_after_seconds(response)
        )
    if status >= 500:
        return errors.BrokerUnavailableError(
            text, broker=broker, retry_after=retry_after_seconds(response)
        )
    if status in (400, 409, 422):
        return errors.RejectedError(text, broker=broker)
    return errors.RejectedError(text, broker=broker)
