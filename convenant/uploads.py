"""What an uploaded spreadsheet must be before a parser reads it, and how a stored
file's name goes out again: one place for every upload of the platform.

Documents (evidence, plans, letters, agenda documents, signed agreements) are checked by
their content in monitoring/evidence.py (`check_upload`) and stored under a random name.
Spreadsheets (the location list, the organisation import) are parsed, so they get more:

- an XLSX file is a zip of XML files. Before openpyxl opens one, `check_xlsx_archive`
  reads the zip's table of contents and refuses a file with too many parts, that would
  unpack to too much, or that packs too tightly (a "zip bomb"), and one whose XML
  declares entities ("billion laughs", external entities). openpyxl itself parses with
  defusedxml (installed with the platform), which refuses entities wherever they hide;
  `xml_attack_in` tells a parser that this is why a workbook could not be read.
- a CSV file is decoded by `decode_csv`: UTF-8, else Windows-1252 (Excel's plain
  "CSV"); otherwise the problem names the row with the first undecodable byte.

A person's file name never becomes a path; `download_name` makes it safe to send back in
Content-Disposition (Django's FileResponse then quotes it per RFC 6266/5987).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from typing import IO, Any, Final

from defusedxml import DefusedXmlException
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import FileResponse, HttpRequest
from django.utils.formats import number_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

# The largest request with files that is read at all: the largest upload (a location
# list, 50 MB) with room for the rest of the form.
MAX_REQUEST_BYTES: Final = 55 * 1024 * 1024

# An XLSX file of the platform's size holds a dozen parts; a workbook with many sheets
# a few hundred.
MAX_ZIP_MEMBERS: Final = 1000
# All parts together, unpacked. A list of 100,000 locations unpacks to about 60 MB.
MAX_UNPACKED_BYTES: Final = 300 * 1024 * 1024
# Spreadsheet XML packs about 5 to 20 times; a zip bomb thousands of times. Parts
# smaller than RATIO_FROM_BYTES are not held to the ratio: they cannot do harm.
MAX_COMPRESSION_RATIO: Final = 100
RATIO_FROM_BYTES: Final = 1024 * 1024
# A DTD, and so any entity declaration, comes before the root element.
_PROLOGUE_BYTES: Final = 4096
_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)

_MAX_NAME_LENGTH: Final = 255

# What zipfile and openpyxl raise, found by fuzzing, for a damaged workbook: a broken zip
# or deflate stream, a zip version or compression method zipfile cannot read
# (NotImplementedError), XML that does not parse (ParseError is a SyntaxError), parts
# or attributes missing, values of the wrong kind.
UNREADABLE_WORKBOOK: Final = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    SyntaxError,
    LookupError,
    ValueError,
    TypeError,
    AttributeError,
)


class UploadProblem(ValueError):
    """An upload refused before parsing; `message` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnreadableArchive(UploadProblem):
    """Not a zip file that can be read at all: the parser says what it expected."""


def xml_attack_in(error: BaseException | None) -> bool:
    """Whether defusedxml refused XML entities behind `error`: openpyxl wraps what goes
    wrong reading a workbook's parts in a ValueError of its own."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DefusedXmlException):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def xml_entities_problem(file_name: str) -> UploadProblem:
    return UploadProblem(
        _(
            "“%(file)s” contains XML entity declarations, which a spreadsheet saved by "
            "Excel or LibreOffice never has; it is refused for safety. Open it in your "
            "spreadsheet program, save it again as .xlsx and upload that."
        )
        % {"file": file_name}
    )


def _too_large_unpacked(file_name: str) -> UploadProblem:
    return UploadProblem(
        _(
            "“%(file)s” would unpack to more than %(limit)s MB, far more than a "
            "spreadsheet of this size holds; it is refused for safety. Save it again "
            "from your spreadsheet program, or split it into smaller files."
        )
        % {"file": file_name, "limit": MAX_UNPACKED_BYTES // 1024 // 1024}
    )


def check_xlsx_archive(data: bytes, file_name: str) -> None:
    """Refuse an XLSX file before it is parsed: with too many parts, unpacking to too
    much or packing too tightly (a zip bomb), or declaring XML entities. Raises
    UnreadableArchive when `data` is no readable zip, UploadProblem otherwise; returns
    None for a file that may be opened."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except UNREADABLE_WORKBOOK as error:
        raise UnreadableArchive(str(error)) from None
    with archive:
        if len(members) > MAX_ZIP_MEMBERS:
            raise UploadProblem(
                _(
                    "“%(file)s” holds %(count)s parts; a spreadsheet has at most "
                    "%(limit)s. It is refused for safety."
                )
                % {"file": file_name, "count": len(members), "limit": MAX_ZIP_MEMBERS}
            )
        # The sizes in the table of contents bind: Python's zipfile never unpacks a
        # part beyond its stated size.
        if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
            raise _too_large_unpacked(file_name)
        for member in members:
            if (
                member.file_size > RATIO_FROM_BYTES
                and member.file_size > MAX_COMPRESSION_RATIO * member.compress_size
            ):
                raise _too_large_unpacked(file_name)
        for member in members:
            if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(member) as part:
                    head = part.read(_PROLOGUE_BYTES)
            except (RuntimeError, *UNREADABLE_WORKBOOK) as error:  # or encrypted
                raise UnreadableArchive(str(error)) from None
            # UTF-16 XML has a zero byte between the letters.
            if _ENTITY.search(head.replace(b"\x00", b"")):
                raise xml_entities_problem(file_name)


def decode_csv(data: bytes, file_name: str) -> str:
    """The text of a CSV file: UTF-8 (with or without a byte order mark), else
    Windows-1252, which Excel's plain "CSV" writes. Raises UploadProblem naming the row
    of the first byte that is neither."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    row = data[: utf8_error.start].count(b"\n") + 1
    raise UploadProblem(
        _(
            "“%(file)s” is not readable text: row %(row)s holds a character in an "
            "unknown encoding. Save the file as “CSV UTF-8” (or as .xlsx) and upload "
            "it again."
        )
        % {"file": file_name, "row": row}
    )


def too_many_rows(file_name: str, limit: int) -> UploadProblem:
    return UploadProblem(
        _(
            "“%(file)s” has more than %(limit)s rows, more than one file may hold. "
            "Split it into smaller files."
        )
        % {"file": file_name, "limit": number_format(limit, force_grouping=True)}
    )


def download_name(name: str | None, default: str = "document") -> str:
    """A stored file's original name as it may go out in Content-Disposition: without
    any folder part, path separator or control character, no leading dots, at most 255
    characters; `default` when nothing is left. Pass it to FileResponse(filename=...),
    which quotes it (ASCII) or encodes it per RFC 5987 (anything else)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(char)[0] in "CZ" else char for char in name
    )
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if len(name) > _MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and len(extension) <= 10:
            name = stem[: _MAX_NAME_LENGTH - len(extension) - 1] + "." + extension
        else:
            name = name[:_MAX_NAME_LENGTH]
    return name or default


def attachment_response(
    content: bytes | IO[bytes],
    *,
    name: str | None,
    content_type: str | None = None,
    default: str = "document",
) -> FileResponse:
    """A file as a download, never shown inline: under its name made safe by
    `download_name` (quoted, or RFC 5987 encoded, by FileResponse), not sniffed, not
    run, not cached. Every download of an uploaded file goes out through here."""
    if isinstance(content, bytes):
        content = io.BytesIO(content)
    response = FileResponse(
        content,
        as_attachment=True,
        filename=download_name(name, default),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def content_disposition(name: str | None, default: str = "download") -> str:
    """The Content-Disposition of a generated file (an export) sent as an attachment."""
    return content_disposition_header(True, download_name(name, default)) or ""


class RequestSizeLimit(FileUploadHandler):
    """The first upload handler: refuses a request with files larger than
    MAX_REQUEST_BYTES (by its Content-Length, or by counting when it sends none) before
    it is written to disk. Django answers RequestDataTooBig with 400 Bad Request."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def handle_raw_input(
        self,
        input_data: IO[bytes] | None,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        if content_length > MAX_REQUEST_BYTES:
            raise RequestDataTooBig(
                f"Upload of {content_length} bytes; at most {MAX_REQUEST_BYTES}."
            )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > MAX_REQUEST_BYTES:
            raise RequestDataTooBig(f"Upload larger than {MAX_REQUEST_BYTES} bytes.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
