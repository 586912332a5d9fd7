"""The public surface: ``__all__`` is pinned, every public name is documented, imports are clean."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import brokerlink as bl

ROOT = Path(__file__).resolve().parents[2]

PINNED_ALL = {
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
    "InsufficientFundsError",
    "Instrument",
    "InstrumentDetails",
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
    "StreamEvent",
    "StreamKind",
    "Strategy",
    "StrategyContext",
    "StrategyRun",
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
}

ADAPTER_PACKAGES = ("brokerlink_tradestation", "brokerlink_tradier", "brokerlink_tastytrade")


def test_all_is_pinned() -> None:
    assert set(bl.__all__) == PINNED_ALL
    assert len(bl.__all__) == len(PINNED_ALL), "duplicates in __all__"
    for name in bl.__all__:
        assert hasattr(bl, name), name


def test_the_design_names_resolve_to_the_enum_members() -> None:
    assert bl.BUY is bl.Side.BUY
    assert bl.SELL is bl.Side.SELL
    assert bl.OrderStatus.FILLED.is_final
    assert not bl.OrderStatus.OPEN.is_final
    assert {s.name for s in bl.OrderStatus} >= {
        "PENDING",
        "OPEN",
        "PARTIALLY_FILLED",
        "FILLED",
        "CANCEL_PENDING",
        "CANCELED",
        "REJECTED",
        "EXPIRED",
        "REPLACED",
    }
    assert {t.name for t in bl.TimeInForce} == {
        "DAY",
        "GTC",
        "GTD",
        "IOC",
        "FOK",
        "DAY_EXT",
        "GTC_EXT",
        "OPG",
        "CLS",
    }
    assert {t.name for t in bl.OrderType} == {
        "MARKET",
        "LIMIT",
        "STOP",
        "STOP_LIMIT",
        "TRAILING_STOP",
    }


def _public_members(obj: object) -> list[tuple[str, object]]:
    members = []
    for name, value in vars(obj).items():
        if name.startswith("_") or not (inspect.isfunction(value) or isinstance(value, property)):
            continue
        members.append((name, value))
    return members


def test_every_public_name_and_method_has_a_docstring() -> None:
    missing = []
    for name in bl.__all__:
        value = getattr(bl, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            if not inspect.getdoc(value):
                missing.append(name)
            if inspect.isclass(value) and not issubclass(value, BaseException):
                for member, attr in _public_members(value):
                    doc = attr.__doc__ if isinstance(attr, property) else inspect.getdoc(attr)
                    if not doc:
                        missing.append(f"{name}.{member}")
    assert missing == []


def test_error_tree_matches_the_design() -> None:
    assert issubclass(bl.InvalidOrderError, bl.RejectedError)
    assert issubclass(bl.InvalidOrderError, ValueError)
    for rejected in (
        bl.InsufficientFundsError,
        bl.OrderNotFoundError,
        bl.SymbolNotFoundError,
        bl.NotSupportedError,
        bl.AuthError,
    ):
        assert issubclass(rejected, bl.RejectedError)
    assert issubclass(bl.UnauthorizedError, bl.AuthError)
    assert issubclass(bl.ScopeError, bl.AuthError)
    for failed in (
        bl.NetworkError,
        bl.TimeoutError,
        bl.RateLimitedError,
        bl.BrokerUnavailableError,
        bl.AmbiguousOrderError,
    ):
        assert issubclass(failed, bl.OperationFailedError)
    for top in (bl.RejectedError, bl.OperationFailedError, bl.ResponseFormatError, bl.ConfigError):
        assert top.__bases__[0] is bl.BrokerError
    assert "├── RejectedError" in (bl.errors.__doc__ or "")  # type: ignore[attr-defined]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_core_imports_no_adapter_by_name() -> None:
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in (ROOT / "brokerlink").rglob("*.py")
        if (found := _imports(path) & set(ADAPTER_PACKAGES))
    }
    source = "\n".join(p.read_text() for p in (ROOT / "brokerlink").rglob("*.py"))
    assert offenders == {}
    assert not any(f'import_module("{name}' in source for name in ADAPTER_PACKAGES)


def test_only_the_http_module_imports_httpx2() -> None:
    users = sorted(
        str(path.relative_to(ROOT))
        for base in ("brokerlink", "adapters")
        for path in (ROOT / base).rglob("*.py")
        if "httpx2" in _imports(path)
    )
    assert users == ["brokerlink/_http.py"]


def test_importing_brokerlink_loads_no_adapter_and_starts_nothing() -> None:
    code = (
        "import sys, threading, brokerlink;"
        f"print(sorted(m for m in sys.modules if m.startswith({ADAPTER_PACKAGES!r})), threading.active_count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["[]", "1"]


def test_every_package_ships_py_typed() -> None:
    for package in ("brokerlink", *(f"adapters/{n.split('_')[1]}/{n}" for n in ADAPTER_PACKAGES)):
        assert (ROOT / package / "py.typed").is_file(), package
