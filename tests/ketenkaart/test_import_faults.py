"""A location import whose worker (or web process) dies: nothing half-saved, nothing
lost, and the import runs again, when its task is delivered again or when the person
asks. A crash is simulated by an exception that is no Exception (as when the process is
stopped), raised half-way through."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import reverse
from django.utils import timezone

from convenant.models import AuditEntry
from ketenkaart import services
from ketenkaart.models import (
    IMPORT_STUCK_AFTER,
    ImportMode,
    ImportStatus,
    Location,
    LocationImport,
)
from ketenkaart.services import LocationImportResult

from .factories import GOOD_ROWS, YEAR, LocationFactory, LocationListFactory, csv_bytes

pytestmark = pytest.mark.django_db

NEW_NAMES = ["Kamoto Copper Company", "Rotterdam Metals B.V.", "Umicore Olen"]


class WorkerDied(BaseException):
    """The process ends here: no `except Exception` catches it."""


@pytest.fixture
def checked(company, company_person) -> LocationImport:
    """A file of three locations, checked and waiting for confirmation, for a list that
    has one location the file no longer has."""
    LocationFactory(
        location_list=LocationListFactory(company=company), supplier_name="Oude Mijn"
    )
    run = services.location_import_start(
        company=company,
        year=YEAR,
        file=ContentFile(csv_bytes(*GOOD_ROWS), name="list.csv"),
        actor=company_person,
    )
    assert run.awaits_confirmation
    return run


def names(company) -> list[str]:
    return sorted(
        Location.objects.filter(location_list__company=company).values_list(
            "supplier_name", flat=True
        )
    )


def stop(run: LocationImport, *, ago: dt.timedelta, **fields) -> None:
    """Leave the run as a worker that died `ago` left it."""
    LocationImport.objects.filter(pk=run.pk).update(
        updated_at=timezone.now() - ago, **fields
    )


def crash_in(monkeypatch, target, name: str) -> None:
    def crash(*args, **kwargs):
        raise WorkerDied

    monkeypatch.setattr(target, name, crash)


# --- Applying: all or nothing ----------------------------------------------------------


def test_a_worker_dying_while_applying_leaves_the_list_as_it_was(
    monkeypatch, checked, company, company_person
):
    crash_in(monkeypatch, services, "_apply")

    with pytest.raises(WorkerDied):
        services.location_import_confirm(run=checked, actor=company_person)

    assert names(company) == ["Oude Mijn"]
    checked.refresh_from_db()
    assert (checked.mode, checked.status, checked.applied_at) == (
        ImportMode.APPLY,
        ImportStatus.RUNNING,
        None,
    )
    assert storages["import_export"].exists(checked.stored_file)  # kept for a retry


def test_dying_after_saving_the_list_but_before_recording_it_undoes_both(
    monkeypatch, checked, company, company_person
):
    crash_in(monkeypatch, LocationImportResult, "as_dict")

    with pytest.raises(WorkerDied):
        services.location_import_confirm(run=checked, actor=company_person)

    assert names(company) == ["Oude Mijn"]
    assert not AuditEntry.objects.filter(action="location_list.import").exists()
    checked.refresh_from_db()
    assert checked.status == ImportStatus.RUNNING
    assert checked.applied_at is None


def test_an_attempt_taken_over_meanwhile_saves_nothing_and_records_nothing(
    monkeypatch, checked, company, company_person
):
    real_read = services._read_rows
    later = timezone.now() + dt.timedelta(minutes=1)

    def read_then_lose_the_run(*args):
        rows = real_read(*args)
        # Meanwhile the run was given up for dead and another attempt began.
        LocationImport.objects.filter(pk=checked.pk).update(started_at=later)
        return rows

    monkeypatch.setattr(services, "_read_rows", read_then_lose_the_run)

    run = services.location_import_confirm(run=checked, actor=company_person)

    assert names(company) == ["Oude Mijn"]
    assert (run.status, run.started_at, run.applied_at) == (
        ImportStatus.RUNNING,
        later,
        None,
    )


# --- Running again ----------------------------------------------------------------------


def test_a_task_delivered_again_takes_over_an_import_that_stopped(
    monkeypatch, checked, company, company_person
):
    crash_in(monkeypatch, services, "_apply")
    with pytest.raises(WorkerDied):
        services.location_import_confirm(run=checked, actor=company_person)
    monkeypatch.undo()
    stop(checked, ago=IMPORT_STUCK_AFTER + dt.timedelta(seconds=5))

    assert services.location_import_run(run_id=checked.pk) == "applied"

    assert names(company) == NEW_NAMES
    checked.refresh_from_db()
    assert checked.status == ImportStatus.DONE
    assert checked.applied_at is not None
    assert checked.stored_file == ""
    assert AuditEntry.objects.filter(action="location_list.import").count() == 1


def test_a_task_delivered_again_leaves_an_import_with_a_live_worker_alone(checked):
    stop(checked, ago=dt.timedelta(seconds=30), status=ImportStatus.RUNNING)

    assert services.location_import_run(run_id=checked.pk) == "skipped"

    checked.refresh_from_db()
    assert checked.status == ImportStatus.RUNNING
    assert checked.mode == ImportMode.CHECK


def test_a_stopped_check_is_shown_as_stopped_and_the_person_runs_it_again(
    checked, company_client, company_person
):
    stop(
        checked,
        ago=IMPORT_STUCK_AFTER + dt.timedelta(minutes=1),
        status=ImportStatus.RUNNING,
        result={},
        plan_digest="",
    )
    detail = reverse("ketenkaart:import_detail", args=[checked.pk])

    page = company_client.get(detail).content.decode()
    assert "it has stopped" in page
    assert reverse("ketenkaart:import_retry", args=[checked.pk]) in page
    assert 'hx-trigger="every' not in page  # no polling of a run that went

    response = company_client.post(
        reverse("ketenkaart:import_retry", args=[checked.pk]), follow=True
    )

    assert response.redirect_chain == [(detail, 302)]
    assert "The import was started again." in response.content.decode()
    checked.refresh_from_db()
    assert (checked.mode, checked.status) == (ImportMode.CHECK, ImportStatus.DONE)
    assert checked.awaits_confirmation
    entry = AuditEntry.objects.get(action="location_import.retry")
    assert entry.actor == company_person
    assert entry.details == {"year": YEAR, "step": "check"}


def test_a_stopped_apply_runs_again_on_the_persons_retry(
    monkeypatch, checked, company, company_client
):
    crash_in(monkeypatch, services, "_apply")
    with pytest.raises(WorkerDied):
        company_client.post(reverse("ketenkaart:import_confirm", args=[checked.pk]))
    monkeypatch.undo()
    stop(checked, ago=IMPORT_STUCK_AFTER + dt.timedelta(minutes=1))

    company_client.post(reverse("ketenkaart:import_retry", args=[checked.pk]))

    assert names(company) == NEW_NAMES
    checked.refresh_from_db()
    assert checked.is_applied


@pytest.mark.parametrize(
    ("status", "ago"),
    [
        (ImportStatus.RUNNING, dt.timedelta(minutes=1)),  # still alive
        (ImportStatus.DONE, dt.timedelta(days=1)),  # finished
    ],
)
def test_only_an_import_that_stopped_can_be_run_again(
    checked, company_client, status, ago
):
    stop(checked, ago=ago, status=status)
    before = LocationImport.objects.filter(pk=checked.pk).values().get()

    response = company_client.post(
        reverse("ketenkaart:import_retry", args=[checked.pk]), follow=True
    )

    assert "Only an import that has stopped can be tried again." in (
        response.content.decode()
    )
    assert LocationImport.objects.filter(pk=checked.pk).values().get() == before
    assert not AuditEntry.objects.filter(action="location_import.retry").exists()


def test_an_import_stopped_for_a_day_is_marked_failed_and_its_file_goes(checked):
    stop(checked, ago=dt.timedelta(days=2), status=ImportStatus.RUNNING)
    stored = checked.stored_file

    assert services.location_import_files_clean() == 1

    checked.refresh_from_db()
    assert checked.status == ImportStatus.FAILED
    assert "The import stopped and was not tried again" in checked.error_message
    assert checked.stored_file == ""
    assert not storages["import_export"].exists(stored)


def test_the_list_page_says_an_import_has_stopped(checked, company_client):
    stop(
        checked,
        ago=IMPORT_STUCK_AFTER + dt.timedelta(minutes=1),
        status=ImportStatus.RUNNING,
    )

    page = company_client.get(reverse("ketenkaart:list_detail", args=[YEAR]))

    assert "The import of list.csv has stopped; nothing of it was saved." in (
        page.content.decode()
    )
