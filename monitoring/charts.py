"""Bar charts drawn on the server as SVG: this module turns counts into bar geometry;
the templates draw it and show the same figures as a table.

Pure Python, no Django import. Labels come in already translated; every coordinate is in
SVG user units, rounded to one decimal so the markup stays short and stable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

Number = int | float | Decimal

# Colours with a contrast of at least 3:1 against white (WCAG 2.1, non-text contrast),
# so that bars stay visible for people with low vision.
SIGNAL_COLOURS: Final = {"green": "#2e7d32", "orange": "#b35c00", "red": "#b30000"}
NO_SIGNAL_COLOUR: Final = "#6b6b6b"
# Five clearly different hues, each dark enough for white text (at least 4.5:1).
LEVEL_COLOURS: Final = ("#8a4b00", "#6b6b00", "#2e6b4f", "#1f5f8b", "#4b2a6b")
BAR_COLOUR: Final = "#00456e"
UP_COLOUR: Final = "#2e7d32"
SAME_COLOUR: Final = "#6b6b6b"
DOWN_COLOUR: Final = "#b30000"

# Text inside a stacked segment needs this much room (user units) to be drawn.
MIN_SEGMENT_TEXT_WIDTH: Final = 28


@dataclass(frozen=True, slots=True)
class BarItem:
    """One value to draw: its label, the value, its colour and how it is written."""

    label: str
    value: Number
    fill: str = BAR_COLOUR
    display: str | None = None

    @property
    def text(self) -> str:
        return self.display if self.display is not None else _format(self.value)


@dataclass(frozen=True, slots=True)
class Bar:
    """A horizontal bar: the label left of it, the value written right of it."""

    label: str
    text: str
    fill: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    text_x: float
    text_y: float


@dataclass(frozen=True, slots=True)
class BarChart:
    bars: tuple[Bar, ...]
    width: float
    height: float
    summary: str

    @property
    def view_box(self) -> str:
        return f"0 0 {_num(self.width)} {_num(self.height)}"

    @property
    def empty(self) -> bool:
        return not self.bars


@dataclass(frozen=True, slots=True)
class Segment:
    """One part of a stacked bar; `show_text` when it is wide enough for its value."""

    label: str
    text: str
    fill: str
    x: float
    width: float
    text_x: float
    show_text: bool


@dataclass(frozen=True, slots=True)
class StackedBar:
    label: str
    total_text: str
    y: float
    height: float
    label_x: float
    text_y: float
    total_x: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class LegendEntry:
    label: str
    fill: str
    x: float
    y: float
    text_x: float
    text_y: float


@dataclass(frozen=True, slots=True)
class StackedChart:
    rows: tuple[StackedBar, ...]
    legend: tuple[LegendEntry, ...]
    width: float
    height: float
    summary: str

    @property
    def view_box(self) -> str:
        return f"0 0 {_num(self.width)} {_num(self.height)}"

    @property
    def empty(self) -> bool:
        return not self.rows


def bar_chart(
    items: Sequence[BarItem],
    *,
    max_value: Number | None = None,
    width: float = 560,
    label_width: float = 190,
    value_width: float = 60,
    bar_height: float = 24,
    gap: float = 10,
) -> BarChart:
    """Horizontal bars, one per item, scaled so that `max_value` (the largest value
    when not given) fills the plot. Negative values are drawn as empty bars."""
    top = (
        max_value if max_value is not None else max((i.value for i in items), default=0)
    )
    plot = width - label_width - value_width
    bars = []
    for index, item in enumerate(items):
        y = gap + index * (bar_height + gap)
        length = _share(item.value, top) * plot
        bars.append(
            Bar(
                label=item.label,
                text=item.text,
                fill=item.fill,
                x=_round(label_width),
                y=_round(y),
                width=_round(length),
                height=_round(bar_height),
                label_x=_round(label_width - 8),
                text_x=_round(label_width + length + 6),
                text_y=_round(y + bar_height / 2),
            )
        )
    height = gap + len(items) * (bar_height + gap)
    return BarChart(
        bars=tuple(bars),
        width=_round(width),
        height=_round(height),
        summary=summary(items),
    )


def stacked_chart(
    rows: Sequence[tuple[str, Sequence[BarItem]]],
    *,
    width: float = 560,
    label_width: float = 190,
    total_width: float = 50,
    bar_height: float = 26,
    gap: float = 12,
    legend_height: float = 28,
) -> StackedChart:
    """One bar per row, split into its items as shares of the row's total (each row
    fills the plot: a distribution). The legend names the items of the first row, in
    their order; every row should have the same items."""
    plot = width - label_width - total_width
    legend = _legend(rows[0][1] if rows else (), label_width, plot)
    bars = []
    for index, (label, items) in enumerate(rows):
        y = legend_height + gap + index * (bar_height + gap)
        total = sum((item.value for item in items), start=0)
        x = label_width
        segments = []
        for item in items:
            length = _share(item.value, total) * plot
            segments.append(
                Segment(
                    label=item.label,
                    text=item.text,
                    fill=item.fill,
                    x=_round(x),
                    width=_round(length),
                    text_x=_round(x + length / 2),
                    show_text=length >= MIN_SEGMENT_TEXT_WIDTH and item.value > 0,
                )
            )
            x += length
        bars.append(
            StackedBar(
                label=label,
                total_text=_format(total),
                y=_round(y),
                height=_round(bar_height),
                label_x=_round(label_width - 8),
                text_y=_round(y + bar_height / 2),
                total_x=_round(label_width + plot + 6),
                segments=tuple(segments),
            )
        )
    height = legend_height + gap + len(rows) * (bar_height + gap)
    text = "; ".join(f"{label}: {summary(items)}" for label, items in rows)
    return StackedChart(
        rows=tuple(bars),
        legend=legend,
        width=_round(width),
        height=_round(height),
        summary=text,
    )


def summary(items: Sequence[BarItem]) -> str:
    """The figures as one line of text, the chart's text alternative."""
    return ", ".join(f"{item.label} {item.text}" for item in items)


def _legend(
    items: Sequence[BarItem], left: float, plot: float
) -> tuple[LegendEntry, ...]:
    if not items:
        return ()
    step = plot / len(items)
    return tuple(
        LegendEntry(
            label=item.label,
            fill=item.fill,
            x=_round(left + index * step),
            y=4,
            text_x=_round(left + index * step + 18),
            text_y=11,
        )
        for index, item in enumerate(items)
    )


def _share(value: Number, total: Number) -> float:
    """`value` as a share of `total`, between 0 and 1."""
    if not total or total <= 0 or value <= 0:
        return 0.0
    return min(float(value) / float(total), 1.0)


def _round(number: float) -> float:
    return round(float(number), 1)


def _num(number: float) -> str:
    return f"{number:g}"


def _format(value: Number) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
