"""tastytrade's websockets replayed from transcripts (``cassettes/tastytrade/*.stream.jsonl``).

DxLink (quotes, candles for bars) and the account streamer are websockets, which vcrpy cannot
record: these transcripts were recorded at the emulator front and replay message by message
through the adapter's real DxLink and streamer code, which must send what was recorded.
"""

from __future__ import annotations

import pytest

from brokerlink.testing.recording import TranscriptSession
from tests.cassettes import scenarios

pytestmark = pytest.mark.brokerlink_adapter("tastytrade")


def test_bars_from_candles(stream_transcript: TranscriptSession) -> None:
    with stream_transcript.connect() as broker:
        scenarios.bars(broker)


def test_quote_stream(stream_transcript: TranscriptSession) -> None:
    scenarios.quote_stream(stream_transcript, 6)


async def test_order_stream_reports_a_fill(stream_transcript: TranscriptSession) -> None:
    await scenarios.order_stream_reports_a_fill(stream_transcript)
