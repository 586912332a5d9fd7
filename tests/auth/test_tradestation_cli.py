"""``brokerlink login tradestation:emulator --no-browser`` against a served TradeStation emulator,
then the stored login in use (``bl.connect``) and ``logout``; ``brokerlink profiles`` counting
stored tokens as set.

The command runs in a thread exactly as a user would run it (the profile configured by env
vars, as docs/auth.md says); the test reads the URL it prints and follows it like a browser: the
emulator consents and redirects to the command's one-shot callback server.
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from authkit import Clock, free_port
from brokerlink_tradestation.emulator import TradeStationFront
from clikit import login_by_url, run_cli
from ts_oauthkit import APP_ID, APP_SECRET, ts_front
from typer.testing import CliRunner

import brokerlink as bl
from brokerlink.cli import app
from brokerlink.cli.options import Settings
from brokerlink.emulator.http import ServerHandle, serve
from brokerlink.oauth import OAuthStrategy

PROFILE = "tradestation:emulator"
PREFIX = "BROKERLINK_TRADESTATION_EMULATOR_"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TradeStationFront, ServerHandle]]:
    """A strict TradeStation emulator on a port, and the profile pointed at it."""
    redirect = f"http://localhost:{free_port()}"
    front = ts_front(Clock(), redirect_uris=(redirect,))
    with serve(front) as handle:
        monkeypatch.setenv(PREFIX + "BASE_URL", handle.url + "/v3")
        monkeypatch.setenv(PREFIX + "REDIRECT_URI", redirect)
        monkeypatch.setenv(PREFIX + "CLIENT_ID", APP_ID)
        monkeypatch.setenv(PREFIX + "CLIENT_SECRET", APP_SECRET)
        yield front, handle


def test_login_no_browser_then_use_then_logout(
    served: tuple[TradeStationFront, ServerHandle],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    front, handle = served
    url, output = login_by_url(capsys, PROFILE, "/authorize")
    assert url.startswith(handle.url + "/authorize?")
    assert "audience=https%3A%2F%2Fapi.tradestation.com" in url
    assert "Logged in to TradeStation emulator as Emma Ulator (emma@emulator.invalid)" in output
    assert "granted scopes: MarketData ReadAccount Trade offline_access openid profile" in output
    token_file = tmp_path / "config" / "tokens.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    entry = orjson.loads(token_file.read_bytes())["profiles"][PROFILE]
    for secret in (entry["tokens"]["access_token"], entry["tokens"]["refresh_token"], APP_SECRET):
        assert secret not in output

    # The stored login is what a connection to the served emulator now uses (strict front).
    with bl.connect(PROFILE) as broker:
        assert isinstance(broker._connection.auth, OAuthStrategy)
        assert len(broker.accounts()) == 2
    assert front.oauth.token_requests == 1

    failures: list[BaseException] = []
    run_cli(["logout", PROFILE], failures)
    assert failures == []
    output = capsys.readouterr().out
    assert "revoked the refresh token at TradeStation" in output
    assert PROFILE not in orjson.loads(token_file.read_bytes())["profiles"]


def test_profiles_shows_a_stored_login_as_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from brokerlink.oauth import StoredLogin, TokenSet, default_token_store
    from brokerlink.oauth.tokens import ClientCredentials

    (tmp_path / "brokerlink.toml").write_text(
        '[profiles.ts]\nbroker = "tradestation"\nenvironment = "sim"\n', encoding="utf-8"
    )
    listed = CliRunner().invoke(app, ["profiles", "--json"], obj=Settings())
    before = orjson.loads(listed.output)["profiles"][0]["credentials"]
    assert set(before.values()) == {"missing"}
    default_token_store().save(
        "ts",
        StoredLogin(
            tokens=TokenSet(access_token="at-value-1", refresh_token="rt-value-1"),
            client=ClientCredentials(client_id="app"),
        ),
    )
    table = CliRunner().invoke(app, ["profiles"], obj=Settings())
    assert table.exit_code == 0, table.output
    assert "at-value-1" not in table.output
    assert "rt-value-1" not in table.output
    listed = CliRunner().invoke(app, ["profiles", "--json"], obj=Settings())
    assert orjson.loads(listed.output)["profiles"][0]["credentials"] == {
        "access_token": "set",
        "refresh_token": "set",
        "client_id": "set",
        "client_secret": "missing",
    }
