"""Reads of members and money, scoped to the person asking; each in a fixed number of
queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from convenant.models import Agreement, AgreementYear

from .. import permissions
from ..models import (
    Contribution,
    ContributionStatus,
    FteBand,
    Invitation,
    KerngroepSeat,
    Organisation,
    User,
)


@dataclass(frozen=True)
class OrganisationFilters:
    kind: str = ""
    status: str = ""
    participation: str = ""
    q: str = ""


def organisation_list(*, user, filters: OrganisationFilters | None = None) -> QuerySet:
    """Organisations the person may see, filtered, with their number of active users."""
    filters = filters or OrganisationFilters()
    qs = permissions.organisation_visible_to(user)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.participation:
        qs = qs.filter(participation=filters.participation)
    if filters.q:
        qs = qs.filter(
            Q(name__icontains=filters.q) | Q(kvk_number__startswith=filters.q)
        )
    return qs.annotate(
        active_users=Count("users", filter=Q(users__is_active=True))
    ).order_by("name", "id")


def organisation_get(*, user, pk: int) -> Organisation:
    """One organisation, or 404 when it does not exist or is not the person's to see."""
    return get_object_or_404(permissions.organisation_visible_to(user), pk=pk)


def organisation_members(*, organisation: Organisation) -> QuerySet[User]:
    return organisation.users.order_by("-is_active", "last_name", "email")


def organisation_invitations(*, organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.select_related("invited_by").order_by("-created_at")


def organisation_contributions(*, organisation: Organisation) -> QuerySet[Contribution]:
    return organisation.contributions.select_related("agreement_year").order_by(
        "agreement_year__number"
    )


def organisation_counts() -> dict[str, dict[str, int]]:
    """Organisations per status and per kind, for the secretariat's dashboard."""
    by_status = dict(
        Organisation.objects.values_list("status").annotate(n=Count("id")).order_by()
    )
    by_kind = dict(
        Organisation.objects.values_list("kind").annotate(n=Count("id")).order_by()
    )
    return {"status": by_status, "kind": by_kind}


def kerngroep_seats_current() -> QuerySet[KerngroepSeat]:
    return permissions.current_seats().select_related(
        "organisation", "regular_representative", "deputy_representative"
    )


@dataclass(frozen=True)
class FinanceSummary:
    """The finance page of one agreement year: the bands in force, every contribution
    with its organisation, and the year's totals. Without a year (none set yet) the
    contributions are empty and the totals zero."""

    agreement: Agreement
    year: AgreementYear | None
    bands: list[FteBand]
    contributions: list[Contribution]
    total: Decimal
    invoiced: Decimal
    paid: Decimal
    count_due: int

    @property
    def outstanding(self) -> Decimal:
        return self.total - self.paid


def finance_summary(
    *, agreement: Agreement, agreement_year: AgreementYear | None
) -> FinanceSummary:
    """At most three queries, whatever the number of contributions. `invoiced` counts what has
    been invoiced so far, paid contributions included."""
    bands = list(agreement.fte_bands.order_by("min_fte"))
    if agreement_year is None:
        return FinanceSummary(
            agreement=agreement,
            year=None,
            bands=bands,
            contributions=[],
            total=Decimal("0"),
            invoiced=Decimal("0"),
            paid=Decimal("0"),
            count_due=0,
        )
    year_contributions = Contribution.objects.filter(agreement_year=agreement_year)
    contributions = list(
        year_contributions.select_related("organisation").order_by(
            "organisation__name", "organisation_id"
        )
    )
    totals = year_contributions.aggregate(
        total=Sum("amount"),
        invoiced=Sum(
            "amount",
            filter=Q(status__in=[ContributionStatus.INVOICED, ContributionStatus.PAID]),
        ),
        paid=Sum("amount", filter=Q(status=ContributionStatus.PAID)),
        due=Count("id", filter=Q(status=ContributionStatus.DUE)),
    )
    return FinanceSummary(
        agreement=agreement,
        year=agreement_year,
        bands=bands,
        contributions=contributions,
        total=totals["total"] or Decimal("0"),
        invoiced=totals["invoiced"] or Decimal("0"),
        paid=totals["paid"] or Decimal("0"),
        count_due=totals["due"],
    )


def contribution_get(*, user, pk: int) -> Contribution:
    if not permissions.can_view_finance(user):
        return get_object_or_404(Contribution.objects.none(), pk=pk)
    return get_object_or_404(Contribution.objects.select_related("organisation"), pk=pk)
