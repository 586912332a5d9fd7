"""brokerlink.config precedence: arguments > BROKERLINK_<PROFILE>_<FIELD> > file > defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from brokerlink.config import SETTING_FIELDS, resolve_profile
from brokerlink.errors import ConfigError

# One row per setting: (file TOML value, env text, argument, and the value each layer gives).
LAYERS: dict[str, tuple[str, object, str, object, object, object]] = {
    # field: (toml, from_file, env_text, from_env, argument, default)
    "account": ('"FILE1"', "FILE1", "ENV22", "ENV22", "ARG333", None),
    "allow_live": ("true", True, "no", False, True, False),
    "client_id": ('"file-app"', "file-app", "env-app", "env-app", "arg-app", None),
    "redirect_uri": (
        '"http://localhost:4000"',
        "http://localhost:4000",
        "https://example.test/cb",
        "https://example.test/cb",
        "http://127.0.0.1:5000/",
        "http://localhost:3000",
    ),
    "scopes": ('["openid"]', ("openid",), "a, b c", ("a", "b", "c"), ["x"], None),
    "timeout": ("12", 12.0, "2.5", 2.5, 9, 30.0),
    "max_retries": ("5", 5, "0", 0, 1, 3),
    "emulator_seed": ("11", 11, "-22", -22, 33, None),
    "emulator_personality": ('"sandbox"', "sandbox", "ideal", "ideal", "sandbox", "ideal"),
    "base_url": (
        '"http://127.0.0.1:8080/v1"',
        "http://127.0.0.1:8080/v1",
        "http://127.0.0.1:9090/v3",
        "http://127.0.0.1:9090/v3",
        "https://proxy.example.test/v1",
        None,
    ),
}


def test_every_setting_has_a_precedence_row() -> None:
    assert set(LAYERS) == set(SETTING_FIELDS)


def _file(tmp_path: Path, field: str | None = None) -> Path:
    text = '[profiles.paper-ts]\nbroker = "tradestation"\nenvironment = "sim"\n'
    if field is not None:
        text += f"{field} = {LAYERS[field][0]}\n"
    (tmp_path / "brokerlink.toml").write_text(text, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("field", list(LAYERS))
def test_default_when_no_layer_sets_it(tmp_path: Path, field: str) -> None:
    profile = resolve_profile("paper-ts", cwd=_file(tmp_path), environ={})
    assert getattr(profile, field) == LAYERS[field][5]
    assert profile.source.origins[field] == "default"


@pytest.mark.parametrize("field", list(LAYERS))
def test_file_beats_default(tmp_path: Path, field: str) -> None:
    profile = resolve_profile("paper-ts", cwd=_file(tmp_path, field), environ={})
    assert getattr(profile, field) == LAYERS[field][1]
    assert profile.source.origins[field] == "file"


@pytest.mark.parametrize("field", list(LAYERS))
def test_env_beats_file(tmp_path: Path, field: str) -> None:
    var = f"BROKERLINK_PAPER_TS_{field.upper()}"
    environ = {var: str(LAYERS[field][2])}
    profile = resolve_profile("paper-ts", cwd=_file(tmp_path, field), environ=environ)
    assert getattr(profile, field) == LAYERS[field][3]
    assert profile.source.origins[field] == var


@pytest.mark.parametrize("field", list(LAYERS))
def test_argument_beats_env_and_file(tmp_path: Path, field: str) -> None:
    environ = {f"BROKERLINK_PAPER_TS_{field.upper()}": str(LAYERS[field][2])}
    argument = LAYERS[field][4]
    profile = resolve_profile(
        "paper-ts", cwd=_file(tmp_path, field), environ=environ, overrides={field: argument}
    )
    expected = tuple(argument) if isinstance(argument, list) else argument
    assert getattr(profile, field) == expected
    assert profile.source.origins[field] == "argument"


def test_env_and_arguments_also_apply_to_adapter_selectors() -> None:
    environ = {
        "BROKERLINK_TRADIER_SANDBOX_ACCOUNT": "VA000001",
        "BROKERLINK_TRADIER_SANDBOX_TIMEOUT": "5",
    }
    profile = resolve_profile("tradier:sandbox", environ=environ, overrides={"max_retries": 0})
    assert (profile.account, profile.timeout, profile.max_retries) == ("VA000001", 5.0, 0)
    assert profile.redirect_uri == "http://localhost:3000"
    assert profile.source.origins["account"] == "BROKERLINK_TRADIER_SANDBOX_ACCOUNT"
    assert profile.source.origins["max_retries"] == "argument"
    assert profile.source.origins["redirect_uri"] == "default"


def test_argument_beats_default_without_env_or_file() -> None:
    profile = resolve_profile("paper:emulator", environ={}, overrides={"emulator_seed": 7})
    assert profile.emulator_seed == 7


def test_none_argument_means_not_given(tmp_path: Path) -> None:
    profile = resolve_profile(
        "paper-ts", cwd=_file(tmp_path, "account"), environ={}, overrides={"account": None}
    )
    assert profile.account == "FILE1"


def test_empty_env_var_counts_as_unset(tmp_path: Path) -> None:
    environ = {"BROKERLINK_PAPER_TS_ACCOUNT": "", "BROKERLINK_PAPER_TS_TIMEOUT": "  "}
    profile = resolve_profile("paper-ts", cwd=_file(tmp_path, "account"), environ=environ)
    assert (profile.account, profile.timeout) == ("FILE1", 30.0)


def test_env_vars_of_a_longer_profile_name_do_not_leak(tmp_path: Path) -> None:
    (tmp_path / "brokerlink.toml").write_text(
        '[profiles.paper]\nbroker = "paper"\nenvironment = "emulator"\n', encoding="utf-8"
    )
    environ = {"BROKERLINK_PAPER_TS_ACCOUNT": "X1", "BROKERLINK_PAPER_TIMEOUT": "4"}
    profile = resolve_profile("paper", cwd=tmp_path, environ=environ)
    assert (profile.account, profile.timeout) == (None, 4.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", True), ("TRUE", True), ("yes", True), ("0", False), ("false", False), ("No", False)],
)
def test_env_booleans(text: str, expected: bool) -> None:
    environ = {"BROKERLINK_TRADIER_SANDBOX_ALLOW_LIVE": text}
    assert resolve_profile("tradier:sandbox", environ=environ).allow_live is expected


@pytest.mark.parametrize(
    ("field", "text", "needs"),
    [
        ("allow_live", "maybe", "one of 1, 0, true, false, yes, no"),
        ("timeout", "thirty", "a number"),
        ("timeout", "-1", "seconds > 0"),
        ("max_retries", "2.5", "an integer"),
        ("emulator_seed", "x", "an integer"),
        ("redirect_uri", "ftp://x", "http://"),
        ("account", "has space", "string without spaces"),
    ],
)
def test_bad_env_values_name_the_env_var(field: str, text: str, needs: str) -> None:
    var = f"BROKERLINK_TRADIER_SANDBOX_{field.upper()}"
    with pytest.raises(ConfigError) as info:
        resolve_profile("tradier:sandbox", environ={var: text})
    assert info.value.key == var
    assert needs in str(info.value)
    if field == "account":
        assert text not in str(info.value)


def test_bad_argument_values_name_the_argument() -> None:
    with pytest.raises(ConfigError) as info:
        resolve_profile("tradier:sandbox", environ={}, overrides={"timeout": "10"})
    assert info.value.key == "timeout"
    assert "seconds > 0" in str(info.value)


def test_unknown_argument_lists_valid_names_and_the_closest() -> None:
    with pytest.raises(ConfigError) as info:
        resolve_profile("tradier:sandbox", environ={}, overrides={"acount": "VA1"})
    err = info.value
    assert err.key == "acount"
    assert err.fix is not None
    assert "did you mean 'account'?" in err.fix
    assert all(name in err.fix for name in SETTING_FIELDS)


@pytest.mark.parametrize("field", ["broker", "environment"])
def test_identity_cannot_be_overridden(field: str) -> None:
    with pytest.raises(ConfigError) as info:
        resolve_profile("tradier:sandbox", environ={}, overrides={field: "live"})
    assert info.value.key == field
    assert "selector" in str(info.value)


def test_env_cannot_change_the_environment(tmp_path: Path) -> None:
    environ = {"BROKERLINK_PAPER_TS_ENVIRONMENT": "live", "BROKERLINK_PAPER_TS_BROKER": "x"}
    profile = resolve_profile("paper-ts", cwd=_file(tmp_path), environ=environ)
    assert (profile.broker, profile.environment) == ("tradestation", "sim")


def test_secret_arguments_are_refused_without_echo() -> None:
    with pytest.raises(ConfigError) as info:
        resolve_profile("tradier:sandbox", environ={}, overrides={"access_token": "tok-123456"})
    err = info.value
    assert err.key == "access_token"
    assert err.fix is not None
    assert "BROKERLINK_TRADIER_SANDBOX_ACCESS_TOKEN" in err.fix
    assert "tok-123456" not in str(err)


def test_process_env_and_cwd_are_read_at_call_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _file(tmp_path, "timeout")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BROKERLINK_CONFIG", raising=False)
    monkeypatch.delenv("BROKERLINK_PAPER_TS_TIMEOUT", raising=False)
    assert resolve_profile("paper-ts").timeout == 12.0
    monkeypatch.setenv("BROKERLINK_PAPER_TS_TIMEOUT", "3")
    assert resolve_profile("paper-ts").timeout == 3.0
