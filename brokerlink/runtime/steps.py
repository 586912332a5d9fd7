"""The pure step machine between an operation and a driver.

:func:`run_steps` wraps an operation and turns it into a stream of :class:`Send` and
:class:`Sleep` steps. Everything that is the same for sync and async lives here: resolving
relative URLs, rate limiting, checking responses against the adapter's error table, retrying
reads, and the rules for placements. The drivers in :mod:`brokerlink.runtime.drivers` only carry
out the steps, so there is one code path and no hand-mirrored twins.

Placement rules (DESIGN §6): never resent. A failure that proves the request never left
(connection refused) is reported as it is. A failure after the request may have arrived (read
timeout, dropped connection, 5xx) becomes :class:`~brokerlink.errors.AmbiguousOrderError`, which
the core's ``place`` catches to look the order up by ``client_id`` before reporting.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TypeAlias, TypeVar

import attrs

from brokerlink import errors
from brokerlink._http import (
    URL,
    HTTPError,
    Request,
    Response,
    translate_transport_error,
    was_delivered,
)
from brokerlink.runtime.operation import CallPolicy, Operation, policy_of
from brokerlink.runtime.ratelimit import RateLimiter
from brokerlink.runtime.retry import RETRYABLE_STATUSES, RetryPolicy

__all__ = ["RunContext", "Send", "Sleep", "Step", "StepMachine", "run_steps"]

T = TypeVar("T")


@attrs.frozen
class Send:
    """Send this request and resume the machine with the response (or throw the httpx2 error)."""

    request: Request


@attrs.frozen
class Sleep:
    """Wait this many seconds, then resume the machine with ``None``."""

    seconds: float


Step: TypeAlias = Send | Sleep
StepMachine: TypeAlias = Generator[Step, Response | None, T]
ErrorTable: TypeAlias = Callable[[Response], errors.BrokerError | None]


@attrs.frozen(kw_only=True)
class RunContext:
    """What the step machine needs from a connected broker.

    ``check`` is the adapter's error table: it returns the error a response stands for (HTTP
    status *or* an error body sent with 200), or ``None`` for a good response. ``observe`` lets
    the adapter read rate-limit headers into the limiter.
    """

    broker: str
    base_url: URL
    check: ErrorTable
    retry: RetryPolicy = attrs.field(factory=RetryPolicy)
    limiter: RateLimiter = attrs.field(factory=RateLimiter)
    observe: Callable[[Response, RateLimiter], None] | None = None


def run_steps(operation: Operation[T], context: RunContext) -> StepMachine[T]:
    """Run ``operation`` as steps; errors are thrown into it at its ``yield`` so it may recover."""
    reply: Response | None = None
    failure: errors.BrokerError | None = None
    while True:
        try:
            request = operation.send(reply) if failure is None else operation.throw(failure)  # type: ignore[arg-type]
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        reply, failure = None, None
        try:
            reply = yield from _exchange(request, context)
        except errors.BrokerError as exc:
            failure = exc


def _exchange(request: Request, context: RunContext) -> Generator[Step, Response | None, Response]:
    policy = policy_of(request)
    request = _absolute(request, context.base_url)
    attempt = 0
    while True:
        wait = context.limiter.reserve(policy.rate_class)
        if wait > 0:
            yield Sleep(wait)
        error = yield from _attempt(request, policy, context)
        if isinstance(error, Response):
            return error
        delay = context.retry.delay(attempt, error) if policy.retryable else None
        if delay is None:
            raise error
        attempt += 1
        yield Sleep(delay)


def _attempt(
    request: Request, policy: CallPolicy, context: RunContext
) -> Generator[Step, Response | None, Response | errors.OperationFailedError]:
    """One send. Returns the good response, or a retry candidate; raises what must not be retried."""
    try:
        response = yield Send(request)
    except HTTPError as raw:
        translated = translate_transport_error(raw, broker=context.broker)
        if policy.kind == "placement" and was_delivered(raw):
            raise _ambiguous(policy, str(translated)) from raw
        if isinstance(translated, errors.OperationFailedError):
            return translated
        raise translated from raw
    assert response is not None, "a driver resumed a Send step without a response"
    if context.observe is not None:
        context.observe(response, context.limiter)
    error = context.check(response)
    if error is None:
        return response
    if policy.kind == "placement" and response.status_code >= 500:
        raise _ambiguous(policy, str(error)) from error
    if (
        isinstance(error, errors.OperationFailedError)
        and response.status_code in RETRYABLE_STATUSES
    ):
        return error
    raise error


def _ambiguous(policy: CallPolicy, cause: str) -> errors.AmbiguousOrderError:
    return errors.AmbiguousOrderError(
        f"the order was sent but no answer came back ({cause}); it may or may not be working. "
        f"It was not resent: reconcile by client_id {policy.client_id!r}",
        client_id=policy.client_id or "",
    )


def _absolute(request: Request, base_url: URL) -> Request:
    """Prefix a relative request URL with the environment's base URL (keeping the base path).

    Requests built by :func:`~brokerlink.runtime.operation.call` carry their body in memory, so
    copying ``content`` is enough; streaming uploads are not something operations send.
    """
    if request.url.is_absolute_url:
        return request
    base_path = base_url.raw_path.rstrip(b"/")
    merged = base_url.copy_with(raw_path=base_path + b"/" + request.url.raw_path.lstrip(b"/"))
    return Request(
        request.method,
        merged,
        headers=request.headers,
        content=request.content,
        extensions=request.extensions,
    )
