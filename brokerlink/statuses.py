"""Order status tables: every documented broker status onto one :class:`OrderStatus`.

Order state is strict (DESIGN §4). Each adapter declares a :class:`StatusTable` from its broker's
documentation. A status the table does not know is a
:class:`~brokerlink.errors.ResponseFormatError` in strict mode, so a test run fails the day a
broker adds one; outside strict mode it becomes ``OrderStatus.UNKNOWN`` with an
:class:`UndocumentedStatusWarning`, so a live trading loop keeps running and says why.

Strict mode is on when ``BROKERLINK_STRICT=1`` (our test suite sets it), or per call.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping

import attrs

from brokerlink.enums import OrderStatus
from brokerlink.errors import ResponseFormatError

__all__ = ["STRICT_ENV_VAR", "StatusTable", "UndocumentedStatusWarning", "strict_parsing"]

STRICT_ENV_VAR = "BROKERLINK_STRICT"
"""Set to ``1`` to turn undocumented broker values into errors instead of warnings."""


class UndocumentedStatusWarning(UserWarning):
    """A broker sent an order status its documentation does not list."""


def strict_parsing(environ: Mapping[str, str] | None = None) -> bool:
    """Whether strict mode is on (``BROKERLINK_STRICT`` is 1/true/yes)."""
    value = (os.environ if environ is None else environ).get(STRICT_ENV_VAR, "")
    return value.strip().lower() in ("1", "true", "yes")


@attrs.frozen
class StatusTable:
    """One broker's documented statuses. Lookups are exact: brokers' spellings are part of the contract."""

    broker: str
    table: Mapping[str, OrderStatus]

    def __attrs_post_init__(self) -> None:
        if OrderStatus.UNKNOWN in self.table.values():
            raise ValueError("a status table maps documented statuses; UNKNOWN is never a target")

    def parse(
        self, value: str, *, path: str = "$.status", strict: bool | None = None
    ) -> OrderStatus:
        """The :class:`OrderStatus` for the broker's ``value`` (see the module docstring)."""
        found = self.table.get(value)
        if found is not None:
            return found
        if strict_parsing() if strict is None else strict:
            raise ResponseFormatError(
                f"undocumented order status {value!r}; known: {', '.join(sorted(self.table))}",
                path=path,
                broker=self.broker,
            )
        warnings.warn(
            f"[{self.broker}] undocumented order status {value!r} at {path}: reported as UNKNOWN",
            UndocumentedStatusWarning,
            stacklevel=2,
        )
        return OrderStatus.UNKNOWN
