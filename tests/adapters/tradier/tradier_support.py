"""Helpers for the Tradier tests: model dumps, a scripted broker, and case loading.

``dump`` writes models as plain JSON data (Decimals as text, times as ISO UTC, instruments as
canonical text, enums as values, ``raw`` left out), so a case file can state the exact models a
documented payload must become.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import orjson

import brokerlink as bl
from brokerlink import _http
from brokerlink.instruments import Instrument

CASES = Path(__file__).parent / "cases"
ACCOUNT = "VA000001"

Handler = Callable[[_http.Request], _http.Response]


def dump(value: Any) -> Any:
    """``value`` as JSON-ready data (see the module docstring)."""
    if isinstance(value, Instrument):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return (
            format(value.normalize(), "f")
            if value == value.to_integral()
            else str(value.normalize())
        )
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if attrs.has(type(value)):
        return {
            f.name: dump(getattr(value, f.name))
            for f in attrs.fields(type(value))
            if f.name not in ("raw", "order")
        }
    if isinstance(value, Mapping):
        return {str(k): dump(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [dump(v) for v in value]
    return value


def load_case(name: str) -> dict[str, Any]:
    """One case file by name."""
    return json.loads((CASES / name).read_text())  # type: ignore[no-any-return]


def all_cases(prefix: str = "") -> list[str]:
    """The names of every case file (optionally starting with ``prefix``)."""
    return sorted(p.name for p in CASES.glob(f"{prefix}*.json"))


def json_response(
    status: int, body: object, headers: Mapping[str, str] | None = None
) -> _http.Response:
    """A JSON response as Tradier sends it."""
    return _http.Response(
        status,
        content=orjson.dumps(body),
        headers={"content-type": "application/json", **(headers or {})},
    )


class Broker:
    """A scripted Tradier on the other end of a MockTransport; records every request.

    ``routes`` maps ``"METHOD /path"`` (path after ``/v1``) to a body or a handler.
    """

    def __init__(self, routes: Mapping[str, object]) -> None:
        self.routes = dict(routes)
        self.requests: list[_http.Request] = []
        self.transport = _http.MockTransport(self.handle)

    def handle(self, request: _http.Request) -> _http.Response:
        self.requests.append(request)
        key = f"{request.method} {request.url.path.removeprefix('/v1')}"
        found = self.routes.get(key)
        if found is None:
            return json_response(404, {"errors": {"error": f"no route {key}"}})
        if callable(found):
            result = found(request)
            return result if isinstance(result, _http.Response) else json_response(200, result)
        return json_response(200, found)

    def connect(self, environment: str = "sandbox", monkeypatch: Any = None) -> bl.Broker:
        """A sync broker over this transport (a test token in the environment)."""
        if monkeypatch is not None:
            monkeypatch.setenv(
                f"BROKERLINK_TRADIER_{environment.upper()}_ACCESS_TOKEN", "test-token"
            )
        return bl.connect(f"tradier:{environment}", transport=self.transport, account=ACCOUNT)

    def form(self, index: int = -1) -> list[tuple[str, str]]:
        """The form body of a recorded request, as ordered pairs."""
        from urllib.parse import parse_qsl

        return parse_qsl(self.requests[index].content.decode(), keep_blank_values=True)
