"""Every write to production-location lists: locations one by one, submitting a list, and
importing a list from a file (checked first, then applied exactly as checked).

Each service checks who asks, validates, saves in one transaction and writes an audit
entry. A change to a submitted list makes it a draft again: the company submits it anew.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import connection, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant import dispatch
from convenant.audit import audit_record
from governance.models import Organisation, OrganisationKind, User
from monitoring.evidence import display_name

from . import permissions, places
from .aggregation import normalise_supplier_name
from .files import FileProblem, open_location_file
from .models import (
    IMPORT_STUCK_AFTER,
    ImportMode,
    ImportStatus,
    ListStatus,
    Location,
    LocationImport,
    LocationList,
    year_allowed,
)
from .plan import (
    FIELDS,
    Conflict,
    LocationRow,
    Plan,
    StoredLocation,
    merge_duplicates,
    plan_import,
)
from .resources import COLUMNS, MATERIAL_SEPARATOR
from .rows import RowProblem, RowReader, material_order

logger = logging.getLogger(__name__)

# Files with more data rows than this are checked and applied by a Celery task, with a
# progress bar; smaller ones in the request.
LARGE_FILE_ROWS = 5_000
BATCH_SIZE = 1_000
PROGRESS_EVERY = 1_000
# Rows of each kind (problems, additions, changes, ...) a stored report keeps; the counts
# are always complete.
REPORT_LIMIT = 1_000
IMPORT_FOLDER = "ketenkaart"


# --- Locations one by one ----------------------------------------------------------------


def _check_year(year: int) -> None:
    if not year_allowed(year):
        raise ValidationError(
            {
                "year": _("%(year)s is not a reporting year of the list.")
                % {"year": year}
            }
        )


def _list_for_write(company: Organisation, year: int) -> LocationList:
    """The company's list for the year, locked for this transaction; made when the
    company has none yet."""
    _check_year(year)
    if company.kind != OrganisationKind.COMPANY:
        raise ValidationError(_("Only a company keeps a production-location list."))
    location_list = (
        LocationList.objects.select_for_update()
        .select_related("company")
        .filter(company=company, year=year)
        .first()
    )
    if location_list is None:
        location_list = LocationList(company=company, year=year)
        location_list.full_clean()
        location_list.save()
    return location_list


def _back_to_draft(location_list: LocationList) -> bool:
    """A changed list is a draft again; True when it was submitted."""
    if location_list.status != ListStatus.SUBMITTED:
        return False
    location_list.status = ListStatus.DRAFT
    location_list.submitted_at = None
    location_list.submitted_by = None
    location_list.save(update_fields=["status", "submitted_at", "submitted_by"])
    return True


def _prepare(location: Location) -> None:
    """What the service fills in itself: the normalised name, the region as its ISO
    code, the materials once each in the vocabulary's order."""
    location.supplier_name = " ".join((location.supplier_name or "").split())
    location.normalised_name = normalise_supplier_name(location.supplier_name)[
        : Location._meta.get_field("normalised_name").max_length
    ]
    location.region_code = (location.region_code or "").strip()
    if location.region_code and location.country:
        location.region_code = (
            places.region_code(location.region_code, str(location.country.code))
            or location.region_code
        )
    location.external_id = (location.external_id or "").strip()
    if isinstance(location.materials, list | tuple):
        location.materials = list(material_order(location.materials))


def _reference_error_on_its_field(error: ValidationError) -> ValidationError:
    """The unique reference is a conditional UniqueConstraint, which Django reports for
    the location as a whole; put it beside its field."""
    if not hasattr(error, "error_dict"):
        return error
    errors = dict(error.error_dict)
    message = str(
        next(
            c
            for c in Location._meta.constraints
            if c.name == "location_external_id_unique_in_list"
        ).violation_error_message
    )
    general = errors.pop(NON_FIELD_ERRORS, [])
    for item in general:
        key = "external_id" if message in item.messages else NON_FIELD_ERRORS
        errors.setdefault(key, []).append(item)
    return ValidationError(errors)


def _full_clean(location: Location) -> None:
    try:
        location.full_clean()
    except ValidationError as error:
        raise _reference_error_on_its_field(error) from None


def _snapshot(location: Location) -> dict[str, str]:
    return {
        field: (
            MATERIAL_SEPARATOR.join(location.materials)
            if field == "materials"
            else str(getattr(location, field))
        )
        for field in COLUMNS
    }


@transaction.atomic
def location_create(
    *,
    company: Organisation,
    year: int,
    actor: User,
    request: HttpRequest | None = None,
    **fields: Any,
) -> Location:
    """Add one location to the company's list for the year (made when it has none).
    Only the company's own people may; raises ValidationError per field."""
    if not permissions.can_edit_list_of(actor, company):
        raise PermissionDenied
    location_list = _list_for_write(company, year)
    location = Location(location_list=location_list, **fields)
    _prepare(location)
    _full_clean(location)
    location.save()
    reopened = _back_to_draft(location_list)
    audit_record(
        actor=actor,
        action="location.create",
        obj=location,
        organisation=company,
        request=request,
        details={"year": year, "fields": _snapshot(location), "reopened": reopened},
    )
    return location


@transaction.atomic
def location_update(
    *,
    location: Location,
    actor: User,
    request: HttpRequest | None = None,
    **fields: Any,
) -> Location:
    """Change one location of the company's own list."""
    company = location.location_list.company
    if not permissions.can_edit_list_of(actor, company):
        raise PermissionDenied
    location_list = _list_for_write(company, location.location_list.year)
    location = Location.objects.select_for_update().get(pk=location.pk)
    location.location_list = location_list
    before = _snapshot(location)
    for key, value in fields.items():
        setattr(location, key, value)
    _prepare(location)
    _full_clean(location)
    location.save()
    after = _snapshot(location)
    changes = {
        key: [before[key], after[key]] for key in after if before[key] != after[key]
    }
    reopened = _back_to_draft(location_list) if changes else False
    if changes:
        audit_record(
            actor=actor,
            action="location.update",
            obj=location,
            organisation=company,
            request=request,
            details={
                "year": location_list.year,
                "changes": changes,
                "reopened": reopened,
            },
        )
    return location


@transaction.atomic
def location_delete(
    *, location: Location, actor: User, request: HttpRequest | None = None
) -> None:
    """Remove one location from the company's own list."""
    company = location.location_list.company
    if not permissions.can_edit_list_of(actor, company):
        raise PermissionDenied
    location_list = _list_for_write(company, location.location_list.year)
    snapshot = _snapshot(location)
    pk = location.pk
    Location.objects.filter(pk=pk, location_list=location_list).delete()
    reopened = _back_to_draft(location_list)
    audit_record(
        actor=actor,
        action="location.delete",
        obj=location_list,
        organisation=company,
        request=request,
        details={"location": pk, "fields": snapshot, "reopened": reopened},
    )


@transaction.atomic
def location_list_submit(
    *,
    company: Organisation,
    year: int,
    actor: User,
    request: HttpRequest | None = None,
) -> LocationList:
    """Hand the year's list to the secretariat. The list needs at least one location;
    a later change makes it a draft again."""
    if not permissions.can_edit_list_of(actor, company):
        raise PermissionDenied
    location_list = _list_for_write(company, year)
    if location_list.status == ListStatus.SUBMITTED:
        raise ValidationError(_("This list has been submitted already."))
    count = location_list.locations.count()
    if not count:
        raise ValidationError(
            _("The list has no locations yet; add or import them before submitting.")
        )
    location_list.status = ListStatus.SUBMITTED
    location_list.submitted_at = timezone.now()
    location_list.submitted_by = actor
    location_list.full_clean()
    location_list.save()
    audit_record(
        actor=actor,
        action="location_list.submit",
        obj=location_list,
        organisation=company,
        request=request,
        details={"year": year, "locations": count},
    )
    return location_list


# --- Import: the result ------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class PlannedRow:
    """A location the import adds, changes, keeps or removes. `rows` are the file's rows
    it comes from (none for a removal), `location_id` the location it touches (none for
    an addition)."""

    rows: tuple[int, ...]
    location_id: int | None
    supplier_name: str
    city: str
    country: str
    activity: str
    tier: int
    changes: tuple[FieldChange, ...] = ()

    @property
    def row(self) -> int | None:
        return self.rows[0] if self.rows else None


@dataclass(frozen=True)
class MergedRows:
    rows: tuple[int, ...]
    supplier_name: str
    materials: tuple[str, ...]


@dataclass(frozen=True)
class LocationImportResult:
    """What an import did, or in a dry run would do.

    The counts are complete; the tuples hold every row, or the first `REPORT_LIMIT` of
    each kind when the result was made for a stored report (`truncated`). `saved` is True
    only for a real import without problems; otherwise nothing changed. `plan_digest`
    fingerprints what the import would do and the list it was checked against."""

    file_name: str
    year: int
    dry_run: bool
    rows: int
    problems: tuple[RowProblem, ...]
    problem_count: int
    to_add: tuple[PlannedRow, ...]
    add_count: int
    to_change: tuple[PlannedRow, ...]
    change_count: int
    to_keep: tuple[PlannedRow, ...]
    keep_count: int
    to_remove: tuple[PlannedRow, ...]
    remove_count: int
    merged: tuple[MergedRows, ...]
    merge_count: int
    saved: bool
    plan_digest: str
    file_digest: str
    truncated: bool = False

    @property
    def has_errors(self) -> bool:
        return bool(self.problem_count)

    @property
    def file_problems(self) -> tuple[RowProblem, ...]:
        return tuple(problem for problem in self.problems if problem.row is None)

    @property
    def changes_anything(self) -> bool:
        return bool(self.add_count or self.change_count or self.remove_count)

    def summary(self) -> str:
        if self.saved:
            return _(
                "%(add)s added, %(change)s changed, %(keep)s kept, %(remove)s removed"
            ) % {
                "add": self.add_count,
                "change": self.change_count,
                "keep": self.keep_count,
                "remove": self.remove_count,
            }
        return _(
            "%(add)s to add, %(change)s to change, %(keep)s to keep, %(remove)s to "
            "remove"
        ) % {
            "add": self.add_count,
            "change": self.change_count,
            "keep": self.keep_count,
            "remove": self.remove_count,
        }

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON for LocationImport.result."""

        def planned(rows: Iterable[PlannedRow]) -> list[dict[str, Any]]:
            return [
                {
                    "rows": list(row.rows),
                    "location_id": row.location_id,
                    "supplier_name": row.supplier_name,
                    "city": row.city,
                    "country": row.country,
                    "activity": row.activity,
                    "tier": row.tier,
                    "changes": [
                        [change.column, change.old, change.new]
                        for change in row.changes
                    ],
                }
                for row in rows
            ]

        return {
            "file_name": self.file_name,
            "year": self.year,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "problems": [problem.as_dict() for problem in self.problems],
            "problem_count": self.problem_count,
            "to_add": planned(self.to_add),
            "add_count": self.add_count,
            "to_change": planned(self.to_change),
            "change_count": self.change_count,
            "to_keep": planned(self.to_keep),
            "keep_count": self.keep_count,
            "to_remove": planned(self.to_remove),
            "remove_count": self.remove_count,
            "merged": [
                {
                    "rows": list(m.rows),
                    "supplier_name": m.supplier_name,
                    "materials": list(m.materials),
                }
                for m in self.merged
            ],
            "merge_count": self.merge_count,
            "saved": self.saved,
            "plan_digest": self.plan_digest,
            "file_digest": self.file_digest,
            "truncated": self.truncated,
            "changes_anything": self.changes_anything,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LocationImportResult:
        def planned(rows: Iterable[dict[str, Any]]) -> tuple[PlannedRow, ...]:
            return tuple(
                PlannedRow(
                    rows=tuple(row["rows"]),
                    location_id=row["location_id"],
                    supplier_name=row["supplier_name"],
                    city=row["city"],
                    country=row["country"],
                    activity=row["activity"],
                    tier=row["tier"],
                    changes=tuple(FieldChange(*change) for change in row["changes"]),
                )
                for row in rows
            )

        return cls(
            file_name=data.get("file_name", ""),
            year=data.get("year", 0),
            dry_run=data.get("dry_run", True),
            rows=data.get("rows", 0),
            problems=tuple(RowProblem(**p) for p in data.get("problems", [])),
            problem_count=data.get("problem_count", 0),
            to_add=planned(data.get("to_add", [])),
            add_count=data.get("add_count", 0),
            to_change=planned(data.get("to_change", [])),
            change_count=data.get("change_count", 0),
            to_keep=planned(data.get("to_keep", [])),
            keep_count=data.get("keep_count", 0),
            to_remove=planned(data.get("to_remove", [])),
            remove_count=data.get("remove_count", 0),
            merged=tuple(
                MergedRows(
                    rows=tuple(m["rows"]),
                    supplier_name=m["supplier_name"],
                    materials=tuple(m["materials"]),
                )
                for m in data.get("merged", [])
            ),
            merge_count=data.get("merge_count", 0),
            saved=data.get("saved", False),
            plan_digest=data.get("plan_digest", ""),
            file_digest=data.get("file_digest", ""),
            truncated=data.get("truncated", False),
        )


def _refused(
    *, file_name: str, year: int, dry_run: bool, file_digest: str, message: str
) -> LocationImportResult:
    return LocationImportResult(
        file_name=file_name,
        year=year,
        dry_run=dry_run,
        rows=0,
        problems=(RowProblem(None, "", "", message),),
        problem_count=1,
        to_add=(),
        add_count=0,
        to_change=(),
        change_count=0,
        to_keep=(),
        keep_count=0,
        to_remove=(),
        remove_count=0,
        merged=(),
        merge_count=0,
        saved=False,
        plan_digest="",
        file_digest=file_digest,
    )


def _display(column: str, value: Any) -> str:
    if column == "materials":
        return MATERIAL_SEPARATOR.join(value)
    return str(value)


def _from_row(row: LocationRow, location_id: int | None = None) -> PlannedRow:
    return PlannedRow(
        rows=row.rows,
        location_id=location_id,
        supplier_name=row.supplier_name,
        city=row.city,
        country=row.country,
        activity=row.activity,
        tier=row.tier,
    )


def _from_stored(stored: StoredLocation) -> PlannedRow:
    return PlannedRow(
        rows=(),
        location_id=stored.id,
        supplier_name=stored.supplier_name,
        city=stored.city,
        country=stored.country,
        activity=stored.activity,
        tier=stored.tier,
    )


def _conflict_problem(conflict: Conflict) -> RowProblem:
    if conflict.kind == "reference_differs":
        message = _(
            "this row repeats row %(first)d (the same supplier, country, activity, "
            "address, tier and relation) but has another external_id; give both the "
            "same one, or remove this row"
        ) % {"first": conflict.first_row}
    else:
        message = _(
            "“%(value)s” is the external_id of row %(first)d already, a different "
            "location; each location has its own"
        ) % {"value": conflict.value, "first": conflict.first_row}
    return RowProblem(conflict.row, "external_id", conflict.value, message)


def _result(
    *,
    file_name: str,
    year: int,
    dry_run: bool,
    rows: int,
    problems: Sequence[RowProblem],
    plan: Plan,
    merges: Sequence[Any],
    file_digest: str,
    limit: int | None,
) -> LocationImportResult:
    def first(items: Sequence[Any]) -> Sequence[Any]:
        return items if limit is None else items[:limit]

    changed = tuple(
        replace(
            _from_row(change.row, change.stored.id),
            changes=tuple(
                FieldChange(
                    column,
                    _display(column, getattr(change.stored, column)),
                    _display(column, getattr(change.row, column)),
                )
                for column in change.columns
            ),
        )
        for change in first(plan.change)
    )
    counts = (len(problems), len(plan.add), len(plan.change), len(plan.keep))
    truncated = limit is not None and any(
        count > limit for count in (*counts, len(plan.remove), len(merges))
    )
    return LocationImportResult(
        file_name=file_name,
        year=year,
        dry_run=dry_run,
        rows=rows,
        problems=tuple(first(problems)),
        problem_count=len(problems),
        to_add=tuple(_from_row(row) for row in first(plan.add)),
        add_count=len(plan.add),
        to_change=changed,
        change_count=len(plan.change),
        to_keep=tuple(_from_row(row, stored.id) for row, stored in first(plan.keep)),
        keep_count=len(plan.keep),
        to_remove=tuple(_from_stored(stored) for stored in first(plan.remove)),
        remove_count=len(plan.remove),
        merged=tuple(
            MergedRows(
                rows=m.rows, supplier_name=m.supplier_name, materials=m.materials
            )
            for m in first(merges)
        ),
        merge_count=len(merges),
        saved=False,
        plan_digest="" if problems else plan.digest,
        file_digest=file_digest,
        truncated=truncated,
    )


# --- Import: reading, planning, applying -------------------------------------------------

Progress = Callable[[int, int], None]


def _read_rows(
    data: bytes,
    file_name: str,
    company: Organisation,
    progress: Progress | None,
) -> tuple[list[LocationRow], list[RowProblem], int]:
    """Every row of the file read and checked: the good ones, the problems, and the
    number of rows read. Raises FileProblem for a file that is no location list."""
    sheet = open_location_file(data, file_name)
    reader = RowReader(
        headers=sheet.headers,
        is_recycler=company.is_recycler,
        normalise=normalise_supplier_name,
    )
    good: list[LocationRow] = []
    problems: list[RowProblem] = []
    count = 0
    for number, cells in sheet.rows():
        location, found = reader.read(number, cells)
        count += 1
        if location is None:
            problems.extend(found)
        else:
            good.append(location)
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, max(sheet.estimated_rows, count))
    for number in sheet.wide_rows:
        problems.append(
            RowProblem(
                number,
                "",
                "",
                _(
                    "this row has more cells than row 1 has columns; remove what "
                    "stands to the right of the last column"
                ),
            )
        )
    if not count:
        raise FileProblem(
            _(
                "The file names the columns in row 1 but has no locations below it. "
                "The file is the year's whole list; to empty the list, delete its "
                "locations on the list page."
            )
        )
    return good, problems, count


def _stored_locations(location_list: LocationList | None) -> list[StoredLocation]:
    if location_list is None:
        return []
    return [
        StoredLocation(
            id=values[0],
            supplier_name=values[1],
            normalised_name=values[2],
            address=values[3],
            city=values[4],
            region_code=values[5],
            country=str(values[6]),
            activity=values[7],
            materials=material_order(values[8] or []),
            tier=values[9],
            relation=values[10],
            external_id=values[11],
        )
        for values in Location.objects.filter(location_list=location_list)
        .order_by("pk")
        .values_list(
            "id",
            "supplier_name",
            "normalised_name",
            "address",
            "city",
            "region_code",
            "country",
            "activity",
            "materials",
            "tier",
            "relation",
            "external_id",
        )
        .iterator(chunk_size=5_000)
    ]


def _batches(items: Iterable[Any], size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _location(row: LocationRow, location_list: LocationList, **extra: Any) -> Location:
    return Location(
        location_list=location_list,
        supplier_name=row.supplier_name,
        normalised_name=row.normalised_name,
        address=row.address,
        city=row.city,
        region_code=row.region_code,
        country=row.country,
        activity=row.activity,
        materials=list(row.materials),
        tier=row.tier,
        relation=row.relation,
        external_id=row.external_id,
        **extra,
    )


def _update(changes: Sequence[Any], location_list: LocationList) -> None:
    """Write changed locations with one UPDATE statement run for many rows at once.
    Django's bulk_update builds a CASE expression per column and row in Python, some
    4 ms per location: minutes for a list of 100,000. The values are prepared by the
    fields themselves, as bulk_create does."""
    columns = [*FIELDS, "normalised_name", "updated_at"]
    fields = [Location._meta.get_field(name) for name in columns]
    quote = connection.ops.quote_name
    # Names from the model, quoted; every value is a parameter.
    sql = "UPDATE {table} SET {assignments} WHERE {pk} = %s AND {list} = %s".format(  # noqa: S608
        table=quote(Location._meta.db_table),
        assignments=", ".join(f"{quote(field.column)} = %s" for field in fields),
        pk=quote(Location._meta.pk.column),
        list=quote(Location._meta.get_field("location_list").column),
    )
    now = timezone.now()

    def parameters(change: Any) -> list[Any]:
        row = change.row
        values = {name: getattr(row, name) for name in FIELDS}
        values.update(
            materials=list(row.materials),
            normalised_name=row.normalised_name,
            updated_at=now,
        )
        return [
            *(
                field.get_db_prep_save(values[field.name], connection)
                for field in fields
            ),
            change.stored.id,
            location_list.pk,
        ]

    with connection.cursor() as cursor:
        for batch in _batches(changes):
            cursor.executemany(sql, [parameters(change) for change in batch])


def _apply(plan: Plan, location_list: LocationList) -> None:
    """Write the plan in batches: a few statements per thousand locations."""
    for batch in _batches(plan.add):
        Location.objects.bulk_create([_location(row, location_list) for row in batch])
    _update(plan.change, location_list)
    for batch in _batches(plan.remove):
        Location.objects.filter(
            location_list=location_list, pk__in=[stored.id for stored in batch]
        ).delete()


def _problem_order(problem: RowProblem) -> tuple[int, int]:
    order = {column: index for index, column in enumerate(COLUMNS)}
    return (problem.row or 0, order.get(problem.column, -1))


def location_list_import(
    *,
    company: Organisation,
    year: int,
    file: IO[bytes],
    dry_run: bool,
    actor: User | None,
    request: HttpRequest | None = None,
    expected_plan: str | None = None,
    progress: Progress | None = None,
    report_limit: int | None = None,
    on_saved: Callable[[LocationImportResult], None] | None = None,
) -> LocationImportResult:
    """Replace the company's list for the year with the locations of a CSV or XLSX
    file: the file is the year's whole list.

    Every row is checked before anything is saved; with any problem nothing is, and the
    result names each problem by row, column and value. Duplicate rows (same normalised
    supplier name, country, activity, address, tier and relation) become one location
    with the materials of all, and are reported. The result lists the locations the file
    adds, changes and keeps, and those of the list it no longer has, which the import
    removes. A dry run only reports.

    A real import writes everything or, on any failure, nothing, and records one audit
    entry "location_list.import". With `expected_plan` (the `plan_digest` of an earlier
    dry run) it saves only when it would do exactly what that dry run showed.

    The company's own people and the secretariat may import; `actor=None` is the command
    line. `progress(rows_read, rows_expected)` is called while the file is read, outside
    any transaction, so that another process can show it. `on_saved(result)` is called
    inside the write transaction once everything is saved: what it records commits
    with the list or not at all, and an exception from it undoes the import.
    """
    if actor is not None and not permissions.can_import_for(actor, company):
        raise PermissionDenied
    if company.kind != OrganisationKind.COMPANY:
        raise ValidationError(_("Only a company keeps a production-location list."))
    _check_year(year)
    file_name = display_name(getattr(file, "name", "") or "")
    data = file.read()
    file_digest = hashlib.sha256(data).hexdigest()
    try:
        good, problems, count = _read_rows(data, file_name, company, progress)
    except FileProblem as problem:
        return _refused(
            file_name=file_name,
            year=year,
            dry_run=dry_run,
            file_digest=file_digest,
            message=problem.message,
        )
    rows, merges, conflicts = merge_duplicates(good, material_order)
    problems.extend(_conflict_problem(conflict) for conflict in conflicts)
    problems.sort(key=_problem_order)
    del good

    with transaction.atomic():
        location_list = (
            LocationList.objects.select_for_update()
            .filter(company=company, year=year)
            .first()
        )
        plan = plan_import(rows, _stored_locations(location_list))
        result = _result(
            file_name=file_name,
            year=year,
            dry_run=dry_run,
            rows=count,
            problems=problems,
            plan=plan,
            merges=merges,
            file_digest=file_digest,
            limit=report_limit,
        )
        if not problems and expected_plan is not None and plan.digest != expected_plan:
            stale = RowProblem(
                None,
                "",
                "",
                _(
                    "The list changed since the file was checked, so the import would "
                    "now do something else. Nothing was imported; upload the file "
                    "again to see what it would do now."
                ),
            )
            return replace(result, problems=(stale,), problem_count=1, plan_digest="")
        if dry_run or problems:
            return result
        if progress is not None:
            progress(count, count)
        if location_list is None:
            location_list = _list_for_write(company, year)
        _apply(plan, location_list)
        reopened = _back_to_draft(location_list) if plan.changes_anything else False
        audit_record(
            actor=actor,
            action="location_list.import",
            obj=location_list,
            organisation=company,
            request=request,
            details={
                "file_name": file_name,
                "year": year,
                "rows": count,
                "added": result.add_count,
                "changed": result.change_count,
                "kept": result.keep_count,
                "removed": result.remove_count,
                "merged": result.merge_count,
                "reopened": reopened,
            },
        )
        saved = replace(result, saved=True)
        if on_saved is not None:
            on_saved(saved)
    return saved


# --- Import from the site: runs, in the request or in a task ------------------------------


def _import_storage():
    return storages["import_export"]


def _forget_file(run: LocationImport) -> None:
    if run.stored_file:
        # Deleting a file that is gone already is no error for FileSystemStorage.
        _import_storage().delete(run.stored_file)
        LocationImport.objects.filter(pk=run.pk).update(stored_file="")
        run.stored_file = ""


def _dispatch(run: LocationImport) -> None:
    if run.in_task:
        from .tasks import import_locations

        dispatch.send_on_commit(import_locations, run)
    else:
        location_import_run(run_id=run.pk)


def location_import_start(
    *,
    company: Organisation,
    year: int,
    file: IO[bytes],
    actor: User,
) -> LocationImport:
    """Keep an uploaded file in private storage and check it (a dry run): in the
    request for a file of at most LARGE_FILE_ROWS rows, else in the Celery task
    "ketenkaart.import_locations". A new upload replaces earlier ones of the same list:
    those can no longer be confirmed.

    Raises ValidationError on "file" at once when the file cannot be a location list at
    all (empty, another kind of file, too large, not the template's columns)."""
    if not permissions.can_edit_list_of(actor, company):
        raise PermissionDenied
    _check_year(year)
    file_name = display_name(getattr(file, "name", "") or "")
    data = file.read()
    try:
        sheet = open_location_file(data, file_name)
    except FileProblem as problem:
        raise ValidationError({"file": problem.message}) from None
    estimated = sheet.estimated_rows
    sheet.close()
    for earlier in LocationImport.objects.filter(
        company=company,
        year=year,
        status__in=[ImportStatus.DONE, ImportStatus.FAILED],
    ).exclude(stored_file=""):
        _forget_file(earlier)
    stored = _import_storage().save(
        f"{IMPORT_FOLDER}/{uuid.uuid4().hex}", ContentFile(data)
    )
    run = LocationImport.objects.create(
        company=company,
        year=year,
        file_name=file_name,
        stored_file=stored,
        file_digest=hashlib.sha256(data).hexdigest(),
        rows_total=estimated,
        in_task=estimated > LARGE_FILE_ROWS,
        created_by=actor,
    )
    _dispatch(run)
    run.refresh_from_db()
    return run


def location_import_confirm(*, run: LocationImport, actor: User) -> LocationImport:
    """Apply a checked import exactly as the check showed it (in the request or the
    task, as the check ran). Raises ValidationError when the run is not waiting for
    confirmation."""
    if not permissions.can_edit_list_of(actor, run.company):
        raise PermissionDenied
    if not run.awaits_confirmation:
        raise ValidationError(
            _(
                "This import is not waiting for confirmation; nothing was imported. "
                "Upload the file again."
            )
        )
    claimed = LocationImport.objects.filter(
        pk=run.pk, mode=ImportMode.CHECK, status=ImportStatus.DONE
    ).update(
        mode=ImportMode.APPLY,
        status=ImportStatus.QUEUED,
        rows_done=0,
        finished_at=None,
        updated_at=timezone.now(),
    )
    if not claimed:
        raise ValidationError(_("This import has been confirmed already."))
    run.refresh_from_db()
    _dispatch(run)
    run.refresh_from_db()
    return run


class ImportTakenOver(Exception):
    """The run was taken over by a later attempt (after it stopped, or retried)."""


def _claim(run_id: int) -> LocationImport | None:
    """Mark a queued run, or one that has stopped (IMPORT_STUCK_AFTER without a sign of
    life), as running for a new attempt; None when there is nothing to do."""
    now = timezone.now()
    claimed = (
        LocationImport.objects.filter(pk=run_id)
        .filter(
            Q(status=ImportStatus.QUEUED)
            | Q(
                status=ImportStatus.RUNNING,
                updated_at__lt=now - IMPORT_STUCK_AFTER,
            )
        )
        .update(
            status=ImportStatus.RUNNING,
            rows_done=0,
            started_at=now,
            updated_at=now,
        )
    )
    if not claimed:
        return None
    return LocationImport.objects.select_related("company", "created_by").get(pk=run_id)


def location_import_run(*, run_id: int) -> str:
    """Do the step a queued import waits for: the check, or applying what the check
    showed. Safe to call twice and safe to die half-way: only a queued run (or one that
    stopped) is taken; applying the list and recording the run as applied commit
    together or not at all, so a run that died while applying left the list as it was
    and can run again. An attempt that was taken over by a later one records nothing.
    Returns what happened: "checked", "applied", "failed" or "skipped"."""
    run = _claim(run_id)
    if run is None:
        return "skipped"
    attempt = LocationImport.objects.filter(
        pk=run.pk, status=ImportStatus.RUNNING, started_at=run.started_at
    )
    applying = run.mode == ImportMode.APPLY

    def finish(**fields: Any) -> None:
        fields.setdefault("finished_at", timezone.now())
        fields["updated_at"] = timezone.now()
        if not attempt.update(**fields):
            raise ImportTakenOver

    delay = float(getattr(settings, "IMPORTS_TEST_PROGRESS_DELAY", 0) or 0)

    def progress(done: int, total: int) -> None:
        if not attempt.update(
            rows_done=done, rows_total=total, updated_at=timezone.now()
        ):
            raise ImportTakenOver
        if delay:
            # Tests make an import slow on purpose, to stop its worker half-way.
            time.sleep(delay)

    try:
        return _run_attempt(run, applying=applying, finish=finish, progress=progress)
    except ImportTakenOver:
        logger.info("Location import %s was taken over; this attempt stops", run.pk)
        return "skipped"


def _run_attempt(run, *, applying: bool, finish, progress) -> str:
    try:
        with _import_storage().open(run.stored_file, "rb") as stored:
            data = stored.read()
    except (FileNotFoundError, ValueError, OSError):
        finish(
            status=ImportStatus.FAILED,
            error_message=_(
                "The uploaded file is no longer available; nothing was imported. "
                "Upload the file again."
            ),
        )
        return "failed"
    if hashlib.sha256(data).hexdigest() != run.file_digest:
        finish(
            status=ImportStatus.FAILED,
            error_message=_(
                "The uploaded file changed after it was checked; nothing was imported. "
                "Upload the file again."
            ),
        )
        return "failed"

    def applied(result: LocationImportResult) -> None:
        # Inside the import's transaction: the run says "applied" exactly when the
        # list was saved; an attempt taken over meanwhile undoes its import.
        now = timezone.now()
        finish(
            status=ImportStatus.DONE,
            rows_done=result.rows,
            rows_total=result.rows,
            result=result.as_dict(),
            applied_at=now,
            finished_at=now,
        )

    try:
        result = location_list_import(
            company=run.company,
            year=run.year,
            file=ContentFile(data, name=run.file_name),
            dry_run=not applying,
            actor=run.created_by,
            expected_plan=run.plan_digest if applying else None,
            progress=progress,
            report_limit=REPORT_LIMIT,
            on_saved=applied if applying else None,
        )
    except ImportTakenOver:
        raise
    except Exception:
        logger.exception("Location import %s failed", run.pk)
        finish(
            status=ImportStatus.FAILED,
            error_message=_(
                "The import could not be finished; nothing was imported. Try again, "
                "or ask the secretariat."
            ),
        )
        return "failed"
    if not applying:
        finish(
            status=ImportStatus.DONE,
            rows_done=result.rows,
            rows_total=result.rows,
            result=result.as_dict(),
            plan_digest=result.plan_digest,
        )
        if result.has_errors or not result.changes_anything:
            _forget_file(run)
        return "checked"
    if not result.saved:
        finish(
            status=ImportStatus.FAILED,
            rows_done=result.rows,
            error_message=" ".join(str(problem) for problem in result.problems[:5]),
        )
        _forget_file(run)
        return "failed"
    _forget_file(run)
    return "applied"


def location_import_retry(
    *, run: LocationImport, actor: User, request: HttpRequest | None = None
) -> LocationImport:
    """Run an import that stopped (its worker or web process died: queued or running
    without a sign of life for IMPORT_STUCK_AFTER) again, from the step it was at: the
    check, or applying what the check showed. Nothing was saved by the attempt that
    stopped, so running it again is safe. Raises ValidationError for an import that
    has not stopped."""
    if not permissions.can_edit_list_of(actor, run.company):
        raise PermissionDenied
    cutoff = timezone.now() - IMPORT_STUCK_AFTER
    requeued = LocationImport.objects.filter(
        pk=run.pk,
        status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING],
        updated_at__lt=cutoff,
    ).update(
        status=ImportStatus.QUEUED,
        rows_done=0,
        started_at=None,
        updated_at=timezone.now(),
    )
    if not requeued:
        raise ValidationError(_("Only an import that has stopped can be tried again."))
    run.refresh_from_db()
    audit_record(
        actor=actor,
        action="location_import.retry",
        obj=run,
        organisation=run.company,
        request=request,
        details={"year": run.year, "step": run.mode},
    )
    _dispatch(run)
    run.refresh_from_db()
    return run


def location_import_files_clean(
    *, older_than: dt.timedelta = dt.timedelta(days=1)
) -> int:
    """Delete the uploaded files of imports left alone for longer than `older_than`; a
    check left unconfirmed that long can no longer be confirmed, and an import that
    stopped that long ago (its worker died and nobody tried again) is marked as failed.
    Returns how many files went. Safe to run twice and while imports run: a running
    import records its progress far more often."""
    cutoff = timezone.now() - max(older_than, IMPORT_STUCK_AFTER)
    removed = 0
    for run in LocationImport.objects.exclude(stored_file="").filter(
        updated_at__lt=cutoff
    ):
        stopped = LocationImport.objects.filter(
            pk=run.pk,
            status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING],
            updated_at__lt=cutoff,
        ).update(
            status=ImportStatus.FAILED,
            error_message=_(
                "The import stopped and was not tried again; nothing was imported. "
                "Upload the file again."
            ),
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if stopped or run.is_finished:
            _forget_file(run)
            removed += 1
    return removed
