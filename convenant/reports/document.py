"""The shape of a yearly report, independent of how it is written out.

`content.gather` fills a `ReportDocument`; the PDF and the XLSX are both written from it,
so the spreadsheet holds exactly the tables of the PDF. Pure Python, no Django import:
every text is already translated and every figure already passed disclosure control
when it lands here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

# The audiences of a report (art. 50, 63): every party, the government observer, and
# the secretariat's own version with exact figures.
PARTIES = "parties"
GOVERNMENT = "government"
INTERNAL = "internal"
VERSIONS = (PARTIES, GOVERNMENT, INTERNAL)

# What a year's report is about (art. 33).
BASELINE = "baseline"  # year 1: the results of the nulmeting
PROGRESS = "progress"  # years 2 and 4: progress against the baseline
INTERIM = "interim"  # year 3: the year's figures, no assessment round
EVALUATION = "evaluation"  # year 5: a short evaluation of the agreement as a whole

Number = int | Decimal


@dataclass(frozen=True)
class Cell:
    """One figure as the reader sees it. `value` is the exact figure (None when there is
    none); `text` is what is printed, e.g. "12", "5-9" or "fewer than 3"; `withheld`
    tells that disclosure control held the exact figure back."""

    text: str
    value: Number | None = None
    withheld: bool = False


@dataclass(frozen=True)
class Table:
    """A table of the report; `key` is stable across editions (it names the sheet in the
    XLSX and the figures a regenerated report compares)."""

    key: str
    title: str
    columns: tuple[str, ...]
    # Each row: its label, then one Cell per column after the first.
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]
    note: str = ""


@dataclass(frozen=True)
class Chart:
    """A chart drawn on the server: `svg` is complete, safe SVG markup; `summary` says
    in words what it shows (for screen readers and the XLSX)."""

    title: str
    svg: str
    summary: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True)
class ReportDocument:
    title: str
    year_number: int
    year_label: str  # e.g. "Year 2 (1 January 2026 - 31 December 2026)"
    version: str  # one of VERSIONS
    kind: str  # BASELINE, PROGRESS, INTERIM or EVALUATION
    k: int  # the disclosure threshold the figures were controlled with
    sections: tuple[Section, ...] = ()
    generated_on: dt.date | None = None
    notes: tuple[str, ...] = field(default=())

    def figures(self) -> dict[str, str]:
        """Every printed figure keyed by table, row and column: what a regenerated
        report compares with the edition before it."""
        result: dict[str, str] = {}
        for section in self.sections:
            for table in section.tables:
                for label, cells in table.rows:
                    for column, cell in zip(table.columns[1:], cells, strict=False):
                        result[f"{table.key} / {label} / {column}"] = cell.text
        return result
