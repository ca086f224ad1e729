"""The demo's yearly report: year 1 made and published, so that every demo account
finds a report to download after `make run`."""

from __future__ import annotations

from convenant.models import AgreementYear

from .models import ReportRun
from .services import report_build_now


def seed(*, secretariat) -> int:
    """Make and publish the year-1 report in its three versions (the internal one is
    made, never published). Idempotent: once year 1 has a report, nothing is added."""
    year = AgreementYear.objects.order_by("agreement_id", "number").first()
    if year is None or ReportRun.objects.filter(year=year).exists():
        return 0
    return len(report_build_now(year=year, actor=secretariat, publish=True))
