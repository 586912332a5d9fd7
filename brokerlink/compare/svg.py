"""Inline SVG for the HTML report: status timelines and grouped latency bars.

Plain SVG text with no script and no external reference (not even an ``xmlns``: inline in HTML
the parser puts ``<svg>`` in the SVG namespace by itself), so the page stays one self-contained
file that renders anywhere. Every string that came from a broker (statuses, order ids) and every
profile name goes through :func:`html.escape`. Tooltips are SVG ``<title>`` elements, which
browsers show on hover without JavaScript.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from brokerlink.compare.matrix import Matrix, format_ms
from brokerlink.testing.conformance.results import StatusStep

__all__ = [
    "MAX_LANES",
    "PROFILE_COLOURS",
    "latency_chart",
    "nice_ticks",
    "profile_colour",
    "timeline",
]

PROFILE_COLOURS = ("#2563eb", "#9333ea", "#0f766e", "#db2777", "#b45309", "#475569")
"""One colour per profile column, in order (then repeated), for the latency bars."""

_FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'


def profile_colour(index: int) -> str:
    """The colour of the ``index``-th profile."""
    return PROFILE_COLOURS[index % len(PROFILE_COLOURS)]


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``top`` (1, 2 or 5 times a power of ten apart)."""
    top = max(top, 1e-9)
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < top - 1e-12:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _tick_label(value: float) -> str:
    return f"{value:g}"


def _status_colour(status: str) -> str:
    lowered = status.lower()
    if "reject" in lowered:
        return "#dc2626"
    if "fill" in lowered:
        return "#16a34a"
    if "cancel" in lowered or "expire" in lowered:
        return "#64748b"
    return "#2563eb"


_LANE_H = 56
_AXIS_H = 26
_LEFT = 110
_RIGHT = 24
_CHAR_W = 6.4  # about the advance of an 11 px system-ui character
_GAP = 10


def _place_labels(
    xs: Sequence[float], widths: Sequence[float], right: float
) -> list[tuple[float, int]]:
    """Where each label goes: ``(x, row)`` with row 0 or 1 above the axis.

    Each label starts at its dot when there is room; otherwise it moves right of the previous
    label on the freer row (statuses a fraction of a millisecond apart would print on each
    other), and a leader line ties it back to its dot.
    """
    ends = [float("-inf"), float("-inf")]
    placed = []
    for x, w in zip(xs, widths, strict=True):
        want = min(x - 4, right - w)
        free = [row for row in (0, 1) if want >= ends[row] + _GAP]
        row = free[0] if free else min((0, 1), key=lambda r: ends[r])
        label_x = max(want, ends[row] + _GAP)
        ends[row] = label_x + w
        placed.append((label_x, row))
    return placed


def _lane(order_id: str, steps: Sequence[StatusStep], top: float, width: int, y: int) -> list[str]:
    plot = width - _LEFT - _RIGHT
    axis_y = y + _LANE_H - 8
    parts = [
        f'<text x="8" y="{axis_y + 4}" font-size="11" fill="#475569">'
        f"<title>order {escape(order_id)}</title>{escape(_short_id(order_id))}</text>",
        f'<line x1="{_LEFT}" y1="{axis_y}" x2="{_LEFT + plot}" y2="{axis_y}" stroke="#cbd5e1"/>',
    ]
    xs = [_LEFT + plot * min(max(step.at_ms / top, 0.0), 1.0) for step in steps]
    labels = [f"{step.status} {format_ms(step.at_ms)}" for step in steps]
    places = _place_labels(xs, [len(text) * _CHAR_W for text in labels], width - 4)
    for step, x, (label_x, row) in zip(steps, xs, places, strict=True):
        label_y = y + 12 + 15 * row
        colour = _status_colour(step.status)
        fill = colour if step.source == "rest" else "#ffffff"
        tip = f"{step.status} at {format_ms(step.at_ms)} via {step.source} (order {step.order_id})"
        parts.append(
            f"<g><title>{escape(tip)}</title>"
            f'<line x1="{max(label_x + 4, _LEFT):.1f}" y1="{label_y + 3}" x2="{x:.1f}" '
            f'y2="{axis_y - 5}" stroke="{colour}" stroke-opacity="0.5"/>'
            f'<circle cx="{x:.1f}" cy="{axis_y}" r="4.5" fill="{fill}" stroke="{colour}" '
            f'stroke-width="2"/>'
            f'<text x="{label_x:.1f}" y="{label_y}" font-size="11" fill="{colour}">'
            f'{escape(step.status)} <tspan fill="#64748b">{escape(format_ms(step.at_ms))}'
            f"</tspan></text></g>"
        )
    return parts


def _short_id(order_id: str) -> str:
    return order_id if len(order_id) <= 14 else "…" + order_id[-12:]


MAX_LANES = 6
"""A timeline draws at most this many orders; a scenario placing dozens says how many it left out."""


def timeline(steps: Sequence[StatusStep], *, top_ms: float, width: int = 860) -> str:
    """An SVG of ``steps`` on a millisecond axis from 0 to ``top_ms`` (shared by the profiles of
    one scenario, so their timelines line up): a lane per order (the first :data:`MAX_LANES`),
    a dot per status (filled: seen by REST; hollow: seen on the stream), each labelled with its
    status and time."""
    if not steps:
        return (
            f'<svg width="{width}" height="28" '
            f'role="img" {_FONT}><text x="{_LEFT}" y="18" font-size="12" fill="#94a3b8">'
            "no order status observed</text></svg>"
        )
    orders: dict[str, list[StatusStep]] = {}
    for step in steps:
        orders.setdefault(step.order_id, []).append(step)
    hidden = max(len(orders) - MAX_LANES, 0)
    orders = dict(list(orders.items())[:MAX_LANES])
    ticks = nice_ticks(top_ms)
    top = ticks[-1] or 1.0
    extra = 18 if hidden else 0
    height = _LANE_H * len(orders) + _AXIS_H + extra
    parts = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" {_FONT}>'
    ]
    for lane, (order_id, lane_steps) in enumerate(orders.items()):
        parts.extend(_lane(order_id, lane_steps, top, width, lane * _LANE_H))
    plot = width - _LEFT - _RIGHT
    axis_y = height - extra - _AXIS_H + 8
    if hidden:
        parts.append(
            f'<text x="{_LEFT}" y="{height - 4}" font-size="11" fill="#64748b">'
            f"and {hidden} more order{'s' if hidden > 1 else ''} not drawn</text>"
        )
    for tick in ticks:
        x = _LEFT + plot * tick / top
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis_y - 4}" x2="{x:.1f}" y2="{axis_y}" stroke="#94a3b8"/>'
            f'<text x="{x:.1f}" y="{axis_y + 12}" font-size="10" fill="#64748b" '
            f'text-anchor="middle">{_tick_label(tick)}</text>'
        )
    parts.append(
        f'<text x="{_LEFT - 8}" y="{axis_y + 12}" font-size="10" fill="#64748b" '
        'text-anchor="end">ms</text></svg>'
    )
    return "".join(parts)


def latency_chart(matrix: Matrix, metric: str, *, width: int = 1180, height: int = 250) -> str:
    """Grouped bars of ``metric`` (``"ack"`` or ``"fill"``) milliseconds: a group per scenario,
    a bar per profile in its colour; a grey dash where the profile measured nothing."""
    left, right, top_pad, bottom = 56, 12, 14, 36
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    values = [[getattr(cell, f"{metric}_ms") for cell in row.cells] for row in matrix.rows]
    measured = [v for group in values for v in group if v is not None]
    ticks = nice_ticks(max(measured, default=1.0))
    top = ticks[-1]
    base = top_pad + plot_h
    parts = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" {_FONT}>'
    ]
    for tick in ticks:
        y = base - plot_h * tick / top
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="#e2e8f0"/><text x="{left - 6}" y="{y + 3:.1f}" font-size="10" '
            f'fill="#64748b" text-anchor="end">{_tick_label(tick)}</text>'
        )
    group_w = plot_w / max(len(matrix.rows), 1)
    bar_w = min(18.0, group_w * 0.78 / max(len(matrix.profiles), 1))
    for g, (row, group) in enumerate(zip(matrix.rows, values, strict=True)):
        start = left + group_w * g + (group_w - bar_w * len(group)) / 2
        for p, value in enumerate(group):
            x = start + bar_w * p
            name = matrix.profiles[p]
            if value is None:
                tip = f"{name} {row.scenario}: no {metric} measured"
                parts.append(
                    f'<g><title>{escape(tip)}</title><rect x="{x + 2:.1f}" y="{base - 2}" '
                    f'width="{bar_w - 4:.1f}" height="2" fill="#cbd5e1"/></g>'
                )
                continue
            h = max(plot_h * value / top, 1.0)
            tip = f"{name} {row.scenario}: {metric} {format_ms(value)}"
            parts.append(
                f'<g><title>{escape(tip)}</title><rect x="{x:.1f}" y="{base - h:.1f}" '
                f'width="{bar_w - 1:.1f}" height="{h:.1f}" rx="2" fill="{profile_colour(p)}"/></g>'
            )
        parts.append(
            f'<text x="{left + group_w * (g + 0.5):.1f}" y="{base + 16}" font-size="10.5" '
            f'fill="#334155" text-anchor="middle">{escape(row.scenario)}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#94a3b8"/>'
        f'<text x="12" y="{top_pad + plot_h / 2:.1f}" font-size="10" fill="#64748b" '
        f'transform="rotate(-90 12 {top_pad + plot_h / 2:.1f})" text-anchor="middle">ms</text>'
        "</svg>"
    )
    return "".join(parts)
