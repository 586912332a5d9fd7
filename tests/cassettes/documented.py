"""Cassettes built from the brokers' documented examples: what each one answers, and the call.

A :class:`Documented` scenario names the adapter environment it connects to (a real sandbox or
sim host: the cassette's request URLs are that host's, and vcrpy answers them before any socket
opens), the documented example files its responses come from (``../shared/refs/<broker>/``,
in the order the adapter asks for them) and the broker call that sends the requests.

``make_documented.py`` runs each call against those responses to learn the exact requests the
adapter sends and writes ``cassettes/<adapter>/documented/<name>.yaml``; the
``test_<adapter>_documented.py`` modules replay the same calls through the real adapter and
check the parsed models against the documented values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import attrs
import vcr

import brokerlink as bl
from brokerlink.broker.sync import Broker
from brokerlink.testing.scrub import Scrubber

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes"
REFS = Path(__file__).resolve().parents[3] / "shared" / "refs"

TRADIER_ACCOUNT = "VA000001"  # GET_v1_user_profile.json: the first documented account
TRADESTATION_ACCOUNT = "123456782"  # the margin account of the documented examples
TASTYTRADE_ACCOUNT = Scrubber().fake_account("5WT00001")  # the documented number, scrubbed
TASTYTRADE_LEAN_ACCOUNT = Scrubber().fake_account("5WX06827")  # LEAN's sandbox order, scrubbed
TASTYTRADE_DOC_ORDER_ACCOUNT = "5WT0001"  # as the documented order answer spells it (7 chars)


def _spy_call(strike: str) -> bl.Option:
    return bl.Option(underlying="SPY", expiration=date(2019, 10, 18), right="C", strike=strike)


@attrs.frozen
class Source:
    """One documented response: a file under ``refs/<broker>/`` and the HTTP status it came with."""

    path: str
    status: int = 200
    # NOTES.md holds some documented bodies inline: the exact JSON text taken from it.
    inline: str | None = None


@attrs.frozen
class Documented:
    """One documented-example cassette (see the module docstring)."""

    adapter: str
    name: str
    selector: str
    describe: str  # the call, for the provenance README
    sources: tuple[Source, ...]
    call: Callable[[Broker], Any]
    # A documented error body: the call must raise this (the generator and the tests check it).
    raises: type[Exception] | None = None

    @property
    def cassette(self) -> Path:
        """Where the cassette lives."""
        return CASSETTES / self.adapter / "documented" / f"{self.name}.yaml"

    def refs_file(self, source: Source) -> Path:
        """The documented example file ``source`` names."""
        return REFS / self.adapter / source.path


def documented_json(text: str) -> str:
    """A documented body as JSON: the docs' ``//`` comments, elided ``...`` lines and trailing
    commas removed (the ``.jsonc`` examples carry all three); a ``.json`` body passes unchanged."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("//") or stripped == "...":
            continue
        lines.append(line)
    cleaned = "\n".join(lines)
    return re.sub(r",(\s*[}\]])", r"\1", cleaned)


@contextmanager
def replaying(spec: Documented, config: dict[str, Any]) -> Iterator[Broker]:
    """A broker on ``spec``'s environment whose requests are answered by its cassette only."""
    if not spec.cassette.exists():
        raise AssertionError(
            f"{spec.cassette} is missing: regenerate it with "
            "`uv run python -m tests.cassettes.make_documented`"
        )
    recorder = vcr.VCR(**config)
    with (
        recorder.use_cassette(
            str(spec.cassette), record_mode="none", allow_playback_repeats=False
        ) as cassette,
        bl.connect(spec.selector, auth=bl.StaticToken("cassette-fake-token")) as broker,
    ):
        yield broker
        # Every documented response was asked for: the adapter sent exactly the recorded calls.
        assert cassette.all_played, f"{spec.cassette.name}: not every interaction was replayed"


_TS_DAILY = (datetime(2020, 11, 4, tzinfo=UTC), datetime(2020, 11, 7, tzinfo=UTC))
_TRADIER_DAILY = (datetime(2019, 1, 2, tzinfo=UTC), datetime(2019, 1, 5, tzinfo=UTC))

TRADIER = (
    Documented(
        "tradier",
        "accounts",
        "tradier:sandbox",
        "`accounts()`",
        (Source("examples/GET_v1_user_profile.json"),),
        lambda b: b.accounts(),
    ),
    Documented(
        "tradier",
        "balances",
        "tradier:sandbox",
        '`balances("VA000001")`',
        (Source("examples/GET_v1_accounts_ID_balances.jsonc"),),
        lambda b: b.balances(TRADIER_ACCOUNT),
    ),
    Documented(
        "tradier",
        "positions",
        "tradier:sandbox",
        '`positions("VA000001")`',
        (Source("examples/GET_v1_accounts_ID_positions.json"),),
        lambda b: b.positions(TRADIER_ACCOUNT),
    ),
    Documented(
        "tradier",
        "orders",
        "tradier:sandbox",
        '`orders("VA000001", status="all")`',
        (Source("examples/GET_v1_accounts_ID_orders.single.shape.json"),),
        lambda b: b.orders(TRADIER_ACCOUNT, status="all"),
    ),
    Documented(
        "tradier",
        "quotes",
        "tradier:sandbox",
        '`quotes(["AAPL", "VXX190517P00016000"])`',
        (Source("examples/GET_v1_markets_quotes.json"),),
        lambda b: b.quotes(["AAPL", "VXX190517P00016000"]),
    ),
    Documented(
        "tradier",
        "bars_daily",
        "tradier:sandbox",
        '`bars("AAPL", "1d", 2019-01-02..2019-01-05)`',
        (Source("examples/GET_v1_markets_history.daily.jsonc"),),
        lambda b: b.bars("AAPL", "1d", start=_TRADIER_DAILY[0], end=_TRADIER_DAILY[1]),
    ),
    Documented(
        "tradier",
        "preview",
        "tradier:sandbox",
        "`preview(market buy 1 T)`",
        (Source("examples/POST_v1_accounts_ID_orders.preview.response.json"),),
        lambda b: b.preview(
            bl.NewOrder.market("T", bl.BUY, 1, account=TRADIER_ACCOUNT, client_id="docprv1")
        ),
    ),
    Documented(
        "tradier",
        "error_token_expired",
        "tradier:sandbox",
        '`positions("VA000001")` answered 401: raises `AuthError`',
        (
            Source(
                "NOTES.md",
                401,
                inline='{"fault":{"faultstring":"Access Token expired","detail":'
                '{"errorcode":"keymanagement.service.access_token_expired"}}}',
            ),
        ),
        lambda b: b.positions(TRADIER_ACCOUNT),
        raises=bl.AuthError,
    ),
)

TRADESTATION = (
    Documented(
        "tradestation",
        "accounts",
        "tradestation:sim",
        "`accounts()`",
        (Source("examples/GET_brokerage_accounts.json"),),
        lambda b: b.accounts(),
    ),
    Documented(
        "tradestation",
        "balances",
        "tradestation:sim",
        '`balances("123456782")`',
        (Source("examples/GET_brokerage_accounts_balances.json"),),
        lambda b: b.balances(TRADESTATION_ACCOUNT),
    ),
    Documented(
        "tradestation",
        "positions",
        "tradestation:sim",
        '`positions("123456782")`',
        (Source("examples/GET_brokerage_accounts_positions.json"),),
        lambda b: b.positions(TRADESTATION_ACCOUNT),
    ),
    Documented(
        "tradestation",
        "orders",
        "tradestation:sim",
        '`orders("123456782")` (two pages: the documented `NextToken` is followed)',
        (
            Source("examples/GET_brokerage_accounts_orders.json"),
            # The documented page carries a NextToken; the page after it is not documented, so
            # the pagination ends with an empty page of our own (see the README).
            Source("", inline='{"Orders":[]}'),
        ),
        lambda b: b.orders(TRADESTATION_ACCOUNT),
    ),
    Documented(
        "tradestation",
        "quotes",
        "tradestation:sim",
        '`quotes(["MSFT"])`',
        (Source("examples/GET_marketdata_quotes.Quotes.json"),),
        lambda b: b.quotes(["MSFT"]),
    ),
    Documented(
        "tradestation",
        "bars_daily",
        "tradestation:sim",
        '`bars("MSFT", "1d", 2020-11-04..2020-11-07)`',
        (Source("examples/GET_marketdata_barcharts.json"),),
        lambda b: b.bars("MSFT", "1d", start=_TS_DAILY[0], end=_TS_DAILY[1]),
    ),
    Documented(
        "tradestation",
        "order_confirm",
        "tradestation:sim",
        "`preview(market buy 10 MSFT GTC)` (order confirmation)",
        (Source("examples/POST_orderexecution_orderconfirm.response.json"),),
        lambda b: b.preview(
            bl.NewOrder.market(
                "MSFT",
                bl.BUY,
                10,
                time_in_force=bl.GTC,
                account=TRADESTATION_ACCOUNT,
                client_id="docprv1",
            )
        ),
    ),
    Documented(
        "tradestation",
        "error_invalid_symbol",
        "tradestation:sim",
        '`quotes(["INVALID"])`: raises `SymbolNotFoundError`',
        (Source("examples/GET_marketdata_quotes.Errors.json"),),
        lambda b: b.quotes(["INVALID"]),
        raises=bl.SymbolNotFoundError,
    ),
)

TASTYTRADE = (
    Documented(
        "tastytrade",
        "accounts",
        "tastytrade:sandbox",
        "`accounts()`",
        (Source("examples/docs/GET_customers_me_accounts.response.json"),),
        lambda b: b.accounts(),
    ),
    Documented(
        "tastytrade",
        "balances",
        "tastytrade:sandbox",
        "`balances(<fake of 5WT00001>)`",
        (Source("examples/docs/GET_accounts_N_balances.response.json"),),
        lambda b: b.balances(TASTYTRADE_ACCOUNT),
    ),
    Documented(
        "tastytrade",
        "positions",
        "tastytrade:sandbox",
        "`positions(<fake of 5WT00001>)`",
        (Source("examples/docs/GET_accounts_N_positions.response.json"),),
        lambda b: b.positions(TASTYTRADE_ACCOUNT),
    ),
    Documented(
        "tastytrade",
        "orders",
        "tastytrade:sandbox",
        "`orders(<fake of 5WT00001>)` (live orders)",
        (Source("examples/docs/GET_accounts_N_orders_live.response.json"),),
        lambda b: b.orders(TASTYTRADE_ACCOUNT),
    ),
    Documented(
        "tastytrade",
        "instrument",
        "tastytrade:sandbox",
        '`instrument("SPY")`',
        (Source("examples/docs/GET_instruments_equities_SPY.response.json"),),
        lambda b: b.instrument("SPY"),
    ),
    Documented(
        "tastytrade",
        "place_market",
        "tastytrade:sandbox",
        "`place(market buy-to-open 1 AAPL)` on <fake of 5WX06827>",
        (Source("examples/lean/POST_accounts_N_orders.response.market.json"),),
        lambda b: b.place(
            bl.NewOrder.market(
                "AAPL",
                bl.BUY,
                1,
                effect=bl.OPEN,
                account=TASTYTRADE_LEAN_ACCOUNT,
                client_id="docmkt1",
            )
        ),
    ),
    Documented(
        "tastytrade",
        "place_spread",
        "tastytrade:sandbox",
        "`place(SPY 2019-10-18 295/298 call vertical, 3.00 credit)` on 5WT0001",
        (Source("examples/docs/POST_accounts_N_orders.response.json"),),
        lambda b: b.place(
            bl.NewOrder.multi_leg(
                [
                    bl.Leg.sell(_spy_call("295"), 1, effect=bl.OPEN),
                    bl.Leg.buy(_spy_call("298"), 1, effect=bl.OPEN),
                ],
                bl.OrderType.LIMIT,
                limit_price="-3.00",  # a credit of 3.00, as the documented order takes
                account=TASTYTRADE_DOC_ORDER_ACCOUNT,
                client_id="docvert1",
            )
        ),
    ),
    Documented(
        "tastytrade",
        "dry_run",
        "tastytrade:sandbox",
        "`preview(market buy-to-open 1 AAPL)` (dry run)",
        (Source("examples/docs/POST_accounts_N_orders_dry-run.response.json"),),
        lambda b: b.preview(
            bl.NewOrder.market(
                "AAPL",
                bl.BUY,
                1,
                effect=bl.OPEN,
                account=TASTYTRADE_ACCOUNT,
                client_id="docprv1",
            )
        ),
    ),
    Documented(
        "tastytrade",
        "error_not_permitted",
        "tastytrade:sandbox",
        "`positions(<fake of 5WT00001>)` answered 403: raises `AuthError`",
        (Source("examples/docs/error.not_permitted.json", 403),),
        lambda b: b.positions(TASTYTRADE_ACCOUNT),
        raises=bl.AuthError,
    ),
)

ALL: tuple[Documented, ...] = TRADIER + TRADESTATION + TASTYTRADE


def spec(adapter: str, name: str) -> Documented:
    """The documented scenario ``name`` of ``adapter``."""
    [found] = [s for s in ALL if s.adapter == adapter and s.name == name]
    return found


def run(adapter: str, name: str, config: dict[str, Any]) -> Any:
    """The documented scenario ``name`` of ``adapter``, replayed: what its call returned."""
    documented = spec(adapter, name)
    with replaying(documented, config) as broker:
        return documented.call(broker)
