"""`python manage.py import_organisations FILE [--dry-run]`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from convenant.models import AuditEntry
from governance.models import Organisation
from tests.governance.test_import import GOOD_ROWS, csv_file, snapshot


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_organisations", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_a_dry_run_prints_the_summary_and_saves_nothing(tmp_path):
    path = tmp_path / "leden.csv"
    path.write_bytes(csv_file(*GOOD_ROWS))
    before = snapshot()

    out, err = command(str(path), "--dry-run")

    assert out == "4 new, 0 changed, 0 unchanged\nDry run: nothing was saved.\n"
    assert err == ""
    assert snapshot() == before
    assert not AuditEntry.objects.filter(action="organisation.import").exists()


@pytest.mark.django_db
def test_an_import_saves_every_row_and_is_recorded_as_system(tmp_path):
    path = tmp_path / "leden.csv"
    path.write_bytes(csv_file(*GOOD_ROWS))

    out, err = command(str(path))

    assert out == "4 new, 0 changed, 0 unchanged\nThe organisations were imported.\n"
    assert err == ""
    assert sorted(Organisation.objects.values_list("name", flat=True)) == [
        "FNV Metaal",
        "Gieterij Noord B.V.",
        "Recycling Zuid B.V.",
        "Stichting Schoon Metaal",
    ]
    entry = AuditEntry.objects.get(action="organisation.import")
    assert (entry.actor, entry.actor_label) == (None, "system")
    assert entry.details["file_name"] == "leden.csv"


@pytest.mark.django_db
def test_verbose_output_lists_the_rows_it_adds_and_changes(tmp_path):
    Organisation.objects.create(
        name="Gieterij Noord",
        kind="company",
        kvk_number="12345678",
        fte=250,
        csrd_category="csrd",
        status="active",
        signed_on="2025-10-16",
    )
    path = tmp_path / "leden.csv"
    path.write_bytes(csv_file(*GOOD_ROWS[:2]))

    out, _ = command(str(path), "--dry-run", "--verbosity=2")

    assert out.splitlines() == [
        "1 new, 1 changed, 0 unchanged",
        "row 3: adds FNV Metaal",
        "row 2: changes Gieterij Noord B.V. (name: Gieterij Noord → Gieterij Noord "
        "B.V.)",
        "Dry run: nothing was saved.",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [True, False])
def test_errors_are_printed_by_row_and_column_and_nothing_is_saved(tmp_path, dry_run):
    path = tmp_path / "leden.csv"
    path.write_bytes(
        csv_file(
            GOOD_ROWS[0],
            "Schroot B.V.,bedrijff,,NL,10,party,,no,",
            "Erts B.V.,company,,NL,veel,party,31/12/2025,no,",
        )
    )
    before = snapshot()
    args = [str(path), "--dry-run"] if dry_run else [str(path)]
    err = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_organisations", *args, stdout=io.StringIO(), stderr=err)

    assert str(raised.value) == "3 problems; nothing was imported."
    assert err.getvalue().splitlines() == [
        "row 3, column kind: “bedrijff” is not a kind of organisation. Use one of: "
        "company, union, ngo, branch, ser, government, secretariat (or the English or "
        "Dutch name).",
        "row 4, column fte: “veel” is not a whole number of 0 or more. Give the size in "
        "FTE as a whole number, for example 120.",
        "row 4, column signed_on: “31/12/2025” is not a date. Write it as YYYY-MM-DD or "
        "DD-MM-YYYY, for example 2025-10-16 or 16-10-2025.",
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_wrong_columns_give_one_message(tmp_path):
    path = tmp_path / "leden.csv"
    path.write_bytes(csv_file(GOOD_ROWS[0], header="naam,soort"))
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"^1 problem; nothing was imported\.$"):
        call_command("import_organisations", str(path), stderr=err)

    assert err.getvalue().startswith(
        "The columns in the first row do not match the template. Missing: name, kind,"
    )
    assert Organisation.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_file_is_reported(tmp_path):
    with pytest.raises(CommandError, match=r"^Cannot read .*nope\.csv: "):
        command(str(tmp_path / "nope.csv"))
