"""``brokerlink login <profile> --no-browser`` and ``logout`` against a served test emulator.

The command runs in a thread exactly as a user would run it; the test reads the URL it prints,
follows it like a browser (the emulator consents and redirects to the command's callback
server), and checks what the command printed and stored.
"""

from __future__ import annotations

import re
import socket
import stat
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from authkit import CLIENT_ID, CLIENT_SECRET, AuthTestFront, free_port, front, registry

from brokerlink.cli import app, login_cmd
from brokerlink.cli.options import Settings
from brokerlink.emulator.http import ServerHandle, serve

PROFILE = "authtest:emulator"
PREFIX = "BROKERLINK_AUTHTEST_EMULATOR_"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[AuthTestFront, ServerHandle]]:
    redirect = f"http://localhost:{free_port()}/callback"
    fr = front(redirect_uris=(redirect,))
    monkeypatch.setattr(login_cmd, "AdapterRegistry", registry)
    with serve(fr) as handle:
        monkeypatch.setenv(PREFIX + "BASE_URL", handle.url + "/api")
        monkeypatch.setenv(PREFIX + "REDIRECT_URI", redirect)
        monkeypatch.setenv(PREFIX + "CLIENT_ID", CLIENT_ID)
        monkeypatch.setenv(PREFIX + "CLIENT_SECRET", CLIENT_SECRET)
        yield fr, handle


def _run(args: list[str], failures: list[BaseException]) -> int:
    """Run the command; the exit code (0 on success). Unexpected exceptions land in ``failures``."""
    try:
        code = app(args, prog_name="brokerlink", standalone_mode=False, obj=Settings())
    except BaseException as exc:
        failures.append(exc)
        return -1
    return code if isinstance(code, int) else 0


def _wait_for_url(capsys: pytest.CaptureFixture[str], seen: list[str]) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        seen.append(capsys.readouterr().out)
        found = re.search(r"^(http://\S+/oauth/authorize\?\S+)$", "".join(seen), re.MULTILINE)
        if found:
            return found.group(1)
        time.sleep(0.02)
    raise AssertionError(f"no login URL was printed: {''.join(seen)!r}")


def test_login_no_browser_then_logout(
    served: tuple[AuthTestFront, ServerHandle], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fr, _ = served
    failures: list[BaseException] = []
    command = threading.Thread(
        target=_run, args=(["login", PROFILE, "--no-browser", "--timeout", "20"], failures)
    )
    command.start()
    seen: list[str] = []
    url = _wait_for_url(capsys, seen)
    with urllib.request.urlopen(url, timeout=10) as page:  # the "browser"
        assert b"close this tab" in page.read()
    command.join(20)
    assert not command.is_alive()
    assert failures == []
    captured = capsys.readouterr()
    assert "error" not in captured.err
    output = "".join(seen) + captured.out
    assert "Logged in to AuthTest emulator as Emma Ulator (emma@emulator.invalid)" in output
    assert "granted scopes: ReadAccount Trade offline_access openid" in output
    token_file = tmp_path / "config" / "tokens.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    entry = orjson.loads(token_file.read_bytes())["profiles"][PROFILE]
    refresh_token = entry["tokens"]["refresh_token"]
    for secret in (entry["tokens"]["access_token"], refresh_token, CLIENT_SECRET):
        assert secret not in output

    _run(["logout", PROFILE], failures)
    assert failures == []
    output = capsys.readouterr().out
    assert "revoked the refresh token at AuthTest" in output
    assert f"deleted the stored tokens of {PROFILE!r}" in output
    assert PROFILE not in orjson.loads(token_file.read_bytes())["profiles"]
    assert refresh_token not in fr.oauth._refresh  # revoked at the server too


def test_login_to_an_in_process_emulator_says_to_serve_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(login_cmd, "AdapterRegistry", registry)
    failures: list[BaseException] = []
    assert _run(["login", PROFILE, "--no-browser"], failures) == 2
    assert failures == []
    error = capsys.readouterr().err
    assert "brokerlink emulate authtest" in error
    assert PREFIX + "BASE_URL" in error


def test_login_without_a_client_id_names_the_variable(
    served: tuple[AuthTestFront, ServerHandle],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv(PREFIX + "CLIENT_ID")
    failures: list[BaseException] = []
    assert _run(["login", PROFILE, "--no-browser"], failures) == 2
    assert PREFIX + "CLIENT_ID" in capsys.readouterr().err


def test_login_on_a_busy_port_fails_before_showing_a_url(
    served: tuple[AuthTestFront, ServerHandle],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setenv(PREFIX + "REDIRECT_URI", f"http://localhost:{port}/callback")
        failures: list[BaseException] = []
        assert _run(["login", PROFILE, "--no-browser"], failures) == 2
    captured = capsys.readouterr()
    assert "oauth/authorize" not in captured.out
    assert f"stop whatever uses port {port}" in captured.err
