"""What a yearly report is made from, loaded in a fixed number of queries whatever the
number of companies, as plain rows: the report's content (content.py) aggregates them
in Python.

Only what the report counts is read: kinds, statuses, dates, scores, themes, countries,
tiers, amounts. Never a company's name, a plan's text or a location's name or address:
what is not loaded cannot slip into a report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F
from django.db.models.functions import Length
from django.utils import timezone

from convenant.models import Agreement, AgreementYear


@dataclass(frozen=True)
class OrganisationRow:
    pk: int
    kind: str
    participation: str
    status: str
    signed_on: dt.date | None


@dataclass(frozen=True)
class RoundRow:
    pk: int
    kind: str
    name: str
    status: str
    opens_on: dt.date
    closes_on: dt.date
    year_number: int
    framework_id: int


@dataclass(frozen=True)
class PlanRow:
    organisation_id: int
    year_number: int
    themes: tuple[str, ...]
    has_risks: bool
    has_actions: bool


@dataclass(frozen=True)
class RiskRow:
    organisation_id: int
    year_number: int
    theme: str
    country: str
    material: str
    prioritised: bool


@dataclass(frozen=True)
class TalkRow:
    round_id: int
    organisation_id: int
    status: str
    management_present: bool


@dataclass(frozen=True)
class LocationCount:
    year: int
    company_id: int
    tier: int
    locations: int


@dataclass(frozen=True)
class ContributionRow:
    kind: str
    participation: str
    fte: int | None
    amount: Decimal
    status: str


@dataclass(frozen=True)
class Sources:
    agreement: Agreement
    years: tuple[AgreementYear, ...]
    organisations: tuple[OrganisationRow, ...]
    # Organisation id -> the date it left (withdrawal or removal taking effect).
    left_on: dict[int, dt.date]
    rounds: tuple[RoundRow, ...]
    frameworks: dict[int, Any]  # framework id -> parsed monitoring framework
    assessment_counts: dict[tuple[int, str], int]  # (round, status) -> assessments
    scores: tuple[dict[str, Any], ...]  # score-ledger rows with their round
    talks: tuple[TalkRow, ...]
    plans: tuple[PlanRow, ...]
    risks: tuple[RiskRow, ...]
    locations: tuple[LocationCount, ...]
    lists: dict[int, int]  # calendar year -> submitted lists
    release: Any  # the published LocationRelease of the report's list year, or None
    release_cells: tuple[Any, ...]
    supplier_reports: tuple[dict[str, Any], ...]
    notified: tuple[tuple[int, int], ...]  # (report, company)
    contributions: tuple[ContributionRow, ...]
    fte_bands: tuple[Any, ...]
    k: int


def list_year(year: AgreementYear) -> int:
    """The calendar year of the production-location lists an agreement year reports
    on: the year in which the agreement year ends."""
    return year.ends_on.year


def load(*, year: AgreementYear, budget: bool) -> Sources:
    from governance.models import (
        Contribution,
        Organisation,
        Removal,
        RemovalStatus,
        WithdrawalNotice,
        WithdrawalStatus,
    )
    from ketenkaart.models import (
        ListStatus,
        Location,
        LocationList,
        LocationRelease,
        ReleaseStatus,
        SupplierReport,
        SupplierReportCompany,
    )
    from ketenkaart.releases import (
        disclosure_rule_current,
        release_cells,
        rules_of,
    )
    from monitoring.models import (
        Framework,
        ImprovementTalk,
        PlanOfApproach,
        RiskEntry,
        Round,
        RoundStatus,
        ScoreRecord,
    )

    agreement = Agreement.objects.get(pk=year.agreement_id)
    years = tuple(agreement.years.order_by("number"))
    end = year.ends_on
    organisations = tuple(
        OrganisationRow(*row)
        for row in Organisation.objects.order_by("pk").values_list(
            "pk", "kind", "participation", "status", "signed_on"
        )
    )
    left_on: dict[int, dt.date] = {}
    for organisation_id, notice_effective_on in (
        WithdrawalNotice.objects.exclude(status=WithdrawalStatus.TAKEN_BACK)
        .order_by("effective_on")
        .values_list("organisation_id", "effective_on")
    ):
        left_on.setdefault(organisation_id, notice_effective_on)
    for organisation_id, effective_on in (
        Removal.objects.filter(
            status__in=[RemovalStatus.DECIDED, RemovalStatus.EFFECTIVE],
            effective_on__isnull=False,
        )
        .order_by("effective_on")
        .values_list("organisation_id", "effective_on")
    ):
        if effective_on is not None:
            left_on[organisation_id] = min(
                left_on.get(organisation_id, effective_on), effective_on
            )

    rounds = tuple(
        RoundRow(*row)
        for row in Round.objects.filter(
            agreement_year__agreement=agreement, opens_on__lte=end
        )
        .exclude(status=RoundStatus.DRAFT)
        .order_by("opens_on", "pk")
        .values_list(
            "pk",
            "kind",
            "name",
            "status",
            "opens_on",
            "closes_on",
            "agreement_year__number",
            "framework_id",
        )
    )
    round_ids = [r.pk for r in rounds]
    frameworks = {
        framework.pk: framework.parsed
        for framework in Framework.objects.filter(
            pk__in={r.framework_id for r in rounds}
        ).only("data")
    }
    from monitoring.models import Assessment

    assessment_counts = {
        (round_id, status): n
        for round_id, status, n in Assessment.objects.filter(round_id__in=round_ids)
        .values_list("round_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    }
    scores = tuple(
        {
            **{
                key: value
                for key, value in row.items()
                if not key.startswith("result__")
            },
            "steps": row["result__steps"],
            "modules": row["result__modules"],
        }
        for row in ScoreRecord.objects.filter(assessment__round_id__in=round_ids)
        .order_by()
        .values(
            "kind",
            "exact_score",
            "final_score",
            "level",
            "signal",
            "result__steps",
            "result__modules",
            round_id=F("assessment__round_id"),
            organisation_id=F("assessment__organisation_id"),
        )
    )
    talks = tuple(
        TalkRow(*row)
        for row in ImprovementTalk.objects.filter(assessment__round_id__in=round_ids)
        .order_by()
        .values_list(
            "assessment__round_id",
            "assessment__organisation_id",
            "status",
            "management_present",
        )
    )
    plans = tuple(
        PlanRow(
            organisation_id=organisation_id,
            year_number=number,
            themes=tuple(themes or ()),
            has_risks=bool(risks),
            has_actions=bool(actions),
        )
        for organisation_id, number, themes, risks, actions in PlanOfApproach.objects.filter(
            agreement_year__agreement=agreement, agreement_year__number__lte=year.number
        )
        .order_by()
        .values_list(
            "organisation_id",
            "agreement_year__number",
            "themes",
            Length("risks_addressed"),
            Length("planned_actions"),
        )
    )
    risks = tuple(
        RiskRow(*row)
        for row in RiskEntry.objects.filter(
            agreement_year__agreement=agreement, agreement_year__number=year.number
        )
        .order_by()
        .values_list(
            "organisation_id",
            "agreement_year__number",
            "theme",
            "country",
            "material",
            "prioritised",
        )
    )
    last = list_year(year)
    locations = tuple(
        LocationCount(*row)
        for row in Location.objects.filter(
            location_list__status=ListStatus.SUBMITTED, location_list__year__lte=last
        )
        .values_list("location_list__year", "location_list__company_id", "tier")
        .annotate(n=Count("id"))
        .order_by()
    )
    lists = dict(
        LocationList.objects.filter(status=ListStatus.SUBMITTED, year__lte=last)
        .values_list("year")
        .annotate(n=Count("id"))
        .order_by()
    )
    release = (
        LocationRelease.objects.filter(year=last, status=ReleaseStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )
    cells = tuple(release_cells(release, exact=True)) if release else ()
    starts = timezone.make_aware(dt.datetime.combine(year.starts_on, dt.time.min))
    ends = timezone.make_aware(
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min)
    )
    supplier_reports: tuple[dict[str, Any], ...] = tuple(
        dict(row)
        for row in SupplierReport.objects.filter(
            reported_at__gte=starts, reported_at__lt=ends
        )
        .order_by("pk")
        .values("pk", "activity", "country", "status")
    )
    notified = tuple(
        SupplierReportCompany.objects.filter(
            report_id__in=[r["pk"] for r in supplier_reports]
        )
        .order_by()
        .values_list("report_id", "company_id")
    )
    contributions: tuple[ContributionRow, ...] = ()
    fte_bands: tuple[Any, ...] = ()
    if budget:
        contributions = tuple(
            ContributionRow(*row)
            for row in Contribution.objects.filter(agreement_year=year)
            .order_by()
            .values_list(
                "organisation__kind",
                "organisation__participation",
                "fte",
                "amount",
                "status",
            )
        )
        fte_bands = tuple(agreement.fte_bands.order_by("min_fte"))
    return Sources(
        agreement=agreement,
        years=years,
        organisations=organisations,
        left_on=left_on,
        rounds=rounds,
        frameworks=frameworks,
        assessment_counts=assessment_counts,
        scores=scores,
        talks=talks,
        plans=plans,
        risks=risks,
        locations=locations,
        lists=lists,
        release=release,
        release_cells=cells,
        supplier_reports=supplier_reports,
        notified=notified,
        contributions=contributions,
        fte_bands=fte_bands,
        k=rules_of(disclosure_rule_current()).k,
    )
