"""A company's list as a file in the columns of the import (so it imports again
unchanged), and the template to fill in, with a second sheet explaining every column."""

from __future__ import annotations

import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX

from convenant.audit import audit_record
from governance.imports import ExportFile
from governance.models import Organisation, User

from . import permissions
from .models import Location
from .resources import COLUMNS, LocationResource, column_help

FILE_FORMATS = ("csv", "xlsx")

# The template's example: a row of the reference list of facilities (Kamoto, a copper
# and cobalt mine in Lualaba, DR Congo), with an address and a reference as a company
# would write them.
EXAMPLE_ROW = (
    "Kamoto",
    "Route de Kamoto",
    "Kolwezi",
    "CD-LU",
    "CD",
    "mining",
    "copper;manganese",
    3,
    "supplier",
    "LEV-0042",
)


def export_file(dataset: tablib.Dataset, file_format: str, stem: str) -> ExportFile:
    if file_format == "csv":
        # The byte order mark makes Excel read the file as UTF-8.
        content = ("\ufeff" + CSV().export_data(dataset)).encode("utf-8")
        return ExportFile(content, "text/csv; charset=utf-8", f"{stem}.csv")
    xlsx = XLSX()
    return ExportFile(
        xlsx.export_data(dataset), xlsx.get_content_type(), f"{stem}.xlsx"
    )


def location_list_export(
    *,
    company: Organisation,
    year: int,
    actor: User,
    file_format: str,
    request: HttpRequest | None = None,
) -> ExportFile:
    """The company's locations for the year, for the company itself or the
    secretariat. Every export is audited: it carries name and address data."""
    if not (
        permissions.can_edit_list_of(actor, company)
        or permissions.can_view_all_lists(actor)
    ):
        raise PermissionDenied
    if file_format not in FILE_FORMATS:
        raise ValidationError(
            _("Choose the format csv or xlsx."), code="invalid_format"
        )
    queryset = Location.objects.filter(
        location_list__company=company, location_list__year=year
    ).order_by("tier", "supplier_name", "id")
    dataset = LocationResource().export(queryset)
    dataset.title = str(_("Locations"))
    slug = "".join(c if c.isalnum() else "-" for c in company.name.lower()).strip("-")
    export = export_file(dataset, file_format, f"locations-{slug[:40]}-{year}")
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="location_list.export",
            organisation=company,
            request=request,
            details={"year": year, "format": file_format, "count": len(dataset)},
        )
    return export


def location_template(*, file_format: str = "xlsx") -> ExportFile:
    """The file to fill in: the columns with one example row; in XLSX a second sheet
    explains each column, whether it is required and the values it takes."""
    if file_format not in FILE_FORMATS:
        raise ValidationError(
            _("Choose the format csv or xlsx."), code="invalid_format"
        )
    locations = tablib.Dataset(EXAMPLE_ROW, headers=list(COLUMNS))
    locations.title = str(_("Locations"))
    if file_format == "csv":
        return export_file(locations, "csv", "locations-template")
    explanation = tablib.Dataset(
        *[
            (item.column, item.required, item.allowed, item.meaning)
            for item in column_help()
        ],
        headers=[
            str(_("Column")),
            str(_("Required")),
            str(_("Allowed values")),
            str(_("Meaning")),
        ],
    )
    explanation.title = str(_("Explanation"))
    book = tablib.Databook([locations, explanation])
    return ExportFile(
        book.export("xlsx"), XLSX().get_content_type(), "locations-template.xlsx"
    )
