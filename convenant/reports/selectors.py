"""Reads of the yearly reports, scoped to the reader, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404

from convenant.models import AgreementYear

from . import permissions
from .document import VERSIONS
from .models import ReportRun


def report_published_list(*, user) -> list[ReportRun]:
    """The latest published edition of each year and version this person may read,
    newest year first."""
    versions = permissions.versions_for(user)
    if not versions:
        return []
    runs = (
        ReportRun.objects.filter(version__in=versions, published_at__isnull=False)
        .select_related("year")
        .order_by("-year__number", "version", "-edition")
    )
    latest: dict[tuple[int, str], ReportRun] = {}
    for run in runs:
        latest.setdefault((run.year_id, run.version), run)
    return sorted(
        latest.values(),
        key=lambda run: (-run.year.number, VERSIONS.index(run.version)),
    )


def report_run_get(*, user, pk: int) -> ReportRun:
    """A run this person may open: any for the secretariat; for anybody else only the
    latest published edition of a version that is theirs (404 otherwise)."""
    if permissions.can_manage_reports(user):
        run = ReportRun.objects.select_related("year").filter(pk=pk).first()
    else:
        run = next(
            (run for run in report_published_list(user=user) if run.pk == pk), None
        )
    if run is None:
        raise Http404
    return run


@dataclass
class VersionEditions:
    version: str
    label: str
    editions: list[ReportRun] = field(default_factory=list)

    @property
    def latest(self) -> ReportRun | None:
        return self.editions[0] if self.editions else None

    @property
    def published(self) -> ReportRun | None:
        return next((run for run in self.editions if run.is_published), None)

    @property
    def building(self) -> bool:
        return any(run.is_building and not run.is_stuck for run in self.editions)


def report_year_get(*, user, pk: int) -> AgreementYear:
    if not permissions.can_manage_reports(user):
        raise Http404
    year = AgreementYear.objects.select_related("agreement").filter(pk=pk).first()
    if year is None:
        raise Http404
    return year


def report_year_editions(*, year: AgreementYear) -> list[VersionEditions]:
    """Every edition of each version of the year's report, newest first (one query)."""
    from .models import ReportVersion

    result = {
        version: VersionEditions(version, str(ReportVersion(version).label))
        for version in VERSIONS
    }
    runs = (
        ReportRun.objects.filter(year=year)
        .select_related("created_by", "published_by")
        .order_by("version", "-edition")
    )
    for run in runs:
        result[run.version].editions.append(run)
    return list(result.values())


def report_years(*, agreement) -> list[AgreementYear]:
    """The agreement's years, each with its runs prefetched (two queries)."""
    return list(
        AgreementYear.objects.filter(agreement=agreement)
        .order_by("number")
        .prefetch_related(
            Prefetch(
                "report_runs",
                queryset=ReportRun.objects.order_by("version", "-edition"),
            )
        )
    )
