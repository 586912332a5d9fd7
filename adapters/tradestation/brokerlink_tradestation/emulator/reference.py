"""TradeStation's static reference lists: routes, activation triggers, option spread types.

The activation trigger keys and names and the spread types are the documented ones
(``GET_orderexecution_activationtriggers.json``, ``GET_marketdata_options_spreadtypes.json``);
the routes are the documented two (the stray comma of the example's ``"ARCA,"`` dropped) plus
the default ``Intelligent`` route every order may use.
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = ["ACTIVATION_TRIGGERS", "ROUTES", "SPREAD_LEGS", "SPREAD_TYPES"]


def _route(route_id: str, name: str, *kinds: str) -> MappingProxyType[str, object]:
    return MappingProxyType({"Id": route_id, "AssetTypes": list(kinds), "Name": name})


ROUTES = (
    _route("Intelligent", "Intelligent", "STOCK", "STOCKOPTION", "INDEXOPTION", "FUTURE"),
    _route("AMEX", "AMEX", "STOCK"),
    _route("ARCA", "ARCX", "STOCK"),
)
"""The routes ``GET /orderexecution/routes`` lists."""


def _trigger(key: str, name: str, what: str) -> MappingProxyType[str, str]:
    return MappingProxyType({"Key": key, "Name": name, "Description": what})


_TRADE = "trade ticks must print within your stop price to trigger your stop."
_NBBO = "trade ticks within the National Best Bid or Offer must print within your stop price."
ACTIVATION_TRIGGERS = (
    _trigger("STT", "Single Trade Tick", f"One {_TRADE}"),
    _trigger("STTN", "Single Trade Tick Within NBBO", f"One of the {_NBBO}"),
    _trigger("SBA", "Single Bid/Ask Tick", "One bid (sell) or ask (buy) tick at the stop."),
    _trigger("SAB", "Single Ask/Bid Tick", "One ask (sell) or bid (buy) tick at the stop."),
    _trigger("DTT", "Double Trade Tick", f"Two consecutive {_TRADE}"),
    _trigger("DTTN", "Double Trade Tick Within NBBO ", f"Two consecutive {_NBBO}"),
    _trigger("DBA", "Double Bid/Ask Tick", "Two consecutive bid (sell) or ask (buy) ticks."),
    _trigger("DAB", "Double Ask/Bid Tick", "Two consecutive ask (sell) or bid (buy) ticks."),
    _trigger("TTT", "Twice Trade Tick", f"Two {_TRADE}"),
    _trigger("TTTN", "Twice Trade Tick Within NBBO", f"Two of the {_NBBO}"),
    _trigger("TBA", "Twice Bid/Ask Tick", "Two bid (sell) or ask (buy) ticks at the stop."),
    _trigger("TAB", "Twice Ask/Bid Tick", "Two ask (sell) or bid (buy) ticks at the stop."),
)
"""The stop activation triggers ``GET /orderexecution/activationtriggers`` lists."""

SPREAD_LEGS = MappingProxyType(
    {
        "Single": 1, "Straddle": 1, "Vertical": 2, "Strangle": 2, "RatioBack1x2": 2,
        "RatioBack1x3": 2, "RatioBack2x3": 2, "Butterfly": 3, "IronButterfly": 3,
        "Condor": 4, "IronCondor": 4, "Covered": 1, "Collar": 2, "Combo": 1, "Calendar": 1,
        "Diagonal": 2,
    }
)  # fmt: skip
"""Each documented spread type and how many distinct strikes one of its rows lists."""

_INTERVALS = frozenset(
    {"Vertical", "Strangle", "RatioBack1x2", "RatioBack1x3", "RatioBack2x3", "Butterfly",
     "IronButterfly", "Condor", "IronCondor", "Collar", "Diagonal"}
)  # fmt: skip

SPREAD_TYPES = tuple(
    MappingProxyType(
        {
            "Name": name,
            "StrikeInterval": name in _INTERVALS,
            "ExpirationInterval": name in ("Calendar", "Diagonal"),
        }
    )
    for name in SPREAD_LEGS
)
"""The spread types ``GET /marketdata/options/spreadtypes`` lists, in the documented order."""
