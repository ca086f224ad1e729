"""Background work started while the task queue is away is saved, said to wait for the
queue, and sent again by "convenant.resend_queued_work" once the queue is back.

The queue's absence is simulated by a task whose `delay` raises what kombu raises when
Redis refuses; tests/convenant/test_fault_servers.py stops a real Redis."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnavailable

from convenant import dispatch
from convenant import tasks as convenant_tasks
from convenant.reports import content
from convenant.reports import tasks as report_tasks
from convenant.reports.models import ReportRun, ReportStatus
from governance import tasks as governance_tasks
from governance.models import MeetingPack, PackStatus
from ketenkaart import tasks as ketenkaart_tasks
from ketenkaart.models import ImportStatus, LocationImport
from tests.conftest import make_person
from tests.convenant.reports_world import document
from tests.governance.factories import MeetingFactory, OrganisationFactory
from tests.governance.packs_world import make_meeting, standard_agenda

pytestmark = pytest.mark.django_db


class Queue:
    """Stands in for `task.delay` of every queued kind: records the ids sent, or
    raises as kombu does while Redis is away."""

    def __init__(self) -> None:
        self.up = True
        self.sent: list[tuple[str, int]] = []

    def delay_of(self, name: str):
        def delay(pk: int) -> None:
            if not self.up:
                raise BrokerUnavailable("Error 111 connecting to redis. Refused.")
            self.sent.append((name, pk))

        return delay


@pytest.fixture
def queue(monkeypatch) -> Queue:
    fake = Queue()
    for name, task in (
        ("report", report_tasks.build_yearly_report),
        ("pack", governance_tasks.build_meeting_pack),
        ("import", ketenkaart_tasks.import_locations),
    ):
        monkeypatch.setattr(task, "delay", fake.delay_of(name))
    return fake


@pytest.fixture(autouse=True)
def _private_media_and_content(settings, tmp_path, monkeypatch):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    monkeypatch.setattr(
        content,
        "gather",
        lambda *, year, version, progress=None: document(version=version),
    )


@pytest.fixture
def year(agreement):
    return agreement.years.get(number=1)


def _report(year, **fields) -> ReportRun:
    fields.setdefault("version", "parties")
    return ReportRun.objects.create(year=year, **fields)


def _import(**fields) -> LocationImport:
    fields.setdefault("in_task", True)
    if "company" not in fields:
        fields["company"] = OrganisationFactory()
    return LocationImport.objects.create(
        year=2025,
        file_name="locations.xlsx",
        file_digest="0" * 64,
        **fields,
    )


def test_a_report_started_while_the_queue_is_away_is_saved_and_waits(
    secretariat_client, year, queue, django_capture_on_commit_callbacks
):
    queue.up = False
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            reverse("reports:report_start", args=[year.pk]), {"versions": ["parties"]}
        )

    assert response.status_code == 302
    run = ReportRun.objects.get()
    assert run.status == ReportStatus.QUEUED
    assert run.dispatched_at is None
    assert run.waits_for_queue
    assert queue.sent == []
    page = secretariat_client.get(response["Location"])
    html = page.content.decode()
    assert html.count("The background queue cannot be reached just now.") == 2
    assert "The report is being made. This page" not in html


def test_a_report_handed_to_the_queue_records_when(
    secretariat_client, year, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(
            reverse("reports:report_start", args=[year.pk]), {"versions": ["parties"]}
        )

    run = ReportRun.objects.get()
    assert queue.sent == [("report", run.pk)]
    assert run.dispatched_at is not None
    assert not run.waits_for_queue
    status = secretariat_client.get(
        reverse("reports:report_year_status", args=[year.pk])
    )
    assert "Waiting to start" in status.content.decode()
    assert "The background queue cannot be reached" not in status.content.decode()


def test_a_pack_prepared_while_the_queue_is_away_waits_and_says_so(
    client, queue, django_capture_on_commit_callbacks
):
    meeting = make_meeting(creator=make_person("secretariat"))
    standard_agenda(meeting)
    client.force_login(make_person("kerngroep"))
    queue.up = False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("governance:meeting_pack_prepare", args=[meeting.pk])
        )

    assert response.status_code == 302
    pack = MeetingPack.objects.get()
    assert pack.status == PackStatus.QUEUED
    assert pack.waits_for_queue
    page = client.get(response["Location"])
    assert page.content.decode().count("The background queue cannot be reached") == 2


@pytest.mark.parametrize(
    ("dispatched", "says_so"), [(None, True), (dt.timedelta(0), False)]
)
def test_a_location_import_page_says_when_it_waits_for_the_queue(
    client, dispatched, says_so
):
    person = make_person("company_admin")
    run = _import(
        company=person.organisation,
        dispatched_at=None if dispatched is None else timezone.now(),
    )
    client.force_login(person)

    for name in ("ketenkaart:import_detail", "ketenkaart:import_progress"):
        page = client.get(reverse(name, args=[run.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Waiting for its turn" in html
        assert ("The background queue cannot be reached just now." in html) is says_so


def test_the_resend_task_sends_what_never_reached_the_queue(year, queue):
    never_sent = _report(year)
    pack = MeetingPack.objects.create(
        meeting=MeetingFactory(), kind="full", language="nl", fingerprint="f"
    )
    waiting_import = _import()

    assert convenant_tasks.resend_queued_work() == 3

    assert sorted(queue.sent) == sorted(
        [("report", never_sent.pk), ("pack", pack.pk), ("import", waiting_import.pk)]
    )
    for row in (never_sent, pack, waiting_import):
        row.refresh_from_db()
        assert row.dispatched_at is not None
        assert not row.waits_for_queue
    assert dispatch.queued_work_resend() == 0  # each went out once
    assert len(queue.sent) == 3


def test_the_resend_task_leaves_work_that_is_sent_started_or_over(year, queue):
    now = timezone.now()
    _report(year, dispatched_at=now)
    _report(year, version="government", status=ReportStatus.RUNNING, started_at=now)
    _report(year, version="internal", status=ReportStatus.FAILED)
    _import(status=ImportStatus.DONE)
    _import(in_task=False)  # runs in its request, never through the queue

    assert dispatch.queued_work_resend() == 0
    assert queue.sent == []


def test_a_message_lost_long_ago_is_sent_again(year, queue, settings):
    settings.REPORTS_STUCK_AFTER_SECONDS = 600
    lost = _report(year, dispatched_at=timezone.now() - dt.timedelta(minutes=11))
    _report(
        year,
        version="government",
        dispatched_at=timezone.now() - dt.timedelta(minutes=9),
    )

    assert dispatch.queued_work_resend() == 1

    assert queue.sent == [("report", lost.pk)]
    lost.refresh_from_db()
    assert timezone.now() - lost.dispatched_at < dt.timedelta(minutes=1)


def test_while_the_queue_is_still_away_the_resend_stops_and_changes_nothing(
    year, queue
):
    first = _report(year)
    second = _report(year, version="government")
    queue.up = False

    assert dispatch.queued_work_resend() == 0

    assert queue.sent == []
    assert set(ReportRun.objects.values_list("pk", "status", "dispatched_at")) == {
        (first.pk, "queued", None),
        (second.pk, "queued", None),
    }


def test_a_failed_send_clears_an_earlier_hand_over(year, queue):
    run = _report(year, dispatched_at=timezone.now() - dt.timedelta(hours=1))
    queue.up = False

    assert dispatch.send(report_tasks.build_yearly_report, run) is False

    run.refresh_from_db()
    assert run.dispatched_at is None
    assert run.waits_for_queue


def test_the_resend_runs_every_few_minutes_and_when_a_worker_starts(
    settings, monkeypatch
):
    from convenant import celery

    entry = settings.CELERY_BEAT_SCHEDULE["resend-queued-work"]
    assert entry["task"] == "convenant.resend_queued_work"
    assert entry["schedule"] <= 5 * 60

    sent = []
    monkeypatch.setattr(celery.app, "send_task", lambda name: sent.append(name))
    celery.resend_queued_work_at_start(sender=None)
    assert sent == ["convenant.resend_queued_work"]


# --- Any other task (mails, notices) ----------------------------------------------------


@pytest.fixture
def broker_away(monkeypatch):
    """Tasks go through the broker (not eagerly), and the broker refuses."""
    from celery.app.task import Task

    from convenant.celery import app as celery_app

    calls = []

    def refuse(self, *args, **kwargs):
        calls.append(self.name)
        raise BrokerUnavailable("Error 111 connecting to redis. Refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    celery_app.conf.task_always_eager = False
    dispatch.queue_outage.end()
    yield calls
    celery_app.conf.task_always_eager = True
    dispatch.queue_outage.end()


def test_a_mail_that_cannot_be_queued_is_logged_and_the_request_goes_on(
    broker_away, caplog, django_capture_on_commit_callbacks
):
    from governance.tasks import send_invitation

    with django_capture_on_commit_callbacks(execute=True):
        from django.db import transaction

        transaction.on_commit(lambda: send_invitation.delay(1, "token"))

    assert broker_away == ["governance.send_invitation"]
    assert [record.getMessage() for record in caplog.records] == [
        "Task governance.send_invitation was not sent: the task queue cannot be "
        "reached (Error 111 connecting to redis. Refused.)"
    ]
    # For a few seconds the process does not try the queue again.
    assert send_invitation.delay(1, "token") is None
    assert broker_away == ["governance.send_invitation"]


def test_a_job_with_a_row_learns_that_its_task_was_not_sent(broker_away, year):
    run = _report(year, dispatched_at=timezone.now())

    assert dispatch.send(report_tasks.build_yearly_report, run) is False
    assert dispatch.send(report_tasks.build_yearly_report, run) is False

    assert broker_away == ["convenant.build_yearly_report"]  # the second did not wait
    run.refresh_from_db()
    assert run.waits_for_queue
