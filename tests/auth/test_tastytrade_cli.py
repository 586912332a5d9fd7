"""``brokerlink login tastytrade:emulator --no-browser`` against a served tastytrade emulator, then
the stored login in use (``bl.connect``) and ``logout`` (tastytrade has no revocation endpoint:
only the stored tokens go).

The command runs in a thread exactly as a user would run it (the profile configured by env
vars, as docs/auth.md says); the test reads the URL it prints and follows it like a browser: the
emulator consents and redirects to the command's one-shot callback server.
"""

from __future__ import annotations

import logging
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import orjson
import pytest
from authkit import Clock, free_port
from brokerlink_tastytrade.emulator import (
    EMULATOR_APP,
    TastytradeFront,
    emulator_front,
    signin_server,
)
from clikit import login_by_url, run_cli
from typer.testing import CliRunner

import brokerlink as bl
from brokerlink.cli import app
from brokerlink.cli.options import Settings
from brokerlink.emulator import EmulatorConfig, Engine
from brokerlink.emulator.http import ServerHandle, serve
from brokerlink.emulator.oauth import EmulatedClient
from brokerlink.oauth import OAuthStrategy

PROFILE = "tastytrade:emulator"
PREFIX = "BROKERLINK_TASTYTRADE_EMULATOR_"
APP_ID = "tt-cli-app"
APP_SECRET = "tt-cli-secret-93be07"


@pytest.fixture
def served(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[TastytradeFront, ServerHandle, Clock]]:
    """A strict tastytrade emulator on a port, and the profile pointed at it."""
    redirect = f"http://localhost:{free_port()}"
    clock = Clock()
    client = EmulatedClient(client_id=APP_ID, client_secret=APP_SECRET, redirect_uris=(redirect,))
    oauth = signin_server(clients=(client, EMULATOR_APP), clock=clock)
    front = emulator_front(Engine(EmulatorConfig()), oauth=oauth, strict_tokens=True)
    with serve(front) as handle:
        monkeypatch.setenv(PREFIX + "BASE_URL", handle.url)
        monkeypatch.setenv(PREFIX + "REDIRECT_URI", redirect)
        monkeypatch.setenv(PREFIX + "CLIENT_ID", APP_ID)
        monkeypatch.setenv(PREFIX + "CLIENT_SECRET", APP_SECRET)
        yield front, handle, clock


def test_login_no_browser_then_use_then_logout(
    served: tuple[TastytradeFront, ServerHandle, Clock],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    front, handle, clock = served
    url, output = login_by_url(capsys, PROFILE, "/oauth/authorize")
    assert url.startswith(handle.url + "/oauth/authorize?")
    assert "scope=read+trade+openid" in url
    assert "code_challenge" not in url  # tastytrade documents no PKCE
    assert "Logged in to tastytrade emulator as Emma Ulator (emma@emulator.invalid)" in output
    assert "granted scopes: openid read trade" in output
    assert "tokens (with a refresh token) stored for profile 'tastytrade:emulator'" in output
    token_file = tmp_path / "config" / "tokens.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    entry = orjson.loads(token_file.read_bytes())["profiles"][PROFILE]
    refresh = entry["tokens"]["refresh_token"]
    secrets = {entry["tokens"]["access_token"], refresh, APP_SECRET}

    # The stored login is what a connection to the served emulator now uses (strict front),
    # refreshed once its 15 minutes are over; the refresh token does not rotate.
    with bl.connect(PROFILE) as broker:
        assert isinstance(broker._connection.auth, OAuthStrategy)
        assert len(broker.accounts()) == 2
        clock.advance(timedelta(minutes=16))
        assert broker.balances().account == "EMU00001"
    assert front.oauth.token_requests == 2
    stored = orjson.loads(token_file.read_bytes())["profiles"][PROFILE]["tokens"]
    assert stored["refresh_token"] == refresh
    secrets.add(stored["access_token"])

    failures: list[BaseException] = []
    run_cli(["logout", PROFILE], failures)
    assert failures == []
    output += capsys.readouterr().out
    assert "revoked" not in output  # nothing to revoke at tastytrade
    assert "deleted the stored tokens of 'tastytrade:emulator'" in output
    assert PROFILE not in orjson.loads(token_file.read_bytes())["profiles"]
    for secret in secrets:
        assert secret not in output
        assert secret not in caplog.text


def test_login_against_an_in_process_emulator_says_to_serve_one() -> None:
    result = CliRunner().invoke(app, ["login", PROFILE, "--no-browser"], obj=Settings())
    assert result.exit_code != 0
    assert "brokerlink emulate tastytrade" in result.output
    assert PREFIX + "BASE_URL" in result.output
