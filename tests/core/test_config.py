"""brokerlink.config: selectors, the config file, and the profile it resolves to."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from brokerlink.config import (
    Profile,
    Selector,
    env_prefix,
    env_var,
    find_config,
    list_profiles,
    load_config,
    parse_config,
    resolve_profile,
    table_key,
)
from brokerlink.errors import BrokerError, ConfigError

PAPER_TS = """
[profiles.paper-ts]
broker = "tradestation"
environment = "sim"
account = "SIM1234567M"
"""


def write_config(directory: Path, text: str, name: str = "brokerlink.toml") -> Path:
    path = directory / name
    path.write_text(dedent(text), encoding="utf-8")
    return path


def config_error(text: str, tmp_path: Path, selector: str = "paper-ts") -> ConfigError:
    write_config(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        resolve_profile(selector, cwd=tmp_path, environ={})
    return info.value


# -- selectors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "adapter", "environment"),
    [
        ("tradier:sandbox", "tradier", "sandbox"),
        ("tradestation:sim", "tradestation", "sim"),
        ("tastytrade:live", "tastytrade", "live"),
        ("paper:emulator", "paper", "emulator"),
        ("my_broker-2:uat-1", "my_broker-2", "uat-1"),
        ("  tradier:sandbox\n", "tradier", "sandbox"),
    ],
)
def test_selector_parses_adapter_form(text: str, adapter: str, environment: str) -> None:
    selector = Selector.parse(text)
    assert (selector.adapter, selector.environment, selector.profile) == (
        adapter,
        environment,
        None,
    )
    assert selector.text == f"{adapter}:{environment}" == str(selector)
    assert not selector.is_profile


def test_selector_parses_profile_name() -> None:
    selector = Selector.parse("paper-ts")
    assert selector.is_profile
    assert (selector.profile, selector.adapter, selector.environment) == ("paper-ts", None, None)
    assert selector.env_prefix == "BROKERLINK_PAPER_TS_"


@pytest.mark.parametrize(
    ("text", "guess"),
    [
        ("", None),
        (":", None),
        ("tradier:", None),
        (":sandbox", None),
        ("a:b:c", None),
        ("Tradier:Sandbox", "tradier:sandbox"),
        ("tradier : sandbox", "tradier:sandbox"),
        ("tradier sandbox", "tradier:sandbox"),
        ("tradier/sandbox", "tradier:sandbox"),
        ("paper ts profile", None),
    ],
)
def test_malformed_selector_is_a_config_error(text: str, guess: str | None) -> None:
    with pytest.raises(ConfigError) as info:
        Selector.parse(text)
    err = info.value
    assert err.key == "selector"
    assert err.fix is not None
    assert "<adapter>:<environment>" in err.fix
    assert "tradier:sandbox" in err.fix
    if guess:
        assert f"did you mean {guess!r}" in err.fix
    else:
        assert "did you mean" not in err.fix


def test_unknown_profile_lists_profiles_and_suggests(tmp_path: Path) -> None:
    write_config(
        tmp_path, PAPER_TS + '\n[profiles.live-tt]\nbroker = "tastytrade"\nenvironment = "live"\n'
    )
    with pytest.raises(ConfigError) as info:
        resolve_profile("paper-tss", cwd=tmp_path, environ={})
    err = info.value
    assert err.key == "selector"
    assert err.fix is not None
    assert "did you mean 'paper-ts'" in err.fix
    assert "paper-ts, live-tt" in err.fix
    assert str(tmp_path / "brokerlink.toml") in err.fix
    assert "'<adapter>:<environment>'" in err.fix
    assert isinstance(err, BrokerError)


def test_unknown_profile_without_a_config_file_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        resolve_profile("paper-ts", cwd=tmp_path, environ={})
    assert info.value.key == "selector"
    assert f"no profiles found (no brokerlink.toml in {tmp_path}" in str(info.value)
    assert "BROKERLINK_CONFIG" in str(info.value)


def test_adapter_selector_does_not_read_the_config_file(tmp_path: Path) -> None:
    write_config(tmp_path, "this is [not toml")
    profile = resolve_profile("tradier:sandbox", cwd=tmp_path, environ={})
    assert (profile.name, profile.broker, profile.environment) == (
        "tradier:sandbox",
        "tradier",
        "sandbox",
    )
    assert profile.source.path is None
    assert profile.source.origins["broker"] == "selector"
    assert str(profile.source) == "selector 'tradier:sandbox'"


# -- finding the file -----------------------------------------------------------------------------


def test_file_in_cwd_is_found(tmp_path: Path) -> None:
    path = write_config(tmp_path, PAPER_TS)
    assert find_config(cwd=tmp_path, environ={}) == path
    profile = resolve_profile("paper-ts", cwd=tmp_path, environ={})
    assert (profile.broker, profile.environment, profile.account) == (
        "tradestation",
        "sim",
        "SIM1234567M",
    )
    assert profile.source.path == path
    assert str(profile.source) == f"profile 'paper-ts' in {path}"


def test_no_file_is_no_profiles(tmp_path: Path) -> None:
    assert find_config(cwd=tmp_path, environ={}) is None
    assert list_profiles(cwd=tmp_path, environ={}) == []
    assert load_config(cwd=tmp_path, environ={}).path is None


def test_env_config_path_wins_over_cwd_and_argument_wins_over_env(tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    write_config(tmp_path, PAPER_TS.replace('"sim"', '"cwd"'))
    env_file = write_config(
        tmp_path / "elsewhere", PAPER_TS.replace('"sim"', '"envfile"'), "b.toml"
    )
    arg_file = write_config(tmp_path, PAPER_TS.replace('"sim"', '"argfile"'), "c.toml")
    environ = {"BROKERLINK_CONFIG": "elsewhere/b.toml"}  # relative: taken from cwd

    assert resolve_profile("paper-ts", cwd=tmp_path, environ={}).environment == "cwd"
    from_env = resolve_profile("paper-ts", cwd=tmp_path, environ=environ)
    assert from_env.environment == "envfile"
    assert from_env.source.path == env_file
    from_arg = resolve_profile("paper-ts", cwd=tmp_path, environ=environ, config_path=arg_file)
    assert from_arg.environment == "argfile"


def test_missing_explicit_config_from_env_names_the_env_var(tmp_path: Path) -> None:
    write_config(tmp_path, PAPER_TS)  # present in cwd, but the explicit path wins
    with pytest.raises(ConfigError) as info:
        resolve_profile("paper-ts", cwd=tmp_path, environ={"BROKERLINK_CONFIG": "missing.toml"})
    err = info.value
    assert err.key == "BROKERLINK_CONFIG"
    assert str(tmp_path / "missing.toml") in str(err)
    assert "does not exist" in str(err)


def test_missing_explicit_config_argument_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        list_profiles(tmp_path / "nope.toml", cwd=tmp_path, environ={})
    assert info.value.key == "config_path"
    assert info.value.fix is not None
    assert "BROKERLINK_CONFIG" in info.value.fix


def test_explicit_config_that_is_a_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        find_config(cwd=tmp_path, environ={"BROKERLINK_CONFIG": str(tmp_path)})


# -- checking the file ----------------------------------------------------------------------------


def test_unknown_key_names_the_path_the_line_and_the_closest_key(tmp_path: Path) -> None:
    err = config_error(PAPER_TS.replace("account =", "acount ="), tmp_path)
    assert err.key == "profiles.paper-ts.acount"
    assert "line 5" in str(err)  # dedent keeps the leading blank line: header is line 2
    assert err.fix is not None
    assert "did you mean 'account'?" in err.fix
    for key in ("broker", "environment", "allow_live", "timeout", "max_retries", "emulator_seed"):
        assert key in err.fix


def test_unknown_top_level_key(tmp_path: Path) -> None:
    err = config_error(PAPER_TS + "\n[profile.other]\nbroker = 'x'\n", tmp_path)
    assert err.key == "profile"
    assert err.fix is not None
    assert "did you mean 'profiles'?" in err.fix


@pytest.mark.parametrize("missing", ["broker", "environment"])
def test_broker_and_environment_are_required(tmp_path: Path, missing: str) -> None:
    text = "\n".join(line for line in PAPER_TS.splitlines() if not line.startswith(missing))
    err = config_error(text, tmp_path)
    assert err.key == f"profiles.paper-ts.{missing}"
    assert "is required" in str(err)


@pytest.mark.parametrize(
    ("line", "key", "valid"),
    [
        ('environment = ""', "environment", "environment name"),
        ('environment = "Sim"', "environment", "did you mean 'sim'"),
        ('broker = "Trade Station"', "broker", "adapter name"),
        ("broker = 7", "broker", "adapter name"),
        ("timeout = -5", "timeout", "seconds > 0"),
        ("timeout = 0", "timeout", "seconds > 0"),
        ('timeout = "30"', "timeout", "seconds > 0"),
        ("timeout = true", "timeout", "seconds > 0"),
        ("timeout = nan", "timeout", "seconds > 0"),
        ('allow_live = "true"', "allow_live", "true or false"),
        ("allow_live = 1", "allow_live", "true or false"),
        ("max_retries = -1", "max_retries", "integer >= 0"),
        ("max_retries = 1.5", "max_retries", "integer >= 0"),
        ('scopes = "openid offline_access"', "scopes", "list of scope names"),
        ('scopes = ["openid", ""]', "scopes", "list of scope names"),
        ('redirect_uri = "localhost:3000"', "redirect_uri", "http:// or https:// URL"),
        ('client_id = ""', "client_id", "client id"),
        ('emulator_seed = "42"', "emulator_seed", "an integer"),
        ("emulator_seed = 1.0", "emulator_seed", "an integer"),
    ],
)
def test_bad_values_name_the_key_path_and_what_is_valid(
    tmp_path: Path, line: str, key: str, valid: str
) -> None:
    text = "\n".join(x for x in PAPER_TS.splitlines() if not x.startswith(key)) + "\n" + line
    err = config_error(text, tmp_path)
    assert err.key == f"profiles.paper-ts.{key}"
    assert valid in str(err)
    assert "invalid value" in str(err)
    assert str(tmp_path / "brokerlink.toml") in str(err)


def test_a_bad_account_value_is_not_echoed(tmp_path: Path) -> None:
    err = config_error(PAPER_TS.replace('"SIM1234567M"', "98765432"), tmp_path)
    assert err.key == "profiles.paper-ts.account"
    assert "98765432" not in str(err)
    assert "string" in str(err)


@pytest.mark.parametrize(
    ("key", "env"),
    [
        ("client_secret", "BROKERLINK_PAPER_TS_CLIENT_SECRET"),
        ("refresh_token", "BROKERLINK_PAPER_TS_REFRESH_TOKEN"),
        ("access_token", "BROKERLINK_PAPER_TS_ACCESS_TOKEN"),
        ("token", "BROKERLINK_PAPER_TS_ACCESS_TOKEN"),
        ("password", "BROKERLINK_PAPER_TS_PASSWORD"),
        ("api_key", "BROKERLINK_PAPER_TS_API_KEY"),
    ],
)
def test_secrets_in_the_file_are_refused(tmp_path: Path, key: str, env: str) -> None:
    err = config_error(PAPER_TS + f'{key} = "hunter2-very-secret"\n', tmp_path)
    assert err.key == f"profiles.paper-ts.{key}"
    assert "secrets never belong in brokerlink.toml" in str(err)
    assert err.fix is not None
    assert env in err.fix
    assert "brokerlink login paper-ts" in err.fix
    assert "hunter2" not in str(err)


def test_a_secret_at_the_top_level_is_refused_as_a_secret(tmp_path: Path) -> None:
    err = config_error('client_secret = "hunter2"\n' + PAPER_TS, tmp_path)
    assert err.key == "client_secret"
    assert "secrets never belong" in str(err)
    assert "hunter2" not in str(err)


def test_malformed_toml_names_the_file_and_line(tmp_path: Path) -> None:
    err = config_error(PAPER_TS + "timeout = 30s\n", tmp_path)
    path = str(tmp_path / "brokerlink.toml")
    assert err.key == path
    assert "malformed TOML at line 6" in str(err)
    assert err.fix is not None
    assert "line 6" in err.fix


def test_non_utf8_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "brokerlink.toml").write_bytes(b'[profiles.x]\nbroker = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        list_profiles(cwd=tmp_path, environ={})


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[profiles."a:b"]\nbroker = "x"\nenvironment = "y"\n', 'profiles."a:b"'),
        ("[profiles]\npaper = 1\n", "profiles.paper"),
        ("profiles = 3\n", "profiles"),
    ],
)
def test_malformed_profile_tables(tmp_path: Path, text: str, key: str) -> None:
    write_config(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        list_profiles(cwd=tmp_path, environ={})
    assert info.value.key == key


def test_profiles_whose_env_vars_would_collide_are_refused(tmp_path: Path) -> None:
    text = PAPER_TS + PAPER_TS.replace("paper-ts", "paper_ts")
    with pytest.raises(ConfigError) as info:
        parse_config(dedent(text))
    assert info.value.key == "profiles.paper_ts"
    assert "BROKERLINK_PAPER_TS_" in str(info.value)


def test_list_profiles_in_file_order_with_env_applied(tmp_path: Path) -> None:
    write_config(
        tmp_path,
        PAPER_TS + '[profiles."v1.2"]\nbroker = "tradier"\nenvironment = "sandbox"\n',
    )
    profiles = list_profiles(cwd=tmp_path, environ={"BROKERLINK_V1_2_TIMEOUT": "7"})
    assert [p.name for p in profiles] == ["paper-ts", "v1.2"]
    assert profiles[1].timeout == 7.0
    assert profiles[1].source.origins["timeout"] == "BROKERLINK_V1_2_TIMEOUT"


# -- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("paper-ts", "BROKERLINK_PAPER_TS_"),
        ("Live_TT", "BROKERLINK_LIVE_TT_"),
        ("v1.2", "BROKERLINK_V1_2_"),
        ("tradier:sandbox", "BROKERLINK_TRADIER_SANDBOX_"),
        ("my-adapter:uat", "BROKERLINK_MY_ADAPTER_UAT_"),
    ],
)
def test_profile_name_to_env_prefix(name: str, prefix: str) -> None:
    assert env_prefix(name) == prefix
    assert env_var(name, "max_retries") == f"{prefix}MAX_RETRIES"


def test_table_key_quotes_names_that_need_it() -> None:
    assert table_key("paper-ts", "account") == "profiles.paper-ts.account"
    assert table_key("v1.2") == 'profiles."v1.2"'


# -- the Profile itself ---------------------------------------------------------------------------


def test_profile_defaults() -> None:
    profile = Profile(name="tradier:sandbox", broker="tradier", environment="sandbox")
    assert profile.account is None
    assert profile.allow_live is False
    assert profile.client_id is None
    assert profile.redirect_uri == "http://localhost:3000"
    assert profile.scopes is None
    assert profile.timeout == 30.0
    assert profile.max_retries == 3
    assert profile.emulator_seed is None
    assert not profile.is_live


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"timeout": 0}, "timeout"),
        ({"scopes": ["a"]}, "scopes"),
        ({"max_retries": True}, "max_retries"),
        ({"environment": ""}, "environment"),
        ({"name": "has space"}, "name"),
        ({"name": "a:b:c"}, "name"),
    ],
)
def test_direct_construction_runs_the_same_checks(changes: dict[str, object], key: str) -> None:
    values: dict[str, object] = {"name": "p", "broker": "tradier", "environment": "sandbox"}
    with pytest.raises(ConfigError) as info:
        Profile(**(values | changes))  # type: ignore[arg-type]
    assert info.value.key == key


def test_profiles_are_frozen_values_and_ignore_their_source(tmp_path: Path) -> None:
    write_config(tmp_path, PAPER_TS)
    from_file = resolve_profile("paper-ts", cwd=tmp_path, environ={})
    in_code = Profile(
        name="paper-ts", broker="tradestation", environment="sim", account="SIM1234567M"
    )
    assert from_file == in_code
    assert hash(from_file) == hash(in_code)
    with pytest.raises(AttributeError):
        from_file.timeout = 1.0  # type: ignore[misc]
