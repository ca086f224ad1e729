"""Reads of production-location lists, scoped to the person asking; each in a fixed number
of queries whatever the number of locations or companies."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from convenant.vocabulary import Activity
from governance.models import Organisation, OrganisationKind, OrganisationStatus

from . import permissions
from .models import (
    ImportStatus,
    ListStatus,
    Location,
    LocationImport,
    LocationList,
    year_allowed,
)


def reporting_year_current() -> int:
    """The year whose list companies are working on: the calendar year."""
    return timezone.localdate().year


def check_year(year: int) -> int:
    """The year from a URL, or 404 when no list can be kept for it."""
    if not year_allowed(year):
        raise Http404
    return year


# --- The company's own lists -------------------------------------------------------------


@dataclass(frozen=True)
class YearRow:
    year: int
    location_list: LocationList | None
    locations: int


def own_list_years(*, user) -> list[YearRow]:
    """The company's lists, newest first, with this year's and last year's even when
    they have no list yet. One query."""
    company = permissions.own_company(user)
    if company is None:
        return []
    lists = {
        item.year: item
        for item in LocationList.objects.filter(company=company).annotate(
            location_count=Count("locations")
        )
    }
    current = reporting_year_current()
    years = sorted({current, current - 1, *lists}, reverse=True)
    return [
        YearRow(
            year=year,
            location_list=lists.get(year),
            locations=lists[year].location_count if year in lists else 0,
        )
        for year in years
        if year_allowed(year)
    ]


def location_list_get(*, user, company: Organisation, year: int) -> LocationList | None:
    """The company's list for the year when the person may see it; None when it has
    none yet."""
    return (
        permissions.location_list_visible_to(user)
        .filter(company=company, year=year)
        .first()
    )


@dataclass(frozen=True)
class LocationFilters:
    tier: int | None = None
    activity: str = ""
    country: str = ""
    q: str = ""


def location_list_locations(
    *, location_list: LocationList | None, filters: LocationFilters | None = None
) -> QuerySet[Location]:
    if location_list is None:
        return Location.objects.none()
    filters = filters or LocationFilters()
    qs = location_list.locations.all()
    if filters.tier:
        qs = qs.filter(tier=filters.tier)
    if filters.activity:
        qs = qs.filter(activity=filters.activity)
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.q:
        qs = qs.filter(
            Q(supplier_name__icontains=filters.q)
            | Q(city__icontains=filters.q)
            | Q(external_id__iexact=filters.q)
        )
    return qs.order_by("tier", "supplier_name", "id")


def location_list_choices(location_list: LocationList | None) -> dict[str, list]:
    """The tiers and countries the list has, for its filters. One query."""
    if location_list is None:
        return {"tiers": [], "countries": []}
    pairs = set(location_list.locations.values_list("tier", "country").distinct())
    return {
        "tiers": sorted({tier for tier, _country in pairs}),
        "countries": sorted({country for _tier, country in pairs}),
    }


def location_get_editable(*, user, pk: int) -> Location:
    """One location of the person's own company, or 404."""
    return get_object_or_404(permissions.location_editable_by(user), pk=pk)


def location_import_get(*, user, pk: int) -> LocationImport:
    return get_object_or_404(permissions.location_import_visible_to(user), pk=pk)


def location_import_latest(
    *, user, company: Organisation, year: int
) -> LocationImport | None:
    """The newest upload of the list that is running or waits for confirmation."""
    run = (
        permissions.location_import_visible_to(user)
        .filter(company=company, year=year)
        .order_by("-created_at", "-id")
        .first()
    )
    if run is None or run.is_applied:
        return None
    if run.status in {ImportStatus.QUEUED, ImportStatus.RUNNING}:
        return run
    return run if run.awaits_confirmation else None


# --- The secretariat's overview ----------------------------------------------------------


@dataclass(frozen=True)
class OverviewRow:
    company: Organisation
    location_list: LocationList | None
    locations: int
    deeper_tiers: int
    countries: int

    @property
    def status(self) -> str:
        return self.location_list.status if self.location_list else ""


def location_list_overview(*, user, year: int) -> list[OverviewRow]:
    """Every taking-part company with its list for the year (status and counts), and
    every other company that has a list. Two queries, whatever the number of companies
    and locations. The secretariat only."""
    if not permissions.can_view_all_lists(user):
        return []
    lists = {
        item.company_id: item
        for item in LocationList.objects.filter(year=year)
        .select_related("company", "submitted_by")
        .annotate(
            location_count=Count("locations"),
            deeper_count=Count("locations", filter=Q(locations__tier__gte=2)),
            country_count=Count("locations__country", distinct=True),
        )
    }
    companies = Organisation.objects.filter(kind=OrganisationKind.COMPANY).filter(
        Q(status__in=[OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING])
        | Q(pk__in=list(lists))
    )
    rows = []
    for company in companies.order_by("name", "id"):
        item = lists.get(company.pk)
        rows.append(
            OverviewRow(
                company=company,
                location_list=item,
                locations=item.location_count if item else 0,
                deeper_tiers=item.deeper_count if item else 0,
                countries=item.country_count if item else 0,
            )
        )
    return rows


def company_get(*, user, pk: int) -> Organisation:
    """A company whose list the secretariat opens, or 404."""
    if not permissions.can_view_all_lists(user):
        raise Http404
    return get_object_or_404(
        Organisation.objects.filter(kind=OrganisationKind.COMPANY), pk=pk
    )


# --- Transparency progress (art. 18) ------------------------------------------------------


@dataclass(frozen=True)
class YearOnYear:
    """A number of locations this year and last year."""

    key: str
    this_year: int
    last_year: int
    label: str = ""

    @property
    def change(self) -> int:
        return self.this_year - self.last_year


@dataclass(frozen=True)
class TransparencyFigures:
    """How far a company maps its chain (art. 18): its locations per tier and per
    activity in `year` against `year - 1`, and the share beyond tier 1. A year without a
    list counts zero locations and has status None. For the company's own pages, the
    secretariat and the monitoring tool."""

    company_id: int
    year: int
    status: str | None
    status_last_year: str | None
    total: int
    total_last_year: int
    beyond_tier_one: int
    beyond_tier_one_last_year: int
    by_tier: tuple[YearOnYear, ...]
    by_activity: tuple[YearOnYear, ...]

    @property
    def last_year(self) -> int:
        return self.year - 1

    @property
    def share_beyond_tier_one(self) -> float | None:
        """Tier 2 and deeper as a share of all locations, 0 to 1; None without any."""
        return self.beyond_tier_one / self.total if self.total else None

    @property
    def share_beyond_tier_one_last_year(self) -> float | None:
        if not self.total_last_year:
            return None
        return self.beyond_tier_one_last_year / self.total_last_year

    @property
    def change(self) -> int:
        return self.total - self.total_last_year

    @property
    def has_figures(self) -> bool:
        return bool(self.total or self.total_last_year)


def transparency_figures(company: Organisation, year: int) -> TransparencyFigures:
    """The company's transparency figures for `year`, draft or submitted, in two
    queries. Tiers are counted as they are (1, 2, 3, ...); activities in the order of
    the vocabulary, only those with a location in either year."""
    years = (year, year - 1)
    statuses = dict(
        LocationList.objects.filter(company=company, year__in=years).values_list(
            "year", "status"
        )
    )
    tiers: dict[tuple[int, int], int] = {}
    activities: dict[tuple[int, str], int] = {}
    for list_year, tier, activity, count in (
        Location.objects.filter(
            location_list__company=company, location_list__year__in=years
        )
        .values_list("location_list__year", "tier", "activity")
        .annotate(n=Count("id"))
        .order_by()
    ):
        tiers[list_year, tier] = tiers.get((list_year, tier), 0) + count
        activities[list_year, activity] = (
            activities.get((list_year, activity), 0) + count
        )

    def total(of_year: int, *, deeper: bool = False) -> int:
        return sum(
            count
            for (list_year, tier), count in tiers.items()
            if list_year == of_year and (tier >= 2 or not deeper)
        )

    tier_numbers = sorted({tier for _year, tier in tiers})
    activity_codes = [
        code for code in Activity.values if any(a == code for _y, a in activities)
    ]
    return TransparencyFigures(
        company_id=company.pk,
        year=year,
        status=statuses.get(year),
        status_last_year=statuses.get(year - 1),
        total=total(year),
        total_last_year=total(year - 1),
        beyond_tier_one=total(year, deeper=True),
        beyond_tier_one_last_year=total(year - 1, deeper=True),
        by_tier=tuple(
            YearOnYear(
                key=str(tier),
                this_year=tiers.get((year, tier), 0),
                last_year=tiers.get((year - 1, tier), 0),
            )
            for tier in tier_numbers
        ),
        by_activity=tuple(
            YearOnYear(
                key=code,
                this_year=activities.get((year, code), 0),
                last_year=activities.get((year - 1, code), 0),
                label=Activity(code).label,
            )
            for code in activity_codes
        ),
    )


def is_submitted(location_list: LocationList | None) -> bool:
    return location_list is not None and location_list.status == ListStatus.SUBMITTED
