"""Helpers shared by the Tradier emulator tests (imported as ``tradier_emu``)."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from brokerlink._http import Client

DOCUMENTED = Path(__file__).parent / "documented"
ACCOUNT = "EMU00001"
CASH_ACCOUNT = "EMU00002"
BASE = "http://tradier.emulator/v1"
AUTH = {"Authorization": "Bearer test-token", "Accept": "application/json"}


class FakeClock:
    """A settable wall clock for rate-limit windows and session expiry."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def load_documented(name: str) -> Any:
    """A documented example; ``.jsonc`` files lose their ``//`` comments and ``...`` lines."""
    text = (DOCUMENTED / name).read_text()
    if name.endswith(".ndjson"):
        return [orjson.loads(line) for line in text.splitlines() if line.strip()]
    if name.endswith(".jsonc"):
        text = re.sub(r"//[^\n]*", "", text)
        text = re.sub(r",\s*\.\.\.\s*", "", text)
        text = re.sub(r"\n\s*\.\.\.\s*\n", "\n", text)
    return orjson.loads(text)


def body(response: Any) -> Any:
    """A response body decoded with exact decimals (``1.00000000`` stays that)."""
    return json.loads(response.content, parse_float=Decimal)


def place(client: Client, account: str = ACCOUNT, **form: str) -> Any:
    """POST an order form; returns the decoded answer."""
    return body(client.post(f"/accounts/{account}/orders", data=form))
