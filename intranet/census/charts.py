"""Charts drawn on the server as SVG (no script), from suppressed cells only.

A hidden cell draws no bar and no point: the chart writes what the table writes ("< 5", "—").
Each chart is an image with a title; its data is the table the page puts right after it.
"""

from __future__ import annotations

from flask_babel import format_number
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .suppression import Shown, State

COLOR = "#5b2a86"
MUTED = "#595959"


def cell_text(cell: Shown) -> str:
    """What a page, a chart, the CSV and the PDF write for a cell."""
    if cell.state == State.SHOWN:
        return format_number(cell.value)
    if cell.state == State.SMALL:
        return _("< %(k)s", k=cell.k)
    return "—"


def _nice_max(value: int) -> int:
    if value <= 10:
        return 10
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = int(step * magnitude)
        if top >= value:
            return top
    return value


def bar_chart(chart_id: str, title: str, rows: list[tuple[str, Shown]]) -> Markup:
    """Horizontal bars, one per row (regions), the value written after each bar."""
    label_w, bar_w, row_h, top = 190, 300, 22, 8
    height = top * 2 + row_h * len(rows)
    # A shown cell has a value, a hidden one none (``Shown``).
    peak = _nice_max(max((c.value for _l, c in rows if c.value is not None), default=0))
    parts = [
        f'<svg class="chart" id="{chart_id}" role="img" aria-labelledby="{chart_id}-t" '
        f'viewBox="0 0 {label_w + bar_w + 70} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
    ]
    for index, (label, cell) in enumerate(rows):
        y = top + index * row_h
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{escape(short)}</text>'
        )
        width = round(bar_w * cell.value / peak) if cell.shown and cell.value else 0
        if width:
            parts.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{row_h - 6}" fill="{COLOR}" '
                f'data-value="{cell.value}"/>'
            )
        fill = "#1a1a1a" if cell.shown else MUTED
        parts.append(
            f'<text x="{label_w + width + 4}" y="{y + 15}" font-size="12" '
            f'fill="{fill}">{escape(cell_text(cell))}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(chart_id: str, title: str, points: list[tuple[str, Shown]]) -> Markup:
    """A year-over-year line: shown figures joined in order; a hidden one breaks the line."""
    width, height, left, bottom, top = 560, 200, 50, 30, 14
    plot_w, plot_h = width - left - 20, height - top - bottom
    peak = _nice_max(max((c.value for _l, c in points if c.value is not None), default=0))
    step = plot_w / max(len(points) - 1, 1)
    parts = [
        f'<svg class="chart" id="{chart_id}" role="img" aria-labelledby="{chart_id}-t" '
        f'viewBox="0 0 {width} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{MUTED}"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" '
        f'font-size="11">{escape(format_number(peak))}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end" font-size="11">0</text>',
    ]
    segment: list[str] = []
    segments: list[list[str]] = []
    for index, (label, cell) in enumerate(points):
        x = round(left + index * step, 1)
        parts.append(
            f'<text x="{x}" y="{height - 10}" text-anchor="middle" font-size="11">{escape(label)}</text>'
        )
        if cell.value is not None:  # shown
            y = round(top + plot_h - plot_h * cell.value / peak, 1)
            segment.append(f"{x},{y}")
            parts.append(f'<circle cx="{x}" cy="{y}" r="4" fill="{COLOR}" data-value="{cell.value}"/>')
            parts.append(
                f'<text x="{x}" y="{y - 8}" text-anchor="middle" '
                f'font-size="11">{escape(cell_text(cell))}</text>'
            )
        else:
            if segment:
                segments.append(segment)
            segment = []
            parts.append(
                f'<text x="{x}" y="{top + plot_h - 6}" text-anchor="middle" font-size="11" fill="{MUTED}">'
                f"{escape(cell_text(cell))}</text>"
            )
    if segment:
        segments.append(segment)
    for points_list in segments:
        if len(points_list) > 1:
            parts.insert(
                5,
                f'<polyline points="{" ".join(points_list)}" fill="none" stroke="{COLOR}" stroke-width="2"/>',
            )
    parts.append("</svg>")
    return Markup("".join(parts))
