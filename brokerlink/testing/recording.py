"""Cassette sessions against a broker's emulator: served on a port to record, absent to replay.

Recording a scenario against an emulator needs real HTTP (vcrpy records the network transport,
not the in-process one), so the emulator is served on a free loopback port for the recording.
Replaying needs nothing running: the broker is pointed at the same API root, and vcrpy answers
from the cassette before any socket opens. The scrubber normalises the port, so the cassette is
the same whichever port the recording used.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from brokerlink.testing.scrub import RECORDING_ORIGIN

if TYPE_CHECKING:
    from brokerlink.adapter import Transport
    from brokerlink.broker.async_ import AsyncBroker
    from brokerlink.broker.sync import Broker
    from brokerlink.emulator.http import ServerHandle

__all__ = [
    "CASSETTE_TOKEN",
    "TranscriptSession",
    "adapter_keepalives",
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
    """One stream-transcript test: records a session, or replays the transcript.

    Recording runs ``adapter``'s emulator, either served on a free loopback port and recorded
    from the client side by a :class:`~brokerlink.testing.tap.TapTransport` (``served=True``, what
    the ``stream_transcript`` fixture does), or in-process behind a
    :class:`~brokerlink.testing.transcripts.RecordingFront`; :meth:`finish` writes ``path`` (and
    stops the server). Replaying serves ``path`` with a
    :class:`~brokerlink.testing.transcripts.ReplayFront`, in-process with nothing running, and
    :meth:`finish` returns what the client asked for that the transcript does not hold.
    ``engine`` is the emulator's engine while recording (the replay's own, empty one otherwise).
    """

    def __init__(
        self,
        adapter: str,
        path: Path,
        *,
        record: bool,
        timing: bool = False,
        served: bool = False,
    ) -> None:
        from brokerlink.emulator.http import EmulatorTransport, serve
        from brokerlink.emulator.serving import servable_emulator
        from brokerlink.testing.journal import TranscriptLog
        from brokerlink.testing.tap import TapTransport
        from brokerlink.testing.transcripts import RecordingFront, ReplayFront

        self.adapter = adapter
        self.path = path
        self.record = record
        self._recorder: RecordingFront | None = None
        self._replay: ReplayFront | None = None
        self._tap: TapTransport | None = None
        self._server: ServerHandle | None = None
        self._base_url: str | None = None
        self.transport: Transport
        if record and served:
            emulator = servable_emulator(adapter)
            self._server = serve(emulator.front)
            self._base_url = emulator.api_root(self._server.url)
            self._tap = TapTransport(TranscriptLog(emulator.front.name))
            self.engine = emulator.engine
            self.transport = self._tap
        elif record:
            emulator = servable_emulator(adapter)
            self._recorder = RecordingFront(emulator.front)
            self.engine = emulator.engine
            self.transport = EmulatorTransport(self._recorder, emulator.engine)
        else:
            self._replay = ReplayFront(path, timing=timing, keepalives=adapter_keepalives(adapter))
            self.engine = self._replay.engine
            self.transport = EmulatorTransport(self._replay, self._replay.engine)

    @property
    def base_url(self) -> str | None:
        """The served emulator's API root while recording served (``None`` otherwise)."""
        return self._base_url

    def _overrides(self) -> dict[str, Any]:
        return {} if self._base_url is None else {"base_url": self._base_url}

    def connect(self) -> Broker:
        """A sync broker over the session's transport."""
        import brokerlink as bl

        return bl.connect(
            f"{self.adapter}:emulator",
            auth=bl.StaticToken(CASSETTE_TOKEN),
            transport=self.transport,
            **self._overrides(),
        )

    def connect_async(self) -> AsyncBroker:
        """An async broker over the session's transport."""
        import brokerlink as bl

        return bl.connect_async(
            f"{self.adapter}:emulator",
            auth=bl.StaticToken(CASSETTE_TOKEN),
            transport=self.transport,
            **self._overrides(),
        )

    def finish(self) -> list[str]:
        """Save the recording (stopping a served emulator), or return what the replay could not
        answer."""
        if self._tap is not None:
            assert self._server is not None
            self._server.stop()
            self._tap.log.save(self.path)
            return []
        if self._recorder is not None:
            self._recorder.save(self.path)
            return []
        assert self._replay is not None
        return list(self._replay.mismatches)


def adapter_keepalives(adapter: str) -> tuple[Mapping[str, str], ...]:
    """The client keepalive messages ``adapter`` declares (``Adapter.keepalive_messages``)."""
    from brokerlink.registry import AdapterRegistry

    return tuple(AdapterRegistry().get(adapter).keepalive_messages)
