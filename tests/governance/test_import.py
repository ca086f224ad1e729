"""Import and export of organisations: governance/imports.py, resources.py and the
views in governance/views/imports.py."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from convenant.models import AuditEntry
from governance.imports import (
    ImportOutcome,
    PlannedChange,
    PlannedRow,
    RowError,
    organisation_import,
)
from governance.models import Organisation
from governance.resources import COLUMNS, REQUIRED_COLUMNS
from governance.views.imports import SESSION_KEY
from tests.conftest import ROLES, make_person
from tests.governance.factories import OrganisationFactory

HEADER = ",".join(REQUIRED_COLUMNS)
GOOD_ROWS = (
    "Gieterij Noord B.V.,company,12345678,NL,250,party,2025-10-16,no,csrd",
    "FNV Metaal,union,,NL,,party,20-10-2025,no,",
    "Stichting Schoon Metaal,ngo,,NL,,supporter,2025-11-01,no,",
    "Recycling Zuid B.V.,company,01234567,BE,40,party,,yes,",
)
# The shared reference data lies beside the repository.
FACILITIES = Path(__file__).resolve().parents[3] / "shared" / "data" / "facilities.csv"
ORGANISATION_FIELDS = (
    "name",
    "kind",
    "kvk_number",
    "country",
    "fte",
    "participation",
    "status",
    "signed_on",
    "is_recycler",
    "csrd_category",
)


@pytest.fixture(autouse=True)
def _english_and_private_media(settings, tmp_path):
    """Messages in their English source text, and uploads kept in a folder of the test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "import_export": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private" / "imports", "base_url": None},
        },
    }
    with translation.override("en"):
        yield


@pytest.fixture
def secretariat(secretariat_user):
    return secretariat_user


@pytest.fixture
def web(secretariat_client):
    secretariat_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return secretariat_client


def csv_file(*rows: str, header: str = HEADER, delimiter: str = ",") -> bytes:
    lines = [header, *rows]
    if delimiter != ",":
        lines = [line.replace(",", delimiter) for line in lines]
    return ("\r\n".join(lines) + "\r\n").encode()


def xlsx_file(rows: list[list], header: tuple[str, ...] = REQUIRED_COLUMNS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(
    data: bytes,
    *,
    file_name: str = "organisations.csv",
    dry_run: bool = True,
    actor=None,
) -> ImportOutcome:
    return organisation_import(
        data=data, file_name=file_name, dry_run=dry_run, actor=actor
    )


def snapshot() -> list[tuple]:
    """Every organisation with every imported field, to show that nothing changed."""
    return list(
        Organisation.objects.order_by("pk").values_list("pk", *ORGANISATION_FIELDS)
    )


def imported(name: str) -> dict:
    return Organisation.objects.filter(name=name).values(*ORGANISATION_FIELDS).get()


def error(row, column, value, message) -> RowError:
    return RowError(row=row, column=column, value=value, message=message)


# --- Good files ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_good_csv_adds_every_organisation_with_defaults_filled_in(secretariat):
    outcome = run(csv_file(*GOOD_ROWS), dry_run=False, actor=secretariat)

    assert outcome.errors == ()
    assert (outcome.new, outcome.changed, outcome.unchanged) == (4, 0, 0)
    assert outcome.saved is True
    assert outcome.added == (
        PlannedRow(row=2, name="Gieterij Noord B.V."),
        PlannedRow(row=3, name="FNV Metaal"),
        PlannedRow(row=4, name="Stichting Schoon Metaal"),
        PlannedRow(row=5, name="Recycling Zuid B.V."),
    )
    assert imported("Gieterij Noord B.V.") == {
        "name": "Gieterij Noord B.V.",
        "kind": "company",
        "kvk_number": "12345678",
        "country": "NL",
        "fte": 250,
        "participation": "party",
        "status": "active",
        "signed_on": dt.date(2025, 10, 16),
        "is_recycler": False,
        "csrd_category": "csrd",
    }
    assert imported("FNV Metaal") == {
        "name": "FNV Metaal",
        "kind": "union",
        "kvk_number": None,
        "country": "NL",
        "fte": None,
        "participation": "party",
        "status": "active",
        "signed_on": dt.date(2025, 10, 20),
        "is_recycler": False,
        "csrd_category": "",
    }
    assert imported("Stichting Schoon Metaal")["participation"] == "supporter"
    # No signing date: an applicant. An empty CSRD category is VSME for a company.
    assert imported("Recycling Zuid B.V.") == {
        "name": "Recycling Zuid B.V.",
        "kind": "company",
        "kvk_number": "01234567",
        "country": "BE",
        "fte": 40,
        "participation": "party",
        "status": "applicant",
        "signed_on": None,
        "is_recycler": True,
        "csrd_category": "vsme",
    }


@pytest.mark.django_db
def test_a_real_import_writes_one_audit_entry(secretariat):
    run(csv_file(*GOOD_ROWS[:2]), dry_run=False, actor=secretariat)

    entry = AuditEntry.objects.get(action="organisation.import")
    assert entry.actor == secretariat
    assert entry.details == {
        "file_name": "organisations.csv",
        "new": 2,
        "changed": 0,
        "unchanged": 0,
        "added": ["Gieterij Noord B.V.", "FNV Metaal"],
        "updated": [],
    }


@pytest.mark.django_db
def test_a_good_xlsx_imports_with_spreadsheet_types(secretariat):
    """Excel hands over numbers, dates and booleans, and drops a KvK number's leading
    zero when the cell is a number."""
    data = xlsx_file(
        [
            [
                "Walserij West B.V.",
                "Company",
                1234567,
                "Germany",
                80.0,
                "Party",
                dt.datetime(2025, 10, 16),
                True,
                "listed_sme",
            ],
            [
                "Brancheorganisatie Metaal",
                "brancheorganisatie",
                None,
                None,
                None,
                None,
                dt.date(2025, 12, 1),
                None,
                None,
            ],
        ]
    )

    outcome = run(data, file_name="leden.xlsx", dry_run=False, actor=secretariat)

    assert outcome.errors == ()
    assert (outcome.new, outcome.changed, outcome.unchanged) == (2, 0, 0)
    assert imported("Walserij West B.V.") == {
        "name": "Walserij West B.V.",
        "kind": "company",
        "kvk_number": "01234567",
        "country": "DE",
        "fte": 80,
        "participation": "party",
        "status": "active",
        "signed_on": dt.date(2025, 10, 16),
        "is_recycler": True,
        "csrd_category": "listed_sme",
    }
    assert imported("Brancheorganisatie Metaal") == {
        "name": "Brancheorganisatie Metaal",
        "kind": "branch",
        "kvk_number": None,
        "country": "NL",
        "fte": None,
        "participation": "party",
        "status": "active",
        "signed_on": dt.date(2025, 12, 1),
        "is_recycler": False,
        "csrd_category": "",
    }


@pytest.mark.django_db
def test_a_semicolon_csv_with_byte_order_mark_and_dutch_words_imports(secretariat):
    """What Dutch Excel writes as "CSV UTF-8": a BOM, semicolons, Dutch names."""
    data = "\ufeff".encode() + csv_file(
        "Metaalunie Noord;Vakbond;;Nederland;;Partij;16-10-2025;nee;",
        "Schroothandel Één B.V.;BEDRIJF;87654321;België;12;partij;2025-10-16;JA;Overig",
        "SER;ser;;NL;;;;;",
        delimiter=";",
    )

    outcome = run(data, dry_run=False, actor=secretariat)

    assert outcome.errors == ()
    assert outcome.new == 3
    assert imported("Metaalunie Noord")["kind"] == "union"
    schroot = imported("Schroothandel Één B.V.")
    assert (schroot["country"], schroot["is_recycler"], schroot["csrd_category"]) == (
        "BE",
        True,
        "vsme",
    )
    # The SER takes part as none and so counts as active without a signing date.
    ser = imported("SER")
    assert (ser["participation"], ser["status"]) == ("none", "active")


@pytest.mark.django_db
def test_a_windows_1252_csv_from_plain_excel_imports(secretariat):
    data = csv_file("Gießerei Müller GmbH;bedrijf;;DE;300;;;;", delimiter=";")
    outcome = run(data.decode().encode("cp1252"), dry_run=False, actor=secretariat)

    assert outcome.errors == ()
    assert imported("Gießerei Müller GmbH")["country"] == "DE"


@pytest.mark.django_db
def test_empty_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    data = csv_file(GOOD_ROWS[0], ",,,,,,,,", GOOD_ROWS[1].replace("union", "vakbondd"))

    outcome = run(data)

    assert outcome.rows == 2
    assert outcome.errors == (
        error(
            4,
            "kind",
            "vakbondd",
            "“vakbondd” is not a kind of organisation. Use one of: company, union, ngo, "
            "branch, ser, government, secretariat (or the English or Dutch name).",
        ),
    )


# --- Bad values ----------------------------------------------------------------------------

BAD_VALUES = [
    # (column, bad value, message)
    (
        "name",
        "",
        "Give the organisation's name.",
    ),
    (
        "kind",
        "bedrijff",
        "“bedrijff” is not a kind of organisation. Use one of: company, union, ngo, "
        "branch, ser, government, secretariat (or the English or Dutch name).",
    ),
    (
        "kind",
        "",
        "Give the kind of organisation: one of company, union, ngo, branch, ser, "
        "government, secretariat.",
    ),
    (
        "kvk",
        "1234567",
        "“1234567” has 7 digits; a KvK number has exactly 8. If the spreadsheet dropped "
        "a leading zero, add it back and format the column as text.",
    ),
    (
        "kvk",
        "1234567A",
        "A KvK number has exactly 8 digits, for example 12345678.",
    ),
    (
        "country",
        "Atlantis",
        "“Atlantis” is not a country. Use the two-letter ISO code, such as NL, DE or "
        "CN, or the country's English or Dutch name.",
    ),
    (
        "fte",
        "veel",
        "“veel” is not a whole number of 0 or more. Give the size in FTE as a whole "
        "number, for example 120.",
    ),
    (
        "fte",
        "12.5",
        "“12.5” is not a whole number of 0 or more. Give the size in FTE as a whole "
        "number, for example 120.",
    ),
    (
        "participation",
        "lid",
        "“lid” is not a form of participation. Use one of: party, supporter, none (or "
        "the English or Dutch name).",
    ),
    (
        "signed_on",
        "31/12/2025",
        "“31/12/2025” is not a date. Write it as YYYY-MM-DD or DD-MM-YYYY, for example "
        "2025-10-16 or 16-10-2025.",
    ),
    (
        "signed_on",
        "2025-02-30",
        "“2025-02-30” is not a date. Write it as YYYY-MM-DD or DD-MM-YYYY, for example "
        "2025-10-16 or 16-10-2025.",
    ),
    (
        "is_recycler",
        "misschien",
        "“misschien” is not yes or no. Use yes, no, true, false, 1, 0, ja or nee; an "
        "empty cell means no.",
    ),
    (
        "csrd_category",
        "groot",
        "“groot” is not a CSRD category. Use one of: csrd, listed_sme, vsme, or leave "
        "it empty.",
    ),
    (
        "status",
        "slapend",
        "“slapend” is not a status. Use one of: applicant, active, withdrawing, "
        "withdrawn, removed (or the English or Dutch name), or leave it empty.",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("column", "value", "message"), BAD_VALUES)
def test_a_bad_value_is_reported_with_its_row_and_column(
    secretariat, column, value, message
):
    good = dict(zip(COLUMNS, [*GOOD_ROWS[0].split(","), "active"], strict=True))
    bad = good | {"name": "Walserij West B.V.", "kvk": "87654321", column: value}
    data = csv_file(
        ",".join(good.values()), ",".join(bad.values()), header=",".join(COLUMNS)
    )
    before = snapshot()

    outcome = run(data, dry_run=False, actor=secretariat)

    assert outcome.errors == (error(3, column, value, message),)
    assert outcome.saved is False
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="organisation.import").exists()


@pytest.mark.django_db
def test_every_bad_cell_of_one_row_is_reported():
    row = "Delta,company,1234567,Atlantis,veel,,31/12/2025,misschien,groot"

    outcome = run(csv_file(row))

    assert [(e.row, e.column, e.value) for e in outcome.errors] == [
        (2, "kvk", "1234567"),
        (2, "country", "Atlantis"),
        (2, "fte", "veel"),
        (2, "signed_on", "31/12/2025"),
        (2, "is_recycler", "misschien"),
        (2, "csrd_category", "groot"),
    ]


@pytest.mark.django_db
def test_an_unknown_kind_is_reported_alone_when_the_rest_depends_on_it():
    outcome = run(csv_file("Stichting Erts,stichting,,NL,,,,yes,"))

    assert outcome.errors == (
        error(
            2,
            "kind",
            "stichting",
            "“stichting” is not a kind of organisation. Use one of: company, union, "
            "ngo, branch, ser, government, secretariat (or the English or Dutch name).",
        ),
    )


@pytest.mark.django_db
def test_extra_cells_right_of_the_columns_are_reported():
    outcome = run(csv_file(GOOD_ROWS[0] + ",surplus"))

    assert outcome.errors == (
        error(
            2,
            "",
            "",
            "This row has more cells than the first row has columns. Remove what "
            "stands to the right of the last column.",
        ),
    )


# --- The model's rules ---------------------------------------------------------------------

MODEL_RULES = [
    (
        "Schroot B.V.,company,,NL,10,supporter,2025-10-16,no,",
        "participation",
        "supporter",
        "A company with a position in metal supply chains cannot be a supporter; it "
        "can take part as a party (art. 40b).",
    ),
    (
        "Schroot B.V.,company,,NL,,party,2025-10-16,no,",
        "fte",
        "",
        "Give the company's size in FTE; it sets the contribution.",
    ),
    (
        "Ministerie,government,,NL,,party,,no,",
        "participation",
        "party",
        "The SER, the government and the secretariat are not parties.",
    ),
    (
        "Stichting Erts,ngo,,NL,,party,2025-10-16,yes,",
        "is_recycler",
        "yes",
        "Only a company can be a recycler.",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "column", "value", "message"), MODEL_RULES)
def test_the_model_rules_apply_to_every_row(secretariat, row, column, value, message):
    before = snapshot()

    outcome = run(csv_file(row), dry_run=False, actor=secretariat)

    assert outcome.errors == (error(2, column, value, message),)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_signing_date_in_the_future_is_refused():
    later = (timezone.localdate() + dt.timedelta(days=30)).isoformat()

    outcome = run(csv_file(f"Schroot B.V.,company,,NL,10,party,{later},no,"))

    assert outcome.errors == (
        error(2, "signed_on", later, "The signing date cannot lie in the future."),
    )


@pytest.mark.django_db
def test_an_active_party_without_signing_date_is_refused():
    data = csv_file(
        "Schroot B.V.,company,,NL,10,party,,no,,active", header=",".join(COLUMNS)
    )

    outcome = run(data)

    assert outcome.errors == (
        error(2, "signed_on", "", "An active party or supporter has a signing date."),
    )


@pytest.mark.django_db
def test_a_kvk_number_taken_by_another_organisation_is_refused(secretariat):
    OrganisationFactory(name="Alpha Metaal B.V.", kvk_number="11111111")
    OrganisationFactory(name="Beta Metaal B.V.", kvk_number=None)
    before = snapshot()

    outcome = run(
        csv_file("Beta Metaal B.V.,company,11111111,NL,120,party,2025-10-16,no,vsme"),
        dry_run=False,
        actor=secretariat,
    )

    assert outcome.errors == (
        error(
            2, "kvk", "11111111", "Another organisation already has this KvK number."
        ),
    )
    assert snapshot() == before


@pytest.mark.django_db
def test_a_known_name_with_another_kvk_number_is_refused():
    OrganisationFactory(name="Beta Metaal B.V.", kvk_number="22222222")

    outcome = run(
        csv_file("beta metaal b.v.,company,33333333,NL,120,party,2025-10-16,no,vsme")
    )

    assert outcome.errors == (
        error(
            2,
            "kvk",
            "33333333",
            "“Beta Metaal B.V.” has KvK number 22222222, not 33333333. Correct the "
            "number in the file, or change it on the organisation's page first.",
        ),
    )


@pytest.mark.django_db
def test_a_name_shared_by_two_organisations_needs_the_kvk_number():
    OrganisationFactory(name="Metaal Groep", kvk_number="22222222")
    OrganisationFactory(name="METAAL GROEP", kvk_number="33333333")

    outcome = run(csv_file("Metaal Groep,company,,NL,120,party,2025-10-16,no,vsme"))

    assert outcome.errors == (
        error(
            2,
            "name",
            "Metaal Groep",
            "More than one organisation is called “Metaal Groep”. Give the KvK number "
            "to say which one is meant.",
        ),
    )


@pytest.mark.django_db
def test_a_status_change_follows_the_allowed_steps():
    OrganisationFactory(name="Gieterij Noord B.V.", kvk_number="12345678")

    outcome = run(
        csv_file(
            "Gieterij Noord B.V.,company,12345678,NL,120,party,2025-10-16,no,vsme,"
            "applicant",
            header=",".join(COLUMNS),
        )
    )

    assert outcome.errors == (
        error(
            2,
            "status",
            "applicant",
            "The status cannot go from “Active” to “Applicant”.",
        ),
    )


# --- Duplicates in one file ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_kvk_number_twice_in_one_file_is_reported_on_the_second_row(secretariat):
    before = snapshot()
    data = csv_file(
        GOOD_ROWS[0],
        GOOD_ROWS[1],
        "Gieterij Noord Twee B.V.,company,12345678,NL,30,party,2025-10-16,no,",
    )

    outcome = run(data, dry_run=False, actor=secretariat)

    assert outcome.errors == (
        error(
            4,
            "kvk",
            "12345678",
            "KvK number 12345678 is in row 2 already; each organisation appears once "
            "in a file.",
        ),
    )
    assert snapshot() == before


@pytest.mark.django_db
def test_a_name_twice_without_kvk_number_is_reported_on_the_second_row():
    data = csv_file(GOOD_ROWS[1], GOOD_ROWS[0], GOOD_ROWS[1].replace("FNV", "fnv"))

    outcome = run(data)

    assert outcome.errors == (
        error(
            4,
            "name",
            "fnv Metaal",
            "This name is in row 2 already; each organisation appears once in a file.",
        ),
    )


# --- The file as a whole -------------------------------------------------------------------

EXPECTED_COLUMNS = (
    "name, kind, kvk, country, fte, participation, signed_on, is_recycler, "
    "csrd_category, and optionally status"
)


@pytest.mark.django_db
def test_unknown_and_missing_columns_give_one_error_naming_the_columns(secretariat):
    header = "naam,kind,kvk,country,fte,participation,signed_on,is_recycler,website"
    before = snapshot()

    outcome = run(
        csv_file(GOOD_ROWS[0], header=header), dry_run=False, actor=secretariat
    )

    assert outcome.errors == (
        error(
            None,
            "",
            "",
            "The columns in the first row do not match the template. Missing: name, "
            "csrd_category. Unknown: “naam”, “website”. The first row names the "
            f"columns {EXPECTED_COLUMNS}.",
        ),
    )
    assert outcome.file_errors == outcome.errors
    assert snapshot() == before


@pytest.mark.django_db
def test_a_column_twice_is_reported():
    outcome = run(csv_file(header=HEADER + ",kind"))

    assert outcome.errors[0].message == (
        "The columns in the first row do not match the template. More than once: "
        f"kind. The first row names the columns {EXPECTED_COLUMNS}."
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "file_name"),
    [
        (b"\x00\x01\x02binary", "organisations.csv"),
        (b"name,kind\n", "organisations.xlsx"),
        (b"PK\x03\x04 not really a zip", "organisations.xlsx"),
        (csv_file(GOOD_ROWS[0]), "organisations.ods"),
    ],
)
def test_an_unreadable_file_gives_one_error_naming_the_columns(data, file_name):
    outcome = run(data, file_name=file_name)

    assert outcome.errors == (
        error(
            None,
            "",
            "",
            f"“{file_name}” could not be read as a CSV or XLSX file. Save it from your "
            "spreadsheet as CSV (UTF-8, comma or semicolon separated) or as an Excel "
            "workbook (.xlsx), with a first row naming the columns "
            f"{EXPECTED_COLUMNS}.",
        ),
    )


@pytest.mark.django_db
def test_an_empty_file_and_a_file_without_rows_are_refused():
    assert run(b"").errors[0].message == (
        "The file is empty. It needs a first row naming the columns "
        f"{EXPECTED_COLUMNS}, and one row per organisation below it."
    )
    assert run(csv_file()).errors[0].message == (
        "The file has a first row with the columns but no organisations below it."
    )


@pytest.mark.django_db
def test_a_file_over_5_mb_is_refused():
    outcome = run(csv_file(GOOD_ROWS[0]) + b" " * (5 * 1024 * 1024))

    assert outcome.errors == (
        error(
            None,
            "",
            "",
            "The file is 5.0 MB; the limit is 5 MB. Split it into smaller files.",
        ),
    )


@pytest.mark.django_db
def test_only_the_secretariat_may_import(company_admin):
    before = snapshot()

    with pytest.raises(PermissionDenied):
        run(csv_file(*GOOD_ROWS), dry_run=False, actor=company_admin)

    assert snapshot() == before


# --- Known organisations -------------------------------------------------------------------


@pytest.mark.django_db
def test_known_organisations_are_matched_by_kvk_number_else_by_name(secretariat):
    by_kvk = OrganisationFactory(name="Gieterij Noord", kvk_number="12345678")
    by_name = OrganisationFactory(name="FNV Metaal", union=True, kvk_number=None)
    same = OrganisationFactory(name="Walserij West B.V.", kvk_number="87654321")
    data = csv_file(
        "Gieterij Noord B.V.,company,12345678,NL,250,party,2025-10-16,no,csrd",
        "fnv metaal,union,,NL,,party,2025-10-16,no,",
        "Walserij West B.V.,company,87654321,NL,120,party,2025-10-16,no,vsme",
    )

    outcome = run(data, dry_run=False, actor=secretariat)

    assert outcome.errors == ()
    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 2, 1)
    assert outcome.updated == (
        PlannedRow(
            row=2,
            name="Gieterij Noord B.V.",
            changes=(
                PlannedChange("name", "Gieterij Noord", "Gieterij Noord B.V."),
                PlannedChange("fte", "120", "250"),
                PlannedChange("csrd_category", "vsme", "csrd"),
            ),
        ),
        PlannedRow(
            row=3,
            name="fnv metaal",
            changes=(PlannedChange("name", "FNV Metaal", "fnv metaal"),),
        ),
    )
    by_kvk.refresh_from_db()
    assert (by_kvk.name, by_kvk.fte, by_kvk.csrd_category) == (
        "Gieterij Noord B.V.",
        250,
        "csrd",
    )
    by_name.refresh_from_db()
    assert by_name.name == "fnv metaal"
    assert Organisation.objects.filter(pk=same.pk).values("updated_at").get() == {
        "updated_at": same.updated_at
    }


@pytest.mark.django_db
def test_a_kvk_number_is_added_to_an_organisation_known_by_name_only(secretariat):
    known = OrganisationFactory(name="Gieterij Noord B.V.", kvk_number=None)

    outcome = run(
        csv_file(
            "Gieterij Noord B.V.,company,12345678,NL,120,party,2025-10-16,no,vsme"
        ),
        dry_run=False,
        actor=secretariat,
    )

    assert outcome.updated == (
        PlannedRow(
            row=2,
            name="Gieterij Noord B.V.",
            changes=(PlannedChange("kvk", "", "12345678"),),
        ),
    )
    known.refresh_from_db()
    assert known.kvk_number == "12345678"


@pytest.mark.django_db
def test_without_status_column_a_known_organisation_keeps_its_status(secretariat):
    known = OrganisationFactory(
        name="Gieterij Noord B.V.", kvk_number="12345678", status="withdrawing"
    )

    outcome = run(
        csv_file(
            "Gieterij Noord B.V.,company,12345678,NL,120,party,2025-10-16,no,vsme"
        ),
        dry_run=False,
        actor=secretariat,
    )

    assert (outcome.changed, outcome.unchanged) == (0, 1)
    known.refresh_from_db()
    assert known.status == "withdrawing"


@pytest.mark.django_db
def test_an_empty_status_cell_keeps_a_known_organisations_status(secretariat):
    known = OrganisationFactory(
        name="Gieterij Noord B.V.", kvk_number="12345678", status="withdrawing"
    )

    outcome = run(
        csv_file(
            "Gieterij Noord B.V.,company,12345678,NL,120,party,2025-10-16,no,vsme,",
            "Walserij West B.V.,company,87654321,NL,80,party,,no,vsme,",
            header=",".join(COLUMNS),
        ),
        dry_run=False,
        actor=secretariat,
    )

    assert outcome.errors == ()
    assert (outcome.new, outcome.changed, outcome.unchanged) == (1, 0, 1)
    known.refresh_from_db()
    assert known.status == "withdrawing"
    assert imported("Walserij West B.V.")["status"] == "applicant"


# --- Dry run -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_dry_run_reports_what_it_would_do_and_saves_nothing(secretariat):
    OrganisationFactory(name="Gieterij Noord", kvk_number="12345678")
    before = snapshot()

    outcome = run(csv_file(*GOOD_ROWS), dry_run=True, actor=secretariat)

    assert outcome.errors == ()
    assert (outcome.new, outcome.changed, outcome.unchanged) == (3, 1, 0)
    assert outcome.saved is False
    assert [row.name for row in outcome.added] == [
        "FNV Metaal",
        "Stichting Schoon Metaal",
        "Recycling Zuid B.V.",
    ]
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="organisation.import").exists()


# --- 1,000 rows ----------------------------------------------------------------------------


def facility_companies(count: int) -> list[tuple[str, str]]:
    """Company names made from the supplier names of the reference data, one per
    supplier, with their country."""
    companies: list[tuple[str, str]] = []
    seen: set[str] = set()
    with FACILITIES.open(encoding="utf-8", newline="") as source:
        for record in csv.DictReader(source):
            name = f"{record['supplier_name'].strip()} B.V."
            if name.casefold() in seen or len(name) > 200:
                continue
            seen.add(name.casefold())
            companies.append((name, record["country"]))
            if len(companies) == count:
                return companies
    raise AssertionError(f"the reference data has fewer than {count} suppliers")


# Data row index (from 0) -> the bad cell, at known places through the file.
BAD_CELLS = {
    17: ("kvk", "1234567"),
    150: ("kind", "bedrijff"),
    333: ("signed_on", "31/12/2025"),
    499: ("is_recycler", "misschien"),
    640: ("fte", "veel"),
    812: ("country", "Atlantis"),
    999: ("participation", "supporter"),
}


@pytest.mark.django_db
def test_a_1000_row_file_reports_exactly_its_bad_rows_and_imports_nothing(
    secretariat,
):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(REQUIRED_COLUMNS)
    for index, (name, country) in enumerate(facility_companies(1000)):
        cells = {
            "name": name,
            "kind": "company",
            "kvk": f"{20000000 + index:08d}",
            "country": country,
            "fte": str(10 + index % 900),
            "participation": "party",
            "signed_on": "2025-10-16" if index % 2 else "16-10-2025",
            "is_recycler": "yes" if index % 10 == 0 else "no",
            "csrd_category": ("csrd", "listed_sme", "vsme", "")[index % 4],
        }
        if index in BAD_CELLS:
            column, value = BAD_CELLS[index]
            cells[column] = value
        writer.writerow(cells[column] for column in REQUIRED_COLUMNS)
    data = buffer.getvalue().encode()
    before = snapshot()

    expected = [
        (index + 2, column, value) for index, (column, value) in BAD_CELLS.items()
    ]

    started = time.perf_counter()
    checked = run(data, dry_run=True, actor=secretariat)
    seconds = time.perf_counter() - started
    print(f"\n1,000-row dry run: {seconds:.2f} s")
    imported_for_real = run(data, dry_run=False, actor=secretariat)

    for outcome in (checked, imported_for_real):
        assert [(e.row, e.column, e.value) for e in outcome.errors] == expected
        assert (outcome.rows, outcome.new, outcome.saved) == (1000, 993, False)
    assert snapshot() == before


# --- Export --------------------------------------------------------------------------------


def exported_rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_the_export_follows_the_list_filters(web):
    OrganisationFactory(name="Gieterij Noord B.V.")
    OrganisationFactory(name="Walserij West B.V.", status="applicant", signed_on=None)
    OrganisationFactory(name="Stichting Erts", ngo=True)

    def names(query: str) -> list[str]:
        response = web.get(reverse("governance:organisation_export") + query)
        assert response.status_code == 200
        return [row["name"] for row in exported_rows(response.content)]

    assert names("?format=csv&kind=ngo") == ["Stichting Erts"]
    assert names("?format=csv&kind=company&status=applicant") == ["Walserij West B.V."]
    assert names("?format=csv&q=gieterij") == ["Gieterij Noord B.V."]
    assert names("?format=csv") == [
        "Gieterij Noord B.V.",
        "Secretariaat",
        "Stichting Erts",
        "Walserij West B.V.",
    ]


@pytest.mark.django_db
def test_the_export_has_the_import_columns_and_is_audited(web, secretariat):
    OrganisationFactory(
        name="Gieterij Noord B.V.", kvk_number="01234567", is_recycler=True
    )

    response = web.get(reverse("governance:organisation_export") + "?format=csv&q=Gie")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="organisations-'
    )
    assert response.content.startswith("\ufeff".encode())
    assert exported_rows(response.content) == [
        {
            "name": "Gieterij Noord B.V.",
            "kind": "company",
            "kvk": "01234567",
            "country": "NL",
            "fte": "120",
            "participation": "party",
            "signed_on": "2025-10-16",
            "is_recycler": "yes",
            "csrd_category": "vsme",
            "status": "active",
        }
    ]
    entry = AuditEntry.objects.get(action="organisation.export")
    assert (entry.actor, entry.details) == (
        secretariat,
        {"format": "csv", "count": 1, "filters": {"q": "Gie"}},
    )


@pytest.mark.django_db
def test_an_unknown_export_format_is_refused(web):
    response = web.get(reverse("governance:organisation_export") + "?format=pdf")

    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action="organisation.export").exists()


FORMULAS = (
    '=HYPERLINK("http://x.test")',
    "+31 Metaal",
    "-Minus Metaal",
    "@Home B.V.",
    "'=Already quoted",
)


@pytest.mark.django_db
def test_cells_that_start_a_formula_are_escaped_in_csv_and_xlsx(web):
    for name in FORMULAS:
        OrganisationFactory(name=name, kvk_number=None)
    expected = sorted("'" + name for name in FORMULAS)

    csv_response = web.get(reverse("governance:organisation_export") + "?format=csv")
    xlsx_response = web.get(reverse("governance:organisation_export") + "?format=xlsx")

    csv_names = [row["name"] for row in exported_rows(csv_response.content)]
    assert sorted(n for n in csv_names if n.startswith("'")) == expected
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.content)).worksheets[0]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert sorted(c.value for c in cells if c.value.startswith("'")) == expected
    assert {c.data_type for c in cells} == {"s"}


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imports_again_unchanged(web, secretariat, file_format):
    OrganisationFactory(name="Gieterij Noord B.V.", kvk_number="01234567")
    OrganisationFactory(name="Recycling Zuid", is_recycler=True, csrd_category="csrd")
    OrganisationFactory(name="Walserij", status="applicant", signed_on=None, fte=0)
    OrganisationFactory(name="Stichting Erts", ngo=True, participation="supporter")
    OrganisationFactory(name="Vakbond Metaal", union=True, country="BE")
    OrganisationFactory(name="SER", ser=True)
    OrganisationFactory(name="Opgezegd B.V.", status="withdrawn")
    for name in FORMULAS:
        OrganisationFactory(name=name, kvk_number=None)
    before = snapshot()
    response = web.get(
        reverse("governance:organisation_export") + f"?format={file_format}"
    )

    outcome = run(
        response.content,
        file_name=f"export.{file_format}",
        dry_run=False,
        actor=secretariat,
    )

    assert outcome.errors == ()
    assert (outcome.new, outcome.changed, outcome.unchanged) == (0, 0, len(before))
    assert snapshot() == before


# --- Template ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_xlsx_template_has_the_columns_and_explains_each(web):
    response = web.get(reverse("governance:organisation_import_template"))

    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    data, explanation = book.worksheets
    assert (data.title, explanation.title) == ("Organisations", "Explanation")
    assert [c.value for c in data[1]] == list(COLUMNS)
    assert data.max_row == 1
    rows = list(explanation.iter_rows(values_only=True))
    assert rows[0] == ("Column", "Required", "Allowed values", "Meaning")
    assert [row[0] for row in rows[1:]] == list(COLUMNS)
    assert rows[2][1:3] == (
        "Required",
        "company (Company), union (Trade union), ngo (NGO), branch (Branch "
        "organisation), ser (SER), government (Government), secretariat "
        "(Secretariat). The English or Dutch name works too, such as bedrijf.",
    )


@pytest.mark.django_db
def test_the_csv_template_is_the_header_row(web):
    response = web.get(
        reverse("governance:organisation_import_template") + "?format=csv"
    )

    assert response.content == ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode()


# --- Views: check, then confirm ------------------------------------------------------------


def upload(client, data: bytes, name: str = "leden.csv"):
    return client.post(
        reverse("governance:organisation_import"),
        {"file": SimpleUploadedFile(name, data)},
    )


def stored_files(settings) -> list[Path]:
    location = settings.STORAGES["import_export"]["OPTIONS"]["location"]
    folder = Path(location) / "django-import-export"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.mark.django_db
def test_the_upload_page_offers_the_form_and_the_templates(web):
    response = web.get(reverse("governance:organisation_import"))

    assert response.status_code == 200
    template_url = reverse("governance:organisation_import_template")
    assert f'href="{template_url}?format=xlsx"' in response.content.decode()
    assert f'href="{template_url}?format=csv"' in response.content.decode()
    assert 'enctype="multipart/form-data"' in response.content.decode()


@pytest.mark.django_db
def test_the_check_shows_what_would_happen_and_keeps_the_file(web, settings):
    OrganisationFactory(name="Gieterij Noord", kvk_number="12345678")
    before = snapshot()

    response = upload(web, csv_file(*GOOD_ROWS))

    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert (outcome.new, outcome.changed, outcome.unchanged) == (3, 1, 0)
    assert response.context["can_confirm"] is True
    assert "Confirm import" in response.content.decode()
    assert snapshot() == before
    pending = web.session[SESSION_KEY]
    assert [path.name for path in stored_files(settings)] == [pending["storage_name"]]
    assert pending["file_name"] == "leden.csv"
    # The stored file's name is random, never the uploaded file's name.
    assert "leden" not in pending["storage_name"]


@pytest.mark.django_db
def test_a_check_with_errors_shows_them_and_offers_no_confirmation(web, settings):
    before = snapshot()
    data = csv_file(GOOD_ROWS[0], "Schroot B.V.,company,,NL,10,supporter,,no,")

    response = upload(web, data)

    assert response.status_code == 200
    assert response.context["outcome"].errors == (
        error(
            3,
            "participation",
            "supporter",
            "A company with a position in metal supply chains cannot be a supporter; "
            "it can take part as a party (art. 40b).",
        ),
    )
    assert response.context["can_confirm"] is False
    page = response.content.decode()
    assert "Confirm import" not in page
    assert "Fix the problems below in your file and upload it again." in page
    assert SESSION_KEY not in web.session
    assert stored_files(settings) == []
    assert snapshot() == before


@pytest.mark.django_db
def test_confirming_imports_the_checked_file_and_deletes_it(web, settings, secretariat):
    upload(web, csv_file(*GOOD_ROWS))
    token = web.session[SESSION_KEY]["token"]

    response = web.post(
        reverse("governance:organisation_import_confirm"), {"token": token}, follow=True
    )

    assert response.redirect_chain == [(reverse("governance:organisation_list"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "The organisations were imported: 4 new, 0 changed, 0 unchanged."
    ]
    assert (
        Organisation.objects.filter(
            name__in=[row.split(",")[0] for row in GOOD_ROWS]
        ).count()
        == 4
    )
    assert AuditEntry.objects.get(action="organisation.import").actor == secretariat
    assert stored_files(settings) == []
    assert SESSION_KEY not in web.session


@pytest.mark.django_db
def test_a_confirmation_that_now_meets_errors_saves_nothing(web, settings):
    upload(web, csv_file(*GOOD_ROWS))
    token = web.session[SESSION_KEY]["token"]
    # Meanwhile somebody adds the first company with another KvK number.
    OrganisationFactory(name="Gieterij Noord B.V.", kvk_number="99999999")
    before = snapshot()

    response = web.post(
        reverse("governance:organisation_import_confirm"), {"token": token}
    )

    assert response.status_code == 200
    assert response.context["outcome"].errors == (
        error(
            2,
            "kvk",
            "12345678",
            "“Gieterij Noord B.V.” has KvK number 99999999, not 12345678. Correct the "
            "number in the file, or change it on the organisation's page first.",
        ),
    )
    assert "Confirm import" not in response.content.decode()
    assert snapshot() == before
    assert stored_files(settings) == []
    assert SESSION_KEY not in web.session


@pytest.mark.django_db
def test_a_confirmation_after_the_organisations_changed_saves_nothing(web, settings):
    upload(web, csv_file(*GOOD_ROWS))
    token = web.session[SESSION_KEY]["token"]
    # Meanwhile somebody adds one of the organisations exactly as the file has it, so
    # the import would no longer do what the person saw.
    OrganisationFactory(
        name="Gieterij Noord B.V.",
        kvk_number="12345678",
        fte=250,
        csrd_category="csrd",
    )
    before = snapshot()

    response = web.post(
        reverse("governance:organisation_import_confirm"), {"token": token}
    )

    assert response.status_code == 200
    assert response.context["outcome"].errors == (
        error(
            None,
            "",
            "",
            "The organisations changed since the file was checked, so the import "
            "would now do something else. Nothing was imported; upload the file again "
            "to see what it would do now.",
        ),
    )
    assert [str(m) for m in response.context["messages"]] == ["Nothing was imported."]
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="organisation.import").exists()


@pytest.mark.django_db
def test_a_confirmation_for_a_file_that_is_gone_fails_cleanly(web, settings):
    upload(web, csv_file(*GOOD_ROWS))
    token = web.session[SESSION_KEY]["token"]
    for path in stored_files(settings):
        path.unlink()
    before = snapshot()

    response = web.post(
        reverse("governance:organisation_import_confirm"), {"token": token}, follow=True
    )

    assert response.redirect_chain == [(reverse("governance:organisation_import"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "The checked file is no longer available; nothing was imported. Upload the "
        "file again."
    ]
    assert snapshot() == before
    assert SESSION_KEY not in web.session


@pytest.mark.django_db
def test_a_confirmation_for_a_changed_file_fails_cleanly(web, settings):
    upload(web, csv_file(*GOOD_ROWS))
    token = web.session[SESSION_KEY]["token"]
    (stored,) = stored_files(settings)
    stored.write_bytes(csv_file(GOOD_ROWS[0]))
    before = snapshot()

    response = web.post(
        reverse("governance:organisation_import_confirm"), {"token": token}, follow=True
    )

    assert response.redirect_chain == [(reverse("governance:organisation_import"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "The checked file changed after the check; nothing was imported. Upload the "
        "file again."
    ]
    assert snapshot() == before
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_a_confirmation_without_a_waiting_import_fails_cleanly(web):
    before = snapshot()

    response = web.post(
        reverse("governance:organisation_import_confirm"),
        {"token": "guess"},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("governance:organisation_import"), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "This import is no longer waiting for confirmation; nothing was imported. "
        "Upload the file again."
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_a_second_upload_replaces_the_waiting_one(web, settings):
    upload(web, csv_file(*GOOD_ROWS))
    first = web.session[SESSION_KEY]

    upload(web, csv_file(GOOD_ROWS[0]))

    second = web.session[SESSION_KEY]
    assert second["token"] != first["token"]
    assert [path.name for path in stored_files(settings)] == [second["storage_name"]]
    response = web.post(
        reverse("governance:organisation_import_confirm"), {"token": first["token"]}
    )
    assert response.status_code == 302
    assert not Organisation.objects.filter(name="FNV Metaal").exists()


@pytest.mark.django_db
def test_an_upload_over_5_mb_is_refused_with_a_message(web, settings):
    before = snapshot()

    response = upload(web, csv_file(GOOD_ROWS[0]) + b" " * (5 * 1024 * 1024))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["The file is 5.0 MB; the limit is 5 MB. Split it into smaller files."]
    }
    assert stored_files(settings) == []
    assert snapshot() == before


@pytest.mark.django_db
def test_an_unreadable_upload_is_refused_on_the_form(web, settings):
    response = upload(web, csv_file(GOOD_ROWS[0], header="naam,soort"))

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The columns in the first row do not match the template. Missing: name, kind, "
        "kvk, country, fte, participation, signed_on, is_recycler, csrd_category. "
        "Unknown: “naam”, “soort”. The first row names the columns "
        f"{EXPECTED_COLUMNS}."
    ]
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_a_file_that_changes_nothing_offers_no_confirmation(web, settings):
    OrganisationFactory(name="Walserij West B.V.", kvk_number="87654321")

    response = upload(
        web,
        csv_file("Walserij West B.V.,company,87654321,NL,120,party,2025-10-16,no,vsme"),
    )

    assert response.context["outcome"].unchanged == 1
    assert response.context["can_confirm"] is False
    assert SESSION_KEY not in web.session
    assert stored_files(settings) == []


# --- Who may ------------------------------------------------------------------------------

IMPORT_EXPORT_REQUESTS = [
    ("get", "governance:organisation_import", ""),
    ("post", "governance:organisation_import", ""),
    ("post", "governance:organisation_import_confirm", ""),
    ("get", "governance:organisation_import_template", "?format=xlsx"),
    ("get", "governance:organisation_import_template", "?format=csv"),
    ("get", "governance:organisation_export", "?format=csv"),
    ("get", "governance:organisation_export", "?format=xlsx"),
]
NOT_SECRETARIAT = [role for role in ROLES if role not in {"anonymous", "secretariat"}]


@pytest.mark.django_db
@pytest.mark.parametrize("role", NOT_SECRETARIAT)
@pytest.mark.parametrize(("method", "name", "query"), IMPORT_EXPORT_REQUESTS)
def test_only_the_secretariat_reaches_import_and_export(
    client, settings, role, method, name, query
):
    client.force_login(make_person(role))
    before = snapshot()
    data = {"file": SimpleUploadedFile("leden.csv", csv_file(*GOOD_ROWS))}

    response = getattr(client, method)(
        reverse(name) + query, data if method == "post" else None
    )

    assert response.status_code == 403
    assert snapshot() == before
    assert stored_files(settings) == []
    assert not AuditEntry.objects.filter(action__startswith="organisation.").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "name", "query"), IMPORT_EXPORT_REQUESTS)
def test_anonymous_people_are_sent_to_sign_in(client, method, name, query):
    response = getattr(client, method)(reverse(name) + query)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
