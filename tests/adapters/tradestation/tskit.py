"""Helpers for the TradeStation tests: build orders from case descriptions, drive operations
against scripted replies, and write results as plain JSON for comparison.

Nothing here stands in for the unit under test: operations, parsers and request builders run
for real; only TradeStation's side of the wire is scripted from documented payloads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import jsonschema
import orjson
from brokerlink_tradestation import TradeStationAdapter
from brokerlink_tradestation.environments import ENVIRONMENTS
from brokerlink_tradestation.extension import TradeStationExtension
from brokerlink_tradestation.requests import ActivationRule, OrderExtras, Oso, TimeActivation

from brokerlink import _http, errors
from brokerlink.broker.core import BrokerCore
from brokerlink.config import Profile
from brokerlink.models import Leg, NewOrder
from brokerlink.runtime.drivers import run_sync
from brokerlink.runtime.operation import Operation
from brokerlink.runtime.retry import RetryPolicy
from brokerlink.runtime.steps import RunContext
from brokerlink.wire import make_converter

CASES = Path(__file__).parent / "cases"
SIM = "https://sim-api.tradestation.com/v3"
T = TypeVar("T")
_OUT = make_converter()


def adapter(environment: str = "sim") -> TradeStationAdapter:
    """A TradeStation adapter for ``environment`` with a throwaway profile."""
    profile = Profile(
        name=f"tradestation:{environment}", broker="tradestation", environment=environment
    )
    return TradeStationAdapter(ENVIRONMENTS[environment], profile)


def extension(ts: TradeStationAdapter, account: str | None = "123456782") -> TradeStationExtension:
    """The ``tradestation`` extension over ``ts`` (default account ``account``)."""
    return TradeStationExtension(ts, BrokerCore(ts, account))


def json_reply(
    status: int, payload: object, headers: dict[str, str] | None = None
) -> _http.Response:
    """A JSON response as TradeStation sends it."""
    return _http.Response(
        status,
        content=orjson.dumps(payload),
        headers={"content-type": "application/json", **(headers or {})},
    )


class Script:
    """TradeStation's side of the wire: replies in order, every request recorded."""

    def __init__(
        self, replies: Sequence[_http.Response | Callable[[_http.Request], _http.Response]]
    ) -> None:
        self.replies = list(replies)
        self.requests: list[_http.Request] = []

    def handle(self, request: _http.Request) -> _http.Response:
        """Record ``request`` and answer the next scripted reply."""
        self.requests.append(request)
        if not self.replies:
            raise AssertionError(f"unexpected request {request.method} {request.url}")
        reply = self.replies.pop(0)
        return reply(request) if callable(reply) else reply

    def described(self) -> list[dict[str, Any]]:
        """The recorded requests as ``{"method", "url", "json"?}``."""
        out = []
        for request in self.requests:
            item: dict[str, Any] = {"method": request.method, "url": str(request.url)}
            if request.content:
                item["json"] = json.loads(request.content)
            out.append(item)
        return out


def drive(operation: Operation[T], script: Script, ts: TradeStationAdapter | None = None) -> T:
    """Run ``operation`` with the real sync driver against ``script``."""
    ts = ts or adapter()
    context = RunContext(
        broker="tradestation",
        base_url=_http.URL(ts.environment.base_url),
        check=ts.check_response,
        retry=RetryPolicy.never(),
    )
    with _http.Client(transport=_http.MockTransport(script.handle)) as client:
        return run_sync(operation, client, context, None)


def plain(value: object) -> Any:
    """Models (and errors) as plain JSON values, for comparison with a case's ``expected``."""
    if isinstance(value, errors.BrokerError):
        return {"error": type(value).__name__, "message": str(value)}
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return json.loads(orjson.dumps(_OUT.unstructure(value), default=str))


def order_from(spec: dict[str, Any]) -> NewOrder:
    """A :class:`NewOrder` from a case's description."""
    legs = [
        Leg(
            instrument=leg["symbol"],
            side=leg["side"],
            quantity=leg["quantity"],
            effect=leg.get("effect", "auto"),
        )
        for leg in spec["legs"]
    ]
    expires = spec.get("expires_at")
    return NewOrder(
        legs=legs,
        type=spec["type"],
        time_in_force=spec.get("time_in_force", "day"),
        limit_price=spec.get("limit_price"),
        stop_price=spec.get("stop_price"),
        trail_amount=spec.get("trail_amount"),
        trail_percent=spec.get("trail_percent"),
        expires_at=datetime.fromisoformat(expires) if expires else None,
        client_id=spec.get("client_id"),
    )


def extras_from(spec: dict[str, Any] | None) -> OrderExtras:
    """:class:`OrderExtras` from a case's ``extras`` (absent: the plain ``Intelligent`` route)."""
    if not spec:
        return OrderExtras()
    rules = tuple(
        ActivationRule(
            symbol=r["symbol"], predicate=r["predicate"], price=Decimal(r["price"]),
            trigger=r.get("trigger", "STT"), logic=r.get("logic"),
        )
        for r in spec.get("market_rules", [])
    )  # fmt: skip
    time_rule = None
    if "time_rule" in spec:
        hour, minute, second = (int(p) for p in spec["time_rule"].split(":"))
        time_rule = TimeActivation(hour=hour, minute=minute, second=second)
    osos = tuple(
        Oso(
            type=oso["type"],
            orders=tuple((order_from(o), extras_from(o.get("extras"))) for o in oso["orders"]),
        )
        for oso in spec.get("osos", [])
    )
    return OrderExtras(
        route=spec.get("route", "Intelligent"),
        all_or_none=spec.get("all_or_none"),
        market_rules=rules,
        time_rule=time_rule,
        osos=osos,
    )


def load_cases(kind: str) -> list[dict[str, Any]]:
    """Every case of ``kind`` in ``cases/``, sorted by file name, each with its ``file``."""
    found = []
    for path in sorted(CASES.glob("*.json")):
        case = json.loads(path.read_text())
        if case["kind"] == kind:
            case["file"] = path.name
            found.append(case)
    return found


SCHEMAS = json.loads((Path(__file__).parent / "request_schemas.json").read_text())


def _schema(name: str) -> dict[str, Any]:
    components = json.loads(json.dumps(SCHEMAS["components"]))
    schemas = components["schemas"]
    # Relaxation 1: the spec types TimeUtc and Expiration as objects, while its prose and every
    # example send RFC 3339 strings ("0001-01-01T23:59:59.000Z").
    schemas["TimeUtc"] = {"type": "string", "format": "date-time"}
    schemas["Expiration"] = {"type": "string", "format": "date-time"}
    # Relaxation 2: OrderRequest requires Symbol/Quantity/TradeAction, but every multi-leg
    # example (Vertical, Iron Condor, Covered Stock) sends Legs instead of them.
    order = schemas["OrderRequest"]
    order["required"] = [
        r for r in order["required"] if r not in ("Symbol", "Quantity", "TradeAction")
    ]
    order["anyOf"] = [{"required": ["Symbol", "Quantity", "TradeAction"]}, {"required": ["Legs"]}]
    schemas["TradeAction"]["enum"] = [
        "BUY",
        "SELL",
        "BUYTOCOVER",
        "SELLSHORT",
        "BUYTOOPEN",
        "BUYTOCLOSE",
        "SELLTOOPEN",
        "SELLTOCLOSE",
    ]  # fmt: skip  (the enum the description lists)
    schemas["Duration"]["enum"] = [
        "DAY",
        "DYP",
        "GTC",
        "GCP",
        "GTD",
        "GDP",
        "OPG",
        "CLO",
        "IOC",
        "FOK",
        "1",
        "3",
        "5",
    ]
    return {"$ref": f"#/components/schemas/{name}", "components": components}


def validate_request(body: dict[str, Any], name: str) -> None:
    """Validate ``body`` against the spec's request schema ``name`` (with the relaxations)."""
    jsonschema.validate(body, _schema(name))
