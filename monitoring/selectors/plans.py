"""Reads for plans of approach and risk analyses: a company's own years, the
secretariat's view of who handed in and who is late, and the risk matrix."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from convenant.models import Agreement, AgreementYear
from governance.models import (
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Participation,
)

from .. import permissions
from ..models import PlanOfApproach, RbcTheme, RiskEntry
from ..risks import (
    RiskMatrix,
    RiskRating,
    risk_matrix,
    severity,
    suggested_order,
    unexplained_priorities,
)

HANDED_IN = "handed_in"
HANDED_IN_LATE = "handed_in_late"
DUE = "due"
LATE = "late"


def plan_state(plan: PlanOfApproach | None, year: AgreementYear, today: dt.date) -> str:
    """A plan is due within its agreement year; after the year ends a missing plan is
    late, and one handed in after that was handed in late."""
    if plan is None:
        return LATE if today > year.ends_on else DUE
    if timezone.localdate(plan.submitted_at) > year.ends_on:
        return HANDED_IN_LATE
    return HANDED_IN


def started_years(*, agreement: Agreement, today: dt.date | None = None):
    today = today or timezone.localdate()
    return agreement.years.filter(starts_on__lte=today).order_by("-number")


def year_get(*, agreement: Agreement, number: int) -> AgreementYear:
    year = agreement.years.filter(number=number).first()
    if year is None:
        raise Http404
    return year


@dataclass(frozen=True)
class CompanyYear:
    year: AgreementYear
    plan: PlanOfApproach | None
    state: str
    risks: int
    prioritised: int


def company_years(
    *, organisation: Organisation, agreement: Agreement, today: dt.date | None = None
) -> list[CompanyYear]:
    """Every agreement year that has begun, newest first, with the plan and the size of
    the risk analysis: three queries whatever the number of years."""
    today = today or timezone.localdate()
    years = list(started_years(agreement=agreement, today=today))
    plans = {
        plan.agreement_year_id: plan
        for plan in PlanOfApproach.objects.filter(
            organisation=organisation, agreement_year__in=years
        )
    }
    counts = {
        row["agreement_year"]: row
        for row in RiskEntry.objects.filter(
            organisation=organisation, agreement_year__in=years
        )
        .values("agreement_year")
        .annotate(
            total=Count("id"), prioritised=Count("id", filter=Q(prioritised=True))
        )
    }
    return [
        CompanyYear(
            year=year,
            plan=plans.get(year.pk),
            state=plan_state(plans.get(year.pk), year, today),
            risks=counts.get(year.pk, {}).get("total", 0),
            prioritised=counts.get(year.pk, {}).get("prioritised", 0),
        )
        for year in years
    ]


def plan_get(
    *, user, organisation: Organisation, agreement_year: AgreementYear
) -> PlanOfApproach | None:
    return (
        permissions.plan_visible_to(user)
        .filter(organisation=organisation, agreement_year=agreement_year)
        .first()
    )


def plan_file_get(*, user, pk: int) -> PlanOfApproach:
    plan = permissions.plan_visible_to(user).filter(pk=pk).exclude(file="").first()
    if plan is None:
        raise Http404
    return plan


def risk_list(
    *, user, organisation: Organisation, agreement_year: AgreementYear
) -> list[RiskEntry]:
    return list(
        permissions.risk_visible_to(user).filter(
            organisation=organisation, agreement_year=agreement_year
        )
    )


def risk_get(*, user, pk: int) -> RiskEntry:
    risk = permissions.risk_visible_to(user).filter(pk=pk).first()
    if risk is None:
        raise Http404
    return risk


def rating(risk: RiskEntry) -> RiskRating:
    return RiskRating(
        key=risk.pk,
        scale=risk.scale,
        scope=risk.scope,
        irremediability=risk.irremediability,
        likelihood=risk.likelihood,
        prioritised=risk.prioritised,
    )


@dataclass(frozen=True)
class MatrixEntry:
    """A risk in a cell of the matrix, with its number in the list below it."""

    number: int
    risk: RiskEntry


@dataclass(frozen=True)
class MatrixPlace:
    severity: int
    likelihood: int
    band: str
    entries: tuple[MatrixEntry, ...]


@dataclass(frozen=True)
class RiskAnalysis:
    risks: list[RiskEntry]
    matrix: RiskMatrix
    # The matrix's cells with their risks, so the page need not search for each one.
    places: tuple[tuple[MatrixPlace, ...], ...]
    severity: dict[int, int]
    # Position of each risk in the order severity and likelihood suggest (1 = first).
    rank: dict[int, int]
    gender_considered: int
    # Not prioritised although graver and likelier than a risk that is (art. 26).
    needs_explaining: frozenset[int]


def risk_analysis(risks: list[RiskEntry]) -> RiskAnalysis:
    """The risks in the suggested order, each carrying its `severity_rating` and its
    `number` in that order, and the matrix; linear in the number of risks, so a long
    analysis renders as fast per risk as a short one."""
    ratings = [rating(risk) for risk in risks]
    order = suggested_order(ratings)
    position = {key: index for index, key in enumerate(order)}
    ordered = sorted(risks, key=lambda r: position[r.pk])
    for number, risk in enumerate(ordered, start=1):
        risk.number = number
        risk.severity_rating = severity(risk.scale, risk.scope, risk.irremediability)
    by_key = {risk.pk: risk for risk in ordered}
    matrix = risk_matrix(ratings)
    places = tuple(
        tuple(
            MatrixPlace(
                severity=cell.severity,
                likelihood=cell.likelihood,
                band=cell.band,
                entries=tuple(
                    MatrixEntry(number=by_key[key].number, risk=by_key[key])
                    for key in cell.keys
                ),
            )
            for cell in row
        )
        for row in matrix.rows
    )
    return RiskAnalysis(
        risks=ordered,
        matrix=matrix,
        places=places,
        severity={r.pk: r.severity_rating for r in ordered},
        rank={key: position for position, key in enumerate(order, start=1)},
        gender_considered=sum(1 for r in risks if r.gender_considered),
        needs_explaining=frozenset(unexplained_priorities(ratings)),
    )


# --- The secretariat's view of a year --------------------------------------------------


def expected_companies(*, agreement_year: AgreementYear) -> QuerySet[Organisation]:
    """The companies that owe a plan for the year: party companies that are active (or
    withdrawing, whose obligations run on) and had signed before the year ended."""
    return Organisation.objects.filter(
        kind=OrganisationKind.COMPANY,
        participation=Participation.PARTY,
        status__in=[OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING],
    ).filter(Q(signed_on__isnull=True) | Q(signed_on__lte=agreement_year.ends_on))


@dataclass(frozen=True)
class PlanRow:
    organisation: Organisation
    plan: PlanOfApproach | None
    state: str
    risks: int
    prioritised: int


@dataclass(frozen=True)
class PlanStatus:
    year: AgreementYear
    rows: list[PlanRow]
    counts: dict[str, int]
    themes: list[tuple[str, str, int]]


STATE_FILTERS = (HANDED_IN, HANDED_IN_LATE, DUE, LATE)


def plan_status(
    *,
    agreement_year: AgreementYear,
    state: str = "",
    today: dt.date | None = None,
) -> PlanStatus:
    """Every company that owes a plan for the year, with its plan and risk analysis size;
    the counts per state and how often each theme is named. A fixed number of queries
    whatever the number of companies."""
    today = today or timezone.localdate()
    plans = PlanOfApproach.objects.filter(agreement_year=agreement_year)
    companies = (
        expected_companies(agreement_year=agreement_year)
        .annotate(
            risk_total=Count(
                "risks", filter=Q(risks__agreement_year=agreement_year), distinct=True
            ),
            risk_prioritised=Count(
                "risks",
                filter=Q(risks__agreement_year=agreement_year, risks__prioritised=True),
                distinct=True,
            ),
        )
        .prefetch_related(Prefetch("plans", queryset=plans, to_attr="year_plans"))
        .order_by("name", "pk")
    )
    rows = []
    counts: Counter[str] = Counter()
    themes: Counter[str] = Counter()
    for company in companies:
        plan = company.year_plans[0] if company.year_plans else None
        row_state = plan_state(plan, agreement_year, today)
        counts[row_state] += 1
        if plan is not None:
            themes.update(plan.themes)
        if state and row_state != state:
            continue
        rows.append(
            PlanRow(
                organisation=company,
                plan=plan,
                state=row_state,
                risks=company.risk_total,
                prioritised=company.risk_prioritised,
            )
        )
    labels = dict(RbcTheme.choices)
    return PlanStatus(
        year=agreement_year,
        rows=rows,
        counts={key: counts.get(key, 0) for key in STATE_FILTERS},
        themes=[
            (value, str(labels[value]), themes[value])
            for value in RbcTheme.values
            if themes[value]
        ],
    )
