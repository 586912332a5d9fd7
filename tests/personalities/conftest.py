"""Helpers for the personality tests: a request-counting transport around a served emulator.

Every test here connects through the profile path (``bl.connect("<adapter>:emulator",
emulator_personality=...)``) or through :func:`~brokerlink.emulator.serving.servable_emulator`,
the two ways a user picks a personality.
"""

from __future__ import annotations

from brokerlink._http import AsyncBaseTransport, BaseTransport, Request, Response
from brokerlink.adapter import Transport
from brokerlink.emulator.http import EmulatorTransport
from brokerlink.emulator.serving import ServableEmulator


class Counting(Transport):
    """Passes requests to ``inner`` and counts them, so a test can prove none was sent."""

    def __init__(self, inner: BaseTransport | AsyncBaseTransport) -> None:
        self.inner = inner
        self.sent: list[str] = []

    def handle_request(self, request: Request) -> Response:
        self.sent.append(f"{request.method} {request.url.path}")
        assert isinstance(self.inner, BaseTransport)
        return self.inner.handle_request(request)

    async def handle_async_request(self, request: Request) -> Response:
        self.sent.append(f"{request.method} {request.url.path}")
        assert isinstance(self.inner, AsyncBaseTransport)
        return await self.inner.handle_async_request(request)


def counting(emulator: ServableEmulator) -> Counting:
    """A counting in-process transport over a servable emulator's front and engine."""
    return Counting(EmulatorTransport(emulator.front, emulator.engine))
