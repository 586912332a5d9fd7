"""The comparison as one self-contained HTML page: inline CSS and SVG, no script, no URL.

The page reads top to bottom: a header saying when, where and how it ran; a card per profile
with its counts; a legend; the matrix (a row per scenario, a column per profile, the differing
rows marked); the profiles that could not run; latency charts (acknowledgement and first fill,
grouped bars per scenario); a status timeline per scenario and profile; and a table of errors,
empty fields and notes. Every broker-provided string (and every profile name) is escaped with
:func:`html.escape`: an error message holding ``<script>`` shows as text.
"""

from __future__ import annotations

from html import escape

from brokerlink.compare.matrix import Cell, Matrix, Row, format_ms
from brokerlink.compare.model import Comparison
from brokerlink.compare.style import CSS, LEGEND, label_class
from brokerlink.compare.svg import latency_chart, profile_colour, timeline

__all__ = ["render_html"]

_TIMELINE_WIDTH = 920


def _badge(label: str) -> str:
    return f'<span class="badge {label_class(label)}">{escape(label)}</span>'


def _latency(cell: Cell) -> str:
    parts = [
        f"{name} {format_ms(value)}"
        for name, value in (("ack", cell.ack_ms), ("fill", cell.fill_ms))
        if value is not None
    ]
    return f'<div class="lat">{escape(" · ".join(parts))}</div>' if parts else ""


def _header(comparison: Comparison, matrix: Matrix) -> str:
    when = comparison.generated_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    facts = [
        ("Ran", when),
        ("Host", comparison.host),
        ("Software", comparison.software),
        ("Mode", comparison.mode),
        ("Emulator personality", comparison.personality),
        ("Duration", f"{comparison.duration_ms / 1000:.1f} s"),
        ("Scenarios", f"{len(matrix.rows)} ({len(matrix.differing)} differ)"),
    ]
    items = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in facts)
    names = ", ".join(escape(p) for p in comparison.profiles)
    return f"<header><h1>brokerlink compare</h1><p class='sub'>{names}</p><dl>{items}</dl></header>"


def _cards(comparison: Comparison, matrix: Matrix) -> str:
    cards = []
    for index, profile in enumerate(matrix.profiles):
        run = comparison.run_for(profile)
        if run is None:
            where = "could not run"
        else:
            bits = [f"{run.broker} {run.environment}"]
            if run.mode != run.environment:  # "tradier sandbox · replay", not "emulator" twice
                bits.append(run.mode)
            if run.personality:
                bits.append(f"personality {run.personality}")
            where = " · ".join(bits)
        counts = matrix.counts(profile)
        tally = " ".join(
            f"{_badge(label)}&nbsp;{counts[label]}" for label in LEGEND if counts[label]
        )
        cards.append(
            f'<div class="card" style="border-top-color:{profile_colour(index)}">'
            f"<h3>{escape(profile)}</h3><p class='where'>{escape(where)}</p>"
            f"<p class='tally'>{tally}</p></div>"
        )
    return f'<section class="cards">{"".join(cards)}</section>'


def _legend() -> str:
    items = "".join(f"<li>{_badge(label)} {escape(text)}</li>" for label, text in LEGEND.items())
    return (
        f'<section class="legend"><ul>{items}<li><span class="diff">≠</span> '
        "the profiles disagree (outcome, statuses or error)</li></ul></section>"
    )


def _matrix_cell(cell: Cell) -> str:
    text = f'<div class="txt">{escape(cell.text)}</div>' if cell.text else ""
    return f'<td class="{label_class(cell.label)}">{_badge(cell.label)}{text}{_latency(cell)}</td>'


def _matrix(matrix: Matrix) -> str:
    head = "".join(f"<th>{escape(p)}</th>" for p in matrix.profiles)
    body = []
    for row in matrix.rows:
        differs = (
            f'<span class="diff" title="{escape(", ".join(row.differences))}">≠</span>'
            f'<div class="why">{escape(", ".join(row.differences))}</div>'
            if row.differs
            else ""
        )
        body.append(
            f'<tr class="{"differs" if row.differs else ""}"><th scope="row">'
            f'<a href="#t-{escape(row.scenario)}">{escape(row.scenario)}</a>'
            f'<div class="title">{escape(row.title)}</div></th>'
            f"{''.join(_matrix_cell(cell) for cell in row.cells)}<td class='d'>{differs}</td></tr>"
        )
    return (
        '<section id="matrix"><h2>Scenario matrix</h2><table class="matrix"><thead><tr>'
        f'<th class="sc">Scenario</th>{head}<th class="d">≠</th></tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></section>"
    )


def _unavailable(comparison: Comparison) -> str:
    if not comparison.unavailable:
        return ""
    items = "".join(
        f"<li><strong>{escape(u.profile)}</strong>: {escape(u.message)}</li>"
        for u in comparison.unavailable
    )
    return (
        f'<section id="unavailable" class="warn"><h2>Could not run</h2><ul>{items}</ul></section>'
    )


def _latency_section(matrix: Matrix) -> str:
    key = "".join(
        f'<span class="key"><i style="background:{profile_colour(i)}"></i>{escape(p)}</span>'
        for i, p in enumerate(matrix.profiles)
    )
    return (
        f'<section id="latency"><h2>Latency</h2><p class="keys">{key}'
        '<span class="key"><i class="none"></i>not measured</span></p>'
        "<h3>Acknowledgement: from sending the order to the broker's answer (ms)</h3>"
        f"{latency_chart(matrix, 'ack')}"
        "<h3>First fill: from sending the order to the first sight of a fill (ms)</h3>"
        f"{latency_chart(matrix, 'fill')}</section>"
    )


def _timeline_block(row: Row) -> str:
    steps_top = max(
        (step.at_ms for cell in row.cells if cell.result for step in cell.result.statuses),
        default=1.0,
    )
    lanes = []
    for cell in row.cells:
        who = (
            f'<div class="who"><strong>{escape(cell.profile)}</strong>{_badge(cell.label)}'
            f"{_latency(cell)}</div>"
        )
        if cell.result is None or not cell.ran:
            body = f'<p class="muted">{escape(cell.text or cell.label)}</p>'
        elif not cell.result.statuses and cell.text:  # a refusal before any order existed
            body = f'<p class="muted">no order status; {escape(cell.text)}</p>'
        else:
            body = timeline(cell.result.statuses, top_ms=steps_top, width=_TIMELINE_WIDTH)
            if cell.outcome is not None and cell.label != "passed" and cell.text:
                body += f'<p class="txt">{escape(cell.text)}</p>'
        lanes.append(f'<div class="lane">{who}<div class="chart">{body}</div></div>')
    differs = (
        f' <span class="diff">≠ {escape(", ".join(row.differences))}</span>' if row.differs else ""
    )
    return (
        f'<article class="scenario" id="t-{escape(row.scenario)}"><h3>{escape(row.scenario)} '
        f"<span class='title'>{escape(row.title)}</span>{differs}</h3>{''.join(lanes)}</article>"
    )


def _timelines(matrix: Matrix) -> str:
    key = (
        '<p class="keys"><span class="key"><b class="dot rest"></b>seen by REST</span>'
        '<span class="key"><b class="dot stream"></b>seen on the stream</span>'
        '<span class="key">green: fills · red: rejections · grey: cancels and expiries</span></p>'
    )
    blocks = "".join(_timeline_block(row) for row in matrix.rows)
    return f'<section id="timelines"><h2>Status timelines</h2>{key}{blocks}</section>'


def _issue_row(scenario: str, profile: str, kind: str, text: str) -> str:
    return (
        f"<tr><td>{escape(scenario)}</td><td>{escape(profile)}</td>"
        f'<td class="kind">{escape(kind)}</td><td>{escape(text)}</td></tr>'
    )


def _result_issues(matrix: Matrix) -> list[str]:
    rows: list[str] = []
    for row in matrix.rows:
        for cell in row.cells:
            result = cell.result
            if result is None:
                continue
            found: list[tuple[str, str]] = []
            if result.error_class or result.error_message:
                text = ": ".join(p for p in (result.error_class, result.error_message) if p)
                found.append(("error", text))
            if result.empty_fields:
                found.append(("empty fields", ", ".join(result.empty_fields)))
            found.extend(("note", note) for note in result.notes)
            rows.extend(_issue_row(row.scenario, cell.profile, k, t) for k, t in found)
    return rows


# A replay that strayed from its recording can list hundreds of requests; the first few say it.
_MAX_MISMATCHES = 10


def _mismatches(comparison: Comparison) -> list[str]:
    rows: list[str] = []
    for run in comparison.runs:
        shown = run.mismatches[:_MAX_MISMATCHES]
        rows.extend(_issue_row("replay", run.profile, "not in recording", m) for m in shown)
        if len(run.mismatches) > len(shown):
            more = f"and {len(run.mismatches) - len(shown)} more (see the JSON report)"
            rows.append(_issue_row("replay", run.profile, "not in recording", more))
    return rows


def _issues(comparison: Comparison, matrix: Matrix) -> str:
    rows = _result_issues(matrix) + _mismatches(comparison)
    if not rows:
        return '<section id="issues"><h2>Errors, empty fields and notes</h2><p>None.</p></section>'
    return (
        '<section id="issues"><h2>Errors, empty fields and notes</h2><table class="issues">'
        "<thead><tr><th>Scenario</th><th>Profile</th><th>Kind</th><th>Detail</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def render_html(comparison: Comparison, matrix: Matrix) -> str:
    """The whole page as one string (UTF-8 text, no external resource)."""
    title = "brokerlink compare: " + ", ".join(comparison.profiles)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>"
        f"{_header(comparison, matrix)}{_cards(comparison, matrix)}{_legend()}"
        f"{_matrix(matrix)}{_unavailable(comparison)}{_latency_section(matrix)}"
        f"{_timelines(matrix)}{_issues(comparison, matrix)}"
        "<footer>Generated by <code>brokerlink compare</code>. Outcomes are observations of "
        "how each broker behaved, not verdicts.</footer></main></body></html>\n"
    )
