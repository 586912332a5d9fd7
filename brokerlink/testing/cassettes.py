"""vcrpy settings for broker cassettes: what is matched, what is scrubbed, where files live.

A cassette is recorded once (against a real sandbox, or against an emulator served on a loopback
port) and replayed in CI with the network blocked. These settings make that safe and stable:

- the :class:`~brokerlink.testing.scrub.Scrubber` runs on every request and response before it is
  written, and on every incoming request before it is matched, so fakes match fakes;
- requests match on method, scheme, host, path, query and body (order placement must never replay
  the wrong order) but not on the port, which the scrubber normalises anyway;
- compressed bodies are stored decoded, so scrubbing and review see text;
- the record mode is left to pytest-recording (``none`` unless ``--record-mode`` says otherwise), and
  a missing cassette is an error that says how to record it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from brokerlink.testing.scrub import Scrubber

if TYPE_CHECKING:
    from vcr.request import Request as VcrRequest

__all__ = ["MATCH_ON", "missing_cassette_message", "vcr_config"]

MATCH_ON: tuple[str, ...] = ("method", "scheme", "host", "path", "query", "body")
"""Request fields a replay must agree on (never the port: see the scrubber)."""

_DROPPED_HEADERS = ("authorization", "cookie", "set-cookie", "x-api-key")
# Wall-clock and server noise: dropped so that recording twice gives the same bytes.
_VOLATILE_RESPONSE_HEADERS = ("date", "server", "x-request-id", "x-ratelimit-expiry")


def vcr_config(scrubber: Scrubber | None = None) -> dict[str, Any]:
    """The ``vcr_config`` for pytest-recording (return it from a ``vcr_config`` fixture)."""
    scrub = scrubber or Scrubber()

    def before_record_request(request: VcrRequest) -> VcrRequest:
        request.uri = scrub.text(request.uri.encode()).decode()
        if request.body:
            request.body = scrub.body(bytes(request.body))
            # The stored length must describe the stored (scrubbed) body.
            if "content-length" in {k.lower() for k in request.headers}:
                for key in [k for k in request.headers if k.lower() == "content-length"]:
                    del request.headers[key]
                request.headers["content-length"] = str(len(request.body))
        for key in [k for k in request.headers if k.lower() in _DROPPED_HEADERS]:
            del request.headers[key]
        for key, value in list(request.headers.items()):
            request.headers[key] = scrub.text(str(value).encode()).decode()
        return request

    def before_record_response(response: dict[str, Any]) -> dict[str, Any]:
        body = response.get("body", {}).get("string")
        if isinstance(body, bytes | str):
            raw = body.encode() if isinstance(body, str) else body
            response["body"]["string"] = scrub.body(raw)
        headers = response.get("headers", {})
        dropped = _DROPPED_HEADERS + _VOLATILE_RESPONSE_HEADERS
        for key in [k for k in headers if k.lower() in dropped]:
            del headers[key]
        for key, values in headers.items():
            if key.lower() == "content-length":
                headers[key] = [str(len(response["body"]["string"]))]
            else:
                headers[key] = [scrub.text(str(v).encode()).decode() for v in values]
        return response

    return {
        "before_record_request": before_record_request,
        "before_record_response": before_record_response,
        "decode_compressed_response": True,
        "match_on": list(MATCH_ON),
        "record_on_exception": False,
    }


def missing_cassette_message(path: Path, test_id: str) -> str:
    """How to record a cassette that is not there (the replay would fail less helpfully)."""
    return (
        f"the cassette {path} does not exist, so this test cannot replay it. Record it with\n"
        f"    uv run pytest '{test_id}' --record-mode=once\n"
        f"(the recording runs against the adapter's emulator, served on a loopback port)"
    )
