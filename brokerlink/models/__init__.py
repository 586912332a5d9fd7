"""The broker-neutral domain model: accounts, market data, orders, groups and stream events.

Everything here is an immutable attrs class; prices, quantities and amounts are ``Decimal``,
datetimes are aware and in UTC, and models returned from a broker keep its payload in ``raw``
(left out of equality and repr). Account numbers are masked in every repr.
"""

from brokerlink.models.account import Account, Balance, Position
from brokerlink.models.events import BarEvent, OrderEvent, PositionEvent, QuoteEvent, StreamEvent
from brokerlink.models.groups import OrderGroup
from brokerlink.models.leg import Leg
from brokerlink.models.market import (
    Bar,
    OptionChain,
    OptionContract,
    OptionExpiration,
    OptionStrike,
    Quote,
)
from brokerlink.models.new_order import NewOrder, new_client_id
from brokerlink.models.order import Fill, Order, OrderLeg, OrderPreview

__all__ = [
    "Account",
    "Balance",
    "Bar",
    "BarEvent",
    "Fill",
    "Leg",
    "NewOrder",
    "OptionChain",
    "OptionContract",
    "OptionExpiration",
    "OptionStrike",
    "Order",
    "OrderEvent",
    "OrderGroup",
    "OrderLeg",
    "OrderPreview",
    "Position",
    "PositionEvent",
    "Quote",
    "QuoteEvent",
    "StreamEvent",
    "new_client_id",
]
