"""The base of every emulator wire front: one broker's HTTP dialect over the core engine.

A front turns requests into engine calls and engine results into that broker's payloads; the
engine knows nothing of HTTP. Errors travel the same way: the engine raises brokerlink errors
(:class:`~brokerlink.errors.InsufficientFundsError`, ...), and :meth:`Front.map_error` answers
them in the broker's own error shape, which :meth:`Front.error_reply` defines. The transport and
the server also use :meth:`Front.error_reply` for injected faults (429s, 5xx, expired tokens),
so a client sees exactly what that broker would send.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any, ClassVar

import orjson

from brokerlink import errors
from brokerlink._http import Request
from brokerlink.emulator.http.reply import Reply
from brokerlink.emulator.http.router import Router

if TYPE_CHECKING:
    from brokerlink.emulator import Engine
    from brokerlink.emulator.http.sockets import WebSocketHandler

__all__ = ["BadRequest", "Front", "json_body", "status_for"]


class BadRequest(Exception):
    """A handler found the request malformed (bad JSON, a missing parameter): answered 400."""


# Most specific first: the first class an error is an instance of decides its status.
_STATUSES: tuple[tuple[type[errors.BrokerError], int], ...] = (
    (errors.UnauthorizedError, 401),
    (errors.AuthError, 403),
    (errors.OrderNotFoundError, 404),
    (errors.SymbolNotFoundError, 404),
    (errors.InsufficientFundsError, 400),
    (errors.InvalidOrderError, 400),
    (errors.NotSupportedError, 400),
    (errors.RejectedError, 400),
    (errors.RateLimitedError, 429),
    (errors.BrokerUnavailableError, 503),
    (errors.OperationFailedError, 503),
)


def status_for(exc: errors.BrokerError) -> int:
    """The HTTP status a typical broker answers ``exc`` with (500 for anything unexpected)."""
    for kind, status in _STATUSES:
        if isinstance(exc, kind):
            return status
    return 500


def json_body(request: Request) -> Any:
    """The request's JSON body; :class:`BadRequest` when it is missing or not JSON."""
    if not request.content:
        raise BadRequest("the request needs a JSON body")
    try:
        return orjson.loads(request.content)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(f"the body is not valid JSON: {exc}") from None


class Front(abc.ABC):
    """One broker's wire format over an engine.

    Subclasses define :meth:`error_reply` (the broker's error body) and :meth:`handle`, usually
    as ``return self.dispatch(self.router, request)`` over a :class:`Router` built in
    ``__init__``. ``name`` is the adapter's name, used in messages.
    """

    name: ClassVar[str]

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @abc.abstractmethod
    def handle(self, request: Request) -> Reply:
        """Answer one request (the body has already been read)."""

    @abc.abstractmethod
    def error_reply(self, status: int, message: str, *, retry_after: float | None = None) -> Reply:
        """An error response in the broker's own shape (with ``Retry-After`` when given)."""

    def websocket(self, path: str) -> WebSocketHandler | None:
        """The handler serving websocket connections on ``path`` (``None``: not a websocket).

        Fronts of brokers with websocket protocols override this (see
        :mod:`brokerlink.emulator.http.sockets`); the default refuses every upgrade.
        """
        return None

    def map_error(self, exc: errors.BrokerError) -> Reply:
        """The broker's response to an error the engine raised (status from :func:`status_for`).

        Subclasses override this to add the broker's own error codes.
        """
        retry_after = exc.retry_after if isinstance(exc, errors.OperationFailedError) else None
        return self.error_reply(status_for(exc), exc.message, retry_after=retry_after)

    def dispatch(self, router: Router, request: Request) -> Reply:
        """Route ``request``, answering engine errors and malformed requests in the broker's shape.

        Engine errors go through :meth:`map_error`; :class:`BadRequest` and ``ValueError`` (a
        malformed argument) are answered 400.
        """
        try:
            return router.dispatch(request)
        except errors.BrokerError as exc:
            return self.map_error(exc)
        except (BadRequest, ValueError) as exc:
            # ValueError: the engine (or a parser) refused a malformed argument; a bug elsewhere
            # still raises, so the in-process transport shows its traceback.
            return self.error_reply(400, str(exc))
