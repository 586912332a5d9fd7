"""The JSON document: the records and the matrix, read back to the same comparison."""

from __future__ import annotations

import attrs
import orjson
import pytest

from brokerlink.compare import Comparison, build_matrix, from_json, to_json
from brokerlink.compare.jsonout import FORMAT, matrix_data


def test_round_trip(comparison_with_missing: Comparison) -> None:
    matrix = build_matrix(comparison_with_missing)
    again = from_json(to_json(comparison_with_missing, matrix))
    assert again == comparison_with_missing
    assert build_matrix(again) == matrix


def test_document_holds_runs_and_matrix(comparison: Comparison) -> None:
    data = orjson.loads(to_json(comparison, build_matrix(comparison)))
    assert data["format"] == FORMAT
    assert data["profiles"] == list(comparison.profiles)
    assert [run["profile"] for run in data["runs"]] == list(comparison.profiles)
    assert data["runs"][1]["results"][8]["outcome"] == "not_supported"
    assert data["runs"][0]["results"][0]["started_at"] == "2025-01-06T14:30:00+00:00"
    row = data["matrix"]["rows"][8]
    assert row["scenario"] == "CMP-009"
    assert row["differences"] == ["outcome"]
    assert row["cells"][1] == {
        "profile": "tradier:emulator",
        "outcome": "not_supported",
        "label": "not supported",
        "text": "not supported by tradier emulator: futures",
        "ack_ms": None,
        "fill_ms": None,
    }
    assert data["matrix"] == matrix_data(build_matrix(comparison))


@pytest.mark.parametrize("text", [b"[]", b"{}", b'{"format": "other"}', b"not json"])
def test_other_documents_are_refused(text: bytes) -> None:
    with pytest.raises(ValueError, match="not a brokerlink compare JSON document"):
        from_json(text)


def test_round_trip_keeps_replay_mismatches(comparison: Comparison) -> None:
    run = attrs.evolve(comparison.runs[0], mode="replay", mismatches=("GET /v3/x",))
    replayed = attrs.evolve(comparison, runs=(run, *comparison.runs[1:]), replay=True)
    again = from_json(to_json(replayed, build_matrix(replayed)))
    assert again.runs[0].mismatches == ("GET /v3/x",)
    assert again == replayed
