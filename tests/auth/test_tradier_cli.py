"""``brokerlink login tradier:emulator --no-browser`` against a served Tradier emulator, then the
stored login in use (``bl.connect``) and ``logout`` (Tradier has nothing to revoke: it only
deletes); ``login tradier:sandbox`` refused (the sandbox takes its personal token only).

The command runs in a thread exactly as a user would run it (the profile configured by env
vars, as docs/auth.md says); the test reads the URL it prints and follows it like a browser: the
emulator consents and redirects to the app's registered callback, the command's one-shot
callback server (Tradier's authorize request names no redirect URI).
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from authkit import Clock, free_port
from brokerlink_tradier.emulator import EMULATOR_APP, TradierFront, emulator_front, signin_server
from clikit import login_by_url, run_cli
from typer.testing import CliRunner

import brokerlink as bl
from brokerlink.cli import app
from brokerlink.cli.options import Settings
from brokerlink.emulator import EmulatorConfig, Engine
from brokerlink.emulator.http import ServerHandle, serve
from brokerlink.emulator.oauth import EmulatedClient
from brokerlink.oauth import OAuthStrategy

PROFILE = "tradier:emulator"
PREFIX = "BROKERLINK_TRADIER_EMULATOR_"
APP_ID = "tradier-cli-app"
APP_SECRET = "tradier-cli-secret-83be20"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TradierFront, ServerHandle]]:
    """A strict Tradier emulator on a port whose test app's callback is a free local port, and
    the profile pointed at both."""
    redirect = f"http://localhost:{free_port()}"
    test_app = EmulatedClient(client_id=APP_ID, client_secret=APP_SECRET, redirect_uris=(redirect,))
    oauth = signin_server(clients=(test_app, EMULATOR_APP), clock=Clock())
    front = emulator_front(Engine(EmulatorConfig()), oauth=oauth, strict_tokens=True)
    with serve(front) as handle:
        monkeypatch.setenv(PREFIX + "BASE_URL", handle.url + "/v1")
        monkeypatch.setenv(PREFIX + "REDIRECT_URI", redirect)
        monkeypatch.setenv(PREFIX + "CLIENT_ID", APP_ID)
        monkeypatch.setenv(PREFIX + "CLIENT_SECRET", APP_SECRET)
        yield front, handle


def test_login_no_browser_then_use_then_logout(
    served: tuple[TradierFront, ServerHandle],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    front, handle = served
    url, output = login_by_url(capsys, PROFILE, "/oauth/authorize")
    assert url.startswith(handle.url + "/v1/oauth/authorize?")
    assert "scope=read%2Cwrite%2Cmarket%2Ctrade%2Cstream" in url
    assert "redirect_uri" not in url
    assert "Logged in to Tradier emulator as (the broker did not say who)" in output
    assert "granted scopes: market read stream trade write" in output
    assert "tokens (with a refresh token) stored" in output
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
    assert "revoked" not in output  # Tradier has no revoke endpoint
    assert f"deleted the stored tokens of {PROFILE!r}" in output
    assert PROFILE not in orjson.loads(token_file.read_bytes())["profiles"]


def test_the_sandbox_has_no_browser_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROKERLINK_TRADIER_SANDBOX_CLIENT_ID", APP_ID)
    result = CliRunner().invoke(app, ["login", "tradier:sandbox", "--no-browser"], obj=Settings())
    assert result.exit_code == 2, result.output
    assert "Tradier has no browser login" in result.output
    assert "export BROKERLINK_TRADIER_SANDBOX_ACCESS_TOKEN=" in result.output
