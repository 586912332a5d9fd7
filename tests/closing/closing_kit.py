"""Helpers for the closing tests: every emulator behind a recording transport.

The facades, the adapters and the emulators' wire fronts all run for real; :class:`Recording`
only keeps the requests (so a test can read the exact wire request of a closing order) and can
answer every preview with the broker's own kind of rejection, to show that a failed preview
places nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import orjson

from brokerlink._http import Request, Response
from brokerlink.adapter import Transport
from brokerlink.broker.connect import connect, open_connection
from brokerlink.broker.sync import Broker
from brokerlink.emulator import Engine

SELECTORS = ["paper:emulator", "tradestation:emulator", "tradier:emulator", "tastytrade:emulator"]

# A rejection in each broker's documented error shape (paper: its errors module; Tradier NOTES
# §4.3 ``errors.error``; TradeStation NOTES §5 ``{"Error", "Message"}``; tastytrade NOTES §3
# ``error.code``/``error.errors``), answered to a preview.
_REJECTIONS: dict[str, tuple[int, dict[str, Any]]] = {
    "paper": (400, {"error": {"code": "insufficient_funds", "message": "not enough buying power"}}),
    "tradier": (400, {"errors": {"error": ["DayTradingBuyingPowerExceeded"]}}),
    "tradestation": (400, {"Error": "BadRequest", "Message": "Insufficient buying power."}),
    "tastytrade": (
        422,
        {
            "error": {
                "code": "preflight_check_failure",
                "message": "One or more preflight checks failed",
                "errors": [{"code": "insufficient_buying_power", "message": "Not enough BP"}],
            }
        },
    ),
}


def is_preview(broker: str, request: Request) -> bool:
    """Whether ``request`` is the broker's order preview (nothing placed)."""
    if request.method != "POST":
        return False
    path = request.url.path
    if broker == "paper":
        return path.endswith("/orders/preview")
    if broker == "tradier":
        return path.endswith("/orders") and ("preview", "true") in _form(request)
    if broker == "tradestation":
        return path.endswith("/orderexecution/orderconfirm")
    return path.endswith("/orders/dry-run")


def is_placement(broker: str, request: Request) -> bool:
    """Whether ``request`` places an order."""
    if request.method != "POST" or is_preview(broker, request):
        return False
    path = request.url.path
    if broker == "tradestation":
        return path.endswith("/orderexecution/orders")
    return path.endswith("/orders")


def _form(request: Request) -> list[tuple[str, str]]:
    return parse_qsl(request.content.decode())


def wire_actions(broker: str, request: Request) -> list[str]:
    """Each leg's side/effect in the broker's own words, from a placement or preview request."""
    if broker == "tradier":
        form = dict(_form(request))
        if "side" in form:
            return [form["side"]]
        return [form[f"side[{i}]"] for i in range(4) if f"side[{i}]" in form]
    body = orjson.loads(request.content)
    if broker == "paper":
        return [f"{leg['side']}+{leg['effect']}" for leg in body["legs"]]
    if broker == "tradestation":
        if "Legs" in body:
            return [leg["TradeAction"] for leg in body["Legs"]]
        return [body["TradeAction"]]
    return [leg["action"] for leg in body["legs"]]


class Recording(Transport):
    """Delegates to an emulator transport, keeping every request; can reject previews and
    placements with the broker's own kind of rejection."""

    def __init__(self, broker: str, inner: Transport) -> None:
        self.broker = broker
        self.inner = inner
        self.requests: list[Request] = []
        self.reject_previews = False
        self.reject_placements_after: int | None = None
        """Reject every placement once this many have been let through (``None``: never)."""

    def _rejection(self, request: Request) -> Response | None:
        rejected = self.reject_previews and is_preview(self.broker, request)
        limit = self.reject_placements_after
        if limit is not None and is_placement(self.broker, request):
            rejected = len(self.placements()) > limit  # this request is already recorded
        if rejected:
            status, body = _REJECTIONS[self.broker]
            return Response(status, json=body, request=request)
        return None

    def handle_request(self, request: Request) -> Response:
        self.requests.append(request)
        return self._rejection(request) or self.inner.handle_request(request)

    async def handle_async_request(self, request: Request) -> Response:
        self.requests.append(request)
        return self._rejection(request) or await self.inner.handle_async_request(request)

    def placements(self) -> list[Request]:
        """The requests that placed an order."""
        return [r for r in self.requests if is_placement(self.broker, r)]

    def previews(self) -> list[Request]:
        """The preview requests."""
        return [r for r in self.requests if is_preview(self.broker, r)]


class Emulated:
    """One emulator: its engine, the recording transport and a connected sync broker."""

    def __init__(self, selector: str) -> None:
        self.selector = selector
        self.name = selector.partition(":")[0]
        self.engine = Engine()
        inner = open_connection(selector).adapter.emulator_transport(self.engine)
        self.recording = Recording(self.name, inner)
        self.broker: Broker = connect(selector, transport=self.recording)
