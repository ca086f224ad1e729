"""The yearly report written out: the PDF holds every section, table and chart of the
document; the XLSX the same tables, with no text a spreadsheet would run as formula."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from convenant import pdf
from convenant.reports import render
from convenant.reports.document import INTERNAL, PARTIES, ReportDocument
from tests.convenant.reports_world import document


def test_the_pdf_holds_the_title_every_section_and_the_withheld_text():
    rendered = render.render_pdf(document(sections=3), edition=2)

    text = "\n".join(pdf.page_texts(rendered.content))
    assert rendered.pages == pdf.page_count(rendered.content) >= 5
    assert "Yearly report on the agreement" in text
    for number in (1, 2, 3):
        assert f"Chapter number {number}" in text
        assert f"Table of chapter {number}" in text
        assert f"Chart {number}" in text
    assert "fewer than 3" in text
    assert "Bar drawn on the server" in text
    assert "single out one company" in text
    assert "Confidential: internal" not in text


def test_the_internal_pdf_says_so_on_its_cover():
    rendered = render.render_pdf(document(version=INTERNAL))

    first_page = pdf.page_texts(rendered.content)[0]
    assert "Confidential: internal" in first_page


def test_an_empty_document_still_renders():
    empty = ReportDocument(
        title="Nothing yet",
        year_number=1,
        year_label="Year 1",
        version=PARTIES,
        kind="interim",
        k=3,
    )

    rendered = render.render_pdf(empty)

    assert "Nothing yet" in "\n".join(pdf.page_texts(rendered.content))
    workbook = load_workbook(io.BytesIO(render.render_xlsx(empty)))
    assert workbook.sheetnames == ["About"]


def test_the_xlsx_has_an_about_sheet_and_one_sheet_per_table():
    workbook = load_workbook(io.BytesIO(render.render_xlsx(document(sections=3))))

    assert workbook.sheetnames == ["About", "participants", "table-2", "table-3"]
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert about["Title"] == "Yearly report on the agreement"
    assert about["Agreement year"] == "Year 1"
    assert about["Disclosure threshold (k)"] == 3
    assert about["Chart: Chart 2"] == "A bar."
    sheet = workbook["participants"]
    assert sheet["A1"].value == "Table of chapter 1"
    assert [cell.value for cell in sheet[3]] == ["Kind", "Count", "Share"]
    assert [cell.value for cell in sheet[4]] == ["Companies", 12, "fewer than 3"]


def test_the_xlsx_escapes_every_text_a_spreadsheet_would_run_as_a_formula():
    content = render.render_xlsx(document(extra_row=True))
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["participants"]

    label, plus, minus = (cell for cell in sheet[5])
    assert label.value == '\'=HYPERLINK("http://evil")'
    assert label.data_type == "s"
    # "+1" is not how the figure 1 is written: it stays text, defused. "-2" is the
    # figure -2 written plainly: a number.
    assert plus.value == "'+1"
    assert minus.value == -2
    assert sheet["C6"].value == "'@sum"
    for row in workbook["participants"].iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (["a" * 40, "a" * 40], ["a" * 31, "a" * 29 + "_2"]),
        (["about", "x/y:z"], ["about_2", "x_y_z"]),
        (["Same", "same"], ["Same", "same_2"]),
    ],
)
def test_sheet_names_are_valid_and_unique(keys, expected):
    assert render.sheet_names(keys) == expected


@pytest.mark.parametrize("text", ["=1+1", "+31 6", "-5", "@cmd", "\t=x"])
def test_cell_text_defuses_formula_starts(text):
    assert render.cell_text(text) == "'" + text


def test_cell_text_leaves_plain_text_and_numbers():
    assert render.cell_text("Companies") == "Companies"
    assert render.cell_text(7) == 7
