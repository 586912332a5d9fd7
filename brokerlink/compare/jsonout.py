"""The comparison as JSON: the kit's records as they are, plus the matrix, for programs.

``to_json`` writes the :class:`~brokerlink.compare.model.Comparison` (every
:class:`~brokerlink.testing.conformance.ProfileRun` through its own ``to_json``) and the matrix
built from it; ``from_json`` reads the comparison back, so a report can be rebuilt later from
the JSON file alone (the matrix is recomputed, never trusted from the file).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from brokerlink.compare.matrix import Matrix
from brokerlink.compare.model import Comparison, ScenarioInfo, Unavailable
from brokerlink.testing.conformance.results import (
    Outcome,
    ProfileRun,
    ScenarioResult,
    StatusStep,
)

__all__ = ["FORMAT", "from_json", "matrix_data", "to_json"]

FORMAT = "brokerlink-compare/1"
"""The ``format`` field of the document; bumped if a field changes meaning."""


def matrix_data(matrix: Matrix) -> dict[str, Any]:
    """The matrix as JSON-ready data: rows with their cells and what differs."""
    return {
        "profiles": list(matrix.profiles),
        "rows": [
            {
                "scenario": row.scenario,
                "title": row.title,
                "differences": list(row.differences),
                "cells": [
                    {
                        "profile": cell.profile,
                        "outcome": cell.outcome.value if cell.outcome is not None else None,
                        "label": cell.label,
                        "text": cell.text,
                        "ack_ms": cell.ack_ms,
                        "fill_ms": cell.fill_ms,
                    }
                    for cell in row.cells
                ],
            }
            for row in matrix.rows
        ],
    }


def to_json(comparison: Comparison, matrix: Matrix) -> bytes:
    """The JSON document (UTF-8, indented, newline-terminated)."""
    document = {
        "format": FORMAT,
        "generated_at": comparison.generated_at.isoformat(),
        "host": comparison.host,
        "software": comparison.software,
        "mode": comparison.mode,
        "personality": comparison.personality,
        "replay": comparison.replay,
        "duration_ms": comparison.duration_ms,
        "profiles": list(comparison.profiles),
        "scenarios": [{"number": s.number, "title": s.title} for s in comparison.scenarios],
        "runs": [run.to_json() for run in comparison.runs],
        "unavailable": [
            {"profile": u.profile, "message": u.message} for u in comparison.unavailable
        ],
        "matrix": matrix_data(matrix),
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def _result(data: dict[str, Any]) -> ScenarioResult:
    return ScenarioResult(
        scenario=data["scenario"],
        title=data["title"],
        profile=data["profile"],
        outcome=Outcome(data["outcome"]),
        detail=data.get("detail", ""),
        statuses=tuple(StatusStep(**step) for step in data.get("statuses", ())),
        ack_ms=data.get("ack_ms"),
        fill_ms=data.get("fill_ms"),
        error_class=data.get("error_class"),
        error_message=data.get("error_message"),
        empty_fields=tuple(data.get("empty_fields", ())),
        notes=tuple(data.get("notes", ())),
        started_at=datetime.fromisoformat(data["started_at"]),
        duration_ms=data.get("duration_ms", 0.0),
    )


def _run(data: dict[str, Any]) -> ProfileRun:
    return ProfileRun(
        profile=data["profile"],
        broker=data["broker"],
        environment=data["environment"],
        mode=data["mode"],
        personality=data.get("personality", ""),
        results=tuple(_result(item) for item in data.get("results", ())),
        mismatches=tuple(data.get("mismatches", ())),
    )


def from_json(text: bytes | str) -> Comparison:
    """Read a document written by :func:`to_json` back into a :class:`Comparison`.

    Raises ``ValueError`` saying what is wrong when ``text`` is not such a document.
    """
    try:
        data = orjson.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"format is {data.get('format')!r}, expected {FORMAT!r}")
        return Comparison(
            profiles=tuple(data["profiles"]),
            scenarios=tuple(ScenarioInfo(**item) for item in data["scenarios"]),
            runs=tuple(_run(item) for item in data["runs"]),
            unavailable=tuple(Unavailable(**item) for item in data["unavailable"]),
            personality=data["personality"],
            replay=data["replay"],
            generated_at=datetime.fromisoformat(data["generated_at"]),
            duration_ms=data["duration_ms"],
            host=data["host"],
            software=data["software"],
        )
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"not a brokerlink compare JSON document ({exc}); write one with "
            "`brokerlink compare --json PATH`"
        ) from None
