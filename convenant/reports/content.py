"""What a year's report holds (art. 33): placeholder until the content is written."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import timezone

from .document import PARTIES, Cell, ReportDocument, Section, Table

Progress = Callable[[int, str], None]


def gather(
    *, year, version: str = PARTIES, progress: Progress | None = None
) -> ReportDocument:
    """The report of agreement year `year` for `version`, every figure controlled for
    that audience. `progress(percent, step)` is called as parts are done."""
    if progress:
        progress(50, "Participants")
    return ReportDocument(
        title=f"Yearly report {year}",
        year_number=year.number,
        year_label=str(year),
        version=version,
        kind="baseline",
        k=3,
        sections=(
            Section(
                key="participants",
                title="Participants",
                tables=(
                    Table(
                        key="participants",
                        title="Participants",
                        columns=("Kind", "Parties"),
                        rows=(("Companies", (Cell("0", 0),)),),
                    ),
                ),
            ),
        ),
        generated_on=timezone.localdate(),
    )
