"""brokerlink: one broker-neutral API for TradeStation, Tradier and tastytrade.

>>> import brokerlink as bl
>>> order = bl.NewOrder.limit("AAPL", bl.BUY, 10, "187.50")
>>> order.limit_price
Decimal('187.50')

Everything the design names is importable from here: ``connect`` and ``connect_async``, the
facades, models and builders, instruments, enums and their common members, errors, auth
strategies (``StaticToken``, ``RefreshToken``, ``AuthorizationCode``; the rest of OAuth is in
:mod:`brokerlink.oauth`) and capabilities. Importing brokerlink has no side effects: adapters are found
through entry points only when a connection asks for one.
"""

from brokerlink._version import __version__
from brokerlink.auth import AuthStrategy, NoAuth, StaticToken
from brokerlink.broker.async_ import AsyncBroker
from brokerlink.broker.connect import connect, connect_async
from brokerlink.broker.live import AsyncEventStream, EventStream
from brokerlink.broker.sync import Broker
from brokerlink.capabilities import (
    Capabilities,
    Feature,
    HistoryLimits,
    ReplaceSupport,
    StreamKind,
    StreamSupport,
)
from brokerlink.enums import (
    AccountStatus,
    AccountType,
    AssetClass,
    GroupKind,
    OptionRight,
    OrderStatus,
    OrderType,
    PositionEffect,
    Side,
    TimeInForce,
)
from brokerlink.errors import (
    AmbiguousOrderError,
    AuthError,
    BrokerError,
    BrokerUnavailableError,
    ConfigError,
    InsufficientFundsError,
    InvalidOrderError,
    NetworkError,
    NotSupportedError,
    OperationFailedError,
    OrderNotFoundError,
    RateLimitedError,
    RejectedError,
    ResponseFormatError,
    ScopeError,
    SymbolNotFoundError,
    TimeoutError,
    UnauthorizedError,
)
from brokerlink.instruments import (
    Crypto,
    Equity,
    Future,
    FutureOption,
    Index,
    Instrument,
    InstrumentDetails,
    Option,
    instrument,
)
from brokerlink.models import (
    Account,
    Balance,
    Bar,
    BarEvent,
    Fill,
    Leg,
    NewOrder,
    OptionChain,
    OptionContract,
    OptionExpiration,
    OptionStrike,
    Order,
    OrderEvent,
    OrderGroup,
    OrderLeg,
    OrderPreview,
    Position,
    PositionEvent,
    Quote,
    QuoteEvent,
    StreamEvent,
)
from brokerlink.oauth import AuthorizationCode, RefreshToken
from brokerlink.strategy import Strategy, StrategyContext, StrategyRun, run_strategy
from brokerlink.timeframes import Timeframe

# The members users write most, as bare names: bl.BUY, bl.SELL, bl.CLOSE, bl.LIMIT, bl.GTC, ...
BUY = Side.BUY
SELL = Side.SELL
OPEN = PositionEffect.OPEN
CLOSE = PositionEffect.CLOSE
AUTO = PositionEffect.AUTO
MARKET = OrderType.MARKET
LIMIT = OrderType.LIMIT
STOP = OrderType.STOP
STOP_LIMIT = OrderType.STOP_LIMIT
TRAILING_STOP = OrderType.TRAILING_STOP
DAY = TimeInForce.DAY
GTC = TimeInForce.GTC
GTD = TimeInForce.GTD
IOC = TimeInForce.IOC
FOK = TimeInForce.FOK
DAY_EXT = TimeInForce.DAY_EXT
GTC_EXT = TimeInForce.GTC_EXT
OPG = TimeInForce.OPG
CLS = TimeInForce.CLS
OCO = GroupKind.OCO
OTO = GroupKind.OTO
BRACKET = GroupKind.BRACKET

__all__ = [
    "AUTO",
    "BRACKET",
    "BUY",
    "CLOSE",
    "CLS",
    "DAY",
    "DAY_EXT",
    "FOK",
    "GTC",
    "GTC_EXT",
    "GTD",
    "IOC",
    "LIMIT",
    "MARKET",
    "OCO",
    "OPEN",
    "OPG",
    "OTO",
    "SELL",
    "STOP",
    "STOP_LIMIT",
    "TRAILING_STOP",
    "Account",
    "AccountStatus",
    "AccountType",
    "AmbiguousOrderError",
    "AssetClass",
    "AsyncBroker",
    "AsyncEventStream",
    "AuthError",
    "AuthStrategy",
    "AuthorizationCode",
    "Balance",
    "Bar",
    "BarEvent",
    "Broker",
    "BrokerError",
    "BrokerUnavailableError",
    "Capabilities",
    "ConfigError",
    "Crypto",
    "Equity",
    "EventStream",
    "Feature",
    "Fill",
    "Future",
    "FutureOption",
    "GroupKind",
    "HistoryLimits",
    "Index",
    "Instrument",
    "InstrumentDetails",
    "InsufficientFundsError",
    "InvalidOrderError",
    "Leg",
    "NetworkError",
    "NewOrder",
    "NoAuth",
    "NotSupportedError",
    "OperationFailedError",
    "Option",
    "OptionChain",
    "OptionContract",
    "OptionExpiration",
    "OptionRight",
    "OptionStrike",
    "Order",
    "OrderEvent",
    "OrderGroup",
    "OrderLeg",
    "OrderNotFoundError",
    "OrderPreview",
    "OrderStatus",
    "OrderType",
    "Position",
    "PositionEffect",
    "PositionEvent",
    "Quote",
    "QuoteEvent",
    "RateLimitedError",
    "RefreshToken",
    "RejectedError",
    "ReplaceSupport",
    "ResponseFormatError",
    "ScopeError",
    "Side",
    "StaticToken",
    "Strategy",
    "StrategyContext",
    "StrategyRun",
    "StreamEvent",
    "StreamKind",
    "StreamSupport",
    "SymbolNotFoundError",
    "TimeInForce",
    "Timeframe",
    "TimeoutError",
    "UnauthorizedError",
    "__version__",
    "connect",
    "connect_async",
    "instrument",
    "run_strategy",
]
