"""Every Tradier request is built here, so each one says ``Accept: application/json``.

Tradier answers XML unless asked for JSON (NOTES §3), and a request built by an operation is
sent as it is (the client's default headers apply to requests the client builds, not to these),
so the header is set on the request itself. Bodies are forms (``application/x-www-form-urlencoded``).
"""

from __future__ import annotations

from collections.abc import Mapping

from brokerlink._http import Request
from brokerlink.runtime.operation import CallPolicy, call

__all__ = ["ACCEPT_JSON", "tradier_call"]

ACCEPT_JSON = {"Accept": "application/json"}


def tradier_call(
    method: str,
    url: str,
    *,
    params: Mapping[str, str | int | None] | None = None,
    form: Mapping[str, str] | None = None,
    policy: CallPolicy | None = None,
    headers: Mapping[str, str] | None = None,
) -> Request:
    """:func:`~brokerlink.runtime.operation.call` with ``Accept: application/json``."""
    return call(
        method,
        url,
        params=params,
        form=form,
        policy=policy,
        headers={**ACCEPT_JSON, **(headers or {})},
    )
