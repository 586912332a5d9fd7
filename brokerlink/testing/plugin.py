"""brokerlink's pytest plugin (registered under ``pytest11``): cassettes that are safe to commit.

With pytest-recording installed, mark a test ``@pytest.mark.vcr`` and take the ``broker_cassette``
fixture: it yields a broker on the adapter named by ``@pytest.mark.brokerlink_adapter("tradier")``
that replays the test's cassette, or records it against that adapter's emulator served on a
loopback port when run with ``--record-mode=once`` (or ``rewrite``/``all``). Everything written is
scrubbed first (:mod:`brokerlink.testing.scrub`); a missing cassette fails with the command that
records it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from brokerlink.testing.cassettes import missing_cassette_message, vcr_config
from brokerlink.testing.recording import cassette_path, replay_broker
from brokerlink.testing.scrub import Scrubber

if TYPE_CHECKING:
    from brokerlink.broker.sync import Broker

__all__ = ["broker_cassette", "pytest_configure", "vcr_config_fixture"]


def pytest_configure(config: pytest.Config) -> None:
    """Declare the plugin's marker."""
    config.addinivalue_line(
        "markers", "brokerlink_adapter(name): the adapter whose emulator a cassette test uses"
    )


@pytest.fixture(name="vcr_config")
def vcr_config_fixture() -> dict[str, Any]:
    """pytest-recording's settings with brokerlink's scrubber and matching rules."""
    return vcr_config(Scrubber())


@pytest.fixture
def broker_cassette(request: pytest.FixtureRequest) -> Iterator[Broker]:
    """A broker replaying (or recording) this test's cassette on the marked adapter's emulator."""
    marker = request.node.get_closest_marker("brokerlink_adapter")
    if marker is None or not marker.args:
        raise pytest.UsageError(
            "broker_cassette needs @pytest.mark.brokerlink_adapter('<adapter>') on the test"
        )
    record_mode = str(request.getfixturevalue("record_mode"))
    record = record_mode != "none"
    directory = request.getfixturevalue("vcr_cassette_dir")
    name = request.getfixturevalue("default_cassette_name")
    path = cassette_path(directory, name)
    if not record and not path.exists():
        pytest.fail(missing_cassette_message(path, request.node.nodeid), pytrace=False)
    with replay_broker(str(marker.args[0]), record=record) as broker:
        yield broker
