"""The ``emulator_personality`` profile field: every layer, the bad-value error, engines that
refuse to serve two personalities, and ``brokerlink emulate --personality``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import brokerlink as bl
from brokerlink import _http
from brokerlink.cli import app, emulate_cmd
from brokerlink.cli.options import Settings
from brokerlink.config import resolve_profile
from brokerlink.emulator import Engine
from brokerlink.emulator.http import ServerHandle
from brokerlink.emulator.personality import PERSONALITIES
from brokerlink.emulator.serving import servable_emulator
from brokerlink.errors import ConfigError

TOML = '[profiles.offline]\nbroker = "tradier"\nenvironment = "emulator"\n'


def test_the_two_personalities_and_the_default() -> None:
    assert PERSONALITIES == ("ideal", "sandbox")
    profile = resolve_profile("tradier:emulator", environ={})
    assert profile.emulator_personality == "ideal"
    assert profile.source.origins["emulator_personality"] == "default"


def test_toml_key_env_var_and_argument(tmp_path: Path) -> None:
    (tmp_path / "brokerlink.toml").write_text(TOML + 'emulator_personality = "sandbox"\n')
    from_file = resolve_profile("offline", cwd=tmp_path, environ={})
    assert from_file.emulator_personality == "sandbox"
    var = "BROKERLINK_OFFLINE_EMULATOR_PERSONALITY"
    from_env = resolve_profile("offline", cwd=tmp_path, environ={var: "ideal"})
    assert (from_env.emulator_personality, from_env.source.origins["emulator_personality"]) == (
        "ideal",
        var,
    )
    selector = resolve_profile(
        "tradier:emulator", environ={"BROKERLINK_TRADIER_EMULATOR_EMULATOR_PERSONALITY": "sandbox"}
    )
    assert selector.emulator_personality == "sandbox"
    argued = resolve_profile(
        "offline",
        cwd=tmp_path,
        environ={var: "ideal"},
        overrides={"emulator_personality": "sandbox"},
    )
    assert argued.source.origins["emulator_personality"] == "argument"


@pytest.mark.parametrize("value", ["SIM", "Sandbox", 1, ""])
def test_a_bad_value_names_the_key_and_the_valid_values(value: object) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve_profile("tradier:emulator", environ={}, overrides={"emulator_personality": value})
    assert caught.value.key == "emulator_personality"
    assert caught.value.fix is not None
    assert "'ideal'" in caught.value.fix
    assert "'sandbox'" in caught.value.fix


def test_a_bad_env_value_names_the_env_var() -> None:
    var = "BROKERLINK_TRADIER_EMULATOR_EMULATOR_PERSONALITY"
    with pytest.raises(ConfigError, match="did you mean 'sandbox'") as caught:
        resolve_profile("tradier:emulator", environ={var: "SANDBOX"})
    assert caught.value.key == var


def test_a_bad_file_value_names_the_toml_key(tmp_path: Path) -> None:
    (tmp_path / "brokerlink.toml").write_text(TOML + 'emulator_personality = "live"\n')
    with pytest.raises(ConfigError) as caught:
        resolve_profile("offline", cwd=tmp_path, environ={})
    assert caught.value.key == "profiles.offline.emulator_personality"


@pytest.mark.parametrize("adapter", ["tradier", "tradestation", "tastytrade"])
def test_one_engine_never_serves_both_personalities(adapter: str) -> None:
    engine = Engine()
    with bl.connect(f"{adapter}:emulator", emulator=engine, emulator_personality="sandbox"):
        pass
    # The same personality shares the front (and its order ids); the other one is refused.
    with bl.connect(f"{adapter}:emulator", emulator=engine, emulator_personality="sandbox"):
        pass
    with pytest.raises(ConfigError, match="already runs") as caught:
        bl.connect(f"{adapter}:emulator", emulator=engine)
    assert caught.value.key == "emulator_personality"


def test_paper_accepts_sandbox_and_behaves_the_same() -> None:
    with (
        bl.connect("paper:emulator") as ideal,
        bl.connect("paper:emulator", emulator_personality="sandbox") as sandbox,
    ):
        assert ideal.capabilities == sandbox.capabilities
        assert ideal.quotes("AAPL")["AAPL"].bid == sandbox.quotes("AAPL")["AAPL"].bid


def test_servable_emulator_takes_the_personality_and_keeps_the_default() -> None:
    assert servable_emulator("tradier").personality == "ideal"
    served = servable_emulator("tradier", personality="sandbox")
    assert served.personality == "sandbox"
    assert served.front.options.sandbox  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match="emulator_personality"):
        servable_emulator("tradier", personality="sim")


def test_emulate_serves_the_sandbox_personality(monkeypatch: pytest.MonkeyPatch) -> None:
    answers: list[int] = []

    def call_then_interrupt(handle: ServerHandle) -> None:
        # The sandbox has no market-data stream: session creation is refused (NOTES §6).
        with _http.Client() as client:
            response = client.post(
                handle.url + "/v1/markets/events/session",
                headers={"Authorization": "Bearer any", "Accept": "application/json"},
            )
        answers.append(response.status_code)
        raise KeyboardInterrupt

    monkeypatch.setattr(emulate_cmd, "wait_for_interrupt", call_then_interrupt)
    runner = CliRunner()
    args = ["emulate", "tradier", "--port", "0", "--personality", "sandbox"]
    result = runner.invoke(app, args, obj=Settings())
    assert result.exit_code == 0, result.output
    assert "Tradier emulator (sandbox) listening on" in result.output
    assert answers
    assert answers[0] >= 400
    refused = runner.invoke(app, ["emulate", "tradier", "--personality", "sim"], obj=Settings())
    assert refused.exit_code == 2
    assert "--personality" in refused.output
