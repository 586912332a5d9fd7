"""Strategy parameters: declared as annotated class attributes, overridden by name, typed."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

import pytest

import brokerlink as bl
from brokerlink.strategy.base import convert_parameter, parse_assignments


class Base(bl.Strategy):
    symbol: str = "SPY"
    fast: int = 10


class Child(Base):
    slow: int = 30
    risk: Decimal = Decimal("0.01")
    ratio: float = 0.5
    verbose: bool = False
    label: ClassVar[str] = "not a parameter"
    _private: int = 3
    unannotated = 7


def test_parameters_are_the_annotated_defaults_in_declaration_order() -> None:
    assert Child.parameters() == {
        "symbol": "SPY",
        "fast": 10,
        "slow": 30,
        "risk": Decimal("0.01"),
        "ratio": 0.5,
        "verbose": False,
    }
    assert bl.Strategy.parameters() == {}


def test_text_is_converted_by_the_type_of_the_default() -> None:
    strategy = Child(fast="5", risk="0.025", ratio="1.5", verbose="yes", symbol="QQQ")

    assert strategy.fast == 5
    assert strategy.risk == Decimal("0.025")
    assert isinstance(strategy.risk, Decimal)
    assert strategy.ratio == 1.5
    assert strategy.verbose is True
    assert strategy.symbol == "QQQ"
    assert strategy.parameter_values["slow"] == 30  # untouched default
    assert Child.fast == 10  # the class keeps its default


def test_typed_values_pass_through_and_ints_become_decimals() -> None:
    assert Child(fast=7).fast == 7
    assert Child(risk=2).risk == Decimal(2)
    assert convert_parameter("verbose", "off", False) is False


def test_an_unknown_parameter_names_the_valid_ones() -> None:
    with pytest.raises(bl.ConfigError) as caught:
        Child(fsat=5)

    message = str(caught.value)
    assert "'fsat'" in message
    assert "fast (int, default 10)" in message
    assert "risk (Decimal, default 0.01)" in message


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [("fast", "five", "int"), ("risk", "1.2.3", "Decimal"), ("verbose", "maybe", "bool")],
)
def test_a_bad_value_names_the_parameter_and_its_type(name: str, value: str, kind: str) -> None:
    with pytest.raises(bl.ConfigError) as caught:
        Child(**{name: value})

    assert f"parameter {name!r} takes a {kind}" in str(caught.value)
    assert caught.value.key == name


def test_assignments_from_the_command_line() -> None:
    declared = Child.parameters()

    assert parse_assignments(["fast=5", "symbol=A=B"], declared) == {
        "fast": "5",
        "symbol": "A=B",  # only the first '=' separates
    }
    with pytest.raises(bl.ConfigError, match="'fast5' is not name=value"):
        parse_assignments(["fast5"], declared)
    with pytest.raises(bl.ConfigError, match=r"unknown parameter 'slowest'.*slow \(int"):
        parse_assignments(["slowest=3"], declared)


def test_a_strategy_without_parameters_says_so() -> None:
    with pytest.raises(bl.ConfigError, match="declares no parameters"):
        parse_assignments(["x=1"], bl.Strategy.parameters())


def test_repr_shows_the_values() -> None:
    assert repr(Base(fast=3)) == "Base(symbol='SPY', fast=3)"
    assert Base.display_name() == "Base"
