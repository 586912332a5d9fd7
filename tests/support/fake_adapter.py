"""A tiny adapter over a scripted httpx2 MockTransport, for testing the core runtime rules.

It is not a mock of the unit under test: the facade, step machine and drivers run for real; only
the broker on the other end of the wire is scripted, and every request it sees is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from types import MappingProxyType

import orjson

from brokerlink import _http
from brokerlink.adapter import Adapter, Environment
from brokerlink.capabilities import Capabilities, Feature
from brokerlink.enums import AccountStatus, AccountType, AssetClass, GroupKind, OrderStatus
from brokerlink.errors import BrokerError, OrderNotFoundError
from brokerlink.models import Account, NewOrder, Order, OrderLeg
from brokerlink.runtime.operation import CallPolicy, Operation, call
from brokerlink.runtime.statuses import error_for_status

Handler = Callable[[_http.Request], _http.Response]

FAKE_ENVIRONMENTS = MappingProxyType(
    {
        "sandbox": Environment(name="sandbox", base_url="https://fake.invalid/api"),
        "live": Environment(name="live", base_url="https://live.fake.invalid/api", is_live=True),
    }
)


def order_json(new: NewOrder, order_id: str = "77", status: str = "open") -> dict[str, object]:
    """How the fake broker reports an order."""
    return {
        "id": order_id,
        "client_id": new.client_id,
        "symbol": str(new.legs[0].instrument),
        "status": status,
    }


class FakeAdapter(Adapter):
    """Accounts, orders and placement over a JSON API; capabilities set per test."""

    name = "fake"
    display_name = "Fake"
    environments = FAKE_ENVIRONMENTS
    features: frozenset[Feature] = frozenset(Feature)
    placed: dict[str, NewOrder]

    def capabilities(self) -> Capabilities:
        return Capabilities(
            adapter=self.name,
            environment=self.environment.name,
            features=self.features,
            asset_classes=frozenset({AssetClass.EQUITY}),
            groups=frozenset({GroupKind.OCO}),
        )

    def check_response(self, response: _http.Response) -> BrokerError | None:
        if response.status_code == 404:
            return OrderNotFoundError("no such order", broker=self.name)
        return error_for_status(response, broker=self.name)

    def authenticate(self) -> _http.Auth | None:
        return None

    def accounts(self) -> Operation[list[Account]]:
        response = yield call("GET", "/accounts")
        return [
            Account(id=item, type=AccountType.MARGIN, status=AccountStatus.ACTIVE)
            for item in response.json()["accounts"]
        ]

    def place(self, account_id: str, order: NewOrder) -> Operation[Order]:
        policy = CallPolicy(kind="placement", client_id=order.client_id, rate_class="trading")
        body = {"symbol": str(order.legs[0].instrument), "client_id": order.client_id}
        response = yield call("POST", f"/accounts/{account_id}/orders", json=body, policy=policy)
        return _order(response.json(), account_id)

    def find_order(self, account_id: str, client_id: str) -> Operation[Order | None]:
        response = yield call(
            "GET", f"/accounts/{account_id}/orders", params={"client_id": client_id}
        )
        items = response.json()["orders"]
        return _order(items[0], account_id) if items else None

    def cancel(self, account_id: str, order_id: str) -> Operation[Order]:
        response = yield call("DELETE", f"/accounts/{account_id}/orders/{order_id}")
        return _order(response.json(), account_id)


def _order(item: dict[str, object], account_id: str) -> Order:
    from brokerlink.enums import OrderType, PositionEffect, Side, TimeInForce
    from brokerlink.instruments import instrument

    leg = OrderLeg(
        instrument=instrument(str(item["symbol"])),
        side=Side.BUY,
        effect=PositionEffect.OPEN,
        quantity=Decimal(1),
        filled_quantity=Decimal(0),
    )
    return Order(
        id=str(item["id"]),
        client_id=str(item["client_id"]),
        account=account_id,
        status=OrderStatus(str(item["status"])),
        type=OrderType.MARKET,
        time_in_force=TimeInForce.DAY,
        legs=(leg,),
        quantity=Decimal(1),
        filled_quantity=Decimal(0),
        average_fill_price=None,
        limit_price=None,
        stop_price=None,
        created_at=datetime(2025, 1, 6, 14, 30, tzinfo=UTC),
        updated_at=None,
    )


def json_response(
    status: int, payload: object, headers: dict[str, str] | None = None
) -> _http.Response:
    """A JSON response as the fake broker sends it."""
    return _http.Response(
        status,
        content=orjson.dumps(payload),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


class Recorder:
    """A MockTransport whose handler is scripted per test; keeps every request it saw."""

    def __init__(self, handler: Handler) -> None:
        self.requests: list[_http.Request] = []
        self._handler = handler
        self.transport = _http.MockTransport(self._handle)

    def _handle(self, request: _http.Request) -> _http.Response:
        self.requests.append(request)
        return self._handler(request)

    def count(self, method: str) -> int:
        """How many requests with ``method`` arrived."""
        return sum(1 for r in self.requests if r.method == method)
