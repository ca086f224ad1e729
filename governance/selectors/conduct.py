"""Reads of notices of withdrawal, removals, complaints and the news page, scoped to the
person asking; list pages in a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from convenant.selectors import agreement_current, agreement_year_on

from .. import permissions
from ..models import (
    Complaint,
    Constituency,
    Contribution,
    Decision,
    NewsItem,
    Organisation,
    Removal,
    RemovalReminder,
    WithdrawalNotice,
)
from ..services.decisions import decision_for


def withdrawal_list(*, user) -> QuerySet[WithdrawalNotice]:
    return permissions.withdrawal_visible_to(user).order_by("-notice_on", "-pk")


def withdrawal_get(*, user, pk: int) -> WithdrawalNotice:
    return get_object_or_404(permissions.withdrawal_visible_to(user), pk=pk)


def withdrawal_open_for(*, organisation: Organisation) -> WithdrawalNotice | None:
    return organisation.withdrawal_notices.filter(status="given").first()


def running_contribution(*, organisation: Organisation) -> Contribution | None:
    """The organisation's contribution for the agreement year running today."""
    agreement = agreement_current()
    year = agreement_year_on(agreement=agreement) if agreement else None
    if year is None:
        return None
    return (
        organisation.contributions.select_related("agreement_year")
        .filter(agreement_year=year)
        .first()
    )


def removal_list(*, user) -> QuerySet[Removal]:
    return (
        permissions.removal_visible_to(user)
        .annotate(reminder_count=Count("reminders"))
        .order_by("-created_at", "-pk")
    )


def removal_get(*, user, pk: int) -> Removal:
    return get_object_or_404(permissions.removal_visible_to(user), pk=pk)


def removal_reminders(*, removal: Removal) -> list[RemovalReminder]:
    return list(removal.reminders.select_related("created_by").order_by("sent_on"))


def removal_candidates() -> QuerySet[Organisation]:
    """Active parties, for the secretariat's choice when opening a removal case."""
    return Organisation.objects.filter(
        kind__in=["company", "union", "ngo", "branch"],
        participation="party",
        status="active",
    ).order_by("name", "pk")


def subject_decision(subject) -> Decision | None:
    return decision_for(subject)


def complaint_list(*, user) -> QuerySet[Complaint]:
    return permissions.complaint_visible_to(user).order_by("-filed_at", "-pk")


def complaint_get(*, user, pk: int) -> Complaint:
    return get_object_or_404(permissions.complaint_visible_to(user), pk=pk)


@dataclass(frozen=True)
class PanelSeat:
    constituency: str
    label: str
    organisation: Organisation | None
    replaces: Organisation | None


def complaint_panel_seats(*, complaint: Complaint) -> list[PanelSeat]:
    """The panel's four seats with their organisation, and the usual holder a
    replacement sits for (two queries)."""
    if not complaint.panel:
        return []
    usual = dict(
        permissions.current_seats()
        .order_by("constituency", "-starts_on", "-pk")
        .values_list("constituency", "organisation_id")
    )
    ids = {int(v) for v in complaint.panel.values()} | set(usual.values())
    names = Organisation.objects.in_bulk(ids)
    rows = []
    for seat in Constituency:
        holder = complaint.panel.get(seat.value)
        regular = usual.get(seat.value)
        rows.append(
            PanelSeat(
                constituency=seat.value,
                label=str(seat.label),
                organisation=names.get(int(holder)) if holder else None,
                replaces=names.get(regular)
                if regular and holder and int(holder) != regular
                else None,
            )
        )
    return rows


def news_list(*, user) -> QuerySet[NewsItem]:
    if not permissions.can_see_news(user):
        return NewsItem.objects.none()
    return NewsItem.objects.select_related("published_by").order_by(
        "-published_at", "-pk"
    )
