"""Instrument, option-chain, market-data and quote-token routes (refs/tastytrade/NOTES.md §6-7,
§9.1). Path symbols arrive URL-encoded (``%2FESZ4``, ``BTC%2FUSD``, ``AAPL%20%20250321C...``).

``GET /api-quote-tokens`` answers ``{"token", "dxlink-url", "level"}`` with the DxLink URL on
the host the client asked (``ws://<Host>/dxlink``), so an emulator served on a port hands out
its own address. Options on futures come from the engine's chains, shaped by
:mod:`.future_options`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from brokerlink._http import Request
from brokerlink.emulator.http import Reply, query_param
from brokerlink.enums import AssetClass
from brokerlink.errors import SymbolNotFoundError
from brokerlink.instruments import Crypto, Equity, Future, FutureOption, Index, Instrument, Option
from brokerlink_tastytrade.emulator.base import TastyFrontBase
from brokerlink_tastytrade.emulator.envelope import TastyError, collection, iso, page, single
from brokerlink_tastytrade.emulator.future_options import (
    future_option_json,
    future_options_of,
    futures_nested_json,
    option_product_json,
    without_streamer_symbols,
)
from brokerlink_tastytrade.emulator.instruments_out import (
    compact_chain_json,
    crypto_json,
    equity_json,
    future_json,
    future_product_json,
    nested_chain_json,
    option_json,
    quote_json,
)

__all__ = ["MarketRoutes"]

_BY_TYPE = ("equity", "equity-option", "index", "future", "future-option", "cryptocurrency")


class MarketRoutes(TastyFrontBase):
    """Handlers for instruments, chains, REST quotes and the DxLink token."""

    def market_routes(self) -> list[tuple[str, str, Callable[..., Reply]]]:
        """(method, path, handler) for every route of this group."""
        i = "/instruments"
        return [
            ("GET", i + "/equities", self._equities),
            ("GET", i + "/equities/active", self._active),
            ("GET", i + "/equities/{symbol}", self._equity),
            ("GET", i + "/equity-options/{symbol}", self._option),
            ("GET", i + "/futures", self._futures),
            ("GET", i + "/futures/{symbol}", self._future),
            ("GET", i + "/future-products", self._products),
            ("GET", i + "/future-products/{exchange}/{code}", self._product),
            ("GET", i + "/future-option-products", self._option_products),
            ("GET", i + "/future-options/{symbol}", self._future_option),
            ("GET", i + "/cryptocurrencies", self._cryptos),
            ("GET", i + "/cryptocurrencies/{symbol}", self._crypto),
            ("GET", "/option-chains/{symbol}/nested", self._nested),
            ("GET", "/option-chains/{symbol}/compact", self._compact),
            ("GET", "/option-chains/{symbol}", self._full_chain),
            ("GET", "/futures-option-chains/{symbol}/nested", self._futures_nested),
            ("GET", "/futures-option-chains/{symbol}", self._futures_chain),
            ("GET", "/market-data/by-type", self._by_type),
            ("GET", "/api-quote-tokens", self._quote_token),
        ]

    def _known(self, symbol: str) -> Instrument:
        try:
            return self.resolve(symbol)
        except SymbolNotFoundError as exc:
            raise TastyError(404, "invalid_symbol", exc.message) from None

    def _of_kind(self, symbol: str, kinds: tuple[type[Any], ...], what: str) -> Any:
        found = self._known(symbol)
        if not isinstance(found, kinds):
            raise TastyError(404, "invalid_symbol", f"{symbol} is not {what}")
        return found

    def _specs(self, kind: AssetClass) -> list[str]:
        return [k for k, s in self.engine.universe.specs.items() if s.kind is kind]

    # -- equities and options -------------------------------------------------------------------
    def _equities(self, request: Request) -> Reply:
        symbols = request.url.params.get_list("symbol[]")
        found: list[Equity | Index] = [
            self._of_kind(s, (Equity, Index), "an equity") for s in symbols
        ]
        items = [equity_json(inst, n) for n, inst in enumerate(found, 1)]
        return collection(items, "/instruments/equities")

    def _active(self, request: Request) -> Reply:
        keys = self._specs(AssetClass.EQUITY)
        known = [self.engine.details(k) for k in keys]
        items = [equity_json(i, n) for n, i in enumerate(known, 1) if isinstance(i, Equity)]
        per_page = int(query_param(request, "per-page", "1000") or 1000)
        offset = int(query_param(request, "page-offset", "0") or 0)
        return page(items, "/instruments/equities/active", per_page=per_page, page_offset=offset)

    def _equity(self, request: Request, symbol: str) -> Reply:
        inst = self._of_kind(symbol, (Equity, Index), "an equity")
        return single(equity_json(inst, 1), f"/instruments/equities/{symbol}")

    def _option(self, request: Request, symbol: str) -> Reply:
        option: Option = self._of_kind(symbol, (Option,), "an equity option")
        underlying = self.engine.universe.underlying_of(option)
        body = option_json(option, self.today(), underlying)
        return single(body, f"/instruments/equity-options/{symbol}")

    # -- futures --------------------------------------------------------------------------------
    def _listed(self, root: str) -> list[dict[str, Any]]:
        today = self.today()
        contracts = self.engine.universe.futures(root, today)
        result = []
        for n, contract in enumerate(contracts):
            known = self.engine.details(contract)
            assert isinstance(known, Future)
            last = self.engine.universe.last_trade_date(contract)
            after = contracts[n + 1] if n + 1 < len(contracts) else None
            result.append(future_json(known, last, n == 0, after))
        return result

    def _futures(self, request: Request) -> Reply:
        codes = request.url.params.get_list("product-code[]")
        symbols = request.url.params.get_list("symbol[]")
        if not codes and not symbols:
            codes = [k[1:] for k in self._specs(AssetClass.FUTURE)]
        items = [item for code in codes for item in self._listed(code)]
        for symbol in symbols:
            future: Future = self._of_kind(_slash(symbol), (Future,), "a future")
            items.append(future_json(future, self.engine.universe.last_trade_date(future), False))
        return collection(items, "/instruments/futures")

    def _future(self, request: Request, symbol: str) -> Reply:
        future: Future = self._of_kind(_slash(symbol), (Future,), "a future")
        listed = self.engine.universe.futures(future.root, self.today())
        body = future_json(
            future, self.engine.universe.last_trade_date(future), future == listed[0]
        )
        return single(body, f"/instruments/futures/{symbol}")

    def _root_contract(self, code: str) -> Future:
        listed = self.engine.universe.futures(code.upper().removeprefix("/"), self.today())
        if not listed:
            raise TastyError(404, "invalid_symbol", f"no futures product {code}")
        return self.engine.details(listed[0])  # type: ignore[return-value]

    def _products(self, request: Request) -> Reply:
        roots = [k[1:] for k in self._specs(AssetClass.FUTURE)]
        items = [future_product_json(r, self._root_contract(r)) for r in roots]
        return collection(items, "/instruments/future-products")

    def _product(self, request: Request, exchange: str, code: str) -> Reply:
        body = future_product_json(code.upper(), self._root_contract(code))
        return single(body, f"/instruments/future-products/{exchange}/{code}")

    def _future_option(self, request: Request, symbol: str) -> Reply:
        option: FutureOption = self._of_kind(symbol, (FutureOption,), "a future option")
        body = self._cert_future_options(future_option_json(option, self.today()))
        return single(body, f"/instruments/future-options/{symbol}")

    def _option_products(self, request: Request) -> Reply:
        today = self.today()
        items: list[dict[str, Any]] = []
        for key in self._specs(AssetClass.FUTURE):
            front_month = self._root_contract(key[1:])
            listed = self.engine.universe.future_option_expirations(front_month, today)
            roots = sorted({r for _, r in listed})
            product = future_product_json(key[1:], front_month)
            items.extend(
                option_product_json(r, front_month) | {"future-product": product} for r in roots
            )
        return collection(items, "/instruments/future-option-products")

    # -- crypto ---------------------------------------------------------------------------------
    def _cryptos(self, request: Request) -> Reply:
        symbols = request.url.params.get_list("symbol[]") or self._specs(AssetClass.CRYPTO)
        found = [self._of_kind(s, (Crypto,), "a cryptocurrency") for s in symbols]
        return collection(
            [crypto_json(c, n) for n, c in enumerate(found, 1)], "/instruments/cryptocurrencies"
        )

    def _crypto(self, request: Request, symbol: str) -> Reply:
        found: Crypto = self._of_kind(symbol, (Crypto,), "a cryptocurrency")
        return single(crypto_json(found, 1), f"/instruments/cryptocurrencies/{symbol}")

    # -- chains ---------------------------------------------------------------------------------
    def _chain_of(self, symbol: str) -> Any:
        underlying = self._of_kind(symbol, (Equity, Index), "an optionable underlying")
        return self.engine.option_chain(underlying)

    def _nested(self, request: Request, symbol: str) -> Reply:
        chain = self._chain_of(symbol)
        return collection(
            [nested_chain_json(chain, self.today())], f"/option-chains/{symbol}/nested"
        )

    def _compact(self, request: Request, symbol: str) -> Reply:
        chain = self._chain_of(symbol)
        return collection([compact_chain_json(chain)], f"/option-chains/{symbol}/compact")

    def _full_chain(self, request: Request, symbol: str) -> Reply:
        chain = self._chain_of(symbol)
        today: date = self.today()
        items = [
            option_json(c, today, chain.underlying)
            for e in chain.expirations
            for c in e.contracts()
            if isinstance(c, Option)
        ]
        return collection(items, f"/option-chains/{symbol}")

    def _futures_nested(self, request: Request, symbol: str) -> Reply:
        listed = self._listed(symbol.upper().removeprefix("/"))
        if not listed:
            raise TastyError(404, "invalid_symbol", f"no futures product {symbol}")
        futures = [
            {
                key: item[key]
                for key in (
                    "symbol",
                    "expiration-date",
                    "active-month",
                    "next-active-month",
                    "stops-trading-at",
                    "expires-at",
                )
            }
            | {
                "root-symbol": f"/{item['product-code']}",
                "days-to-expiration": (
                    date.fromisoformat(item["expiration-date"]) - self.today()
                ).days,
            }
            for item in listed
        ]
        root = symbol.upper().removeprefix("/")
        body = futures_nested_json(self.engine, root, futures, self.today())
        return single(self._cert_future_options(body), f"/futures-option-chains/{symbol}/nested")

    def _futures_chain(self, request: Request, symbol: str) -> Reply:
        root = symbol.upper().removeprefix("/")
        today = self.today()
        if not self.engine.universe.futures(root, today):
            raise TastyError(404, "invalid_symbol", f"no futures product {symbol}")
        items = [
            future_option_json(contract, today)
            for _, expiration in future_options_of(self.engine, root, today)
            for contract in expiration.contracts()
            if isinstance(contract, FutureOption)
        ]
        return collection(self._cert_future_options(items), f"/futures-option-chains/{symbol}")

    def _cert_future_options(self, body: Any) -> Any:
        """Futures-option JSON as the front's sandbox options show it (no streamer symbols in
        the cert sandbox)."""
        if self.sandbox.future_options_without_streamer_symbol:
            return without_streamer_symbols(body)
        return body

    # -- quotes and the DxLink token ------------------------------------------------------------
    def _by_type(self, request: Request) -> Reply:
        wanted: list[str] = []
        for key in _BY_TYPE:
            for value in request.url.params.get_list(key):
                wanted.extend(part.strip() for part in value.split(",") if part.strip())
        if len(wanted) > 100:
            raise TastyError(400, "bad_request", "at most 100 symbols in total")
        items = []
        for symbol in wanted:
            inst = self._known(symbol)
            items.append(quote_json(self.quote_of(inst), self.day_summary(inst)))
        return Reply.json(200, {"data": {"items": items}, "pagination": None})

    def _quote_token(self, request: Request) -> Reply:
        token = f"dxlink-emulator-{len(self.book.tokens) + 1:06d}"
        self.book.tokens.add(token)
        host = request.headers.get("host") or request.url.netloc.decode("ascii")
        body = {
            "token": token,
            "dxlink-url": f"ws://{host}/dxlink",
            "level": "demo" if self.sandbox.delayed_quotes else "api",
            # Documented (QuoteStreamerTokenAuthResult); the emulator's clock is simulated, so a
            # client learns "now" here rather than from its own wall clock.
            "issued-at": iso(self.engine.now()),
            "expires-at": iso(self.engine.now() + timedelta(hours=24)),
        }
        return single(body, "/api-quote-tokens")


def _slash(symbol: str) -> str:
    return symbol if symbol.startswith("/") else f"/{symbol}"
