"""A few chart shapes written as SVG text: the report's plots cost microseconds, not seconds.

Matplotlib took 80-90 % of an in-process run on Adult to draw five PNGs (its import, layout
over long tick labels, rasterising). The report needs bars only, so they are written directly:
a panel is a group of rectangles and labels in a fixed layout, labels are cut to a short
length, and every text is XML-escaped. The result is a standalone `<svg>` document.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

FONT = "font-family='system-ui,sans-serif'"
LABEL_CHARS = 22
LABEL_WIDTH = 150
ROW_HEIGHT = 18
TITLE_HEIGHT = 26
AXIS_HEIGHT = 34
MARGIN = 10


@dataclass(frozen=True)
class Bars:
    """Named values drawn as horizontal bars in one colour; `limit` fixes the scale's end."""

    title: str
    labels: Sequence[str]
    values: Sequence[float]
    colour: str
    axis: str = ""
    limit: float | None = None


@dataclass(frozen=True)
class Histogram:
    """Vertical bars between consecutive `edges` (len(edges) == len(heights) + 1)."""

    title: str
    edges: Sequence[float]
    heights: Sequence[float]
    colour: str
    axis: str = ""


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence interval, drawn as a whisker over the bar."""

    low: float
    high: float


@dataclass(frozen=True)
class GroupedBars:
    """For each group (x position) one bar per series; `intervals[series][group]` adds whiskers."""

    title: str
    groups: Sequence[str]
    series: dict[str, Sequence[float]]
    colours: Sequence[str]
    axis: str = ""
    limit: float = 1.0
    intervals: dict[str, Sequence[Interval | None]] | None = None


def short(label: object, chars: int = LABEL_CHARS) -> str:
    """A label cut to `chars` characters (an ellipsis marks the cut).

    >>> short("Married-spouse-absent-and-more", 10)
    'Married-s…'
    """
    text = str(label)
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _text(x: float, y: float, content: str, size: int = 11, anchor: str = "start", weight: str = "normal") -> str:
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' font-weight='{weight}' {FONT}>"
        f"{escape(content)}</text>"
    )


def _rect(x: float, y: float, width: float, height: float, colour: str) -> str:
    return f"<rect x='{x:.1f}' y='{y:.1f}' width='{max(width, 0.0):.1f}' height='{max(height, 0.0):.1f}' fill='{colour}'/>"


def _line(x1: float, y1: float, x2: float, y2: float, colour: str = "#1d2430") -> str:
    return f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' stroke='{colour}' stroke-width='1'/>"


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:.3g}"


def _bars(panel: Bars, x: float, width: float) -> tuple[list[str], float]:
    rows = max(len(panel.labels), 1)
    top = TITLE_HEIGHT
    scale_end = panel.limit if panel.limit is not None else max([*panel.values, 0.0]) or 1.0
    plot_x, plot_width = x + LABEL_WIDTH, width - LABEL_WIDTH - 50
    parts = [_text(x + width / 2, 17, short(panel.title, 60), 13, "middle", "bold")]
    for row, (label, value) in enumerate(zip(panel.labels, panel.values)):
        y = top + row * ROW_HEIGHT
        parts.append(_text(plot_x - 6, y + 13, short(label), 10, "end"))
        parts.append(_rect(plot_x, y + 3, plot_width * min(value / scale_end, 1.0), ROW_HEIGHT - 6, panel.colour))
        parts.append(_text(plot_x + plot_width * min(value / scale_end, 1.0) + 4, y + 13, _number(value), 9))
    bottom = top + rows * ROW_HEIGHT
    parts.append(_line(plot_x, top, plot_x, bottom))
    parts.append(_text(plot_x + plot_width / 2, bottom + 16, short(panel.axis, 70), 10, "middle"))
    return parts, bottom + AXIS_HEIGHT


def _histogram(panel: Histogram, x: float, width: float, height: float) -> list[str]:
    plot_x, plot_width = x + 40, width - 60
    top, bottom = TITLE_HEIGHT + 4, height - AXIS_HEIGHT
    parts = [_text(x + width / 2, 17, short(panel.title, 60), 13, "middle", "bold")]
    edges = list(panel.edges)
    if len(edges) > 1:
        low, span = edges[0], (edges[-1] - edges[0]) or 1.0
        tallest = max([*panel.heights, 0.0]) or 1.0
        for start, stop, value in zip(edges, edges[1:], panel.heights):
            bar = (bottom - top) * value / tallest
            left = plot_x + plot_width * (start - low) / span
            parts.append(_rect(left, bottom - bar, plot_width * (stop - start) / span - 1, bar, panel.colour))
        for tick in round_ticks(edges[0], edges[-1]):
            parts.append(_text(plot_x + plot_width * (tick - low) / span, bottom + 12, f"{tick:.6g}", 9, "middle"))
    parts.append(_line(plot_x, bottom, plot_x + plot_width, bottom))
    parts.append(_text(plot_x + plot_width / 2, bottom + 27, short(panel.axis, 70), 10, "middle"))
    return parts


def round_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """Round numbers (1, 2 or 5 times a power of ten apart) inside [low, high], as axis labels:
    they come from the range, never from a value of the data.

    >>> round_ticks(10002.5, 10198)
    [10050, 10100, 10150]
    """
    if high <= low:
        return []
    raw_step = (high - low) / most
    power = 10 ** math.floor(math.log10(raw_step))
    step = next(factor * power for factor in (1, 2, 5, 10) if factor * power >= raw_step)
    first = math.ceil(low / step) * step
    return [first + index * step for index in range(int((high - first) // step) + 1)]


def _grouped(panel: GroupedBars, x: float, width: float, height: float) -> list[str]:
    plot_x, plot_width = x + 40, width - 180
    top, bottom = TITLE_HEIGHT + 4, height - AXIS_HEIGHT
    parts = [_text(x + width / 2, 17, short(panel.title, 60), 13, "middle", "bold")]
    slot = plot_width / max(len(panel.groups), 1)
    bar = 0.8 * slot / max(len(panel.series), 1)
    for group_index, group in enumerate(panel.groups):
        parts.append(_text(plot_x + slot * (group_index + 0.5), bottom + 14, short(group), 10, "middle"))
    for series_index, (name, values) in enumerate(panel.series.items()):
        colour = panel.colours[series_index % len(panel.colours)]
        whiskers = (panel.intervals or {}).get(name) or [None] * len(values)
        for group_index, (value, interval) in enumerate(zip(values, whiskers)):
            left = plot_x + slot * group_index + 0.1 * slot + bar * series_index
            height_of = (bottom - top) * min(value / panel.limit, 1.0)
            parts.append(_rect(left, bottom - height_of, bar - 1, height_of, colour))
            if interval is not None:
                centre = left + bar / 2
                low = bottom - (bottom - top) * min(interval.low / panel.limit, 1.0)
                high = bottom - (bottom - top) * min(interval.high / panel.limit, 1.0)
                parts += [_line(centre, low, centre, high), _line(centre - 3, low, centre + 3, low), _line(centre - 3, high, centre + 3, high)]
        legend_y = top + 14 * series_index
        parts.append(_rect(plot_x + plot_width + 12, legend_y, 10, 10, colour))
        parts.append(_text(plot_x + plot_width + 26, legend_y + 9, short(name), 10))
    parts.append(_line(plot_x, bottom, plot_x + plot_width, bottom))
    parts.append(_line(plot_x, top, plot_x, bottom))
    parts.append(_text(plot_x - 4, top + 8, _number(panel.limit), 9, "end"))
    parts.append(_text(plot_x - 4, bottom, "0", 9, "end"))
    parts.append(_text(plot_x + plot_width / 2, bottom + 28, short(panel.axis, 70), 10, "middle"))
    return parts


def _document(width: float, height: float, parts: list[str], title: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width:.0f}' height='{height:.0f}' "
        f"viewBox='0 0 {width:.0f} {height:.0f}'><title>{escape(title)}</title>"
        f"<rect width='100%' height='100%' fill='white'/>{''.join(parts)}</svg>"
    )


def chart(panels: Sequence[Bars | Histogram | GroupedBars], width: float = 640, height: float = 300) -> str:
    """One SVG document with the panels side by side (bar panels grow with their rows).

    >>> chart([Bars("Risk", ["low", "high"], [3, 1], "#3b6ea5")]).startswith("<svg xmlns=")
    True
    """
    parts: list[str] = []
    panel_width = width / len(panels)
    tallest = height
    for index, panel in enumerate(panels):
        x = MARGIN + index * panel_width
        group: list[str]
        if isinstance(panel, Bars):
            group, used = _bars(panel, x, panel_width - MARGIN)
            tallest = max(tallest, used) if len(panels) > 1 else used
        elif isinstance(panel, Histogram):
            group = _histogram(panel, x, panel_width - MARGIN, height)
        else:
            group = _grouped(panel, x, panel_width - MARGIN, height)
        parts += group
    return _document(width + 2 * MARGIN, tallest, parts, " / ".join(panel.title for panel in panels))


def svg_data_uri(svg: str) -> str:
    """An SVG document as a `data:` URI, for an `<img>` (which runs no script and loads nothing).

    >>> svg_data_uri("<svg/>")
    'data:image/svg+xml;base64,PHN2Zy8+'
    """
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
