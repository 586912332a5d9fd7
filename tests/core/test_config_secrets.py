"""brokerlink.config credentials and the live opt-in: values never shown, live refused unless both
keys are turned."""

from __future__ import annotations

from pathlib import Path

import pytest

from brokerlink.config import (
    CREDENTIAL_FIELDS,
    Profile,
    check_live_allowed,
    credential,
    credential_status,
    live_session_enabled,
    require_credential,
    resolve_profile,
)
from brokerlink.errors import ConfigError

SECRET = "s3cr3t-Tok3n-value"

LIVE_TT = """\
[profiles.live-tt]
broker = "tastytrade"
environment = "live"
account = "5WT12345"
"""


def paper_ts(**changes: object) -> Profile:
    values: dict[str, object] = {"name": "paper-ts", "broker": "tradestation", "environment": "sim"}
    return Profile(**(values | changes))  # type: ignore[arg-type]


def live_profile(tmp_path: Path, extra: str = "") -> Profile:
    (tmp_path / "brokerlink.toml").write_text(LIVE_TT + extra, encoding="utf-8")
    return resolve_profile("live-tt", cwd=tmp_path, environ={})


# -- credentials ----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", CREDENTIAL_FIELDS)
def test_credential_reads_the_profiles_env_var(field: str) -> None:
    var = f"BROKERLINK_PAPER_TS_{field.upper()}"
    assert credential(paper_ts(), field, environ={var: f"  {SECRET}\n"}) == SECRET  # type: ignore[arg-type]
    assert credential(paper_ts(), field, environ={var: ""}) is None  # type: ignore[arg-type]
    assert credential(paper_ts(), field, environ={}) is None  # type: ignore[arg-type]


def test_selector_profiles_read_their_own_prefix() -> None:
    profile = resolve_profile("tradier:sandbox", environ={})
    environ = {"BROKERLINK_TRADIER_SANDBOX_ACCESS_TOKEN": SECRET}
    assert require_credential(profile, "access_token", environ=environ) == SECRET


def test_client_id_from_the_profile_wins_over_env() -> None:
    environ = {"BROKERLINK_PAPER_TS_CLIENT_ID": "env-app"}
    assert credential(paper_ts(client_id="file-app"), "client_id", environ=environ) == "file-app"
    assert credential(paper_ts(), "client_id", environ=environ) == "env-app"


def test_credential_reads_os_environ_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROKERLINK_PAPER_TS_REFRESH_TOKEN", SECRET)
    assert credential(paper_ts(), "refresh_token") == SECRET


@pytest.mark.parametrize(
    ("field", "fix"),
    [
        ("access_token", "or run `brokerlink login paper-ts`"),
        ("refresh_token", "or run `brokerlink login paper-ts`"),
        ("client_id", 'client_id = "..."'),
        ("client_secret", "never go in brokerlink.toml"),
    ],
)
def test_missing_credential_names_the_env_var_and_how_to_set_it(field: str, fix: str) -> None:
    var = f"BROKERLINK_PAPER_TS_{field.upper()}"
    with pytest.raises(ConfigError) as info:
        require_credential(paper_ts(), field, environ={})  # type: ignore[arg-type]
    err = info.value
    assert err.key == var
    assert err.fix is not None
    assert f"export {var}=" in err.fix
    assert fix in err.fix
    assert "paper-ts" in str(err)


def test_unknown_credential_field() -> None:
    with pytest.raises(ConfigError) as info:
        credential(paper_ts(), "password", environ={})  # type: ignore[arg-type]
    assert info.value.key == "password"
    assert info.value.fix is not None
    assert "access_token" in info.value.fix


def test_credential_status_says_set_or_missing_never_the_value() -> None:
    environ = {"BROKERLINK_PAPER_TS_ACCESS_TOKEN": SECRET, "BROKERLINK_PAPER_TS_CLIENT_SECRET": ""}
    status = credential_status(paper_ts(), environ)
    assert status == {
        "access_token": True,
        "refresh_token": False,
        "client_id": False,
        "client_secret": False,
    }
    assert SECRET not in repr(status)


def test_secrets_and_account_numbers_stay_out_of_reprs(tmp_path: Path) -> None:
    environ = {
        "BROKERLINK_LIVE_TT_ACCESS_TOKEN": SECRET,
        "BROKERLINK_LIVE_TT_CLIENT_SECRET": SECRET,
    }
    (tmp_path / "brokerlink.toml").write_text(LIVE_TT, encoding="utf-8")
    profile = resolve_profile("live-tt", cwd=tmp_path, environ=environ)
    text = repr(profile) + str(profile) + repr(profile.source)
    assert SECRET not in text
    assert "5WT12345" not in text
    assert "account='****2345'" in repr(profile) or "account=****2345" in repr(profile)
    with pytest.raises(ConfigError) as info:
        check_live_allowed(profile, environ)
    assert SECRET not in str(info.value)
    assert "5WT12345" not in str(info.value)


# -- live opt-in ----------------------------------------------------------------------------------


@pytest.mark.parametrize("selector", ["tradier:sandbox", "tradestation:sim", "paper:emulator"])
def test_non_live_environments_pass_without_opt_in(selector: str) -> None:
    check_live_allowed(resolve_profile(selector, environ={}), {})


def test_live_refused_without_allow_live_in_the_profile(tmp_path: Path) -> None:
    profile = live_profile(tmp_path)
    with pytest.raises(ConfigError) as info:
        check_live_allowed(profile, {"BROKERLINK_ALLOW_LIVE": "1"})
    err = info.value
    assert err.key == "profiles.live-tt.allow_live"
    assert "missing: allow_live = true in the profile" in str(err)
    assert "BROKERLINK_ALLOW_LIVE=1 in the environment" not in str(err)
    assert err.fix is not None
    assert f"add allow_live = true under [profiles.live-tt] in {tmp_path / 'brokerlink.toml'}" in (
        err.fix
    )


def test_live_refused_without_the_session_env_var(tmp_path: Path) -> None:
    profile = live_profile(tmp_path, "allow_live = true\n")
    for environ in ({}, {"BROKERLINK_ALLOW_LIVE": "0"}, {"BROKERLINK_ALLOW_LIVE": ""}):
        with pytest.raises(ConfigError) as info:
            check_live_allowed(profile, environ)
        err = info.value
        assert err.key == "BROKERLINK_ALLOW_LIVE"
        assert "missing: BROKERLINK_ALLOW_LIVE=1 in the environment" in str(err)
        assert err.fix == "export BROKERLINK_ALLOW_LIVE=1 for this session"


def test_live_refused_with_neither_key_names_both(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        check_live_allowed(live_profile(tmp_path), {})
    err = info.value
    assert "allow_live = true in the profile and BROKERLINK_ALLOW_LIVE=1" in str(err)
    assert err.fix is not None
    assert "add allow_live = true" in err.fix
    assert "export BROKERLINK_ALLOW_LIVE=1" in err.fix


@pytest.mark.parametrize("value", ["1", "true", "YES"])
def test_live_allowed_with_both_keys(tmp_path: Path, value: str) -> None:
    check_live_allowed(
        live_profile(tmp_path, "allow_live = true\n"), {"BROKERLINK_ALLOW_LIVE": value}
    )


def test_unrecognised_session_value_is_an_error_not_a_guess(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        live_session_enabled({"BROKERLINK_ALLOW_LIVE": "sure"})
    assert info.value.key == "BROKERLINK_ALLOW_LIVE"


def test_live_selector_without_a_table_explains_env_and_argument() -> None:
    profile = resolve_profile("tastytrade:live", environ={})
    with pytest.raises(ConfigError) as info:
        check_live_allowed(profile, {"BROKERLINK_ALLOW_LIVE": "1"})
    assert info.value.key == "BROKERLINK_TASTYTRADE_LIVE_ALLOW_LIVE"
    assert info.value.fix is not None
    assert (
        "pass allow_live=True or export BROKERLINK_TASTYTRADE_LIVE_ALLOW_LIVE=1" in info.value.fix
    )
    allowed = resolve_profile("tastytrade:live", environ={}, overrides={"allow_live": True})
    check_live_allowed(allowed, {"BROKERLINK_ALLOW_LIVE": "1"})


def test_allow_live_switched_off_by_env_is_pointed_out(tmp_path: Path) -> None:
    (tmp_path / "brokerlink.toml").write_text(LIVE_TT + "allow_live = true\n", encoding="utf-8")
    environ = {"BROKERLINK_LIVE_TT_ALLOW_LIVE": "0", "BROKERLINK_ALLOW_LIVE": "1"}
    profile = resolve_profile("live-tt", cwd=tmp_path, environ=environ)
    with pytest.raises(ConfigError) as info:
        check_live_allowed(profile, environ)
    assert info.value.fix is not None
    assert "currently set to false by BROKERLINK_LIVE_TT_ALLOW_LIVE" in info.value.fix


def test_live_check_reads_os_environ_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = live_profile(tmp_path, "allow_live = true\n")
    monkeypatch.delenv("BROKERLINK_ALLOW_LIVE", raising=False)
    with pytest.raises(ConfigError):
        check_live_allowed(profile)
    monkeypatch.setenv("BROKERLINK_ALLOW_LIVE", "1")
    check_live_allowed(profile)
