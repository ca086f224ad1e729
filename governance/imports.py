"""Import and export of organisations as CSV or XLSX files.

`organisation_import` reads a file, checks every row against the columns of
governance/resources.py and Organisation's own rules, and saves all rows or none.
`organisation_export` writes the organisations of the list page in the same columns, so an
export imports again unchanged.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import io
import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import PurePath
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import Result, RowResult

from convenant.audit import audit_record
from convenant.spreadsheets import column_problem
from convenant.uploads import (
    UNREADABLE_WORKBOOK,
    UnreadableArchive,
    UploadProblem,
    check_xlsx_archive,
    decode_csv,
    too_many_rows,
    xml_attack_in,
    xml_entities_problem,
)

from . import permissions, selectors
from .models import (
    ALLOWED_STATUS_CHANGES,
    PARTY_KINDS,
    CsrdCategory,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Participation,
    User,
)
from .resources import (
    COLUMNS,
    REQUIRED_COLUMNS,
    OrganisationResource,
    cell_text,
    column_help,
    kvk_text,
)

logger = logging.getLogger(__name__)

MAX_FILE_SIZE = 5 * 1024 * 1024
# The agreement has a few hundred organisations; a longer file is a mistake.
MAX_ROWS = 10_000

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE_FORMATS = ("csv", "xlsx")

_ZIP_MAGIC = b"PK\x03\x04"
_READABLE_SUFFIXES = frozenset({"", ".csv", ".txt", ".xlsx"})
_KVK = re.compile(r"\d{8}")


# --- Results -------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem, where the person finds it in their spreadsheet: `row` counts the
    header as row 1 (None when the problem is the file as a whole), `column` is the
    column's name ("" when it is the row as a whole), `value` what the cell holds."""

    row: int | None
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if not self.column:
            return _("row %(row)d: %(message)s") % {
                "row": self.row,
                "message": self.message,
            }
        return _("row %(row)d, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass(frozen=True)
class PlannedChange:
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class PlannedRow:
    """A row that adds an organisation, or changes one (then with its changes)."""

    row: int
    name: str
    changes: tuple[PlannedChange, ...] = ()


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did, or in a dry run would do.

    `saved` is True only for a real import without errors; otherwise nothing changed in
    the database. `plan_digest` fingerprints the additions and changes, so a confirmation
    can insist on doing exactly what the person saw."""

    file_name: str
    dry_run: bool
    rows: int
    new: int
    changed: int
    unchanged: int
    errors: tuple[RowError, ...]
    added: tuple[PlannedRow, ...]
    updated: tuple[PlannedRow, ...]
    saved: bool
    file_digest: str
    plan_digest: str

    @property
    def has_errors(self) -> bool:
        return bool(self.errors)

    @property
    def file_errors(self) -> tuple[RowError, ...]:
        """Problems with the file as a whole: unreadable, or the wrong columns."""
        return tuple(error for error in self.errors if error.row is None)

    def summary(self) -> str:
        return _("%(new)s new, %(changed)s changed, %(unchanged)s unchanged") % {
            "new": self.new,
            "changed": self.changed,
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    file_name: str


# --- Import ------------------------------------------------------------------------------


def organisation_import(
    *,
    data: bytes,
    file_name: str,
    dry_run: bool,
    actor: User | None,
    request: HttpRequest | None = None,
    expected_plan: str | None = None,
) -> ImportOutcome:
    """Add and change organisations from a CSV or XLSX file.

    Every row is checked before anything is saved, and with any problem nothing is:
    the outcome then lists each problem by row, column and value. A dry run checks and
    reports but never saves. Only the secretariat may import; `actor=None` is the command
    line. A real import that saves writes one audit entry "organisation.import".

    With `expected_plan` (the `plan_digest` of an earlier dry run) a real import saves
    only when it would add and change exactly the same; otherwise it reports that the
    organisations changed meanwhile and saves nothing.
    """
    if actor is not None and not permissions.can_manage_organisations(actor):
        raise PermissionDenied
    file_name = PurePath(file_name.replace("\\", "/")).name[:200]
    file_digest = hashlib.sha256(data).hexdigest()
    try:
        table = _read_table(data, file_name)
    except _FileProblem as problem:
        return _refused(file_name, dry_run, file_digest, problem.message)

    with transaction.atomic():
        resource = OrganisationImportResource()
        result = resource.import_data(
            table.dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        outcome = _outcome(
            table=table,
            result=result,
            resource=resource,
            file_name=file_name,
            dry_run=dry_run,
            file_digest=file_digest,
        )
        if (
            not outcome.errors
            and expected_plan is not None
            and outcome.plan_digest != expected_plan
        ):
            outcome = _with_file_error(
                outcome,
                _(
                    "The organisations changed since the file was checked, so the "
                    "import would now do something else. Nothing was imported; upload "
                    "the file again to see what it would do now."
                ),
            )
        if dry_run or outcome.errors:
            transaction.set_rollback(True)
            return outcome
        audit_record(
            actor=actor,
            action="organisation.import",
            request=request,
            details={
                "file_name": file_name,
                "new": outcome.new,
                "changed": outcome.changed,
                "unchanged": outcome.unchanged,
                "added": [row.name for row in outcome.added],
                "updated": [row.name for row in outcome.updated],
            },
        )
    return replace(outcome, saved=True)


class _FileProblem(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class _Table:
    """The rows of a file; data row i (from 1) is spreadsheet row i + 1."""

    dataset: tablib.Dataset
    problems: list[RowError]

    def cell(self, number: int, column: str) -> Any:
        headers = self.dataset.headers or []
        if column not in headers:
            return None
        return self.dataset[number - 1][headers.index(column)]


def _expected_columns() -> str:
    return _("%(columns)s, and optionally status") % {
        "columns": ", ".join(REQUIRED_COLUMNS)
    }


def _read_table(data: bytes, file_name: str) -> _Table:
    if len(data) > MAX_FILE_SIZE:
        raise _FileProblem(
            _(
                "The file is %(size)s MB; the limit is %(limit)s MB. Split it into "
                "smaller files."
            )
            % {
                "size": f"{len(data) / 1024 / 1024:.1f}",
                "limit": MAX_FILE_SIZE // 1024 // 1024,
            }
        )
    rows = _read_rows(data, file_name)
    while rows and not any(cell_text(value) for value in rows[-1]):
        rows.pop()
    if not rows:
        raise _FileProblem(
            _(
                "The file is empty. It needs a first row naming the columns "
                "%(columns)s, and one row per organisation below it."
            )
            % {"columns": _expected_columns()}
        )
    headers = [cell_text(value).lower() for value in rows[0]]
    while headers and not headers[-1]:
        headers.pop()
    column_problem = _check_headers(headers)
    if column_problem:
        raise _FileProblem(column_problem)
    if len(rows) == 1:
        raise _FileProblem(
            _(
                "The file has a first row with the columns but no organisations below it."
            )
        )
    width = len(headers)
    problems: list[RowError] = []
    dataset = tablib.Dataset(headers=headers)
    for number, values in enumerate(rows[1:], start=2):
        cells = list(values)
        if any(cell_text(value) for value in cells[width:]):
            problems.append(
                RowError(
                    row=number,
                    column="",
                    value="",
                    message=_(
                        "This row has more cells than the first row has columns. Remove "
                        "what stands to the right of the last column."
                    ),
                )
            )
        cells = (cells + [None] * width)[:width]
        dataset.append(cells)
    return _Table(dataset=dataset, problems=problems)


def _unreadable(file_name: str) -> _FileProblem:
    return _FileProblem(
        _(
            "“%(file)s” could not be read as a CSV or XLSX file. Save it from your "
            "spreadsheet as CSV (UTF-8, comma or semicolon separated) or as an Excel "
            "workbook (.xlsx), with a first row naming the columns %(columns)s."
        )
        % {"file": file_name, "columns": _expected_columns()}
    )


def _read_rows(data: bytes, file_name: str) -> list[list[Any]]:
    suffix = PurePath(file_name).suffix.lower()
    if suffix not in _READABLE_SUFFIXES:
        raise _unreadable(file_name)
    if data.startswith(_ZIP_MAGIC):
        return _xlsx_rows(data, file_name)
    if suffix == ".xlsx" or b"\x00" in data:
        raise _unreadable(file_name)
    return _csv_rows(data, file_name)


def _xlsx_rows(data: bytes, file_name: str) -> list[list[Any]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        check_xlsx_archive(data, file_name)
    except UnreadableArchive as error:
        logger.info("Unreadable XLSX upload %r: %s", file_name, error)
        raise _unreadable(file_name) from None
    except UploadProblem as problem:
        raise _FileProblem(problem.message) from None
    try:
        # data_only: a formula cell counts with the value the spreadsheet computed.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, *UNREADABLE_WORKBOOK) as error:
        if xml_attack_in(error):
            raise _FileProblem(xml_entities_problem(file_name).message) from None
        logger.info("Unreadable XLSX upload %r: %s", file_name, error)
        raise _unreadable(file_name) from None
    try:
        # The first sheet holds the organisations; the template's second sheet
        # explains the columns.
        sheet = book.worksheets[0]
        return _limited(
            (list(row) for row in sheet.iter_rows(values_only=True)), file_name
        )
    except UNREADABLE_WORKBOOK as error:
        if xml_attack_in(error):
            raise _FileProblem(xml_entities_problem(file_name).message) from None
        logger.info("Unreadable XLSX upload %r: %s", file_name, error)
        raise _unreadable(file_name) from None
    finally:
        book.close()


def _limited(rows: Iterator[list[Any]], file_name: str) -> list[list[Any]]:
    """The rows, refused once more than MAX_ROWS of them (and the header) hold
    anything."""
    result: list[list[Any]] = []
    filled = 0
    for row in rows:
        result.append(row)
        if any(cell_text(value) for value in row):
            filled += 1
            if filled > MAX_ROWS + 1:
                raise _FileProblem(too_many_rows(file_name, MAX_ROWS).message)
    return result


def _csv_rows(data: bytes, file_name: str) -> list[list[Any]]:
    try:
        text = decode_csv(data, file_name)
    except UploadProblem as problem:
        raise _FileProblem(problem.message) from None
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    # Dutch Excel separates with semicolons, since the comma is the decimal sign.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        return _limited(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), file_name
        )
    except csv.Error as error:
        logger.info("Unreadable CSV upload %r: %s", file_name, error)
        raise _unreadable(file_name) from None


def _check_headers(headers: Sequence[str]) -> str | None:
    return column_problem(
        headers,
        known=COLUMNS,
        required=REQUIRED_COLUMNS,
        expected=_expected_columns(),
    )


class _OrganisationLoader(BaseInstanceLoader):
    """Finds the organisation a row is about: by KvK number when the row gives one that
    is known, else by name (capitals do not matter). All organisations are read once."""

    def __init__(
        self,
        resource: OrganisationImportResource,
        dataset: tablib.Dataset | None = None,
    ) -> None:
        super().__init__(resource, dataset)
        resource.loader = self
        self.by_kvk: dict[str, Organisation] = {}
        self.by_name: dict[str, list[Organisation]] = defaultdict(list)
        for organisation in Organisation.objects.order_by("pk"):
            if organisation.kvk_number:
                self.by_kvk[organisation.kvk_number] = organisation
            self.by_name[organisation.name.strip().casefold()].append(organisation)

    def get_instance(self, row: Mapping[str, Any]) -> Organisation | None:
        kvk = kvk_text(row.get("kvk"))
        name = cell_text(row.get("name"))
        named = self.by_name.get(name.casefold(), [])
        with_kvk = self.by_kvk.get(kvk) if kvk else None
        if with_kvk is not None and (not named or with_kvk in named):
            return copy.deepcopy(with_kvk)
        if len(named) > 1:
            raise ValidationError(
                {
                    "name": _(
                        "More than one organisation is called “%(name)s”. Give the KvK "
                        "number to say which one is meant."
                    )
                    % {"name": name}
                }
            )
        if not named:
            return None
        # A name that belongs to another organisation than the KvK number does: the
        # row is matched by name, so that full_clean() reports the number as taken.
        organisation = named[0]
        if (
            with_kvk is None
            and _KVK.fullmatch(kvk)
            and organisation.kvk_number
            and organisation.kvk_number != kvk
        ):
            raise ValidationError(
                {
                    "kvk_number": _(
                        "“%(name)s” has KvK number %(known)s, not %(kvk)s. Correct the "
                        "number in the file, or change it on the organisation's page "
                        "first."
                    )
                    % {
                        "name": organisation.name,
                        "known": organisation.kvk_number,
                        "kvk": kvk,
                    }
                }
            )
        # A copy, so that a row's result keeps the state that row gave it.
        return copy.deepcopy(organisation)


def _kvk_constraint_message() -> str:
    (constraint,) = (
        c for c in Organisation._meta.constraints if c.name == "organisation_kvk_unique"
    )
    return str(constraint.get_violation_error_message())


class OrganisationImportResource(OrganisationResource):
    """The columns of OrganisationResource plus the rules of an import: which
    organisation a row is about, what an empty cell means, and checks across rows."""

    class Meta:
        instance_loader_class = _OrganisationLoader

    # Checked against the organisations the loader read once, instead of with two
    # queries per row; the database constraints still hold as the last guard.
    constraints_checked_in_memory = frozenset(
        {"organisation_kvk_unique", "organisation_kind_valid"}
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.loader: _OrganisationLoader | None = None
        self.blank_rows: set[int] = set()
        self._first_row_with_kvk: dict[str, int] = {}
        self._first_row_with_name: dict[str, int] = {}
        self._is_new = False
        self._status_before = ""

    def import_row(
        self,
        row: Mapping[str, Any],
        instance_loader: _OrganisationLoader,
        **kwargs: Any,
    ) -> RowResult:
        if not any(cell_text(value) for value in row.values()):
            # An empty line between rows is no organisation; skip it without a word.
            self.blank_rows.add(kwargs["row_number"])
            result = self.get_row_result_class()()
            result.import_type = RowResult.IMPORT_TYPE_SKIP
            return result
        return super().import_row(row, instance_loader, **kwargs)

    def after_init_instance(
        self,
        instance: Organisation,
        new: bool,
        row: Mapping[str, Any],
        **kwargs: Any,
    ) -> None:
        self._is_new = new
        self._status_before = instance.status

    def import_instance(
        self, instance: Organisation, row: Mapping[str, Any], **kwargs: Any
    ) -> None:
        errors: dict[str, list[ValidationError]] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # With an unknown kind the defaults are guesses, but the row is refused anyway;
        # filled in, they spare the person "cannot be blank" for cells left empty.
        self._fill_defaults(instance, row)
        self._check_status_step(instance, errors)
        self._check_repeats(row, kwargs["row_number"] + 1, errors)
        if errors:
            raise ValidationError(errors)

    def constraints_in_memory(
        self, instance: Organisation, exclude: set[str]
    ) -> dict[str, list[ValidationError]]:
        errors: dict[str, list[ValidationError]] = {}
        if "kind" not in exclude and instance.kind not in OrganisationKind.values:
            errors["kind"] = [ValidationError(_("Unknown kind of organisation."))]
        holder = (
            self.loader.by_kvk.get(instance.kvk_number)
            if self.loader is not None and instance.kvk_number
            else None
        )
        if "kvk_number" not in exclude and holder and holder.pk != instance.pk:
            errors["kvk_number"] = [ValidationError(_kvk_constraint_message())]
        return errors

    def _fill_defaults(self, instance: Organisation, row: Mapping[str, Any]) -> None:
        # Set here rather than left to Organisation.clean(), so that a row equal to
        # the database after these defaults counts as unchanged.
        if not cell_text(row.get("participation")):
            instance.participation = (
                Participation.PARTY
                if instance.kind in PARTY_KINDS
                else Participation.NONE
            )
        if instance.kind == OrganisationKind.COMPANY:
            instance.csrd_category = instance.csrd_category or CsrdCategory.VSME
        else:
            instance.csrd_category = ""
        if self._is_new and not cell_text(row.get("status")):
            # The SER, the government and the secretariat do not accede; they count
            # as active from the start.
            instance.status = (
                OrganisationStatus.ACTIVE
                if instance.signed_on or instance.participation == Participation.NONE
                else OrganisationStatus.APPLICANT
            )

    def _check_status_step(
        self, instance: Organisation, errors: dict[str, list[ValidationError]]
    ) -> None:
        if self._is_new or "status" in errors:
            return
        before, after = self._status_before, instance.status
        if after != before and after not in ALLOWED_STATUS_CHANGES[before]:
            errors.setdefault("status", []).append(
                ValidationError(
                    _("The status cannot go from “%(old)s” to “%(new)s”.")
                    % {
                        "old": OrganisationStatus(before).label,
                        "new": OrganisationStatus(after).label,
                    }
                )
            )

    def _check_repeats(
        self,
        row: Mapping[str, Any],
        number: int,
        errors: dict[str, list[ValidationError]],
    ) -> None:
        kvk = kvk_text(row.get("kvk"))
        if _KVK.fullmatch(kvk):
            first = self._first_row_with_kvk.setdefault(kvk, number)
            if first != number:
                errors["kvk_number"] = [
                    ValidationError(
                        _(
                            "KvK number %(kvk)s is in row %(row)d already; each "
                            "organisation appears once in a file."
                        )
                        % {"kvk": kvk, "row": first}
                    )
                ]
            return
        name = cell_text(row.get("name")).casefold()
        if name:
            first = self._first_row_with_name.setdefault(name, number)
            if first != number:
                errors.setdefault("name", []).append(
                    ValidationError(
                        _(
                            "This name is in row %(row)d already; each organisation "
                            "appears once in a file."
                        )
                        % {"row": first}
                    )
                )


def _outcome(
    *,
    table: _Table,
    result: Result,
    resource: OrganisationImportResource,
    file_name: str,
    dry_run: bool,
    file_digest: str,
) -> ImportOutcome:
    errors = list(table.problems)
    for invalid in result.invalid_rows:
        for key, messages in invalid.error_dict.items():
            column = (
                "" if key == NON_FIELD_ERRORS else OrganisationResource.column_of(key)
            )
            value = cell_text(table.cell(invalid.number, column)) if column else ""
            errors.extend(
                RowError(
                    row=invalid.number + 1,
                    column=column,
                    value=value,
                    message=str(message),
                )
                for message in messages
            )
    for error_row in result.error_rows:
        for error in error_row.errors:
            logger.warning(
                "Organisation import %r, row %s: %r",
                file_name,
                error_row.number + 1,
                error.error,
            )
        errors.append(
            RowError(
                row=error_row.number + 1,
                column="",
                value="",
                message=_(
                    "This row could not be saved. Check its values; if they look "
                    "right, ask the platform's administrators."
                ),
            )
        )
    for error in result.base_errors:
        logger.error("Organisation import %r failed: %r", file_name, error.error)
        errors.append(
            RowError(
                row=None,
                column="",
                value="",
                message=_(
                    "The file could not be imported. Nothing was saved; try again, or "
                    "ask the platform's administrators."
                ),
            )
        )
    order = {column: index for index, column in enumerate(COLUMNS)}
    errors.sort(key=lambda e: (e.row or 0, order.get(e.column, len(order))))

    added: list[PlannedRow] = []
    updated: list[PlannedRow] = []
    unchanged = 0
    for number, row_result in enumerate(result.rows, start=1):
        if row_result.is_new():
            added.append(PlannedRow(row=number + 1, name=row_result.instance.name))
        elif row_result.is_update():
            updated.append(
                PlannedRow(
                    row=number + 1,
                    name=row_result.instance.name,
                    changes=_changes(
                        resource, row_result.original, row_result.instance
                    ),
                )
            )
        elif row_result.is_skip() and number not in resource.blank_rows:
            unchanged += 1
    plan = json.dumps(
        {
            "added": [row.name for row in added],
            "updated": [
                [row.name, [asdict(c) for c in row.changes]] for row in updated
            ],
        },
        sort_keys=True,
    )
    return ImportOutcome(
        file_name=file_name,
        dry_run=dry_run,
        rows=len(table.dataset) - len(resource.blank_rows),
        new=len(added),
        changed=len(updated),
        unchanged=unchanged,
        errors=tuple(errors),
        added=tuple(added),
        updated=tuple(updated),
        saved=False,
        file_digest=file_digest,
        plan_digest=hashlib.sha256(plan.encode()).hexdigest(),
    )


def _changes(
    resource: OrganisationResource, original: Organisation, instance: Organisation
) -> tuple[PlannedChange, ...]:
    changes = []
    for column in COLUMNS:
        field = resource.fields[column]
        old, new = field.export(original), field.export(instance)
        if old != new:
            changes.append(PlannedChange(column=column, old=old, new=new))
    return tuple(changes)


def _refused(
    file_name: str, dry_run: bool, file_digest: str, message: str
) -> ImportOutcome:
    return ImportOutcome(
        file_name=file_name,
        dry_run=dry_run,
        rows=0,
        new=0,
        changed=0,
        unchanged=0,
        errors=(RowError(row=None, column="", value="", message=message),),
        added=(),
        updated=(),
        saved=False,
        file_digest=file_digest,
        plan_digest="",
    )


def _with_file_error(outcome: ImportOutcome, message: str) -> ImportOutcome:
    return replace(
        outcome, errors=(RowError(row=None, column="", value="", message=message),)
    )


# --- Export and template -----------------------------------------------------------------


def organisation_export(
    *,
    actor: User,
    filters: selectors.OrganisationFilters,
    file_format: str,
    request: HttpRequest | None = None,
) -> ExportFile:
    """The organisations the list page shows with these filters, in the columns of the
    import, so that the file imports again unchanged. Cells a spreadsheet would run as a
    formula are escaped. Only the secretariat may export; each export is audited."""
    if not permissions.can_manage_organisations(actor):
        raise PermissionDenied
    if file_format not in FILE_FORMATS:
        raise ValidationError(
            _("Choose the format csv or xlsx."), code="invalid_format"
        )
    queryset = selectors.organisation_list(user=actor, filters=filters)
    dataset = OrganisationResource().export(queryset)
    rows = [list(row) for row in dataset]
    stamp = timezone.localdate().isoformat()
    if file_format == "csv":
        export = ExportFile(
            content=_csv_bytes(COLUMNS, rows),
            content_type=CSV_CONTENT_TYPE,
            file_name=f"organisations-{stamp}.csv",
        )
    else:
        export = ExportFile(
            content=_xlsx_bytes([(_("Organisations"), COLUMNS, rows)]),
            content_type=XLSX_CONTENT_TYPE,
            file_name=f"organisations-{stamp}.xlsx",
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="organisation.export",
            request=request,
            details={
                "format": file_format,
                "count": len(rows),
                "filters": {k: v for k, v in asdict(filters).items() if v},
            },
        )
    return export


def organisation_import_template(*, file_format: str) -> ExportFile:
    """An empty file to fill in: the header row, and in XLSX a second sheet that
    explains every column, whether it is required and the values it takes."""
    if file_format == "csv":
        return ExportFile(
            content=_csv_bytes(COLUMNS, []),
            content_type=CSV_CONTENT_TYPE,
            file_name="organisations-template.csv",
        )
    explanation = [
        [item.column, item.required, item.allowed, item.meaning]
        for item in column_help()
    ]
    return ExportFile(
        content=_xlsx_bytes(
            [
                (_("Organisations"), COLUMNS, []),
                (
                    _("Explanation"),
                    (_("Column"), _("Required"), _("Allowed values"), _("Meaning")),
                    explanation,
                ),
            ]
        ),
        content_type=XLSX_CONTENT_TYPE,
        file_name="organisations-template.xlsx",
    )


def _csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    # The byte order mark makes Excel read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_bytes(
    sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]],
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        for column, header in enumerate(headers, start=1):
            cell = sheet.cell(row=1, column=column, value=str(header))
            cell.font = Font(bold=True)
            width = max([len(str(header)), *(len(str(r[column - 1])) for r in rows)])
            sheet.column_dimensions[get_column_letter(column)].width = min(
                max(width + 2, 10), 60
            )
        sheet.freeze_panes = "A2"
        for number, values in enumerate(rows, start=2):
            for column, value in enumerate(values, start=1):
                header = headers[column - 1]
                if header == "fte" and isinstance(value, str) and value.isdecimal():
                    value = int(value)
                if isinstance(value, str):
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell = sheet.cell(row=number, column=column, value=value)
                if isinstance(value, str):
                    # Text stays text: never a formula, whatever it starts with.
                    cell.data_type = "s"
                    if len(value) > 60:
                        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if "kvk" in headers:
            # A KvK number in a text column keeps its leading zero when someone
            # types it in Excel.
            position = list(headers).index("kvk") + 1
            sheet.column_dimensions[get_column_letter(position)].number_format = "@"
            for number in range(2, len(rows) + 2):
                sheet.cell(row=number, column=position).number_format = "@"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


IMPORT_FOLDER = "django-import-export"


def import_files_clean(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete uploaded files that were checked but never confirmed; returns how many.
    Safe to run twice and while imports run: a file younger than `older_than` stays."""
    from django.core.files.storage import storages

    storage = storages["import_export"]
    if not storage.exists(IMPORT_FOLDER):
        return 0
    cutoff = timezone.now() - older_than
    removed = 0
    for name in storage.listdir(IMPORT_FOLDER)[1]:
        path = f"{IMPORT_FOLDER}/{name}"
        if storage.get_modified_time(path) < cutoff:
            storage.delete(path)
            removed += 1
    return removed
