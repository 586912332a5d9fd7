"""``brokerlink compare``: the conformance kit on several profiles, side by side.

:func:`run_comparison` runs the kit and gathers a :class:`Comparison`; :func:`build_matrix` turns
it into the side-by-side view every renderer reads: :func:`print_comparison` (a rich table),
:func:`render_html` (one self-contained page) and :func:`to_json` (the records and the matrix).
"""

from brokerlink.compare.html import render_html
from brokerlink.compare.jsonout import from_json, to_json
from brokerlink.compare.matrix import Cell, Matrix, Row, build_matrix
from brokerlink.compare.model import Comparison, ScenarioInfo, Unavailable
from brokerlink.compare.runner import CompareRequest, run_comparison
from brokerlink.compare.terminal import print_comparison

__all__ = [
    "Cell",
    "CompareRequest",
    "Comparison",
    "Matrix",
    "Row",
    "ScenarioInfo",
    "Unavailable",
    "build_matrix",
    "from_json",
    "print_comparison",
    "render_html",
    "run_comparison",
    "to_json",
]
