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
    from brokerlink.broker.async_ import AsyncBroker
    from brokerlink.broker.sync import Broker

__all__ = [
    "CASSETTE_TOKEN",
    "TranscriptSession",
    "cassette_path",
    "emulator_api_root",
    "replay_broker",
]

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


class TranscriptSession:
    """One stream-transcript test: records at the emulator front, or replays the transcript.

    Recording runs ``adapter``'s in-process emulator behind a
    :class:`~brokerlink.testing.transcripts.RecordingFront` and writes ``path`` when the test ends;
    replaying serves ``path`` with a :class:`~brokerlink.testing.transcripts.ReplayFront` and fails
    the test if the client asked for anything the transcript does not hold.
    """

    def __init__(self, adapter: str, path: Path, *, record: bool, timing: bool = False) -> None:
        from brokerlink.emulator.http import EmulatorTransport
        from brokerlink.emulator.serving import servable_emulator
        from brokerlink.testing.transcripts import RecordingFront, ReplayFront

        self.adapter = adapter
        self.path = path
        self.record = record
        self._recorder: RecordingFront | None = None
        self._replay: ReplayFront | None = None
        if record:
            emulator = servable_emulator(adapter)
            self._recorder = RecordingFront(emulator.front)
            self.engine = emulator.engine
            self.transport = EmulatorTransport(self._recorder, emulator.engine)
        else:
            self._replay = ReplayFront(path, timing=timing)
            self.engine = self._replay.engine
            self.transport = EmulatorTransport(self._replay, self._replay.engine)

    def connect(self) -> Broker:
        """A sync broker over the session's transport."""
        import brokerlink as bl

        return bl.connect(
            f"{self.adapter}:emulator",
            auth=bl.StaticToken(CASSETTE_TOKEN),
            transport=self.transport,
        )

    def connect_async(self) -> AsyncBroker:
        """An async broker over the session's transport."""
        import brokerlink as bl

        return bl.connect_async(
            f"{self.adapter}:emulator",
            auth=bl.StaticToken(CASSETTE_TOKEN),
            transport=self.transport,
        )

    def finish(self) -> list[str]:
        """Save the recording, or return what the replay could not answer."""
        if self._recorder is not None:
            self._recorder.save(self.path)
            return []
        assert self._replay is not None
        return list(self._replay.mismatches)
