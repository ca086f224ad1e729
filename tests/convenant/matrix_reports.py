"""Permission-matrix rows of the yearly reports (see tests/matrix.py).

The secretariat makes, publishes and downloads every report; the people of an active
party (the Kerngroep and its chair among them) download the published parties version,
the government observer the published government version; the internal version is
the secretariat's alone. A report that is not the reader's is not found (404)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.base import ContentFile
from django.utils import timezone

from convenant.reports.models import ReportRun, ReportStatus
from tests.matrix import (
    SIGNED_IN,
    Redirect,
    Row,
    World,
    only,
    secretariat_only,
    signed_in,
)

PARTY_READERS = frozenset(SIGNED_IN) - {"government"}
TO_YEAR = Redirect("reports:report_year", "report_year")


def _download_rows(target: str, readers: frozenset[str]) -> tuple[Row, ...]:
    return (
        Row("reports:report_download", "GET", only(readers, 200, 404), target),
        Row(
            "reports:report_download",
            "GET",
            only({"secretariat"}, 404, 404),
            target + "_xls",
        ),
    )


ROWS: tuple[Row, ...] = (
    Row("reports:report_list", "GET", signed_in(200)),
    Row("reports:report_year", "GET", secretariat_only(), "report_year"),
    Row("reports:report_year", "GET", secretariat_only(404), "report_year_missing"),
    Row("reports:report_year_status", "GET", secretariat_only(), "report_year"),
    Row(
        "reports:report_start",
        "POST",
        secretariat_only(Redirect("reports:report_year", "same")),
        "report_year",
        data="report_start",
    ),
    Row(
        "reports:report_start",
        "POST",
        secretariat_only(404),
        "report_year_missing",
        data="report_start",
    ),
    Row(
        "reports:report_retry",
        "POST",
        secretariat_only(Redirect("reports:report_year", "report_failed_year")),
        "report_failed",
    ),
    Row(
        "reports:report_publish",
        "POST",
        secretariat_only(TO_YEAR),
        "report_unpublished_run",
    ),
    *_download_rows("report_parties", PARTY_READERS | {"secretariat"}),
    Row(
        "reports:report_download",
        "GET",
        only({"government", "secretariat"}, 200, 404),
        "report_government",
    ),
    Row(
        "reports:report_download",
        "GET",
        only({"secretariat"}, 200, 404),
        "report_internal",
    ),
    Row(
        "reports:report_download",
        "GET",
        only({"secretariat"}, 200, 404),
        "report_unpublished",
    ),
)
DATA: dict[str, Callable[[World], dict]] = {
    "report_start": lambda world: {"versions": ["parties"]},
}
WATCHED: tuple = (ReportRun,)
CREATED: dict = {}


def _run(year, version, edition, *, published: bool, status=ReportStatus.DONE):
    run = ReportRun(
        year=year,
        version=version,
        edition=edition,
        status=status,
        progress=100 if status == ReportStatus.DONE else 0,
        pages=1,
        published_at=timezone.now() if published else None,
        error_message="The report could not be made." if status == "failed" else "",
    )
    if status == ReportStatus.DONE:
        from tests.governance.packs_world import pdf_document

        run.pdf.save("report.pdf", ContentFile(pdf_document("Report")), save=False)
        run.xlsx.save("report.xlsx", ContentFile(b"PK spreadsheet"), save=False)
    run.save()
    return run


def build(world: World) -> None:
    """Year 1 with the parties and the government version published, the internal
    one done, a second parties edition done but not published, and a failed run."""
    from convenant.models import AgreementYear

    year = world.context["year"]
    parties = _run(year, "parties", 1, published=True)
    unpublished = _run(year, "parties", 2, published=False)
    government = _run(year, "government", 1, published=True)
    internal = _run(year, "internal", 1, published=False)
    other_year = AgreementYear.objects.exclude(pk=year.pk).order_by("number").first()
    failed = _run(other_year, "parties", 1, published=False, status="failed")
    missing = (AgreementYear.objects.order_by("-pk").first().pk or 0) + 1000
    world.targets.update(
        {
            "report_year": {"pk": year.pk},
            "report_year_missing": {"pk": missing},
            "report_parties": {"pk": parties.pk, "fmt": "pdf"},
            "report_parties_xls": {"pk": parties.pk, "fmt": "xls"},
            "report_unpublished": {"pk": unpublished.pk, "fmt": "pdf"},
            "report_government": {"pk": government.pk, "fmt": "xlsx"},
            "report_internal": {"pk": internal.pk, "fmt": "pdf"},
            "report_unpublished_run": {"pk": unpublished.pk},
            "report_failed": {"pk": failed.pk},
            "report_failed_year": {"pk": other_year.pk},
        }
    )
