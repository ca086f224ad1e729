"""The company's pages and the secretariat's: what each sees, the import from upload to
confirmation, the template and the exports."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from convenant.models import AuditEntry
from ketenkaart.models import (
    ImportMode,
    ImportStatus,
    ListStatus,
    Location,
    LocationImport,
)
from ketenkaart.resources import COLUMNS
from tests.conftest import make_person
from tests.governance.factories import OrganisationFactory

from .factories import (
    GOOD_ROWS,
    YEAR,
    LocationFactory,
    LocationListFactory,
    csv_bytes,
)


def upload(data: bytes, name: str = "locations.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def lists(company):
    """The company's list with one location, and another company's list."""
    own = LocationFactory(
        location_list=LocationListFactory(company=company), supplier_name="Eigen Mijn"
    )
    other = LocationFactory(
        location_list=LocationListFactory(
            company=OrganisationFactory(name="Andere Metaal B.V.")
        ),
        supplier_name="Geheime Smelter",
    )
    return own, other


# --- The company ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("lists")
def test_the_company_sees_its_own_list_only(company_client):
    response = company_client.get(reverse("ketenkaart:list_detail", args=[YEAR]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Eigen Mijn" in content
    assert "Geheime Smelter" not in content
    assert response.context["figures"].total == 1


@pytest.mark.django_db
def test_another_companys_location_is_not_there(company_client, lists):
    _own, other = lists
    for name in ("ketenkaart:location_update", "ketenkaart:location_delete"):
        assert company_client.get(reverse(name, args=[other.pk])).status_code == 404
    response = company_client.post(
        reverse("ketenkaart:location_delete", args=[other.pk])
    )
    assert response.status_code == 404
    assert Location.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_the_index_lists_the_years(company_client, lists):
    response = company_client.get(reverse("ketenkaart:list_index"))

    assert response.status_code == 200
    years = [row.year for row in response.context["years"]]
    assert YEAR in years
    assert YEAR - 1 in years


@pytest.mark.django_db
def test_adding_a_location_and_a_bad_one_keeps_what_was_typed(company_client, company):
    url = reverse("ketenkaart:location_create", args=[YEAR])
    data = {
        "supplier_name": "Mina Ministro Hales",
        "address": "Camino a Chuquicamata",
        "city": "Calama",
        "country": "CL",
        "region_code": "CD-LU",
        "activity": "mining",
        "materials": ["copper"],
        "tier": "3",
        "external_id": "MMH",
    }

    response = company_client.post(url, data)

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["region_code"]
    assert form["supplier_name"].value() == "Mina Ministro Hales"
    assert 'value="Camino a Chuquicamata"' in response.content.decode()
    assert not Location.objects.exists()

    response = company_client.post(url, {**data, "region_code": "CL-AN"})

    assert response.status_code == 302
    location = Location.objects.get()
    assert (location.region_code, location.relation) == ("CL-AN", "supplier")
    assert location.location_list.company == company


@pytest.mark.django_db
def test_editing_and_removing_a_location(company_client, lists):
    own, _other = lists
    response = company_client.post(
        reverse("ketenkaart:location_update", args=[own.pk]),
        {
            "supplier_name": own.supplier_name,
            "address": own.address,
            "city": "Antofagasta",
            "country": "CL",
            "region_code": "CL-AN",
            "activity": "smelting_refining",
            "materials": ["copper", "gold"],
            "tier": "2",
            "external_id": "",
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert (own.city, own.activity, own.materials, own.tier) == (
        "Antofagasta",
        "smelting_refining",
        ["copper", "gold"],
        2,
    )

    response = company_client.post(reverse("ketenkaart:location_delete", args=[own.pk]))
    assert response.status_code == 302
    assert not Location.objects.filter(pk=own.pk).exists()


@pytest.mark.django_db
def test_submitting_the_list(company_client, lists):
    own, _other = lists

    response = company_client.post(reverse("ketenkaart:list_submit", args=[YEAR]))

    assert response.status_code == 302
    own.location_list.refresh_from_db()
    assert own.location_list.status == ListStatus.SUBMITTED


@pytest.mark.django_db
def test_the_export_holds_the_own_list_in_the_import_columns(company_client, lists):
    response = company_client.get(
        reverse("ketenkaart:list_export", args=[YEAR]) + "?format=csv"
    )

    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1].startswith("Eigen Mijn,")
    assert len(lines) == 2
    assert AuditEntry.objects.get(action="location_list.export").details == {
        "year": YEAR,
        "format": "csv",
        "count": 1,
    }

    response = company_client.get(
        reverse("ketenkaart:list_export", args=[YEAR]) + "?format=xlsx"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert rows[1][0] == "Eigen Mijn"
    assert rows[1][COLUMNS.index("tier")] == 3


@pytest.mark.django_db
def test_the_template_has_an_example_and_an_explanation_of_every_column(company_client):
    response = company_client.get(
        reverse("ketenkaart:import_template") + "?format=xlsx"
    )

    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Locations", "Explanation"]
    locations = list(book["Locations"].iter_rows(values_only=True))
    assert locations[0] == COLUMNS
    assert locations[1][:5] == ("Kamoto", "Route de Kamoto", "Kolwezi", "CD-LU", "CD")
    explanation = list(book["Explanation"].iter_rows(values_only=True))
    assert explanation[0] == ("Column", "Required", "Allowed values", "Meaning")
    assert [row[0] for row in explanation[1:]] == list(COLUMNS)
    activity = next(row for row in explanation if row[0] == "activity")
    assert "smelting_refining (Smelting and refining)" in activity[2]


@pytest.mark.django_db
def test_the_template_explains_in_dutch_when_the_page_is_dutch(company_client):
    from django.utils import translation

    with translation.override("nl"):
        response = company_client.get(
            reverse("ketenkaart:import_template") + "?format=xlsx",
            HTTP_ACCEPT_LANGUAGE="nl",
        )
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    explanation = list(book.worksheets[1].iter_rows(values_only=True))
    activity = next(row for row in explanation if row[0] == "activity")
    assert "mining (Mijnbouw)" in activity[2]


# --- The import, from upload to confirmation -------------------------------------------


@pytest.mark.django_db
def test_upload_check_and_confirm(company_client, company):
    response = company_client.post(
        reverse("ketenkaart:import_upload", args=[YEAR]),
        {"file": upload(csv_bytes(*GOOD_ROWS))},
    )

    run = LocationImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ketenkaart:import_detail", args=[run.pk])
    assert (run.mode, run.status, run.in_task) == (
        ImportMode.CHECK,
        ImportStatus.DONE,
        False,
    )
    assert not Location.objects.exists()

    page = company_client.get(response["Location"])
    content = page.content.decode()
    assert "3 locations to add" in content
    assert "Confirm the import" in content

    response = company_client.post(reverse("ketenkaart:import_confirm", args=[run.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("ketenkaart:list_detail", args=[YEAR])
    assert Location.objects.filter(location_list__company=company).count() == 3
    run.refresh_from_db()
    assert run.applied_at is not None
    assert run.stored_file == ""
    # Confirming twice does nothing more.
    company_client.post(reverse("ketenkaart:import_confirm", args=[run.pk]))
    assert Location.objects.count() == 3


@pytest.mark.django_db
def test_a_file_with_a_bad_row_shows_the_problem_and_cannot_be_confirmed(
    company_client,
):
    bad = GOOD_ROWS[1].replace(",BE,", ",Neverland,").replace("BE-VAN", "")
    company_client.post(
        reverse("ketenkaart:import_upload", args=[YEAR]),
        {"file": upload(csv_bytes(GOOD_ROWS[0], bad))},
    )
    run = LocationImport.objects.get()

    page = company_client.get(reverse("ketenkaart:import_detail", args=[run.pk]))

    content = page.content.decode()
    assert "Nothing can be imported yet." in content
    assert "“Neverland” is not a country" in content
    assert "Confirm the import" not in content
    response = company_client.post(reverse("ketenkaart:import_confirm", args=[run.pk]))
    assert response.status_code == 302
    assert not Location.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"%PDF-1.4 junk", "is a PDF file, not a CSV or XLSX file"),
        (b"name,city\nx,y\n", "Missing: supplier_name, address, country"),
    ],
)
@pytest.mark.django_db
def test_a_file_that_is_no_list_is_refused_on_the_upload_page(
    company_client, data, message
):
    response = company_client.post(
        reverse("ketenkaart:import_upload", args=[YEAR]), {"file": upload(data)}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LocationImport.objects.exists()


@pytest.mark.django_db
def test_another_companys_import_is_not_there(client, company_client, company):
    company_client.post(
        reverse("ketenkaart:import_upload", args=[YEAR]),
        {"file": upload(csv_bytes(*GOOD_ROWS))},
    )
    run = LocationImport.objects.get()
    client.force_login(make_person("company_admin"))

    for name in ("ketenkaart:import_detail", "ketenkaart:import_progress"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404
    assert (
        client.post(reverse("ketenkaart:import_confirm", args=[run.pk])).status_code
        == 404
    )
    assert not Location.objects.exists()


# --- A large file, in the Celery task (eager in the tests) ------------------------------


@pytest.mark.django_db
def test_a_large_file_runs_in_the_task_with_a_progress_page(
    company_client, company, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("ketenkaart.services.LARGE_FILE_ROWS", 2)
    monkeypatch.setattr("ketenkaart.services.PROGRESS_EVERY", 1)
    calls = []
    import ketenkaart.tasks

    original = ketenkaart.tasks.import_locations.delay
    monkeypatch.setattr(
        ketenkaart.tasks.import_locations,
        "delay",
        lambda run_id: calls.append(run_id) or original(run_id),
    )

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = company_client.post(
            reverse("ketenkaart:import_upload", args=[YEAR]),
            {"file": upload(csv_bytes(*GOOD_ROWS))},
        )
    run = LocationImport.objects.get()
    assert run.in_task is True
    assert (run.status, run.rows_total) == (ImportStatus.QUEUED, 3)

    # While queued the page polls the progress bar.
    page = company_client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1.5s"' in page
    partial = company_client.get(
        reverse("ketenkaart:import_progress", args=[run.pk]), HTTP_HX_REQUEST="true"
    )
    assert "Waiting for its turn" in partial.content.decode()
    assert "HX-Refresh" not in partial

    for callback in callbacks:
        callback()
    assert calls == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.rows_done, run.rows_total) == (ImportStatus.DONE, 3, 3)
    assert run.result["add_count"] == 3

    partial = company_client.get(
        reverse("ketenkaart:import_progress", args=[run.pk]), HTTP_HX_REQUEST="true"
    )
    assert partial["HX-Refresh"] == "true"

    with django_capture_on_commit_callbacks(execute=True):
        company_client.post(reverse("ketenkaart:import_confirm", args=[run.pk]))
    run.refresh_from_db()
    assert calls == [run.pk, run.pk]
    assert run.applied_at is not None
    assert Location.objects.count() == 3


@pytest.mark.django_db
def test_the_task_runs_a_queued_import_once(company, company_person):
    from django.core.files.base import ContentFile

    from ketenkaart import services, tasks

    run = services.location_import_start(
        company=company,
        year=YEAR,
        file=ContentFile(csv_bytes(*GOOD_ROWS), name="list.csv"),
        actor=company_person,
    )
    LocationImport.objects.filter(pk=run.pk).update(
        mode=ImportMode.APPLY, status=ImportStatus.QUEUED
    )

    assert tasks.import_locations(run.pk) == "applied"
    assert tasks.import_locations(run.pk) == "skipped"
    assert Location.objects.count() == 3


@pytest.mark.django_db
def test_a_failing_task_marks_the_run_failed_and_changes_nothing(
    company, company_person, monkeypatch
):
    from django.core.files.base import ContentFile

    from ketenkaart import services

    def broken(**kwargs):
        raise RuntimeError("worker lost its database")

    monkeypatch.setattr(services, "location_list_import", broken)
    run = services.location_import_start(
        company=company,
        year=YEAR,
        file=ContentFile(csv_bytes(*GOOD_ROWS), name="list.csv"),
        actor=company_person,
    )

    assert run.status == ImportStatus.FAILED
    assert run.error_message.startswith("The import could not be finished")
    assert not Location.objects.exists()


@pytest.mark.django_db
def test_old_upload_files_are_cleaned(company, company_person):
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from django.utils import timezone

    from ketenkaart import services

    run = services.location_import_start(
        company=company,
        year=YEAR,
        file=ContentFile(csv_bytes(*GOOD_ROWS), name="list.csv"),
        actor=company_person,
    )
    assert storages["import_export"].exists(run.stored_file)
    assert services.location_import_files_clean() == 0

    LocationImport.objects.filter(pk=run.pk).update(
        updated_at=timezone.now() - dt.timedelta(days=2)
    )
    assert services.location_import_files_clean() == 1
    assert not storages["import_export"].exists(run.stored_file)
    run.refresh_from_db()
    assert run.stored_file == ""
    assert not run.awaits_confirmation


# --- The secretariat ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_secretariat_sees_every_list_and_each_view_is_audited(
    secretariat_client, secretariat_user, company, lists
):
    own, _other = lists

    overview = secretariat_client.get(reverse("ketenkaart:overview") + f"?year={YEAR}")
    assert overview.status_code == 200
    row = next(r for r in overview.context["rows"] if r.company == company)
    assert (row.locations, row.deeper_tiers, row.countries) == (1, 1, 1)
    assert not AuditEntry.objects.filter(action="location_list.view").exists()

    page = secretariat_client.get(
        reverse("ketenkaart:company_list", args=[company.pk, YEAR]) + "?tier=3"
    )

    assert page.status_code == 200
    assert "Eigen Mijn" in page.content.decode()
    assert "Geheime Smelter" not in page.content.decode()
    entry = AuditEntry.objects.get(action="location_list.view")
    assert (entry.actor, entry.organisation) == (secretariat_user, company)
    assert entry.object_id == str(own.location_list.pk)
    assert entry.details == {"year": YEAR, "page": 1, "filters": {"tier": "3"}}

    export = secretariat_client.get(
        reverse("ketenkaart:company_export", args=[company.pk, YEAR]) + "?format=csv"
    )
    assert export.status_code == 200
    assert AuditEntry.objects.filter(
        action="location_list.export", organisation=company, actor=secretariat_user
    ).exists()


@pytest.mark.parametrize(
    "role", ["ngo", "union", "branch", "kerngroep", "chair", "government"]
)
@pytest.mark.django_db
def test_no_other_role_sees_name_and_address_data(client, company, lists, role):
    client.force_login(make_person(role))

    for url in (
        reverse("ketenkaart:overview"),
        reverse("ketenkaart:company_list", args=[company.pk, YEAR]),
        reverse("ketenkaart:company_export", args=[company.pk, YEAR]),
        reverse("ketenkaart:list_detail", args=[YEAR]),
        reverse("ketenkaart:list_export", args=[YEAR]),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Eigen Mijn" not in response.content
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_the_list_page_speaks_dutch(company_client, lists):
    company_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "nl"

    response = company_client.get(reverse("ketenkaart:list_detail", args=[YEAR]))

    assert response.status_code == 200
    assert "Mijnbouw" in response.content.decode()
