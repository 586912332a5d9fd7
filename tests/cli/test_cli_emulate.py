"""``brokerlink emulate``: serving an emulator on loopback, and refusing anything else."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import orjson
import pytest

from brokerlink import _http
from brokerlink.cli import emulate_cmd

if TYPE_CHECKING:
    from brokerlink.emulator.http import ServerHandle
    from tests.cli.conftest import Cli


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com", "::"])
def test_a_non_loopback_host_is_refused(cli: Cli, host: str) -> None:
    result = cli("emulate", "paper", "--host", host, "--port", "0")

    assert result.exit_code == 2
    assert "loopback" in result.output
    assert "listening" not in result.output


def test_an_adapter_without_an_emulator_is_a_config_error() -> None:
    from brokerlink.emulator.serving import servable_emulator
    from brokerlink.errors import ConfigError
    from brokerlink.registry import AdapterRegistry
    from tests.support.fake_adapter import FakeAdapter

    registry = AdapterRegistry(discover=list)
    registry.register(FakeAdapter)
    with pytest.raises(ConfigError, match="has no emulator environment") as caught:
        servable_emulator(FakeAdapter.name, registry=registry)
    assert caught.value.key == "adapter"


def test_an_unknown_adapter_is_a_config_error(cli: Cli) -> None:
    result = cli("emulate", "nosuchbroker", "--port", "0")

    assert result.exit_code == 2
    assert "nosuchbroker" in result.output


def test_serves_the_paper_api_until_interrupted(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    answers: list[tuple[str, int, object]] = []

    def call_then_interrupt(handle: ServerHandle) -> None:
        # Any HTTP client can talk to it: here a plain one, over a real loopback socket.
        with _http.Client() as client:
            response = client.get(handle.url + "/v1/accounts")
        answers.append((handle.url, response.status_code, orjson.loads(response.content)))
        raise KeyboardInterrupt

    monkeypatch.setattr(emulate_cmd, "wait_for_interrupt", call_then_interrupt)

    result = cli("emulate", "paper", "--port", "0", "--seed", "11")

    assert result.exit_code == 0, result.output
    [(url, status, body)] = answers
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
    assert f"listening on {url}" in result.output
    assert f"API root: {url}/v1" in result.output
    assert status == 200
    assert "EMU00001" in orjson.dumps(body).decode()
    assert result.output.rstrip().endswith("emulator stopped")
