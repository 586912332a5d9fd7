"""The ``broker`` fixture and ``--brokerlink-record``, run in a separate pytest on a test project.

Nothing here reaches a broker: the record path is tested against a profile whose ``base_url`` is
an emulator served on loopback, with a fake token in the profile's env var.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from brokerlink.emulator.http import serve
from brokerlink.emulator.serving import servable_emulator

TEST_FILE = """
import json, os
from itertools import islice
import pytest

@pytest.mark.brokerlink_profile({selector!r})
@pytest.mark.brokerlink_cassette("session")
def test_session(broker):
    seen = {{
        "accounts": [a.id for a in broker.accounts()],
        "quotes": [str(q.bid) for q in broker.quotes(["AAPL", "SPY"]).values()],
    }}
    with open(os.environ["SEEN_FILE"], "a") as out:
        out.write(json.dumps(seen) + "\\n")
"""


def _run(
    project: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BROKERLINK_")}
    clean.update(
        BROKERLINK_TOKEN_FILE=str(project / "no-tokens.json"),
        SEEN_FILE=str(project / "seen.jsonl"),
        **(env or {}),
    )
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _project(tmp_path: Path, selector: str, config: str = "") -> Path:
    (tmp_path / "test_session.py").write_text(TEST_FILE.format(selector=selector))
    (tmp_path / "brokerlink.toml").write_text(config)
    return tmp_path


def test_a_live_profile_is_refused_before_any_request(tmp_path: Path) -> None:
    project = _project(tmp_path, "tradier:live")
    result = _run(project, "--brokerlink-record")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR
    assert "refuses the live profile 'tradier:live'" in result.stderr
    assert not (project / "seen.jsonl").exists()


def test_recording_without_credentials_names_the_env_var_and_the_login(tmp_path: Path) -> None:
    project = _project(tmp_path, "tradier:sandbox")
    result = _run(project, "--brokerlink-record")
    assert result.returncode == pytest.ExitCode.TESTS_FAILED
    assert "export BROKERLINK_TRADIER_SANDBOX_ACCESS_TOKEN=<access token>" in result.stdout
    assert "brokerlink login tradier:sandbox" in result.stdout
    assert not (project / "cassettes").exists()


def test_a_missing_cassette_fails_with_the_command_that_records_it(tmp_path: Path) -> None:
    project = _project(tmp_path, "tradier:sandbox")
    result = _run(project, "--block-network")
    assert result.returncode == pytest.ExitCode.TESTS_FAILED
    assert "session.stream.jsonl does not exist" in result.stdout
    assert "uv run pytest 'test_session.py::test_session' --brokerlink-record" in result.stdout
    assert "BROKERLINK_TRADIER_SANDBOX_ACCESS_TOKEN" in result.stdout


def test_a_profile_recorded_against_a_served_api_replays_offline(tmp_path: Path) -> None:
    emulator = servable_emulator("tradier")
    with serve(emulator.front) as server:
        root = emulator.api_root(server.url)
        config = f'[profiles.tsandbox]\nbroker = "tradier"\nenvironment = "sandbox"\nbase_url = "{root}"\n'
        project = _project(tmp_path, "tsandbox", config)
        token = {"BROKERLINK_TSANDBOX_ACCESS_TOKEN": "fake-token-for-the-emulator"}
        recorded = _run(project, "--brokerlink-record", env=token)
        assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    cassette = project / "cassettes" / "test_session" / "session.stream.jsonl"
    assert cassette.exists()
    assert b"fake-token-for-the-emulator" not in cassette.read_bytes()

    # The server is stopped, no token is set and the network is blocked.
    replayed = _run(project, "--block-network", "--allowed-hosts=127.0.0.1,::1,localhost")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    first, second = (project / "seen.jsonl").read_text().splitlines()
    assert first == second
    assert '"accounts": ["' in first
