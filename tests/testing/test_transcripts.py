"""Stream transcripts: a session recorded at the front replays through the real client code."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import orjson
import pytest

import brokerlink as bl
from brokerlink._http import AsyncClient, WebSocketClosed
from brokerlink.emulator import Engine
from brokerlink.emulator.http import EmulatorTransport
from brokerlink.emulator.serving import servable_emulator
from brokerlink.testing.transcripts import RecordingFront, ReplayFront
from tests.core.test_emulator_websockets import _EchoFront


def test_a_paper_session_with_a_chunked_stream_replays_with_nothing_behind_it(
    tmp_path: Path,
) -> None:
    emulator = servable_emulator("paper")
    recorder = RecordingFront(emulator.front)
    with bl.connect("paper:emulator", transport=EmulatorTransport(recorder, emulator.engine)) as b:
        accounts = b.accounts()
        quotes = [e.quote for e in islice(b.stream_quotes(["SPY", "AAPL"]), 6)]
    path = recorder.save(tmp_path / "session.stream.jsonl")

    lines = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    assert [line["kind"] for line in lines] == ["meta", "http", "http-stream"]
    assert len(lines[2]["frames"]) >= 6
    assert lines[2]["ended"] is False

    replay = ReplayFront(path)
    with bl.connect("paper:emulator", transport=EmulatorTransport(replay, replay.engine)) as b:
        assert b.accounts() == accounts
        assert [e.quote for e in islice(b.stream_quotes(["SPY", "AAPL"]), 6)] == quotes
        # A request the transcript does not hold is refused, and remembered.
        with pytest.raises(bl.BrokerError):
            b.balances()
    assert len(replay.mismatches) == 1
    assert "/balance" in replay.mismatches[0]


async def _echo_session(client: AsyncClient, words: list[str]) -> list[str]:
    got = []
    async with client.websocket("ws://echo.emulator/echo?who=rec") as ws:
        got.append(await ws.receive_text(timeout=5))
        for word in words:
            await ws.send_text(word)
            got.append(await ws.receive_text(timeout=5))
    return got


async def test_a_websocket_session_replays_and_checks_what_the_client_sends(
    tmp_path: Path,
) -> None:
    engine = Engine()
    recorder = RecordingFront(_EchoFront(engine))
    async with AsyncClient(transport=EmulatorTransport(recorder, engine)) as client:
        recorded = await _echo_session(client, ["one", "two"])
    path = recorder.save(tmp_path / "echo.stream.jsonl")

    replay = ReplayFront(path)
    async with AsyncClient(transport=EmulatorTransport(replay, replay.engine)) as client:
        assert await _echo_session(client, ["one", "two"]) == recorded
    assert replay.mismatches == []

    wrong = ReplayFront(path)
    async with AsyncClient(transport=EmulatorTransport(wrong, wrong.engine)) as client:
        # The replay hangs up on a wrong message (httpx2 reports it from its task group).
        with pytest.raises(BaseExceptionGroup) as caught:
            await _echo_session(client, ["one", "three"])
    [closed] = caught.value.exceptions
    assert isinstance(closed, WebSocketClosed)
    assert closed.code == 1008
    assert wrong.mismatches == ["expected two, the client sent three"]
