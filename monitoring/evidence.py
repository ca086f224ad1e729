"""What an evidence upload must be before it is stored: a PDF, an Office document or an
image, of at most 10 MB, recognised by its content rather than by its name.

The name a person gives a file is kept as data only (`Evidence.original_name`); it never
becomes part of a path. `check_upload` reads the first bytes of the file and decides from
those alone, so a program renamed to `report.pdf` is refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import IO, Final

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_FILE_BYTES: Final = 10 * 1024 * 1024
MAX_FILES_PER_ANSWER: Final = 20

# Content types recognised by `filetype`, with the kind of document named to people.
ALLOWED_TYPES: Final = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": (
        "PowerPoint"
    ),
    "application/msword": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.oasis.opendocument.text": "OpenDocument",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
}
# What the file input offers; the content check above decides.
ACCEPT_ATTRIBUTE: Final = ",".join(
    (
        ".pdf",
        ".docx",
        ".xlsx",
        ".pptx",
        ".doc",
        ".xls",
        ".odt",
        ".ods",
        ".png",
        ".jpg",
        ".jpeg",
    )
)
_SNIFF_BYTES: Final = 8192
_MAX_NAME_LENGTH: Final = 255


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    """An upload that passed the checks: its content type as recognised, its size, and
    the person's file name made safe to show."""

    content_type: str
    size: int
    original_name: str


def display_name(name: str | None) -> str:
    """The person's file name as a label: without any folder part a browser may send
    (C:\\fakepath\\...), without control characters, at most 255 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        char for char in name if unicodedata.category(char)[0] != "C"
    ).strip()
    name = re.sub(r"\s+", " ", name)
    if len(name) > _MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and len(extension) <= 10:
            name = stem[: _MAX_NAME_LENGTH - len(extension) - 1] + "." + extension
        else:
            name = name[:_MAX_NAME_LENGTH]
    return name or _("document")


def sniff_content_type(file: IO[bytes]) -> str | None:
    """The content type the file's first bytes show, or None when not recognised. The
    file is left at its start."""
    file.seek(0)
    head = file.read(_SNIFF_BYTES)
    file.seek(0)
    kind = filetype.guess(bytes(head)) if head else None
    return kind.mime if kind is not None else None


def check_upload(file, *, files_already: int = 0) -> CheckedUpload:
    """Check one uploaded file (a Django UploadedFile). `files_already` is the number of
    documents the answer holds now. Raises ValidationError saying what is wrong."""
    name = display_name(getattr(file, "name", ""))
    if files_already >= MAX_FILES_PER_ANSWER:
        raise ValidationError(
            _("An answer can have at most %(count)d documents; remove one first.")
            % {"count": MAX_FILES_PER_ANSWER},
            code="too_many",
        )
    size = file.size
    if not size:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            _(
                "“%(name)s” is %(size)s MB; a document can be at most %(max)d MB. "
                "Save it smaller (for example as a PDF) or split it."
            )
            % {
                "name": name,
                "size": f"{size / (1024 * 1024):.1f}",
                "max": MAX_FILE_BYTES // (1024 * 1024),
            },
            code="too_large",
        )
    content_type = sniff_content_type(file)
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, Office document (Word, Excel, PowerPoint, "
                "OpenDocument) or image (PNG, JPEG), judged by its content."
            )
            % {"name": name},
            code="type",
        )
    return CheckedUpload(content_type=content_type, size=size, original_name=name)
