"""Operations: plain generators that yield HTTP requests and return core models (DESIGN §5).

An operation has the shape of an httpx auth flow::

    def positions_op(account_id) -> Operation[list[Position]]:
        response = yield call("GET", f"/accounts/{account_id}/positions")
        return [position_from_wire(item) for item in response.json()]

The drivers send each yielded request and resume the generator with the response, or throw a
brokerlink error into it at the ``yield`` (so an operation may catch ``TimeoutError`` and reconcile).
Multi-step work (confirm then place, pagination, chunking) is written as ordinary code with
``yield from``. Operations hold no I/O and no ``async``; one operation serves both facades.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any, Literal, TypeAlias, TypeVar

import attrs
import orjson

from brokerlink._http import Request, Response

__all__ = [
    "CallPolicy",
    "Operation",
    "call",
    "policy_of",
]

T = TypeVar("T")

Operation: TypeAlias = Generator[Request, Response, T]
"""A generator yielding requests, receiving responses, returning a ``T``."""

Kind = Literal["read", "write", "placement"]

_EXTENSION = "brokerlink.policy"


@attrs.frozen(kw_only=True)
class CallPolicy:
    """How the drivers treat one request.

    ``kind``: ``read`` is retried on 429/5xx/network errors; ``write`` (cancel, replace, watchlist
    edits) is never retried; ``placement`` is never retried and, if the outcome is unknown after
    sending, ends in a lookup by ``client_id`` instead of an error straight away.
    ``rate_class`` picks the client-side rate-limit bucket the adapter configured.
    """

    kind: Kind = "read"
    rate_class: str = "default"
    client_id: str | None = None

    @property
    def retryable(self) -> bool:
        """True for reads: the only calls the drivers may resend."""
        return self.kind == "read"


_DEFAULT_POLICY = CallPolicy()


def call(
    method: str,
    url: str,
    *,
    params: Mapping[str, str | int | None] | None = None,
    json: object = None,
    form: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    policy: CallPolicy | None = None,
) -> Request:
    """Build a request for an operation to yield, with its :class:`CallPolicy` attached.

    ``url`` may be relative: the driver's client prefixes the environment's base URL. ``None``
    query values are dropped so callers can pass optional filters straight through. A JSON body is
    encoded with orjson; ``form`` sends ``application/x-www-form-urlencoded`` (Tradier).
    """
    if policy is None:
        policy = _DEFAULT_POLICY if method.upper() == "GET" else CallPolicy(kind="write")
    query = {key: str(value) for key, value in (params or {}).items() if value is not None}
    all_headers: dict[str, str] = dict(headers or {})
    content: bytes | None = None
    data: dict[str, Any] | None = None
    if json is not None:
        content = orjson.dumps(json)
        all_headers.setdefault("Content-Type", "application/json")
    elif form is not None:
        data = dict(form)
    return Request(
        method.upper(),
        url,
        params=query,
        headers=all_headers,
        content=content,
        data=data,
        extensions={_EXTENSION: policy},
    )


def policy_of(request: Request) -> CallPolicy:
    """The policy an operation attached to ``request`` (reads by default)."""
    found = request.extensions.get(_EXTENSION)
    return found if isinstance(found, CallPolicy) else _DEFAULT_POLICY
