"""Cassette sessions against a broker's emulator: served on a port to record, absent to replay.

Recording a scenario against an emulator needs real HTTP (vcrpy records the network transport,
not the in-process one), so the emulator is served on a free loopback port for the recording.
Replaying needs nothing running: the broker is pointed at the same API root, and vcrpy answers
from the cassette before any socket opens. The scrubber normalises the port, so the cassette is
the same whichever port the recording used.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from brokerlink.testing.scrub import RECORDING_ORIGIN

if TYPE_CHECKING:
    from brokerlink.broker.sync import Broker

__all__ = ["CASSETTE_TOKEN", "cassette_path", "emulator_api_root", "replay_broker"]

CASSETTE_TOKEN = "cassette-fake-token"
"""The bearer token recordings against emulators are made with (scrubbed anyway)."""


def cassette_path(directory: str | Path, name: str) -> Path:
    """Where pytest-recording keeps the cassette ``name`` in ``directory``."""
    return Path(directory) / f"{name}.yaml"


@contextlib.contextmanager
def emulator_api_root(adapter: str, *, record: bool, seed: int | None = None) -> Iterator[str]:
    """The API root of ``adapter``'s emulator: served on a free port while recording."""
    from brokerlink.emulator.http import serve
    from brokerlink.emulator.serving import servable_emulator

    emulator = servable_emulator(adapter, seed=seed)
    if not record:
        yield emulator.api_root(f"http://{RECORDING_ORIGIN}")
        return
    with serve(emulator.front) as handle:
        yield emulator.api_root(handle.url)


@contextlib.contextmanager
def replay_broker(adapter: str, *, record: bool, seed: int | None = None) -> Iterator[Broker]:
    """A sync broker on ``adapter``'s emulator API, over real HTTP (recorded or replayed)."""
    import brokerlink as bl

    with (
        emulator_api_root(adapter, record=record, seed=seed) as root,
        bl.connect(
            f"{adapter}:emulator", auth=bl.StaticToken(CASSETTE_TOKEN), base_url=root
        ) as broker,
    ):
        yield broker
