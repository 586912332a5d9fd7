"""``account=None`` on an emulator means the environment's default account, with no config."""

from __future__ import annotations

import pytest

import brokerlink as bl


@pytest.fixture(autouse=True)
def _clean_env(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.delenv("BROKERLINK_PAPER_EMULATOR_ACCOUNT", raising=False)
    monkeypatch.delenv("BROKERLINK_CONFIG", raising=False)


def test_the_emulator_default_account_is_used_when_none_is_configured() -> None:
    with bl.connect("paper:emulator") as broker:
        assert len(broker.accounts()) == 2
        assert broker.balances().account == "EMU00001"


def test_an_explicit_account_wins_over_the_environment_default() -> None:
    with bl.connect("paper:emulator", account="EMU00002") as broker:
        assert broker.balances().account == "EMU00002"


def test_a_sync_stream_closes_its_client_when_the_loop_stops() -> None:
    with bl.connect("paper:emulator") as broker:
        for count, event in enumerate(broker.stream_bars("SPY", "1min"), start=1):
            assert event.bar.close > 0
            if count == 3:
                break
        # A second stream after the first was abandoned still works: nothing was left open.
        first = next(iter(broker.stream_quotes("AAPL")))
        assert str(first.quote.instrument) == "AAPL"


def test_future_options_are_refused_up_front_because_the_engine_does_not_price_them() -> None:
    with bl.connect("paper:emulator") as broker:
        assert bl.AssetClass.FUTURE_OPTION not in broker.capabilities.asset_classes
        with pytest.raises(bl.NotSupportedError, match="future_option orders"):
            broker.place(bl.NewOrder.market("./ESH25 EW3H25 250321C6000", bl.BUY, 1))
