"""Documents and runs for the yearly-report tests: a document of any shape, so the
rendering and the runs are tested apart from what the real content holds."""

from __future__ import annotations

import datetime as dt

from convenant.reports.document import (
    PARTIES,
    Cell,
    Chart,
    ReportDocument,
    Section,
    Table,
)

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40" '
    'role="img"><rect x="0" y="0" width="120" height="20" fill="#00456e"/>'
    '<text x="2" y="35">Bar drawn on the server</text></svg>'
)


def document(
    *,
    version: str = PARTIES,
    companies: str = "12",
    sections: int = 2,
    extra_row: bool = False,
    year_number: int = 1,
) -> ReportDocument:
    result = []
    for number in range(1, sections + 1):
        rows = [
            (
                "Companies",
                (Cell(companies, int(companies)), Cell("fewer than 3", None, True)),
            ),
            ('=HYPERLINK("http://evil")', (Cell("+1", 1), Cell("-2", -2))),
        ]
        if extra_row:
            rows.append(("Recyclers", (Cell("4", 4), Cell("@sum", None))))
        result.append(
            Section(
                key=f"section-{number}",
                title=f"Chapter number {number}",
                paragraphs=(f"The text of chapter {number}.",),
                tables=(
                    Table(
                        key=f"table-{number}" if number > 1 else "participants",
                        title=f"Table of chapter {number}",
                        columns=("Kind", "Count", "Share"),
                        rows=tuple(rows),
                        note="Figures of fewer than 3 organisations are withheld.",
                    ),
                ),
                charts=(Chart(title=f"Chart {number}", svg=SVG, summary="A bar."),),
            )
        )
    return ReportDocument(
        title="Yearly report on the agreement",
        year_number=year_number,
        year_label=f"Year {year_number}",
        version=version,
        kind="baseline",
        k=3,
        sections=tuple(result),
        generated_on=dt.date(2026, 11, 1),
        notes=("Made from test data.",),
    )
