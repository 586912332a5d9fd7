"""The look of the HTML report: its inline stylesheet, the outcome legend and colour classes.

Outcome colours are the same everywhere in the page (and match the terminal's): green passed,
amber failed, grey not supported, red error or could not run. The layout fits a 1280 px window
without horizontal scrolling; system fonts only, so nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Mapping

from brokerlink.compare.matrix import COULD_NOT_RUN, NOT_RUN, OUTCOME_LABELS
from brokerlink.testing.conformance.results import Outcome

__all__ = ["CSS", "LEGEND", "label_class"]

LEGEND: Mapping[str, str] = {
    OUTCOME_LABELS[Outcome.PASSED]: "the broker did everything the scenario expects",
    OUTCOME_LABELS[Outcome.FAILED]: "the broker behaved differently from what it expects",
    OUTCOME_LABELS[Outcome.NOT_SUPPORTED]: "excluded by the profile's capabilities; nothing sent",
    OUTCOME_LABELS[Outcome.ERROR]: "the scenario could not run to the end",
    COULD_NOT_RUN: "the profile could not run at all (see below)",
    NOT_RUN: "the profile has no result for the scenario",
}
"""Each cell label and what it means, in the order the legend lists them."""


def label_class(label: str) -> str:
    """The CSS class of a cell label: ``"not supported"`` is ``"o-not-supported"``."""
    return "o-" + "-".join(label.split())


CSS = """
:root { --ink:#0f172a; --muted:#64748b; --line:#e2e8f0; --bg:#f8fafc;
  --ok:#15803d; --ok-bg:#dcfce7; --fail:#b45309; --fail-bg:#fef3c7;
  --ns:#475569; --ns-bg:#f1f5f9; --err:#b91c1c; --err-bg:#fee2e2; --diff:#a21caf; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width:1240px; margin:0 auto; padding:24px; }
h1 { font-size:26px; margin:0 0 2px; letter-spacing:-0.01em; }
h2 { font-size:19px; margin:30px 0 10px; padding-bottom:4px; border-bottom:2px solid var(--line); }
h3 { font-size:15px; margin:14px 0 6px; }
header .sub { margin:0 0 12px; color:var(--muted); font-size:15px; }
header dl { display:flex; flex-wrap:wrap; gap:6px 22px; margin:0; padding:12px 16px;
  background:#fff; border:1px solid var(--line); border-radius:8px; }
header dt { font-size:11px; text-transform:uppercase; letter-spacing:.05em; color:var(--muted); }
header dd { margin:0; font-weight:600; }
.cards { display:grid; grid-template-columns:repeat(auto-fit, minmax(250px, 1fr)); gap:12px;
  margin-top:16px; }
.card { background:#fff; border:1px solid var(--line); border-top:4px solid; border-radius:8px;
  padding:10px 14px; }
.card h3 { margin:0; } .card .where { margin:2px 0 8px; color:var(--muted); font-size:13px; }
.card .tally { margin:0; line-height:2; }
.legend ul { list-style:none; display:flex; flex-wrap:wrap; gap:6px 18px; padding:10px 14px;
  margin:16px 0 0; background:#fff; border:1px solid var(--line); border-radius:8px;
  font-size:12.5px; color:#334155; }
.badge { display:inline-block; padding:1px 8px; border-radius:999px; font-size:12px;
  font-weight:600; white-space:nowrap; }
.o-passed .badge, .badge.o-passed { background:var(--ok-bg); color:var(--ok); }
.o-failed .badge, .badge.o-failed { background:var(--fail-bg); color:var(--fail); }
.o-not-supported .badge, .badge.o-not-supported, .o-not-run .badge, .badge.o-not-run {
  background:var(--ns-bg); color:var(--ns); }
.o-error .badge, .badge.o-error, .o-could-not-run .badge, .badge.o-could-not-run {
  background:var(--err-bg); color:var(--err); }
table { width:100%; border-collapse:collapse; background:#fff; border:1px solid var(--line);
  border-radius:8px; table-layout:fixed; }
th, td { padding:8px 10px; border-bottom:1px solid var(--line); text-align:left;
  vertical-align:top; overflow-wrap:anywhere; }
thead th { background:#f1f5f9; font-size:12.5px; }
table.matrix th.sc { width:230px; } table.matrix .d { width:92px; }
table.matrix tbody th a { color:var(--ink); font-weight:700; text-decoration:none; }
table.matrix .title { font-weight:400; color:#334155; font-size:13px; }
table.matrix td.o-passed { border-left:4px solid var(--ok); }
table.matrix td.o-failed { border-left:4px solid var(--fail); background:#fffbeb; }
table.matrix td.o-not-supported, table.matrix td.o-not-run { border-left:4px solid #cbd5e1;
  background:#f8fafc; color:var(--ns); }
table.matrix td.o-error, table.matrix td.o-could-not-run { border-left:4px solid var(--err);
  background:#fef2f2; }
tr.differs th[scope=row] { box-shadow: inset 4px 0 0 var(--diff); }
.txt { font-size:12.5px; margin-top:3px; }
.lat { font-size:12px; color:#0e7490; margin-top:3px; font-variant-numeric:tabular-nums; }
.diff { color:var(--diff); font-weight:700; font-size:16px; }
.why { color:var(--diff); font-size:11.5px; }
.warn { margin-top:24px; background:#fef2f2; border:1px solid #fecaca; border-radius:8px; padding:4px 16px; }
.warn h2 { border:0; margin-top:10px; color:var(--err); }
.keys { display:flex; flex-wrap:wrap; gap:6px 18px; font-size:12.5px; color:#334155; }
.key { display:inline-flex; align-items:center; gap:6px; }
.key i { display:inline-block; width:14px; height:14px; border-radius:3px; }
.key i.none { background:#cbd5e1; height:3px; }
.dot { display:inline-block; width:10px; height:10px; border-radius:50%;
  border:2px solid #2563eb; }
.dot.rest { background:#2563eb; } .dot.stream { background:#fff; }
#latency svg, #timelines svg { max-width:100%; height:auto; display:block; }
#latency { background:#fff; border:1px solid var(--line); border-radius:8px; padding:4px 16px 12px;
  margin-top:30px; }
#latency h2 { margin-top:12px; }
.scenario { background:#fff; border:1px solid var(--line); border-radius:8px;
  padding:6px 14px 10px; margin:12px 0; }
.scenario h3 .title { font-weight:400; color:#334155; }
.lane { display:grid; grid-template-columns:200px 1fr; gap:12px; padding:8px 0;
  border-top:1px dashed var(--line); }
.lane:first-of-type { border-top:0; }
.who strong { display:block; margin-bottom:3px; overflow-wrap:anywhere; }
.muted { color:var(--ns); margin:4px 0; font-size:13px; }
table.issues td.kind { font-weight:600; color:#334155; }
table.issues th:nth-child(1) { width:100px; } table.issues th:nth-child(2) { width:220px; }
table.issues th:nth-child(3) { width:120px; }
footer { margin:30px 0 10px; color:var(--muted); font-size:12.5px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
"""
"""The page's stylesheet (inlined in a ``<style>`` element)."""
