"""brokerlink's pytest plugin (registered under ``pytest11``): cassettes that are safe to commit.

With pytest-recording installed, mark a test ``@pytest.mark.vcr`` and take the ``broker_cassette``
fixture: it yields a broker on the adapter named by ``@pytest.mark.brokerlink_adapter("tradier")``
that replays the test's cassette, or records it against that adapter's emulator served on a
loopback port when run with ``--record-mode=once`` (or ``rewrite``/``all``). Everything written is
scrubbed first (:mod:`brokerlink.testing.scrub`); a missing cassette fails with the command that
records it.

The ``broker`` fixture replays a cassette recorded against a *profile* (``tradier:sandbox`` or a
named profile of ``brokerlink.toml``), chosen with ``@pytest.mark.brokerlink_profile(...)``; run
with ``--brokerlink-record`` it records the test against that profile's API instead, through the
client-side tap (:mod:`brokerlink.testing.profiles`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from brokerlink.testing.cassettes import missing_cassette_message, vcr_config
from brokerlink.testing.profiles import ProfileCassette, refuse_live
from brokerlink.testing.recording import TranscriptSession, cassette_path, replay_broker
from brokerlink.testing.scrub import Scrubber

if TYPE_CHECKING:
    from brokerlink.broker.sync import Broker

__all__ = [
    "RECORD_OPTION",
    "broker",
    "broker_cassette",
    "pytest_addoption",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "stream_transcript",
    "vcr_config_fixture",
]

RECORD_OPTION = "--brokerlink-record"
"""Record the ``broker`` fixture's cassettes against their profiles instead of replaying them."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--brokerlink-record``."""
    parser.getgroup("brokerlink").addoption(
        RECORD_OPTION,
        action="store_true",
        default=False,
        dest="brokerlink_record",
        help="record the broker fixture's cassettes against their profiles (never live)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Declare the plugin's markers."""
    config.addinivalue_line(
        "markers", "brokerlink_adapter(name): the adapter whose emulator a cassette test uses"
    )
    config.addinivalue_line(
        "markers",
        "brokerlink_profile(selector): the profile the broker fixture replays or records "
        "('tradier:sandbox' or a profile of brokerlink.toml)",
    )
    config.addinivalue_line(
        "markers", "brokerlink_cassette(name): the broker fixture's cassette name (default: test)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With ``--brokerlink-record``, refuse a live profile before any test (or request) runs."""
    if not config.getoption("brokerlink_record"):
        return
    for item in items:
        marker = item.get_closest_marker("brokerlink_profile")
        if marker is not None and marker.args:
            refuse_live(str(marker.args[0]), item.nodeid)


@pytest.fixture(name="vcr_config")
def vcr_config_fixture() -> dict[str, Any]:
    """pytest-recording's settings with brokerlink's scrubber and matching rules."""
    return vcr_config(Scrubber())


def _adapter(request: pytest.FixtureRequest, fixture: str) -> str:
    marker = request.node.get_closest_marker("brokerlink_adapter")
    if marker is None or not marker.args:
        raise pytest.UsageError(
            f"{fixture} needs @pytest.mark.brokerlink_adapter('<adapter>') on the test"
        )
    return str(marker.args[0])


@pytest.fixture
def stream_transcript(request: pytest.FixtureRequest) -> Iterator[TranscriptSession]:
    """This test's stream transcript (``<cassette dir>/<test>.stream.jsonl``): recorded on the
    marked adapter's in-process emulator with ``--record-mode`` other than ``none``, replayed
    otherwise; a replay the transcript could not answer fails the test."""
    adapter = _adapter(request, "stream_transcript")
    # pytest-recording's fixture: its --record-mode default (none) applies when the option is
    # not given; reading the raw option would see None and record on every run.
    record = str(request.getfixturevalue("record_mode")) != "none"
    directory = request.getfixturevalue("vcr_cassette_dir")
    name = request.getfixturevalue("default_cassette_name")
    path = Path(directory) / f"{name}.stream.jsonl"
    if not record and not path.exists():
        pytest.fail(missing_cassette_message(path, request.node.nodeid), pytrace=False)
    # Recorded from the client side against the emulator served on a loopback port.
    session = TranscriptSession(adapter, path, record=record, served=True)
    yield session
    mismatches = session.finish()
    if mismatches:
        pytest.fail(
            "the replay asked for what the transcript does not hold:\n" + "\n".join(mismatches)
        )


@pytest.fixture
def broker_cassette(request: pytest.FixtureRequest) -> Iterator[Broker]:
    """A broker replaying (or recording) this test's cassette on the marked adapter's emulator."""
    adapter = _adapter(request, "broker_cassette")
    record_mode = str(request.getfixturevalue("record_mode"))
    record = record_mode != "none"
    directory = request.getfixturevalue("vcr_cassette_dir")
    name = request.getfixturevalue("default_cassette_name")
    path = cassette_path(directory, name)
    if not record and not path.exists():
        pytest.fail(missing_cassette_message(path, request.node.nodeid), pytrace=False)
    with replay_broker(adapter, record=record) as broker:
        yield broker


@pytest.fixture
def broker(request: pytest.FixtureRequest) -> Iterator[Broker]:
    """A broker replaying this test's cassette for the profile of
    ``@pytest.mark.brokerlink_profile(...)`` (no credentials, no network), or recording it
    against that profile with ``--brokerlink-record``."""
    marker = request.node.get_closest_marker("brokerlink_profile")
    if marker is None or not marker.args:
        raise pytest.UsageError(
            "the broker fixture needs @pytest.mark.brokerlink_profile('<adapter>:<environment>' "
            "or '<profile>') on the test"
        )
    named = request.node.get_closest_marker("brokerlink_cassette")
    name = str(named.args[0]) if named is not None and named.args else None
    cassette = ProfileCassette(
        selector=str(marker.args[0]),
        directory=Path(request.getfixturevalue("vcr_cassette_dir")),
        name=name or str(request.getfixturevalue("default_cassette_name")),
        test_id=request.node.nodeid,
    )
    if request.config.getoption("brokerlink_record"):
        with cassette.recording() as recorded:
            yield recorded
        return
    problem = cassette.missing()
    if problem:
        pytest.fail(problem, pytrace=False)
    with cassette.replaying() as (replayed, mismatches):
        yield replayed
    if mismatches:
        pytest.fail(
            "the replay asked for what the cassette does not hold:\n" + "\n".join(mismatches)
        )
