"""A `ReportDocument` written out as PDF (WeasyPrint) and as XLSX (openpyxl).

Both are made from the same document, so the spreadsheet holds exactly the tables of
the PDF. The texts are already translated and every figure already controlled for
disclosure when the document gets here.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace

from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from convenant import pdf
from convenant.spreadsheets import FORMULA_START, escape_formula

from .document import INTERNAL, ReportDocument, Section
from .models import ReportVersion

PDF_TEMPLATE = "convenant/reports/pdf/report.html"

# A text a spreadsheet program would read as a formula (or DDE command) when it starts
# with one of these; kept under this name for the code that reads it from here.
FORMULA_STARTS = FORMULA_START
SHEET_NAME_MAX = 31
# Characters Excel refuses in a sheet name.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def kind_label(kind: str) -> str:
    return {
        "baseline": _("Baseline report"),
        "progress": _("Progress report"),
        "interim": _("Yearly report"),
        "evaluation": _("Evaluation"),
    }.get(kind, _("Yearly report"))


def version_label(version: str) -> str:
    try:
        return str(ReportVersion(version).label)
    except ValueError:
        return version


def _with_safe_charts(section: Section) -> Section:
    """Chart.svg is markup drawn by our own code from numbers (see document.Chart): the
    only place the report's template prints markup unescaped."""
    charts = tuple(
        replace(chart, svg=mark_safe(chart.svg))  # noqa: S308
        for chart in section.charts
    )
    return replace(section, charts=charts)


def render_pdf(document: ReportDocument, *, edition: int = 1) -> pdf.RenderedPdf:
    return pdf.render_template(
        PDF_TEMPLATE,
        {
            "document": document,
            "sections": [_with_safe_charts(section) for section in document.sections],
            "version_label": version_label(document.version),
            "kind_label": kind_label(document.kind),
            "internal": document.version == INTERNAL,
            "edition": edition,
        },
    )


def cell_text(value: object) -> object:
    """What goes into a cell: numbers as numbers, every text as text that no
    spreadsheet program takes for a formula."""
    if value is None or isinstance(value, int | float):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # Control characters make openpyxl refuse the whole workbook.
    return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def sheet_names(keys: list[str], *, reserved: str = "About") -> list[str]:
    """A valid, unique sheet name (at most 31 characters) for each table key, none
    of them `reserved` (the first sheet's name)."""
    taken = {reserved.lower()}
    names = []
    for key in keys:
        # Excel refuses a name that begins or ends with an apostrophe.
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        cleaned = ILLEGAL_CHARACTERS_RE.sub("", SHEET_NAME_FORBIDDEN.sub("_", key))
        base = cleaned[:SHEET_NAME_MAX].strip("'")
        base = base or "table"
        name, number = base, 1
        while name.lower() in taken:
            number += 1
            suffix = f"_{number}"
            name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(name.lower())
        names.append(name)
    return names


def render_xlsx(document: ReportDocument, *, edition: int = 1) -> bytes:
    """An "About" sheet, then one sheet per table: its title, the column headings and
    a row per label. Withheld figures are written as their text."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font

    def put(sheet, row: int, column: int, value: object, *, bold: bool = False):
        cell = sheet.cell(row=row, column=column)
        cell.value = cell_text(value)
        if isinstance(cell.value, str):
            # openpyxl would store a text starting with "=" as a formula.
            cell.data_type = TYPE_STRING
        if bold:
            cell.font = Font(bold=True)
        return cell

    workbook = Workbook()
    about = workbook.active
    about.title = _("About")[:SHEET_NAME_MAX]
    lines = [
        (_("Title"), document.title),
        (_("Agreement year"), document.year_label),
        (_("Version"), version_label(document.version)),
        (_("Edition"), edition),
        (_("Disclosure threshold (k)"), document.k),
        (
            _("Made on"),
            date_format(document.generated_on, "j F Y")
            if document.generated_on
            else "",
        ),
    ]
    for index, note in enumerate(document.notes, start=1):
        lines.append((_("Note %(number)s") % {"number": index}, note))
    for section in document.sections:
        for chart in section.charts:
            lines.append(
                (_("Chart: %(title)s") % {"title": chart.title}, chart.summary)
            )
    for row, (label, value) in enumerate(lines, start=1):
        put(about, row, 1, label, bold=True)
        put(about, row, 2, value)
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 80

    tables = [table for section in document.sections for table in section.tables]
    names = sheet_names([table.key for table in tables], reserved=about.title)
    for table, name in zip(tables, names, strict=True):
        sheet = workbook.create_sheet(name)
        put(sheet, 1, 1, table.title, bold=True)
        for column, heading in enumerate(table.columns, start=1):
            put(sheet, 3, column, heading, bold=True)
        for row, (label, cells) in enumerate(table.rows, start=4):
            put(sheet, row, 1, label)
            for column, cell in enumerate(cells, start=2):
                exact = (
                    not cell.withheld
                    and cell.value is not None
                    and cell.text == _number_text(cell.value)
                )
                put(sheet, row, column, _number(cell.value) if exact else cell.text)
        if table.note:
            put(sheet, len(table.rows) + 5, 1, table.note)
        sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _number(value) -> int | float:
    return value if isinstance(value, int) else float(value)


def _number_text(value) -> str:
    return str(value)
