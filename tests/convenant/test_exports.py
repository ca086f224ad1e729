"""Every CSV and XLSX export of the platform escapes a text a spreadsheet would run as a
formula, with the one function of convenant/spreadsheets.py."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import reverse

from convenant.reports import render
from convenant.reports.document import PARTIES, Cell, ReportDocument, Section, Table
from convenant.spreadsheets import FORMULA_START, escape_formula, unescape_formula
from governance.imports import organisation_export
from governance.models import Contribution
from governance.selectors import OrganisationFilters
from ketenkaart import releases
from ketenkaart.exports import location_list_export
from tests.governance.factories import OrganisationFactory
from tests.ketenkaart.factories import YEAR, LocationFactory, LocationListFactory

PAYLOADS = (
    '=HYPERLINK("http://evil.test","click")',
    "+1",
    "-1",
    "@SUM(1)",
    "\t=1",
    "\r=1",
)


def csv_cells(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    return [cell for row in rows for cell in row]


def xlsx_cells(content: bytes) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def assert_escaped(cells: list[str], payloads=PAYLOADS) -> None:
    """Every payload is there, escaped; no cell would run as a formula."""
    for payload in payloads:
        assert "'" + payload in cells, payload
    assert not [cell for cell in cells if cell.startswith(FORMULA_START)]


def assert_xlsx_escaped(content: bytes) -> None:
    cells = xlsx_cells(content)
    assert {cell.data_type for cell in cells if isinstance(cell.value, str)} == {"s"}
    # XML reads a carriage return in a text as a line feed.
    assert_escaped(
        [cell.value for cell in cells if isinstance(cell.value, str)],
        [payload.replace("\r", "\n") for payload in PAYLOADS],
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escape_formula_quotes_and_unescape_gives_it_back(payload):
    assert escape_formula(payload) == "'" + payload
    assert unescape_formula(escape_formula(payload)) == payload
    assert unescape_formula(escape_formula("'" + payload)) == "'" + payload


def test_escape_formula_leaves_plain_text_and_numbers():
    assert escape_formula("Gieterij Noord") == "Gieterij Noord"
    assert escape_formula(-1) == -1
    assert escape_formula(None) is None


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_organisation_export_escapes_every_formula(secretariat_user, file_format):
    for payload in PAYLOADS:
        OrganisationFactory(name=payload, kvk_number=None)

    export = organisation_export(
        actor=secretariat_user, filters=OrganisationFilters(), file_format=file_format
    )

    if file_format == "csv":
        assert_escaped(csv_cells(export.content))
    else:
        assert_xlsx_escaped(export.content)


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_location_list_export_escapes_every_formula(secretariat_user, file_format):
    location_list = LocationListFactory(year=YEAR)
    for payload in PAYLOADS:
        LocationFactory(
            location_list=location_list,
            supplier_name=payload,
            address=payload,
            city=payload,
            external_id=payload,
        )

    export = location_list_export(
        company=location_list.company,
        year=YEAR,
        actor=secretariat_user,
        file_format=file_format,
    )

    if file_format == "csv":
        assert_escaped(csv_cells(export.content))
    else:
        assert_xlsx_escaped(export.content)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_published_release_export_escapes_every_formula(monkeypatch, file_format):
    rows = [
        {
            "year": YEAR,
            "area_level": "country",
            "area_code": "CL",
            "area_name": payload,
            "activity": payload,
            "companies": "5-9",
            "locations": "10-24",
        }
        for payload in PAYLOADS
    ]
    monkeypatch.setattr(releases, "release_cells", lambda release: [])
    monkeypatch.setattr(releases, "public_rows", lambda *args: rows)

    export = releases.release_export(
        SimpleNamespace(year=YEAR, number=1), file_format, "en"
    )

    if file_format == "csv":
        assert_escaped(csv_cells(export.content))
    else:
        assert_xlsx_escaped(export.content)


def test_the_yearly_report_xlsx_escapes_every_formula():
    document = ReportDocument(
        title=PAYLOADS[0],
        year_number=1,
        year_label="Year 1",
        version=PARTIES,
        kind="interim",
        k=3,
        notes=PAYLOADS,
        sections=(
            Section(
                key="one",
                title="One",
                tables=(
                    Table(
                        key="table",
                        title="Table",
                        columns=("Kind", "Text"),
                        rows=tuple(
                            (payload, (Cell(payload, None),)) for payload in PAYLOADS
                        ),
                    ),
                ),
            ),
        ),
    )

    assert_xlsx_escaped(render.render_xlsx(document))


@pytest.mark.django_db
def test_the_contribution_export_escapes_every_formula(secretariat_client, agreement):
    year = agreement.years.get(number=1)
    for payload in PAYLOADS:
        organisation = OrganisationFactory(name=payload, kvk_number=None)
        Contribution.objects.create(
            organisation=organisation,
            agreement_year=year,
            fte=organisation.fte,
            amount=Decimal("2500.00"),
        )

    response = secretariat_client.get(
        reverse("governance:contribution_export") + "?year=1"
    )

    assert response.status_code == 200
    assert_escaped(csv_cells(response.content))
