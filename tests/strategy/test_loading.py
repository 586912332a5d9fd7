"""``load_strategy``: the one Strategy subclass a file defines, or a ConfigError that says why."""

from __future__ import annotations

from pathlib import Path

import pytest

import brokerlink as bl
from brokerlink.strategy import load_strategy

ONE = """
import brokerlink as bl

class Mine(bl.Strategy):
    size: int = 2
"""

TWO = (
    ONE
    + """

class Other(bl.Strategy):
    pass
"""
)


def write(tmp_path: Path, text: str, name: str = "strategy.py") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_one_subclass_is_found(tmp_path: Path) -> None:
    found = load_strategy(write(tmp_path, ONE))

    assert found.__name__ == "Mine"
    assert issubclass(found, bl.Strategy)
    assert found.parameters() == {"size": 2}


def test_several_need_a_name(tmp_path: Path) -> None:
    path = write(tmp_path, TWO)

    with pytest.raises(bl.ConfigError, match=r"several strategies: Mine, Other.*--strategy"):
        load_strategy(path)
    assert load_strategy(path, "Other").__name__ == "Other"
    with pytest.raises(bl.ConfigError, match=r"no Strategy named 'Nope' .*Mine, Other"):
        load_strategy(path, "Nope")


def test_none_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(bl.ConfigError, match=r"defines no brokerlink.Strategy subclass"):
        load_strategy(write(tmp_path, "x = 1\n"))


def test_an_imported_strategy_does_not_count(tmp_path: Path) -> None:
    base = write(tmp_path, ONE, "base_strategy.py")
    text = f"""
from brokerlink.strategy import load_strategy
Mine = load_strategy({str(base)!r})
"""
    with pytest.raises(bl.ConfigError, match=r"defines no brokerlink.Strategy subclass"):
        load_strategy(write(tmp_path, text, "user.py"))


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(bl.ConfigError, match="there is no strategy file at"):
        load_strategy(tmp_path / "absent.py")


def test_two_files_with_the_same_stem_do_not_collide(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = load_strategy(write(tmp_path / "a", ONE))
    second = load_strategy(write(tmp_path / "b", ONE.replace("Mine", "Yours")))

    assert (first.__name__, second.__name__) == ("Mine", "Yours")
    assert first.__module__ != second.__module__
