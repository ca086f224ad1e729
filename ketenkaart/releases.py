"""Publishing the aggregated production-location list (art. 19, 21) and the rules it is
built with: the disclosure thresholds the Kerngroep sets, and companies' requests for
restricted disclosure (art. 24).

A release is built from the submitted lists of a year by the pure disclosure control in
`aggregation.py`, in a Celery task, and stored whole or not at all: its cells appear in
the same transaction that marks it published. A second start for a year while one is
being built attaches to that build. A published release never changes; publishing again
makes the next release of the year, which supersedes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.audit import audit_record
from convenant.spreadsheets import escape_formula
from governance.models import Organisation
from governance.permissions import Role, is_secretariat, user_roles

from . import aggregation, m49
from .exports import FILE_FORMATS, export_file
from .models import (
    DisclosureRule,
    ListStatus,
    Location,
    LocationList,
    LocationRelease,
    ReleaseCell,
    ReleaseStatus,
    RestrictedDisclosure,
    RestrictionLevel,
    RestrictionStatus,
)
from .permissions import can_edit_list_of

FACT_CHUNK = 20_000


# --- Who may ----------------------------------------------------------------------------


def can_publish(user) -> bool:
    return is_secretariat(user)


def can_see_exact_figures(user) -> bool:
    """Exact counts and the companies behind a figure (art. 19): the secretariat only."""
    return is_secretariat(user)


def can_see_releases(user) -> bool:
    """The published list is shared with every party (art. 21)."""
    return bool(user.is_authenticated and user.is_active and user.organisation_id)


def can_see_restriction_requests(user) -> bool:
    """The Kerngroep decides on requests (art. 24); the secretariat prepares them."""
    roles = user_roles(user)
    return bool(roles & {Role.SECRETARIAT, Role.KERNGROEP, Role.CHAIR})


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Disclosure rules -------------------------------------------------------------------


def disclosure_rule_current(on: dt.date | None = None) -> DisclosureRule | None:
    on = on or timezone.localdate()
    return (
        DisclosureRule.objects.filter(valid_from__lte=on)
        .order_by("-valid_from", "-pk")
        .first()
    )


def rules_of(rule: DisclosureRule | None) -> aggregation.Rules:
    if rule is None:
        return aggregation.DEFAULT_RULES
    return aggregation.Rules(k=rule.k, dominance_percent=rule.dominance_percent)


@transaction.atomic
def disclosure_rule_record(
    *,
    k: int,
    dominance_percent: int,
    valid_from: dt.date,
    decided_on: dt.date,
    note: str = "",
    actor,
    request: HttpRequest | None = None,
) -> DisclosureRule:
    """Record the thresholds the Kerngroep decided on. Earlier rules stay, so every
    release can say which rule it was built with."""
    _require(is_secretariat(actor))
    if decided_on > timezone.localdate():
        raise ValidationError(
            {"decided_on": _("The decision date cannot lie in the future.")}
        )
    rule = DisclosureRule(
        k=k,
        dominance_percent=dominance_percent,
        valid_from=valid_from,
        decided_on=decided_on,
        note=note.strip(),
        recorded_by=actor,
    )
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        action="ketenkaart.rule",
        obj=rule,
        request=request,
        details={
            "k": k,
            "dominance_percent": dominance_percent,
            "valid_from": valid_from.isoformat(),
        },
    )
    return rule


# --- Restricted disclosure (art. 24) ------------------------------------------------------


@transaction.atomic
def restriction_request(
    *,
    company: Organisation,
    requested_level: str,
    reason: str,
    actor,
    request: HttpRequest | None = None,
) -> RestrictedDisclosure:
    """A company asks to enter the aggregated list only at a higher level, with its
    reasons. It waits for the Kerngroep's decision."""
    _require(can_edit_list_of(actor, company))
    if RestrictedDisclosure.objects.filter(
        company=company, status=RestrictionStatus.PENDING
    ).exists():
        raise ValidationError(
            _(
                "Your company has a request waiting for the Kerngroep already; "
                "withdraw it first to ask again."
            )
        )
    item = RestrictedDisclosure(
        company=company,
        requested_level=requested_level,
        reason=(reason or "").strip(),
        requested_by=actor,
    )
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="ketenkaart.restriction_request",
        obj=item,
        organisation=company,
        request=request,
        details={"level": requested_level},
    )
    return item


@transaction.atomic
def restriction_withdraw(
    *, item: RestrictedDisclosure, actor, request: HttpRequest | None = None
) -> RestrictedDisclosure:
    """The company withdraws a waiting request, or gives up an approved restriction
    (from the next release it is counted in its countries again)."""
    item = RestrictedDisclosure.objects.select_for_update().get(pk=item.pk)
    _require(can_edit_list_of(actor, item.company))
    if item.status not in {RestrictionStatus.PENDING, RestrictionStatus.APPROVED}:
        raise ValidationError(_("This request has ended already."))
    item.status = RestrictionStatus.WITHDRAWN
    item.approved_level = ""
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="ketenkaart.restriction_withdraw",
        obj=item,
        organisation=item.company,
        request=request,
    )
    return item


@transaction.atomic
def restriction_decide(
    *,
    item: RestrictedDisclosure,
    approved: bool,
    level: str = "",
    decided_on: dt.date,
    note: str = "",
    actor,
    request: HttpRequest | None = None,
) -> RestrictedDisclosure:
    """Record the Kerngroep's decision. An approval names the level the Kerngroep
    approved (which may differ from the one asked) and applies from the next release;
    it replaces an earlier approval of the same company."""
    _require(is_secretariat(actor))
    item = RestrictedDisclosure.objects.select_for_update().get(pk=item.pk)
    if item.status != RestrictionStatus.PENDING:
        raise ValidationError(_("This request was decided already."))
    if decided_on > timezone.localdate():
        raise ValidationError(
            {"decided_on": _("The decision date cannot lie in the future.")}
        )
    if approved and level not in RestrictionLevel.values:
        raise ValidationError(
            {"level": _("Say at which level the Kerngroep approved the request.")}
        )
    if approved:
        RestrictedDisclosure.objects.filter(
            company=item.company, status=RestrictionStatus.APPROVED
        ).update(status=RestrictionStatus.WITHDRAWN, approved_level="")
    item.status = RestrictionStatus.APPROVED if approved else RestrictionStatus.REFUSED
    item.approved_level = level if approved else ""
    item.decided_on = decided_on
    item.decision_note = (note or "").strip()
    item.decided_by = actor
    item.decided_at = timezone.now()
    item.full_clean()
    item.save()
    audit_record(
        actor=actor,
        action="ketenkaart.restriction_decide",
        obj=item,
        organisation=item.company,
        request=request,
        details={"approved": approved, "level": item.approved_level},
    )
    return item


def restrictions_in_force(
    at: dt.datetime | None = None,
) -> list[aggregation.Restriction]:
    """The approved restrictions decided before `at`: a release honours those decided
    before it started."""
    qs = RestrictedDisclosure.objects.filter(status=RestrictionStatus.APPROVED)
    if at is not None:
        qs = qs.filter(decided_at__lt=at)
    return [
        aggregation.Restriction(company_id=company_id, level=level)
        for company_id, level in qs.order_by("company_id").values_list(
            "company_id", "approved_level"
        )
    ]


def restriction_list(*, user) -> QuerySet[RestrictedDisclosure]:
    qs = RestrictedDisclosure.objects.select_related(
        "company", "requested_by", "decided_by"
    )
    if can_see_restriction_requests(user):
        return qs
    if user.is_authenticated and user.organisation_id:
        return qs.filter(company_id=user.organisation_id)
    return qs.none()


# --- Releases ---------------------------------------------------------------------------


def _facts(year: int) -> Iterator[aggregation.LocationFact]:
    rows = (
        Location.objects.filter(
            location_list__year=year, location_list__status=ListStatus.SUBMITTED
        )
        .values_list(
            "location_list__company_id", "supplier_name", "country", "activity"
        )
        .order_by()
        .iterator(chunk_size=FACT_CHUNK)
    )
    for company_id, name, country, activity in rows:
        yield aggregation.LocationFact(
            company_id=company_id,
            supplier_name=name,
            country=str(country),
            activity=activity,
        )


def release_start(
    *, year: int, actor, request: HttpRequest | None = None, run_now: bool = False
) -> tuple[LocationRelease, bool]:
    """Start building the aggregated list of `year`. Returns the release and whether
    this call started it: while a build of the year is queued or running, a second
    start attaches to it. The build runs in a Celery task once this is committed, or
    at once with `run_now` (the command line)."""
    _require(actor is None or can_publish(actor))
    if not LocationList.objects.filter(year=year, status=ListStatus.SUBMITTED).exists():
        raise ValidationError(
            _("No company has submitted its list for %(year)s yet.") % {"year": year}
        )
    with transaction.atomic():
        building = (
            LocationRelease.objects.select_for_update()
            .filter(year=year, status__in=[ReleaseStatus.QUEUED, ReleaseStatus.RUNNING])
            .first()
        )
        if building is not None:
            return building, False
        number = (
            LocationRelease.objects.filter(year=year).aggregate(n=Max("number"))["n"]
            or 0
        ) + 1
        try:
            with transaction.atomic():
                release = LocationRelease.objects.create(
                    year=year, number=number, created_by=actor
                )
        except IntegrityError:
            # Another start for the year won the race: attach to it.
            return (
                LocationRelease.objects.filter(
                    year=year,
                    status__in=[ReleaseStatus.QUEUED, ReleaseStatus.RUNNING],
                ).first()
                or LocationRelease.objects.filter(year=year).latest("number"),
                False,
            )
        audit_record(
            actor=actor,
            action="ketenkaart.release_start",
            obj=release,
            request=request,
            details={"year": year, "number": number},
        )
        if not run_now:
            from . import tasks

            release_id = release.pk
            transaction.on_commit(lambda: tasks.publish_location_list.delay(release_id))
    if run_now:
        release = release_build(release_id=release.pk)
    return release, True


def release_build(*, release_id: int) -> LocationRelease:
    """Build a queued release. Idempotent: a published release is returned as it is;
    a failed one is left for a new start. On failure nothing of the release's cells is
    kept and the release says why."""
    with transaction.atomic():
        release = LocationRelease.objects.select_for_update().get(pk=release_id)
        if release.status in {ReleaseStatus.PUBLISHED, ReleaseStatus.FAILED}:
            return release
        release.status = ReleaseStatus.RUNNING
        release.save(update_fields=["status"])
    try:
        with transaction.atomic():
            release = LocationRelease.objects.select_for_update().get(pk=release_id)
            if release.status != ReleaseStatus.RUNNING:
                # The same task delivered twice: the other run built it meanwhile.
                return release
            _build(release)
    except Exception as error:
        LocationRelease.objects.filter(pk=release_id).update(
            status=ReleaseStatus.FAILED, error_message=str(error)[:2000]
        )
        raise
    return release


def _build(release: LocationRelease) -> None:
    rule = disclosure_rule_current(timezone.localdate(release.created_at))
    rules = rules_of(rule)
    restrictions = restrictions_in_force(release.created_at)
    result = aggregation.aggregate(_facts(release.year), restrictions, rules)
    cells = [
        ReleaseCell(
            release=release,
            position=position,
            area_level=cell.area_level,
            area_code=cell.area_code,
            activity=cell.activity,
            companies_band=cell.companies_band,
            locations_band=cell.locations_band or "",
            exact_companies=len(cell.companies),
            exact_locations=cell.locations,
            company_ids=sorted(cell.companies),
            countries=sorted(country for country, _ids in cell.sources),
        )
        for position, cell in enumerate(result.cells)
    ]
    ReleaseCell.objects.bulk_create(cells, batch_size=1000)
    lists = LocationList.objects.filter(year=release.year, status=ListStatus.SUBMITTED)
    release.rule = rule
    release.rules = rules.as_dict()
    release.restrictions = [
        {"company": r.company_id, "level": r.level} for r in restrictions
    ]
    release.lists = lists.count()
    release.companies = lists.values("company_id").distinct().count()
    release.locations = Location.objects.filter(location_list__in=lists).count()
    release.held_back = [
        {
            "area_level": held.area_level,
            "area_code": held.area_code,
            "activity": held.activity,
            "companies": sorted(held.companies),
            "locations": held.locations,
            "published_in": list(held.published_in) if held.published_in else None,
        }
        for held in result.held_back
    ]
    release.status = ReleaseStatus.PUBLISHED
    release.published_at = timezone.now()
    release.error_message = ""
    release.save()
    audit_record(
        actor=release.created_by,
        action="ketenkaart.release_publish",
        obj=release,
        details={
            "year": release.year,
            "number": release.number,
            "cells": len(cells),
            "k": rules.k,
        },
    )


# --- Reading releases -------------------------------------------------------------------


def release_latest(year: int) -> LocationRelease | None:
    return (
        LocationRelease.objects.filter(year=year, status=ReleaseStatus.PUBLISHED)
        .order_by("-number")
        .first()
    )


def release_get(*, user, pk: int) -> LocationRelease:
    """A release as the person may see it: published ones for every party; building
    and failed ones for the secretariat."""
    from django.http import Http404

    qs = LocationRelease.objects.select_related("rule")
    if not can_publish(user):
        qs = qs.filter(status=ReleaseStatus.PUBLISHED)
    release = qs.filter(pk=pk).first()
    if release is None:
        raise Http404
    return release


def release_list(*, user) -> list[LocationRelease]:
    qs = LocationRelease.objects.select_related("rule").order_by("-year", "-number")
    if not can_publish(user):
        qs = qs.filter(status=ReleaseStatus.PUBLISHED)
    return list(qs)


@dataclass(frozen=True)
class CellFilters:
    activity: str = ""
    area_level: str = ""


# What only the secretariat may see of a cell; public pages never load it.
SECRETARIAT_FIELDS = ("company_ids", "countries", "exact_companies", "exact_locations")


def release_cells(
    release: LocationRelease,
    filters: CellFilters | None = None,
    *,
    exact: bool = False,
) -> list[ReleaseCell]:
    """The cells of a release in their order; with `exact`, also the secretariat's
    figures and the companies behind each cell."""
    filters = filters or CellFilters()
    qs = release.cells.all() if exact else release.cells.defer(*SECRETARIAT_FIELDS)
    if filters.activity:
        qs = qs.filter(activity=filters.activity)
    if filters.area_level:
        qs = qs.filter(area_level=filters.area_level)
    return list(qs.order_by("position"))


def label(area_level: str, area_code: str, language: str) -> str:
    lang: m49.Language = "nl" if language == "nl" else "en"
    return aggregation.area_label(area_level, area_code, lang)  # type: ignore[arg-type]


def area_name(cell: ReleaseCell, language: str) -> str:
    return label(cell.area_level, cell.area_code, language)


def rules_of_release(release: LocationRelease) -> aggregation.Rules:
    try:
        return aggregation.Rules.from_dict(release.rules)
    except (TypeError, ValueError, KeyError):
        return aggregation.DEFAULT_RULES


def public_rows(
    release: LocationRelease, cells: list[ReleaseCell], language: str
) -> list[dict[str, str | int]]:
    """The published columns, in their order: never the exact figures."""
    return [
        {
            "year": release.year,
            "area_level": cell.area_level,
            "area_code": cell.area_code,
            "area_name": area_name(cell, language),
            "activity": cell.activity,
            "companies": cell.companies_band,
            "locations": cell.locations_band or aggregation.WITHHELD,
        }
        for cell in cells
    ]


def release_export(release: LocationRelease, file_format: str, language: str):
    """The published columns of a release as CSV or XLSX: bands only."""
    if file_format not in FILE_FORMATS:
        raise ValidationError(_("Choose the format csv or xlsx."))
    dataset = tablib.Dataset(headers=list(aggregation.PUBLIC_COLUMNS))
    for row in public_rows(release, release_cells(release), language):
        dataset.append(
            [escape_formula(row[column]) for column in aggregation.PUBLIC_COLUMNS]
        )
    dataset.title = f"{release.year}"
    return export_file(
        dataset, file_format, f"ketenkaart-{release.year}-release-{release.number}"
    )
