"""TradeStation streams replayed from transcripts (``cassettes/tradestation/*.stream.jsonl``).

vcrpy cannot record endless chunked streams; these transcripts were recorded at the emulator
front and replay chunk by chunk through the adapter's real stream code.
"""

from __future__ import annotations

import pytest

from brokerlink.testing.recording import TranscriptSession
from tests.cassettes import scenarios

pytestmark = pytest.mark.brokerlink_adapter("tradestation")


def test_quote_stream(stream_transcript: TranscriptSession) -> None:
    scenarios.quote_stream(stream_transcript, 8)


async def test_order_stream_reports_a_fill(stream_transcript: TranscriptSession) -> None:
    await scenarios.order_stream_reports_a_fill(stream_transcript)
