"""The yearly report in the browser: the secretariat makes the year's report, watches
its progress bar move until the report is ready, reloads the page and downloads the PDF.

The task is held back when the report is started (as it is while a real worker is
busy), so that the page shows the report waiting; the test then moves its progress and
builds it, as the worker would, while the page polls."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from convenant import pdf
from convenant.models import AgreementYear
from convenant.reports import services, tasks
from convenant.reports.models import ReportRun, ReportStatus
from tests.e2e.test_sign_in import path_is, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SECRETARIAT = "secretariaat@convenant.test"


@pytest.fixture
def held_back(demo_data, settings, tmp_path, monkeypatch) -> list[int]:
    """The runs started, in order; their task is not sent."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    started: list[int] = []
    monkeypatch.setattr(tasks.build_yearly_report, "delay", started.append)
    return started


def test_the_secretariat_makes_the_report_and_downloads_the_pdf(page: Page, held_back):
    year = AgreementYear.objects.order_by("number").first()
    year_path = f"/reports/years/{year.pk}/"

    sign_in(page, SECRETARIAT)
    expect(page).to_have_url(path_is("/"))
    page.get_by_role("navigation", name="Main menu").get_by_role(
        "link", name="Reports", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1, name="Yearly reports")).to_be_visible()
    page.get_by_role("link", name=f"Reports of {year}").click()
    expect(page).to_have_url(path_is(year_path))

    page.get_by_role("button", name="Make the report").click()
    expect(page).to_have_url(path_is(year_path))
    status = page.locator("#report-status")
    bars = status.locator("progress")
    expect(bars).to_have_count(3)
    assert len(held_back) == 3

    # The worker gets going: the page, polling, shows the bar move.
    parties = ReportRun.objects.get(pk=held_back[0])
    ReportRun.objects.filter(pk=parties.pk).update(
        progress=40, step="Collecting the figures"
    )
    expect(status.locator(f"#run-{parties.pk} progress")).to_have_attribute(
        "value", "40"
    )
    expect(status).to_contain_text("Collecting the figures")

    for run_id in held_back:
        services.report_build(run_id)
    assert set(ReportRun.objects.values_list("status", flat=True)) == {
        ReportStatus.DONE
    }
    expect(bars).to_have_count(0)
    expect(status.get_by_role("link", name="Download the PDF")).to_have_count(3)

    page.reload()
    section = page.locator("#version-parties")
    expect(section).to_contain_text("Edition 1 · Ready")
    with page.expect_download() as download_info:
        section.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    assert download.suggested_filename == "report-year-1-parties-1.pdf"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")
    assert pdf.page_count(content) >= 2
