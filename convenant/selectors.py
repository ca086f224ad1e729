"""Reads of the agreement calendar and the audit log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from .models import Agreement, AgreementYear, AuditEntry


def agreement_current() -> Agreement | None:
    """The agreement the platform runs; the first by start date while there is one."""
    return Agreement.objects.order_by("starts_on", "id").first()


def agreement_years(*, agreement: Agreement) -> QuerySet[AgreementYear]:
    return agreement.years.order_by("number")


def agreement_year_on(*, agreement: Agreement, day: dt.date | None = None):
    """The agreement year that contains `day` (today by default), or None."""
    day = day or timezone.localdate()
    return agreement.years.filter(starts_on__lte=day, ends_on__gte=day).first()


@dataclass(frozen=True)
class AuditFilters:
    action: str = ""
    actor: str = ""
    organisation: int | None = None


def audit_entry_list(*, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    filters = filters or AuditFilters()
    qs = AuditEntry.objects.select_related("organisation", "content_type")
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.actor:
        qs = qs.filter(actor_label__icontains=filters.actor)
    if filters.organisation:
        qs = qs.filter(organisation_id=filters.organisation)
    return qs.order_by("-occurred_at", "-id")
