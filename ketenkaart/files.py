"""Reading a location file: CSV or XLSX, recognised by its content, never by its name.

The rows are streamed one by one rather than loaded into a tablib Dataset first: a list of
100,000 locations would otherwise be held in memory as a whole a second time. The formats
are those of django-import-export (`base_formats.CSV` and `XLSX`), which the export and the
template use as well.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import filetype
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX, Format

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
from governance.resources import cell_text

from .resources import COLUMNS, REQUIRED_COLUMNS

logger = logging.getLogger(__name__)

MAX_FILE_SIZE = 50 * 1024 * 1024
# Twice the largest list a company has sent; a longer file is split.
MAX_ROWS = 200_000
_ZIP_MAGIC = b"PK\x03\x04"
# Kinds of file people send by mistake, named so they know what went wrong.
_KNOWN_KINDS = {
    "application/pdf": "PDF",
    "application/x-ole-storage": "Excel 97-2003 (.xls)",
    "application/vnd.ms-excel": "Excel 97-2003 (.xls)",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "application/zip": "ZIP",
}


class FileProblem(Exception):
    """The file as a whole cannot be read as a location list; `message` says why and
    what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def expected_columns() -> str:
    optional = [column for column in COLUMNS if column not in REQUIRED_COLUMNS]
    return _("%(required)s, and optionally %(optional)s") % {
        "required": ", ".join(REQUIRED_COLUMNS),
        "optional": ", ".join(optional),
    }


@dataclass
class LocationSheet:
    """An opened location file: its columns, an estimate of its number of data rows, and
    its rows as an iterator of (spreadsheet row number, cells in column order). The
    column names are in row `header_row` (1 unless empty rows come first). Each row's
    cells are exactly as many as there are columns; `wide_rows` collects the row
    numbers that had cells beyond the last column."""

    format: Format
    file_name: str
    headers: list[str]
    header_row: int
    estimated_rows: int
    _rows: Iterator[Sequence[Any]]
    _closer: Any = None
    wide_rows: list[int] = field(default_factory=list)

    @property
    def format_name(self) -> str:
        return "XLSX" if isinstance(self.format, XLSX) else "CSV"

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        width = len(self.headers)
        read = 0
        try:
            for number, values in enumerate(self._rows, start=self.header_row + 1):
                cells = list(values)
                if all(_blank(value) for value in cells):
                    continue
                read += 1
                if read > MAX_ROWS:
                    raise FileProblem(too_many_rows(self.file_name, MAX_ROWS).message)
                if len(cells) > width and any(
                    cell_text(value) for value in cells[width:]
                ):
                    self.wide_rows.append(number)
                if len(cells) != width:
                    cells = (cells + [None] * width)[:width]
                yield number, cells
        finally:
            self.close()

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
            self._closer = None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _first_row(rows: Iterator[Sequence[Any]]) -> tuple[int, Sequence[Any] | None]:
    """The first row that is not empty, with its number."""
    for number, values in enumerate(rows, start=1):
        if not all(_blank(value) for value in values):
            return number, values
    return 0, None


def open_location_file(data: bytes, file_name: str) -> LocationSheet:
    """Open a CSV or XLSX file and check its first row names the columns. Raises
    FileProblem for a file that is empty, of another kind, too large, or whose columns
    are not those of the template."""
    if len(data) > MAX_FILE_SIZE:
        raise FileProblem(
            _(
                "The file is %(size)s MB; the limit is %(limit)s MB. Split the list "
                "into two files, or save it as XLSX, which is smaller."
            )
            % {
                "size": f"{len(data) / 1024 / 1024:.1f}",
                "limit": MAX_FILE_SIZE // 1024 // 1024,
            }
        )
    if not data.strip():
        raise _empty()
    if data.startswith(_ZIP_MAGIC):
        sheet = _open_xlsx(data, file_name)
    else:
        sheet = _open_csv(data, file_name)
    problem = check_headers(sheet.headers)
    if problem:
        sheet.close()
        raise FileProblem(problem)
    # The number of rows is counted as they are read: an XLSX file's own figure may
    # count formatted empty rows.
    return sheet


def _empty() -> FileProblem:
    return FileProblem(
        _(
            "The file is empty. Its first row names the columns %(columns)s; each row "
            "below it is one location."
        )
        % {"columns": expected_columns()}
    )


def _not_a_list(file_name: str, kind: str | None = None) -> FileProblem:
    if kind:
        return FileProblem(
            _(
                "“%(file)s” is a %(kind)s file, not a CSV or XLSX file. Save the list "
                "from your spreadsheet as an Excel workbook (.xlsx) or as CSV (UTF-8), "
                "or start from the template."
            )
            % {"file": file_name, "kind": kind}
        )
    return FileProblem(
        _(
            "“%(file)s” could not be read as a CSV or XLSX file. Save the list from "
            "your spreadsheet as an Excel workbook (.xlsx) or as CSV (UTF-8, comma or "
            "semicolon separated), or start from the template."
        )
        % {"file": file_name}
    )


def _headers(values: Sequence[Any]) -> list[str]:
    headers = [
        "_".join(cell_text(value).casefold().replace("-", " ").split())
        for value in values
    ]
    while headers and not headers[-1]:
        headers.pop()
    return headers


def _open_xlsx(data: bytes, file_name: str) -> LocationSheet:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        check_xlsx_archive(data, file_name)
    except UnreadableArchive as error:
        logger.info("Unreadable XLSX location file %r: %s", file_name, error)
        raise _not_a_kind_we_read(data, file_name) from None
    except UploadProblem as problem:
        raise FileProblem(problem.message) from None
    try:
        # data_only: a formula cell counts with the value the spreadsheet computed.
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        # The first sheet holds the locations; the template's second explains them.
        worksheet = book.worksheets[0]
        rows = worksheet.iter_rows(values_only=True)
        header_row, first = _first_row(rows)
    except (InvalidFileException, *UNREADABLE_WORKBOOK) as error:
        if xml_attack_in(error):
            raise FileProblem(xml_entities_problem(file_name).message) from None
        logger.info("Unreadable XLSX location file %r: %s", file_name, error)
        raise _not_a_kind_we_read(data, file_name) from None
    if first is None:
        book.close()
        raise _empty()
    max_row = worksheet.max_row or 0
    return LocationSheet(
        format=XLSX(),
        file_name=file_name,
        headers=_headers(first),
        header_row=header_row,
        estimated_rows=max(max_row - header_row, 0),
        _rows=_guarded(rows, file_name),
        _closer=book.close,
    )


def _not_a_kind_we_read(data: bytes, file_name: str) -> FileProblem:
    kind = filetype.guess_mime(data[:8192])
    return _not_a_list(file_name, _KNOWN_KINDS.get(kind or "") if kind else None)


def _guarded(rows: Iterator[Sequence[Any]], file_name: str) -> Iterator[Sequence[Any]]:
    """A damaged workbook may fail half-way; that is a problem of the file, not a
    crash."""
    try:
        yield from rows
    except UNREADABLE_WORKBOOK as error:
        if xml_attack_in(error):
            raise FileProblem(xml_entities_problem(file_name).message) from None
        logger.info("XLSX location file %r broke off: %s", file_name, error)
        raise _not_a_list(file_name) from None


def _open_csv(data: bytes, file_name: str) -> LocationSheet:
    kind = filetype.guess_mime(data[:8192])
    if kind is not None or b"\x00" in data[:8192]:
        raise _not_a_list(file_name, _KNOWN_KINDS.get(kind or ""))
    try:
        text = decode_csv(data, file_name)
    except UploadProblem as problem:
        raise FileProblem(problem.message) from None
    first_line = next((line for line in io.StringIO(text) if line.strip()), "")
    # Dutch Excel separates with semicolons, since the comma is the decimal sign.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header_row, first = _first_row(reader)
    except csv.Error:
        raise _not_a_list(file_name) from None
    if first is None:
        raise _empty()
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    return LocationSheet(
        format=CSV(encoding="utf-8"),
        file_name=file_name,
        headers=_headers(first),
        header_row=header_row,
        estimated_rows=max(lines - header_row, 0),
        _rows=_csv_rows(reader, file_name),
    )


def _csv_rows(reader, file_name: str) -> Iterator[list[str]]:
    try:
        yield from reader
    except csv.Error as error:
        logger.info("CSV location file %r broke off: %s", file_name, error)
        raise _not_a_list(file_name) from None


def check_headers(headers: Sequence[str]) -> str | None:
    """Why the first row does not name the template's columns, or None when it does."""
    return column_problem(
        headers, known=COLUMNS, required=REQUIRED_COLUMNS, expected=expected_columns()
    )
