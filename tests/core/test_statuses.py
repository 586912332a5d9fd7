"""Order status tables: strict in tests, UNKNOWN plus a warning in production."""

from __future__ import annotations

import pytest

from brokerlink.enums import OrderStatus
from brokerlink.errors import ResponseFormatError
from brokerlink.statuses import StatusTable, UndocumentedStatusWarning, strict_parsing

TABLE = StatusTable("demo", {"FLL": OrderStatus.FILLED, "OPN": OrderStatus.OPEN})


def test_documented_statuses_map_exactly() -> None:
    assert TABLE.parse("FLL") is OrderStatus.FILLED
    assert TABLE.parse("OPN") is OrderStatus.OPEN


def test_the_test_suite_runs_in_strict_mode() -> None:
    assert strict_parsing()


def test_strict_mode_rejects_an_undocumented_status_with_its_path() -> None:
    with pytest.raises(ResponseFormatError, match="undocumented order status 'fll'") as caught:
        TABLE.parse("fll", path="$.Orders[3].Status")
    assert caught.value.path == "$.Orders[3].Status"
    assert caught.value.broker == "demo"


def test_lenient_mode_reports_unknown_with_a_warning() -> None:
    with pytest.warns(UndocumentedStatusWarning, match="'NEW'"):
        assert TABLE.parse("NEW", strict=False) is OrderStatus.UNKNOWN


def test_strict_mode_follows_the_environment_variable() -> None:
    assert strict_parsing({"BROKERLINK_STRICT": "1"})
    assert strict_parsing({"BROKERLINK_STRICT": "true"})
    assert not strict_parsing({"BROKERLINK_STRICT": "0"})
    assert not strict_parsing({})


def test_unknown_is_never_a_documented_target() -> None:
    with pytest.raises(ValueError, match="UNKNOWN"):
        StatusTable("demo", {"X": OrderStatus.UNKNOWN})
