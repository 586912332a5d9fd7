"""Tradier streams replayed from transcripts (``cassettes/tradier/*.stream.jsonl``).

Every stream the emulator environment declares: quotes and intraday bars come from the market
stream (``POST /markets/events/session``, then the chunked ``GET /markets/events`` with that
session), orders from the account-events websocket (each event completed by a REST fetch of the
order), and positions by polling ``/positions`` (Tradier streams none). The transcripts were
recorded at the emulator front and replay through the adapter's real stream code, which must
send exactly what was recorded (the same session id, the same subscription message).
"""

from __future__ import annotations

import pytest

import brokerlink as bl
from brokerlink.capabilities import StreamKind
from brokerlink.testing.recording import CASSETTE_TOKEN, TranscriptSession
from tests.cassettes import scenarios

pytestmark = pytest.mark.brokerlink_adapter("tradier")


def test_emulator_declares_every_stream() -> None:
    with bl.connect("tradier:emulator", auth=bl.StaticToken(CASSETTE_TOKEN)) as broker:
        assert set(broker.capabilities.streams) == set(StreamKind)


def test_quote_stream(stream_transcript: TranscriptSession) -> None:
    scenarios.quote_stream(stream_transcript, 6)
    # The stream is a session: created once, then one chunked GET carrying its id.
    if not stream_transcript.record:
        entries = scenarios.transcript_entries(stream_transcript)
        [created] = [e for e in entries if e["path"].endswith("/markets/events/session")]
        [market] = [e for e in entries if e["kind"] == "http-stream"]
        assert created["method"] == "POST"
        assert "sessionid=" in market["query"]
        assert "symbols=AAPL%2CSPY" in market["query"] or "symbols=AAPL,SPY" in market["query"]


def test_bar_stream(stream_transcript: TranscriptSession) -> None:
    scenarios.bar_stream(stream_transcript, "SPY", "1min", 3)


async def test_order_stream_reports_a_fill(stream_transcript: TranscriptSession) -> None:
    await scenarios.order_stream_fill_in_order(stream_transcript, "castrord1", settle=1.0)
    if not stream_transcript.record:
        [socket] = [e for e in scenarios.transcript_entries(stream_transcript) if e["kind"] == "ws"]
        assert socket["path"].endswith("/accounts/events")


async def test_position_stream_after_fill(stream_transcript: TranscriptSession) -> None:
    await scenarios.position_stream_after_fill(stream_transcript, "castrpos1")
