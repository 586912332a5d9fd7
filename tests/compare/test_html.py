"""The HTML page: self-contained, escaped, well-formed, and showing every part of the comparison."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import attrs

from brokerlink.compare import Comparison, build_matrix, render_html
from brokerlink.testing.conformance import ProfileRun

from .conftest import MARKUP_ERROR, PROFILES, TITLES

_VOID = {"meta", "br", "hr", "img", "input", "link", "circle", "line", "rect", "path"}


class _Nesting(HTMLParser):
    """Checks every element is closed in order (SVG shapes are written self-closed)."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: object) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


def _page(comparison: Comparison) -> str:
    return render_html(comparison, build_matrix(comparison))


def test_page_is_self_contained(comparison_with_missing: Comparison) -> None:
    page = _page(comparison_with_missing)
    assert "http://" not in page
    assert "https://" not in page
    assert "<script" not in page.lower()
    assert "<link" not in page.lower()
    assert "@import" not in page
    assert not re.search(r"\bsrc\s*=", page)
    assert not re.search(r"url\(", page)


def test_page_is_well_formed(comparison_with_missing: Comparison) -> None:
    checker = _Nesting()
    checker.feed(_page(comparison_with_missing))
    checker.close()
    assert checker.problems == []
    assert checker.stack == []


def test_broker_strings_are_escaped(comparison: Comparison) -> None:
    page = _page(comparison)
    assert "<script>alert(1)</script>" not in page
    assert "symbol &lt;script&gt;alert(1)&lt;/script&gt; &amp; co is unknown" in page
    assert "stream closed &lt;EOF&gt; while reconnecting" in page
    assert MARKUP_ERROR not in page


def test_a_hostile_profile_name_and_order_id_are_escaped(runs: list[ProfileRun]) -> None:
    result = runs[0].results[0]
    steps = tuple(attrs.evolve(step, order_id='"><b>x') for step in result.statuses)
    run = attrs.evolve(runs[0], profile="<i>p</i>", results=(attrs.evolve(result, statuses=steps),))
    page = _page(Comparison.from_runs([run]))
    assert "<i>p</i>" not in page
    assert "&lt;i&gt;p&lt;/i&gt;" in page
    assert '"><b>x' not in page


def test_page_shows_matrix_timelines_charts_and_issues(
    comparison_with_missing: Comparison,
) -> None:
    page = _page(comparison_with_missing)
    for profile in (*PROFILES, "tradier:sandbox"):
        assert f"<th>{profile}</th>" in page
    for number in TITLES:
        assert f'id="t-{number}"' in page  # a timeline block per scenario
        assert f'href="#t-{number}"' in page  # linked from the matrix
    assert "not supported by tradier emulator: futures" in page
    assert page.count('class="badge o-failed"') >= 2  # the cell and the legend
    assert "Acknowledgement" in page
    assert "First fill" in page
    # Two charts, and a timeline for every cell that saw a status: not tradier's CMP-009 (not
    # supported) nor tradestation's CMP-014 (an error before any order; its text is shown).
    assert page.count("<svg") == 2 + 15 * 3 - 2
    assert "no order status; NetworkError: stream closed &lt;EOF&gt;" in page
    assert "Order.average_fill_price" in page
    assert "fill frame missing from the order stream" in page
    assert "Could not run" in page
    assert "BROKERLINK_TRADIER_SANDBOX_ACCESS_TOKEN" in page
    assert "Emulator personality" in page
    assert "sandbox" in page
    assert "4 differ" in page


def test_timeline_has_a_dot_per_status_and_a_lane_per_order(comparison: Comparison) -> None:
    page = _page(comparison)
    block = page[page.index('id="t-CMP-006"') : page.index('id="t-CMP-007"')]
    tastytrade = block[block.index("<strong>tastytrade:emulator</strong>") :]
    svg = tastytrade[: tastytrade.index("</svg>")]
    assert svg.count("<circle") == 3
    assert "TA-1005b" in svg  # the second order's lane
    # Seen by REST: a filled dot; seen on the stream: a hollow one.
    assert svg.count('fill="#ffffff"') == 1


def test_replay_mismatches_are_listed_escaped_and_capped(runs: list[ProfileRun]) -> None:
    strays = tuple(f"GET /v1/markets/quotes?symbols=<X{i}>" for i in range(12))
    run = attrs.evolve(runs[1], mode="replay", mismatches=strays)
    page = _page(Comparison.from_runs([run], replay=True))
    assert page.count("not in recording") == 11  # ten shown, and a line for the rest
    assert "GET /v1/markets/quotes?symbols=&lt;X0&gt;" in page
    assert "and 2 more (see the JSON report)" in page
