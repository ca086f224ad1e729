"""Factories for production-location lists, and helpers that write location files."""

from __future__ import annotations

import csv
import io

import factory
import openpyxl

from ketenkaart.aggregation import normalise_supplier_name
from ketenkaart.models import (
    ImportMode,
    ImportStatus,
    ListStatus,
    Location,
    LocationImport,
    LocationList,
)
from ketenkaart.resources import COLUMNS
from tests.governance.factories import OrganisationFactory

YEAR = 2026


class LocationListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocationList

    company = factory.SubFactory(OrganisationFactory)
    year = YEAR
    status = ListStatus.DRAFT


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    location_list = factory.SubFactory(LocationListFactory)
    supplier_name = factory.Sequence(lambda n: f"Mina Cobre {n} S.A.")
    normalised_name = factory.LazyAttribute(
        lambda o: normalise_supplier_name(o.supplier_name)
    )
    address = factory.Sequence(lambda n: f"Camino Minero {n}")
    city = "Calama"
    region_code = "CL-AN"
    country = "CL"
    activity = "mining"
    materials = factory.LazyFunction(lambda: ["copper"])
    tier = 3
    relation = "supplier"
    external_id = ""


class LocationImportFactory(factory.django.DjangoModelFactory):
    """A checked upload whose check found a problem: finished, nothing to confirm."""

    class Meta:
        model = LocationImport

    company = factory.SubFactory(OrganisationFactory)
    year = YEAR
    file_name = "ketenlijst.csv"
    file_digest = "0" * 64
    mode = ImportMode.CHECK
    status = ImportStatus.DONE
    rows_done = 1
    rows_total = 1
    result = factory.LazyFunction(
        lambda: {
            "file_name": "ketenlijst.csv",
            "year": YEAR,
            "rows": 1,
            "problems": [
                {
                    "row": 2,
                    "column": "country",
                    "value": "Neverland",
                    "message": "“Neverland” is not a country",
                }
            ],
            "problem_count": 1,
        }
    )


HEADER = ",".join(COLUMNS)
# Good rows in the columns of the template.
GOOD_ROWS = (
    "Kamoto Copper Company,Route de Kamoto,Kolwezi,CD-LU,CD,mining,copper;cobalt,3,supplier,KCC-1",
    "Umicore Olen,Watertorenstraat 33,Olen,BE-VAN,BE,smelting_refining,cobalt,2,supplier,",
    "Rotterdam Metals B.V.,Waalhaven 10,Rotterdam,NL-ZH,NL,trading,copper;cobalt,1,supplier,RM-7",
)


def csv_bytes(*rows: str, header: str = HEADER, delimiter: str = ",") -> bytes:
    lines = [header, *rows]
    if delimiter != ",":
        lines = [line.replace(",", delimiter) for line in lines]
    return ("\r\n".join(lines) + "\r\n").encode()


def csv_from_records(records: list[list], header=COLUMNS) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(records)
    return buffer.getvalue().encode()


def xlsx_bytes(rows: list[list], header=COLUMNS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class NamedBytes(io.BytesIO):
    """File-like bytes with a name, as an upload or an open file has."""

    def __init__(self, data: bytes, name: str = "locations.csv") -> None:
        super().__init__(data)
        self.name = name


def submitted_location(company, *, year: int = YEAR, **fields) -> Location:
    """A location on the company's submitted list of `year` (made when missing)."""
    from django.utils import timezone

    location_list, _ = LocationList.objects.get_or_create(
        company=company,
        year=year,
        defaults={"status": ListStatus.SUBMITTED, "submitted_at": timezone.now()},
    )
    return LocationFactory(location_list=location_list, **fields)


def use_report_storage(monkeypatch, folder):
    """Evidence of supplier reports goes to `folder` (the field's storage is made when
    the model is imported, so the setting alone cannot move it)."""
    from django.core.files.storage import FileSystemStorage

    from ketenkaart.models import SupplierReport

    storage = FileSystemStorage(location=str(folder), base_url=None)
    monkeypatch.setattr(SupplierReport._meta.get_field("evidence"), "storage", storage)
    return storage
