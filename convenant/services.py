"""Writes to the agreement calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from governance import permissions

from .audit import audit_record
from .models import Agreement, AgreementYear

# A keyword left out: keep the value the row has.
UNCHANGED = object()


@transaction.atomic
def agreement_update(
    *, agreement: Agreement, actor, request=None, **fields: Any
) -> Agreement:
    """Change the term, budget shares or supporter contribution. The years must still lie
    within the term afterwards."""
    if not permissions.can_manage_calendar(actor):
        raise PermissionDenied
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    before = {key: str(getattr(agreement, key)) for key in fields}
    for key, value in fields.items():
        setattr(agreement, key, value)
    agreement.full_clean()
    outside = agreement.years.exclude(
        starts_on__gte=agreement.starts_on, ends_on__lte=agreement.ends_on
    )
    if outside.exists():
        raise ValidationError(
            _("Year %(number)s would fall outside the term; change the years first.")
            % {"number": outside.first().number}
        )
    agreement.save()
    after = {key: str(getattr(agreement, key)) for key in fields}
    audit_record(
        actor=actor,
        action="agreement.update",
        obj=agreement,
        request=request,
        details={
            "changes": {
                k: [before[k], after[k]] for k in fields if before[k] != after[k]
            }
        },
    )
    return agreement


@transaction.atomic
def agreement_year_update(
    *,
    agreement_year: AgreementYear,
    starts_on: dt.date,
    ends_on: dt.date,
    actor,
    request=None,
    location_list_due_on: dt.date | object | None = UNCHANGED,
) -> AgreementYear:
    """Move the dates of one agreement year. It stays within the term and does not overlap
    another year. The production-location list's due date, when given, lies within the
    year."""
    if not permissions.can_manage_calendar(actor):
        raise PermissionDenied
    year = AgreementYear.objects.select_for_update().get(pk=agreement_year.pk)
    agreement = year.agreement
    if location_list_due_on is UNCHANGED:
        location_list_due_on = year.location_list_due_on
    before = (str(year.starts_on), str(year.ends_on))
    due_before = year.location_list_due_on
    errors: dict[str, list[str]] = {}
    if ends_on < starts_on:
        errors.setdefault("ends_on", []).append(_("The end lies before the start."))
    if starts_on < agreement.starts_on:
        errors.setdefault("starts_on", []).append(
            _("The year cannot start before the agreement (%(date)s).")
            % {"date": agreement.starts_on.isoformat()}
        )
    if ends_on > agreement.ends_on:
        errors.setdefault("ends_on", []).append(
            _("The year cannot end after the agreement (%(date)s).")
            % {"date": agreement.ends_on.isoformat()}
        )
    overlapping = (
        agreement.years.exclude(pk=year.pk)
        .filter(starts_on__lte=ends_on, ends_on__gte=starts_on)
        .order_by("number")
        .first()
    )
    if overlapping is not None:
        errors.setdefault("starts_on", []).append(
            _("These dates overlap year %(number)s (%(start)s to %(end)s).")
            % {
                "number": overlapping.number,
                "start": overlapping.starts_on.isoformat(),
                "end": overlapping.ends_on.isoformat(),
            }
        )
    if errors:
        raise ValidationError(errors)
    year.starts_on, year.ends_on = starts_on, ends_on
    year.location_list_due_on = location_list_due_on
    year.full_clean()
    year.save()
    audit_record(
        actor=actor,
        action="agreement_year.update",
        obj=year,
        request=request,
        details={
            "before": before,
            "after": (str(starts_on), str(ends_on)),
            **(
                {"location_list_due_on": [str(due_before), str(location_list_due_on)]}
                if due_before != location_list_due_on
                else {}
            ),
        },
    )
    return year
