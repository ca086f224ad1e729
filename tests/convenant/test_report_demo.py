"""The demo's year-1 report: made and published once, never twice."""

from __future__ import annotations

import pytest

from convenant.reports import demo
from convenant.reports.models import ReportRun

pytestmark = pytest.mark.django_db


def test_the_demo_makes_and_publishes_the_year_one_report_once(
    settings, tmp_path, secretariat_user, agreement
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path

    assert demo.seed(secretariat=secretariat_user) == 3
    assert demo.seed(secretariat=secretariat_user) == 0

    runs = ReportRun.objects.order_by("version")
    assert [(run.version, run.status, run.is_published) for run in runs] == [
        ("government", "done", True),
        ("internal", "done", False),
        ("parties", "done", True),
    ]
    assert {run.year.number for run in runs} == {1}
