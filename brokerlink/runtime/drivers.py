"""The two drivers: carry out a step machine's sends and sleeps, sync or async.

These are the only places brokerlink waits or performs HTTP I/O for request/response calls. They
are deliberately tiny and identical in shape: all decisions live in :mod:`.steps`.
"""

from __future__ import annotations

import asyncio
import time
from typing import TypeVar

from brokerlink._http import AsyncClient, Auth, Client, HTTPError, Request, Response
from brokerlink.runtime.operation import Operation
from brokerlink.runtime.steps import RunContext, Sleep, run_steps

__all__ = ["run_async", "run_sync"]

T = TypeVar("T")


def run_sync(operation: Operation[T], client: Client, context: RunContext, auth: Auth | None) -> T:
    """Run ``operation`` to completion with a blocking ``httpx2.Client``."""
    machine = run_steps(operation, context)
    reply: Response | None = None
    failure: HTTPError | None = None
    while True:
        try:
            step = machine.send(reply) if failure is None else machine.throw(failure)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        reply, failure = None, None
        if isinstance(step, Sleep):
            time.sleep(step.seconds)
            continue
        _with_client_headers(step.request, client)
        try:
            reply = client.send(step.request, auth=auth) if auth else client.send(step.request)
        except HTTPError as exc:
            failure = exc


async def run_async(
    operation: Operation[T], client: AsyncClient, context: RunContext, auth: Auth | None
) -> T:
    """Run ``operation`` to completion with an ``httpx2.AsyncClient``."""
    machine = run_steps(operation, context)
    reply: Response | None = None
    failure: HTTPError | None = None
    while True:
        try:
            step = machine.send(reply) if failure is None else machine.throw(failure)
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]
        reply, failure = None, None
        if isinstance(step, Sleep):
            await asyncio.sleep(step.seconds)
            continue
        _with_client_headers(step.request, client)
        try:
            reply = await (
                client.send(step.request, auth=auth) if auth else client.send(step.request)
            )
        except HTTPError as exc:
            failure = exc


def _with_client_headers(request: Request, client: Client | AsyncClient) -> None:
    """Give ``request`` the client's default headers it lacks (``User-Agent``, ``Accept``).

    ``client.send`` does not merge them (only ``client.build_request`` does), and operations
    build their requests without a client; tastytrade refuses a call without a
    ``product/version`` User-Agent.
    """
    for name, value in client.headers.items():
        if name not in request.headers:
            request.headers[name] = value
