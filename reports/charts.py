"""Charts as SVG markup, for the report PDF and the screens (report preview, dashboard).

Every function returns a complete ``<svg …>`` document as a string. It is drawn by
matplotlib's SVG backend (no pyplot: no global state, safe in threads and the worker)
with ``svg.fonttype = "none"``, so labels stay text, and WeasyPrint draws the result as
vector paths in the PDF, never a raster image.

Why matplotlib: a maintained plotting library does the axis scaling, tick choice, label
layout and legends we would otherwise hand-write; its SVG needs no JavaScript and no
external CSS, so it works both in WeasyPrint and, as an ``<img>``, under our strict CSP.

On a page, embed a chart with :func:`data_uri` in an ``<img src>`` (the CSP allows
``data:`` images but not the inline ``style`` attributes an inline ``<svg>`` carries)::

    <img class="chart" src="{{ chart_uri }}" alt="Pengaduan per kategori">

Labels and titles are shown as given: pass Indonesian text.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

# Colours that stay distinguishable in greyscale print (Okabe–Ito, colour-blind safe).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000"]
EMPTY_TEXT = "Tidak ada data pada periode ini"

_RC = {
    "svg.fonttype": "none",  # text as <text>, not glyph outlines
    "svg.hashsalt": "puskesos",  # stable element ids: the same data gives the same SVG
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
}

# Width in inches; A4 text width at our margins is ~6.5 in, half of it ~3.2 in.
WIDE = 6.4
NARROW = 3.3


def _figure(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context(_RC):
        FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    # Drop the XML prologue and DOCTYPE: the string is the <svg> element itself.
    return text[text.index("<svg"):]


def _empty(ax, title: str) -> None:
    _title(ax.figure, title)
    ax.text(0.5, 0.5, EMPTY_TEXT, ha="center", va="center", color="#666",
            transform=ax.transAxes)
    ax.set_axis_off()


def _title(figure: Figure, title: str) -> None:
    # On the figure, not the axes: a long title may use the width of the tick labels.
    figure.suptitle(title, x=0.01, ha="left", fontsize=9.5, fontweight="bold")


def _short(label: str, limit: int = 28) -> str:
    label = str(label)
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(labels: Sequence[str], values: Sequence[int], *, title: str,
              horizontal: bool = True, width: float = NARROW,
              color: str = PALETTE[0]) -> str:
    """One series of counts, one bar per label, each bar labelled with its count.

    Horizontal by default: category names (programmes, agencies) read better that way.
    """
    count = len(labels)
    height = max(1.6, 0.5 + 0.28 * count) if horizontal else 2.4
    with matplotlib.rc_context(_RC):
        figure = _figure(width, height)
        ax = figure.add_subplot()
        if not count or not any(values):
            _empty(ax, title)
            return _svg(figure)
        names = [_short(label) for label in labels]
        if horizontal:
            positions = list(range(count))[::-1]  # first label on top
            bars = ax.barh(positions, values, color=color, height=0.65)
            ax.set_yticks(positions, names)
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.set_xlim(0, max(values) * 1.18 + 0.5)
        else:
            bars = ax.bar(range(count), values, color=color, width=0.65)
            ax.set_xticks(range(count), names, rotation=30 if count > 4 else 0,
                          ha="right" if count > 4 else "center")
            ax.yaxis.get_major_locator().set_params(integer=True)
            ax.set_ylim(0, max(values) * 1.18 + 0.5)
        ax.bar_label(bars, padding=2, fontsize=8)
        _title(figure, title)
    return _svg(figure)


def grouped_bar_chart(labels: Sequence[str], series: dict[str, Sequence[int]], *,
                      title: str, stacked: bool = False, width: float = NARROW) -> str:
    """Several series side by side (or stacked) per label, with a legend; e.g.
    complaints per programme split by category, referrals per agency by response."""
    count = len(labels)
    names = list(series)
    height = max(2.0, 1.0 + 0.32 * count * (1 if stacked else max(1, len(names)) * 0.6))
    with matplotlib.rc_context(_RC):
        figure = _figure(width, height)
        ax = figure.add_subplot()
        if not count or not any(any(values) for values in series.values()):
            _empty(ax, title)
            return _svg(figure)
        positions = list(range(count))[::-1]
        band = 0.75
        size = band if stacked else band / max(1, len(names))
        left = [0] * count
        for index, name in enumerate(names):
            values = list(series[name])
            colour = PALETTE[index % len(PALETTE)]
            if stacked:
                ax.barh(positions, values, left=left, height=size, color=colour, label=name)
                left = [a + b for a, b in zip(left, values, strict=True)]
            else:
                offset = (index - (len(names) - 1) / 2) * size
                bars = ax.barh([p - offset for p in positions], values, height=size,
                               color=colour, label=name)
                ax.bar_label(bars, labels=[str(v) if v else "" for v in values], padding=2,
                             fontsize=7)
        ax.set_yticks(positions, [_short(label) for label in labels])
        ax.xaxis.get_major_locator().set_params(integer=True)
        peak = max(left) if stacked else max(max(v) for v in series.values())
        ax.set_xlim(0, peak * 1.18 + 0.5)
        # Below the plot, outside it: a legend inside would cover the longest bars.
        figure.legend(fontsize=7, frameon=False, loc="outside lower center",
                      ncols=min(3, len(names)))
        _title(figure, title)
    return _svg(figure)


def line_chart(labels: Sequence[str], series: dict[str, Sequence[int]], *, title: str,
               width: float = WIDE, height: float = 2.3) -> str:
    """A trend over periods (e.g. 12 months): one line per series, points marked."""
    with matplotlib.rc_context(_RC):
        figure = _figure(width, height)
        ax = figure.add_subplot()
        if not labels or not any(any(values) for values in series.values()):
            _empty(ax, title)
            return _svg(figure)
        for index, (name, values) in enumerate(series.items()):
            ax.plot(range(len(labels)), list(values), marker="o", markersize=3,
                    linewidth=1.6, color=PALETTE[index % len(PALETTE)], label=name)
        ax.set_xticks(range(len(labels)), [str(label) for label in labels], fontsize=7)
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_ylim(bottom=0)
        ax.grid(axis="y", color="#ddd", linewidth=0.6)
        if len(series) > 1:
            ax.legend(fontsize=7, frameon=False, ncols=min(4, len(series)),
                      loc="upper left")
        _title(figure, title)
    return _svg(figure)


def data_uri(svg: str) -> str:
    """The chart as a ``data:`` URL for ``<img src>`` (screens and WeasyPrint alike)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
