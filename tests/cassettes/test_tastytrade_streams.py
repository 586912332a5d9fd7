"""tastytrade's websockets replayed from transcripts (``cassettes/tastytrade/*.stream.jsonl``).

DxLink (quotes, candles for bars) and the account streamer (orders, positions) are websockets,
which vcrpy cannot record: these transcripts were recorded at the emulator front and replay
message by message through the adapter's real DxLink and streamer code, which must send what was
recorded (the setup, auth, channel and subscription messages; keepalives are left out).
"""

from __future__ import annotations

import orjson
import pytest

import brokerlink as bl
from brokerlink.capabilities import StreamKind
from brokerlink.testing.recording import CASSETTE_TOKEN, TranscriptSession
from tests.cassettes import scenarios

pytestmark = pytest.mark.brokerlink_adapter("tastytrade")


def test_emulator_declares_every_stream() -> None:
    with bl.connect("tastytrade:emulator", auth=bl.StaticToken(CASSETTE_TOKEN)) as broker:
        assert set(broker.capabilities.streams) == set(StreamKind)
        assert broker.capabilities.history.over_stream  # bar history is DxLink candles too


def test_bars_from_candles(stream_transcript: TranscriptSession) -> None:
    with stream_transcript.connect() as broker:
        scenarios.bars(broker)


def test_quote_stream(stream_transcript: TranscriptSession) -> None:
    scenarios.quote_stream(stream_transcript, 6)


def test_bar_stream(stream_transcript: TranscriptSession) -> None:
    scenarios.bar_stream(stream_transcript, "SPY", "1min", 3)
    if not stream_transcript.record:
        sent = _client_messages(stream_transcript)
        subscriptions = [m for m in sent if m.get("type") == "FEED_SUBSCRIPTION"]
        assert subscriptions, "candles are subscribed on a DxLink feed channel"
        [candle] = [s for m in subscriptions for s in m.get("add", [])]
        assert candle["type"] == "Candle"
        assert candle["symbol"].startswith("SPY{=1m")


async def test_order_stream_reports_a_fill(stream_transcript: TranscriptSession) -> None:
    await scenarios.order_stream_reports_a_fill(stream_transcript)


async def test_order_stream_statuses_in_order(stream_transcript: TranscriptSession) -> None:
    await scenarios.order_stream_fill_in_order(stream_transcript, "casttord1", settle=1.0)


async def test_position_stream_after_fill(stream_transcript: TranscriptSession) -> None:
    await scenarios.position_stream_after_fill(stream_transcript, "casttpos1")
    if not stream_transcript.record:
        sent = _client_messages(stream_transcript)
        assert any(m.get("action") == "connect" for m in sent)  # the account streamer


def _client_messages(session: TranscriptSession) -> list[dict[str, object]]:
    found = []
    for entry in scenarios.transcript_entries(session):
        if entry["kind"] == "ws":
            found += [orjson.loads(text) for _, way, text in entry["events"] if way == "recv"]
    return found
