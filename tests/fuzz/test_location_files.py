"""The location-list parser (ketenkaart/files.py and rows.py) on random input: whatever
a company uploads, the outcome is the list's rows and problems, or a FileProblem with a
message; never another exception."""

from __future__ import annotations

import csv
import datetime as dt
import io
import struct
import zipfile
from types import SimpleNamespace

import openpyxl
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from convenant.vocabulary import Activity, Material
from ketenkaart.files import FileProblem
from ketenkaart.plan import merge_duplicates
from ketenkaart.resources import COLUMNS
from ketenkaart.rows import material_order
from ketenkaart.services import _read_rows

from .conftest import fuzz

COMPANY = SimpleNamespace(is_recycler=False)
GOOD_ROW = [
    "Kamoto",
    "Route de Kamoto",
    "Kolwezi",
    "CD-LU",
    "CD",
    "mining",
    "copper;cobalt",
    "3",
    "supplier",
    "LEV-0042",
]


def read(data: bytes, name: str = "lijst") -> None:
    """Read the file as an import does; only FileProblem may escape."""
    try:
        good, problems, count = _read_rows(data, name, COMPANY, None)
    except FileProblem as problem:
        refused = problem.message
    else:
        refused = None
    if refused is not None:
        assert refused.strip()
        return
    assert count >= len(good)
    for item in problems:
        assert str(item).strip()
    merge_duplicates(good, material_order)


def csv_bytes(rows, delimiter=",", encoding="utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding, errors="replace")


def xlsx_bytes(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TEMPLATE_XLSX = xlsx_bytes([list(COLUMNS), GOOD_ROW])


def middle_of(data: bytes, part: str) -> int:
    """The offset of a byte halfway through the packed data of `part`."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(part)
    header = data[info.header_offset : info.header_offset + 30]
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = info.header_offset + 30 + name_length + extra_length
    return start + info.compress_size // 2


# Regressions: a broken deflate stream in a part openpyxl reads while opening
# (zlib.error), and in the sheet it reads row by row.
THEME_MIDDLE = middle_of(TEMPLATE_XLSX, "xl/theme/theme1.xml")
SHEET_MIDDLE = middle_of(TEMPLATE_XLSX, "xl/worksheets/sheet1.xml")
# And a zip version zipfile cannot read (NotImplementedError): the "version needed to
# extract" of the first entry of the central directory.
CENTRAL_VERSION = TEMPLATE_XLSX.index(b"PK\x01\x02") + 6

# Cells as a spreadsheet holds them: text, numbers, dates, booleans, nothing.
cell_values = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
)
# Cells that look right, or nearly: values of the vocabulary, codes, numbers as text.
plausible_cells = st.one_of(
    st.sampled_from(
        [
            *Activity.values,
            *Material.values,
            "copper;cobalt",
            "copper, iron|zinc/",
            "CD",
            "CD-LU",
            "Congo",
            "XX-99",
            "supplier",
            "3",
            "3.5",
            "-1",
            "1e400",
            "²",
            "٣",
            "nan",
            '\'=HYPERLINK("x")',
            "=1+1",
            "",
            " ",
            "\x00",
            "ñ" * 300,
        ]
    ),
    st.text(max_size=20),
)
headers = st.one_of(
    st.just(list(COLUMNS)),
    st.permutations(list(COLUMNS)).map(list),
    st.lists(st.sampled_from([*COLUMNS, "", "Tier", "supplier-name"]), max_size=12),
)


@given(st.binary(max_size=4096))
@example(b"")
@example(b"\xef\xbb\xbf")
@example(b"PK\x03\x04")
@example(b"PK\x05\x06" + bytes(18))
@example(b"\x81\x8d\x8f\x90\x9d")
@example(b"%PDF-1.7\n")
@example(b"\x00" * 10)
def check_random_bytes(data):
    read(data)


def test_random_bytes():
    fuzz(check_random_bytes)


@given(
    header=headers,
    rows=st.lists(st.lists(plausible_cells, max_size=14), max_size=15),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)
@example(header=list(COLUMNS), rows=[GOOD_ROW], delimiter=",", encoding="utf-8")
@example(header=list(COLUMNS), rows=[["\x00"]], delimiter=",", encoding="utf-8")
# A tier that str.isdigit() takes for a number and int() refuses (ValueError).
@example(
    header=list(COLUMNS),
    rows=[[*GOOD_ROW[:7], "²", *GOOD_ROW[8:]]],
    delimiter=",",
    encoding="utf-8",
)
def check_csv(header, rows, delimiter, encoding):
    read(csv_bytes([header, *rows], delimiter, encoding), "lijst.csv")


def test_csv_text():
    fuzz(check_csv)


@given(st.text(max_size=2000))
@example('"unclosed,quote\n')
@example("\r\r\r")
def check_csv_text(text):
    read(text.encode("utf-8", errors="surrogatepass"), "lijst.csv")


def test_random_text():
    fuzz(check_csv_text)


@given(
    header=headers,
    rows=st.lists(
        st.lists(st.one_of(cell_values, plausible_cells), max_size=12), max_size=8
    ),
)
@example(header=list(COLUMNS), rows=[GOOD_ROW])
def check_xlsx(header, rows):
    try:
        data = xlsx_bytes([header, *rows])
    except (ValueError, TypeError, IllegalCharacterError):
        # openpyxl refuses to write some values (control characters); such a
        # workbook cannot exist.
        return
    read(data, "lijst.xlsx")


def test_xlsx_cells():
    fuzz(check_xlsx, scale=0.5)


@given(
    st.lists(
        st.tuples(st.integers(0, len(TEMPLATE_XLSX) - 1), st.integers(0, 255)),
        min_size=1,
        max_size=8,
    )
)
@example([(THEME_MIDDLE, 0)])
@example([(CENTRAL_VERSION, 64)])
@example([(SHEET_MIDDLE, 0)])
@example([(SHEET_MIDDLE, 0xFF), (SHEET_MIDDLE + 1, 0xFF)])
def check_damaged_xlsx(changes):
    data = bytearray(TEMPLATE_XLSX)
    for position, value in changes:
        data[position] = value
    read(bytes(data), "lijst.xlsx")


def test_damaged_xlsx():
    fuzz(check_damaged_xlsx)
