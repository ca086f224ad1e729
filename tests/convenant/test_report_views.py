"""The yearly report pages: making a report, following its progress, downloading."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.reports import content
from convenant.reports.models import ReportRun, ReportStatus
from tests.conftest import make_person
from tests.convenant.reports_world import document

pytestmark = pytest.mark.django_db


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


def test_the_secretariat_makes_the_three_versions_and_sees_them_ready(
    secretariat_client, year, django_capture_on_commit_callbacks
):
    url = reverse("reports:report_start", args=[year.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            url, {"versions": ["parties", "government", "internal"]}
        )

    assert response.status_code == 302
    assert set(ReportRun.objects.values_list("status", flat=True)) == {"done"}
    page = secretariat_client.get(reverse("reports:report_year", args=[year.pk]))
    html = page.content.decode()
    assert html.count("Download the PDF") == 3
    assert html.count("Publish this edition") == 2
    assert "hx-trigger" not in html


def test_a_start_without_a_version_says_so_and_starts_nothing(secretariat_client, year):
    response = secretariat_client.post(
        reverse("reports:report_start", args=[year.pk]), {}
    )

    assert response.status_code == 400
    assert "Choose at least one version of the report." in response.content.decode()
    assert not ReportRun.objects.exists()


def test_the_status_polls_while_a_report_is_made_and_survives_a_reload(
    secretariat_client, year
):
    ReportRun.objects.create(
        year=year,
        version="parties",
        status=ReportStatus.RUNNING,
        progress=42,
        step="Laying out the PDF",
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )

    response = secretariat_client.get(
        reverse("reports:report_year_status", args=[year.pk])
    )

    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert '<progress class="progress" max="100" value="42"' in html
    assert "Laying out the PDF" in html
    page = secretariat_client.get(reverse("reports:report_year", args=[year.pk]))
    assert 'value="42"' in page.content.decode()


def test_a_failed_report_shows_why_and_offers_a_retry(secretariat_client, year):
    run = ReportRun.objects.create(
        year=year,
        version="parties",
        status=ReportStatus.FAILED,
        error_message="The report could not be made: disk full.",
    )

    html = secretariat_client.get(
        reverse("reports:report_year", args=[year.pk])
    ).content.decode()

    assert "The report could not be made: disk full." in html
    assert reverse("reports:report_retry", args=[run.pk]) in html
    assert "hx-trigger" not in html


def test_a_party_sees_only_the_latest_published_parties_edition(
    client, year, secretariat_user, django_capture_on_commit_callbacks
):
    from convenant.reports.services import report_publish, report_start

    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            report_start(year=year, actor=secretariat_user)
    first, second, _third = ReportRun.objects.filter(version="parties").order_by(
        "edition"
    )
    report_publish(run=first, actor=secretariat_user)
    report_publish(run=second, actor=secretariat_user)
    report_publish(
        run=ReportRun.objects.get(version="government", edition=1),
        actor=secretariat_user,
    )
    client.force_login(make_person("ngo"))

    response = client.get(reverse("reports:report_list"))

    assert [run.pk for run in response.context["published"]] == [second.pk]
    old = client.get(reverse("reports:report_download", args=[first.pk, "pdf"]))
    assert old.status_code == 404
    current = client.get(reverse("reports:report_download", args=[second.pk, "xlsx"]))
    assert current.status_code == 200
    assert current["Content-Disposition"].endswith('report-year-1-parties-2.xlsx"')


@pytest.mark.parametrize("rows", [10, 100])
def test_the_report_pages_keep_a_constant_number_of_queries(
    client, agreement, rows, django_assert_max_num_queries
):
    years = list(agreement.years.order_by("number"))
    runs = []
    for index in range(rows):
        runs.append(
            ReportRun(
                year=years[index % len(years)],
                version="parties",
                edition=index + 1,
                status=ReportStatus.DONE,
                pdf="reports/x.pdf",
                xlsx="reports/x.xlsx",
                published_at=timezone.now(),
            )
        )
    ReportRun.objects.bulk_create(runs)
    secretariat = make_person("secretariat")
    client.force_login(secretariat)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:report_list")).status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:report_year", args=[years[0].pk]))
        assert response.status_code == 200
    client.force_login(make_person("company_member"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:report_list")).status_code == 200


def test_publishing_from_the_page_hands_the_edition_to_the_parties(
    secretariat_client, year, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(
            reverse("reports:report_start", args=[year.pk]), {"versions": ["parties"]}
        )
    run = ReportRun.objects.get()
    client = Client()
    client.force_login(make_person("branch"))
    assert client.get(reverse("reports:report_list")).context["published"] == []

    response = secretariat_client.post(reverse("reports:report_publish", args=[run.pk]))

    assert response.status_code == 302
    assert [
        r.pk for r in client.get(reverse("reports:report_list")).context["published"]
    ] == [run.pk]
    download = client.get(reverse("reports:report_download", args=[run.pk, "pdf"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_retrying_from_the_page_makes_a_failed_report(
    secretariat_client, year, django_capture_on_commit_callbacks
):
    run = ReportRun.objects.create(
        year=year,
        version="government",
        status=ReportStatus.FAILED,
        error_message="The report could not be made: disk full.",
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(
            reverse("reports:report_retry", args=[run.pk])
        )

    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ReportStatus.DONE
    assert run.error_message == ""
    assert run.is_ready


def test_a_retry_of_a_finished_report_says_no_and_changes_nothing(
    secretariat_client, year, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(
            reverse("reports:report_start", args=[year.pk]), {"versions": ["parties"]}
        )
    run = ReportRun.objects.get()
    before = (run.finished_at, run.pdf.name, run.attempts)

    response = secretariat_client.post(
        reverse("reports:report_retry", args=[run.pk]), follow=True
    )

    assert "Only a report that failed or stopped can be tried again." in (
        response.content.decode()
    )
    run.refresh_from_db()
    assert (run.finished_at, run.pdf.name, run.attempts) == before
