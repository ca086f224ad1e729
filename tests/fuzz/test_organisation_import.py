"""The organisation import (governance/imports.py) on random input: a dry run always
ends in an outcome, with every problem named by row and column; it never raises and
never saves."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from governance.imports import ImportOutcome, organisation_import
from governance.models import Organisation
from governance.resources import COLUMNS

from .conftest import fuzz

pytestmark = pytest.mark.django_db

GOOD_ROW = [
    "Gieterij Noord B.V.",
    "company",
    "01234567",
    "NL",
    "120",
    "party",
    "2025-10-16",
    "no",
    "vsme",
    "active",
]


def check(data: bytes, file_name: str) -> ImportOutcome:
    outcome = organisation_import(
        data=data, file_name=file_name, dry_run=True, actor=None
    )
    assert not outcome.saved
    for error in outcome.errors:
        assert str(error).strip()
    return outcome


def csv_bytes(rows, delimiter=",") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode("utf-8", errors="replace")


cells = st.one_of(
    st.sampled_from(
        [
            "company",
            "ngo",
            "bedrijf",
            "party",
            "partij",
            "supporter",
            "NL",
            "Nederland",
            "ZZ",
            "01234567",
            "1234567",
            "12345678901234567890",
            "0",
            "-5",
            "1e9",
            "nan",
            "inf",
            "2025-10-16",
            "16-10-2025",
            "2025-02-30",
            "9999-12-31",
            "0001-01-01",
            "yes",
            "ja",
            "maybe",
            "vsme",
            "csrd",
            "active",
            "withdrawn",
            "'=1",
            "²",
            "٣",
            "=1",
            "",
            " ",
        ]
    ),
    st.text(max_size=30),
)
headers = st.one_of(
    st.just(list(COLUMNS)),
    st.permutations(list(COLUMNS)).map(list),
    st.lists(st.sampled_from([*COLUMNS, "", "Name", "extra"]), max_size=12),
)


@given(
    header=headers,
    rows=st.lists(st.lists(cells, max_size=12), min_size=1, max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
@example(header=list(COLUMNS), rows=[GOOD_ROW], delimiter=",")
@example(header=list(COLUMNS), rows=[GOOD_ROW, GOOD_ROW], delimiter=";")
# Numbers that str.isdigit() accepts and int() refuses, as FTE and KvK number.
@example(
    header=list(COLUMNS),
    rows=[[*GOOD_ROW[:2], "²²²²²²²", "NL", "²", *GOOD_ROW[5:]]],
    delimiter=",",
)
def check_csv(header, rows, delimiter):
    check(csv_bytes([header, *rows], delimiter), "organisaties.csv")


def test_csv_rows():
    before = Organisation.objects.count()

    fuzz(check_csv, scale=0.5)
    assert Organisation.objects.count() == before


@given(
    data=st.binary(max_size=2048),
    file_name=st.sampled_from(
        ["o.csv", "o.xlsx", "o.txt", "o", "../../o.csv", "o.ods"]
    ),
)
@example(data=b"PK\x03\x04", file_name="o.xlsx")
@example(data=b"\x81\x8d", file_name="o.csv")
def check_bytes(data, file_name):
    check(data, file_name)


def test_random_bytes():

    fuzz(check_bytes, scale=0.5)


@given(
    header=headers,
    rows=st.lists(
        st.lists(
            st.one_of(
                cells,
                st.none(),
                st.integers(-(10**15), 10**15),
                st.floats(),
                st.booleans(),
                st.dates(),
                st.datetimes(),
            ),
            max_size=12,
        ),
        min_size=1,
        max_size=5,
    ),
)
@example(header=list(COLUMNS), rows=[GOOD_ROW])
def check_xlsx(header, rows):
    book = openpyxl.Workbook()
    try:
        for row in [header, *rows]:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
    except (ValueError, TypeError, IllegalCharacterError):
        return  # a workbook openpyxl will not write cannot be uploaded either
    check(buffer.getvalue(), "organisaties.xlsx")


def test_xlsx_cells():

    fuzz(check_xlsx, scale=0.5)
