"""`python manage.py import_locations FILE --company KVK --year YEAR [--dry-run]`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from convenant.models import AuditEntry
from ketenkaart.models import Location

from .factories import GOOD_ROWS, YEAR, LocationFactory, LocationListFactory, csv_bytes


def command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_locations", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def file(tmp_path):
    def write(*rows: str, name: str = "lijst.csv"):
        path = tmp_path / name
        path.write_bytes(csv_bytes(*rows))
        return str(path)

    return write


@pytest.mark.django_db
def test_a_dry_run_prints_what_it_would_do_and_saves_nothing(company, file):
    LocationFactory(
        location_list=LocationListFactory(company=company), supplier_name="Oude Mijn"
    )

    out, err = command(
        file(*GOOD_ROWS), "--company", "30127744", "--year", str(YEAR), "--dry-run"
    )

    assert out == (
        "Hollandse Draadtrekkerij B.V., 2026: 3 rows read; 3 to add, 0 to change, 0 "
        "to keep, 1 to remove\n"
        "1 location of the list is not in the file and would be removed:\n"
        "  Oude Mijn (Calama, CL, mining, tier 3)\n"
        "Dry run: nothing was saved.\n"
    )
    assert err == ""
    assert list(Location.objects.values_list("supplier_name", flat=True)) == [
        "Oude Mijn"
    ]


@pytest.mark.django_db
def test_an_import_saves_and_is_recorded_as_system(company, file):
    out, err = command(file(*GOOD_ROWS), "--company", "30127744", "--year", str(YEAR))

    assert out.endswith("The list was imported.\n")
    assert err == ""
    assert Location.objects.filter(location_list__company=company).count() == 3
    entry = AuditEntry.objects.get(action="location_list.import")
    assert (entry.actor, entry.actor_label) == (None, "system")


@pytest.mark.django_db
def test_merged_rows_are_reported(company, file):
    out, _err = command(
        file(GOOD_ROWS[0], GOOD_ROWS[0].replace("copper;cobalt", "manganese")),
        "--company",
        "30127744",
        "--year",
        str(YEAR),
        "--dry-run",
    )

    assert "1 location was given in more than one row and merged:\n" in out
    assert "  rows 2, 3: Kamoto Copper Company\n" in out


@pytest.mark.django_db
def test_bad_rows_are_printed_with_the_same_messages_and_fail(company, file):
    bad = GOOD_ROWS[1].replace(",BE,", ",Neverland,").replace("BE-VAN", "")

    with pytest.raises(CommandError, match=r"^1 problem; nothing was imported\.$"):
        command(file(GOOD_ROWS[0], bad), "--company", "30127744", "--year", str(YEAR))
    assert not Location.objects.exists()


@pytest.mark.django_db
def test_the_problems_go_to_stderr(company, file):
    bad = GOOD_ROWS[1].replace(",BE,", ",Neverland,").replace("BE-VAN", "")
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_locations",
            file(GOOD_ROWS[0], bad),
            "--company",
            "30127744",
            "--year",
            str(YEAR),
            stdout=io.StringIO(),
            stderr=err,
        )

    assert err.getvalue() == (
        "row 3, country: “Neverland” is not a country (use an ISO code such as CD, or "
        "the English or Dutch name)\n"
    )


@pytest.mark.django_db
def test_a_file_that_is_no_list_fails(company, tmp_path):
    path = tmp_path / "leeg.csv"
    path.write_bytes(b"")
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 problem"):
        call_command(
            "import_locations",
            str(path),
            "--company",
            "30127744",
            "--year",
            str(YEAR),
            stdout=io.StringIO(),
            stderr=err,
        )
    assert err.getvalue().startswith("The file is empty.")


@pytest.mark.django_db
def test_an_unknown_company_a_missing_file_or_a_bad_year_fail(company, file, tmp_path):
    with pytest.raises(CommandError, match="No company has KvK number 99999999"):
        command(file(*GOOD_ROWS), "--company", "99999999", "--year", str(YEAR))
    with pytest.raises(CommandError, match="Cannot read"):
        command(str(tmp_path / "gone.csv"), "--company", "30127744", "--year", "2026")
    with pytest.raises(CommandError, match="1999 is not a reporting year"):
        command(file(*GOOD_ROWS), "--company", "30127744", "--year", "1999")
