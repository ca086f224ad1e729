"""Starting, building, retrying, publishing and downloading the yearly reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from convenant import pdf
from convenant.models import AuditEntry
from convenant.reports import content, permissions, render, services
from convenant.reports.document import GOVERNMENT, INTERNAL, PARTIES, VERSIONS
from convenant.reports.models import ReportRun, ReportStatus
from tests.conftest import make_person
from tests.convenant.reports_world import document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path


@pytest.fixture
def year(agreement):
    return agreement.years.get(number=1)


@pytest.fixture
def fake_content(monkeypatch):
    """gather returns what `state` holds, calling progress like the real one."""
    state = {"companies": "12", "extra_row": False, "fail": None}

    def gather(*, year, version, progress=None):
        if progress:
            progress(50, "Half-way")
        if state["fail"]:
            raise state["fail"]
        return document(
            version=version,
            companies=state["companies"],
            extra_row=state["extra_row"],
        )

    monkeypatch.setattr(content, "gather", gather)
    return state


def stored_files(tmp_path) -> list:
    return sorted(path for path in tmp_path.rglob("*") if path.is_file())


def start(year, actor, versions=VERSIONS, capture=None):
    return services.report_start(year=year, versions=versions, actor=actor)


def test_a_start_queues_one_edition_per_version_and_builds_after_commit(
    year, secretariat_user, fake_content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        results = start(year, secretariat_user)

    assert [(run.version, started) for run, started in results] == [
        (PARTIES, True),
        (GOVERNMENT, True),
        (INTERNAL, True),
    ]
    assert set(ReportRun.objects.values_list("status", flat=True)) == {"queued"}
    assert len(callbacks) == 3
    assert AuditEntry.objects.filter(action="report.start").count() == 3

    for callback in callbacks:
        callback()

    runs = ReportRun.objects.order_by("version")
    assert {run.status for run in runs} == {ReportStatus.DONE}
    for run in runs:
        assert run.edition == 1
        assert run.progress == 100
        assert run.pages >= 3
        assert run.pdf_size > 0
        assert run.xlsx_size > 0
        assert run.figures["participants / Companies / Count"] == "12"
        assert run.changes is None
        assert run.attempts == 1


def test_a_second_start_while_one_is_queued_attaches_to_it(
    year, secretariat_user, fake_content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        ((first, started),) = start(year, secretariat_user, [PARTIES])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ((second, started_again),) = start(year, secretariat_user, [PARTIES])

    assert started
    assert not started_again
    assert second.pk == first.pk
    assert callbacks == []
    assert ReportRun.objects.count() == 1


def test_a_regenerated_report_is_a_new_edition_that_records_what_changed(
    year, secretariat_user, fake_content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        start(year, secretariat_user, [PARTIES])
    fake_content["companies"] = "14"
    fake_content["extra_row"] = True
    with django_capture_on_commit_callbacks(execute=True):
        ((second, _),) = start(year, secretariat_user, [PARTIES])

    second.refresh_from_db()
    assert second.edition == 2
    assert second.status == ReportStatus.DONE
    assert second.changes["changed"] == [
        {"key": "participants / Companies / Count", "old": "12", "new": "14"},
        {"key": "table-2 / Companies / Count", "old": "12", "new": "14"},
    ]
    assert [change["key"] for change in second.changes["added"]] == [
        "participants / Recyclers / Count",
        "participants / Recyclers / Share",
        "table-2 / Recyclers / Count",
        "table-2 / Recyclers / Share",
    ]
    assert second.changes["removed"] == []
    assert second.change_count == 6
    assert ReportRun.objects.get(edition=1).status == ReportStatus.DONE


def test_a_failed_run_says_why_keeps_no_file_and_can_be_retried(
    year, secretariat_user, fake_content, tmp_path, django_capture_on_commit_callbacks
):
    fake_content["fail"] = RuntimeError("the database went away")
    with django_capture_on_commit_callbacks(execute=True):
        ((run, _),) = start(year, secretariat_user, [PARTIES])

    run.refresh_from_db()
    assert run.status == ReportStatus.FAILED
    assert "the database went away" in run.error_message
    assert run.error_message.startswith("The report could not be made")
    assert not run.pdf
    assert not run.xlsx
    assert stored_files(tmp_path) == []
    assert run.can_retry

    fake_content["fail"] = None
    with django_capture_on_commit_callbacks(execute=True):
        services.report_retry(run=run, actor=secretariat_user)

    run.refresh_from_db()
    assert run.status == ReportStatus.DONE
    assert run.edition == 1
    assert run.error_message == ""
    assert run.attempts == 2
    assert ReportRun.objects.count() == 1
    assert AuditEntry.objects.filter(action="report.retry").count() == 1


def test_a_start_after_a_failure_retries_the_failed_edition(
    year, secretariat_user, fake_content, django_capture_on_commit_callbacks
):
    fake_content["fail"] = RuntimeError("boom")
    with django_capture_on_commit_callbacks(execute=True):
        start(year, secretariat_user, [PARTIES])
    fake_content["fail"] = None
    with django_capture_on_commit_callbacks(execute=True):
        ((run, started),) = start(year, secretariat_user, [PARTIES])

    assert started
    assert ReportRun.objects.get().status == ReportStatus.DONE
    assert run.edition == 1


def test_files_are_attached_only_at_the_end(
    year,
    secretariat_user,
    fake_content,
    tmp_path,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    seen = {}

    def failing_xlsx(document, *, edition=1):
        # The PDF is written by now, under a name of its own, but not attached.
        seen["files"] = stored_files(tmp_path)
        seen["run"] = ReportRun.objects.values("pdf", "xlsx", "status").get()
        raise OSError("disk full")

    monkeypatch.setattr(render, "render_xlsx", failing_xlsx)
    with django_capture_on_commit_callbacks(execute=True):
        ((run, _),) = start(year, secretariat_user, [PARTIES])

    assert len(seen["files"]) == 1
    assert seen["run"] == {"pdf": "", "xlsx": "", "status": "running"}
    run.refresh_from_db()
    assert run.status == ReportStatus.FAILED
    assert "disk full" in run.error_message
    assert stored_files(tmp_path) == []


def test_a_task_delivered_twice_does_nothing_the_second_time(
    year, secretariat_user, fake_content, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ((run, _),) = start(year, secretariat_user, [PARTIES])
    run.refresh_from_db()
    before = (run.pdf.name, run.xlsx.name, run.finished_at, run.attempts)
    files = stored_files(tmp_path)

    again = services.report_build(run.pk)

    again.refresh_from_db()
    assert (
        again.pdf.name,
        again.xlsx.name,
        again.finished_at,
        again.attempts,
    ) == before
    assert stored_files(tmp_path) == files
    assert ReportRun.objects.count() == 1


def test_a_build_leaves_a_run_running_in_a_live_worker_alone(
    year, secretariat_user, fake_content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        ((run, _),) = start(year, secretariat_user, [PARTIES])
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportStatus.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        progress=40,
    )

    services.report_build(run.pk)

    run.refresh_from_db()
    assert run.status == ReportStatus.RUNNING
    assert run.progress == 40
    with pytest.raises(ValidationError):
        services.report_retry(run=run, actor=secretariat_user)


def test_a_stuck_run_is_taken_over_by_a_new_start(
    year, secretariat_user, fake_content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        ((run, _),) = start(year, secretariat_user, [PARTIES])
    long_ago = timezone.now() - dt.timedelta(hours=2)
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportStatus.RUNNING,
        started_at=long_ago,
        heartbeat_at=long_ago,
        progress=40,
    )
    run.refresh_from_db()
    assert run.is_stuck
    assert run.can_retry

    with django_capture_on_commit_callbacks(execute=True):
        ((taken, started),) = start(year, secretariat_user, [PARTIES])

    assert started
    assert taken.pk == run.pk
    taken.refresh_from_db()
    assert taken.status == ReportStatus.DONE
    assert ReportRun.objects.count() == 1


def test_a_worker_whose_run_was_taken_over_keeps_nothing(
    year,
    secretariat_user,
    fake_content,
    tmp_path,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):
        ((run, _),) = start(year, secretariat_user, [PARTIES])
    real_pdf = render.render_pdf

    def slow_pdf(document, *, edition=1):
        # Meanwhile the secretariat took the run over: it was reset and queued again.
        ReportRun.objects.filter(pk=run.pk).update(
            status=ReportStatus.QUEUED, started_at=None
        )
        return real_pdf(document, edition=edition)

    monkeypatch.setattr(render, "render_pdf", slow_pdf)

    services.report_build(run.pk)

    run.refresh_from_db()
    assert run.status == ReportStatus.QUEUED
    assert not run.pdf
    assert stored_files(tmp_path) == []


def test_publishing_hands_a_done_edition_to_its_readers(
    year, secretariat_user, fake_content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        start(year, secretariat_user)
    parties = ReportRun.objects.get(version=PARTIES)
    internal = ReportRun.objects.get(version=INTERNAL)

    services.report_publish(run=parties, actor=secretariat_user)

    parties.refresh_from_db()
    assert parties.published_by == secretariat_user
    assert parties.is_published
    with pytest.raises(ValidationError):
        services.report_publish(run=internal, actor=secretariat_user)
    internal.refresh_from_db()
    assert not internal.is_published
    assert AuditEntry.objects.filter(action="report.publish").count() == 1


def test_only_a_finished_edition_can_be_published(
    year, secretariat_user, fake_content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        ((run, _),) = start(year, secretariat_user, [PARTIES])

    with pytest.raises(ValidationError):
        services.report_publish(run=run, actor=secretariat_user)

    run.refresh_from_db()
    assert run.published_at is None


@pytest.mark.parametrize(
    ("role", "versions"),
    [
        ("secretariat", {PARTIES, GOVERNMENT, INTERNAL}),
        ("company_admin", {PARTIES}),
        ("company_member", {PARTIES}),
        ("ngo", {PARTIES}),
        ("union", {PARTIES}),
        ("branch", {PARTIES}),
        ("kerngroep", {PARTIES}),
        ("chair", {PARTIES}),
        ("government", {GOVERNMENT}),
    ],
)
def test_each_role_reads_its_own_version(role, versions):
    person = make_person(role)

    assert permissions.versions_for(person) == versions
    assert permissions.can_manage_reports(person) is (role == "secretariat")


def test_people_of_a_withdrawn_party_read_no_report():
    person = make_person("company_admin")
    person.organisation.status = "withdrawn"
    person.organisation.save()

    assert permissions.versions_for(person) == frozenset()


@pytest.mark.parametrize("role", ["company_admin", "ngo", "government"])
def test_nobody_but_the_secretariat_starts_retries_or_publishes(
    role, year, fake_content
):
    person = make_person(role)

    with pytest.raises(PermissionDenied):
        services.report_start(year=year, actor=person)
    assert ReportRun.objects.count() == 0


def test_every_download_is_written_to_the_audit_log(
    year, secretariat_user, fake_content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        start(year, secretariat_user, [PARTIES])
    run = services.report_publish(run=ReportRun.objects.get(), actor=secretariat_user)
    reader = make_person("company_member")

    data, filename, content_type = services.report_download(
        run=run, user=reader, fmt="pdf"
    )

    assert content_type == "application/pdf"
    assert filename == "report-year-1-parties-1.pdf"
    assert "Chapter number 1" in "\n".join(pdf.page_texts(data))
    entry = AuditEntry.objects.get(action="report.download")
    assert entry.actor == reader
    assert entry.details == {
        "year": 1,
        "version": PARTIES,
        "edition": 1,
        "format": "pdf",
    }


def test_a_party_may_not_download_an_unpublished_edition(
    year, secretariat_user, fake_content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        start(year, secretariat_user, [PARTIES])
    run = ReportRun.objects.get()

    with pytest.raises(PermissionDenied):
        services.report_download(run=run, user=make_person("ngo"), fmt="pdf")
    assert not AuditEntry.objects.filter(action="report.download").exists()


def test_the_internal_pdf_carries_the_readers_name_on_every_page(
    year, secretariat_user, fake_content, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        start(year, secretariat_user, [INTERNAL, PARTIES])
    name = secretariat_user.get_full_name()

    internal, _name, _type = services.report_download(
        run=ReportRun.objects.get(version=INTERNAL), user=secretariat_user, fmt="pdf"
    )
    parties, _name, _type = services.report_download(
        run=ReportRun.objects.get(version=PARTIES), user=secretariat_user, fmt="pdf"
    )

    assert name
    assert all(name in text for text in pdf.page_texts(internal))
    assert not any(name in text for text in pdf.page_texts(parties))
