"""Reads for the reminders: the facts the rules decide on, loaded in a fixed number of
queries, and the reminders a person may see."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from governance.models import (
    ConfidentialityAgreement,
    OrganisationStatus,
)
from governance.permissions import is_secretariat

from ..models import AgreementYear
from . import rules
from .models import Reminder, ReminderLead

# --- Facts for the rules ------------------------------------------------------------------


def lead_days() -> dict[str, tuple[int, ...]]:
    """Kind -> the days ahead it is reminded of, from the lead-time table."""
    leads: dict[str, list[int]] = defaultdict(list)
    for kind, days in ReminderLead.objects.values_list("kind", "days"):
        leads[kind].append(days)
    return {kind: tuple(sorted(days)) for kind, days in leads.items()}


def assessment_facts(*, today: dt.date, until: dt.date) -> list[rules.AssessmentFact]:
    from monitoring.models import Assessment, AssessmentStatus, RoundKind, RoundStatus

    baseline = Assessment.objects.filter(
        round__kind=RoundKind.BASELINE,
        round__status=RoundStatus.OPEN,
        round__closes_on__range=(today, until),
        status__in=[AssessmentStatus.INVITED, AssessmentStatus.IN_PROGRESS],
    )
    improving = Assessment.objects.filter(
        status=AssessmentStatus.IMPROVING, window_closes_on__range=(today, until)
    )
    rows = (baseline | improving).values_list(
        "pk",
        "organisation_id",
        "round__kind",
        "round__status",
        "round__closes_on",
        "status",
        "window_closes_on",
    )
    return [
        rules.AssessmentFact(
            assessment_id=pk,
            organisation_id=organisation_id,
            round_kind=kind,
            round_open=round_status == RoundStatus.OPEN,
            round_closes_on=closes_on,
            status=status,
            window_closes_on=window,
        )
        for pk, organisation_id, kind, round_status, closes_on, status, window in rows
    ]


def plan_facts(*, today: dt.date, until: dt.date) -> list[rules.PlanFact]:
    """The companies that owe a plan for an agreement year that ends soon."""
    from monitoring.models import PlanOfApproach
    from monitoring.selectors.plans import expected_companies

    facts: list[rules.PlanFact] = []
    years = AgreementYear.objects.filter(
        starts_on__lte=today, ends_on__range=(today, until)
    )
    for year in years:
        companies = expected_companies(agreement_year=year).annotate(
            handed_in=Exists(
                PlanOfApproach.objects.filter(
                    organisation=OuterRef("pk"), agreement_year=year
                )
            )
        )
        facts.extend(
            rules.PlanFact(
                organisation_id=pk,
                agreement_year_id=year.pk,
                year_ends_on=year.ends_on,
                handed_in=handed_in,
            )
            for pk, handed_in in companies.values_list("pk", "handed_in")
        )
    return facts


def location_list_facts(
    *, today: dt.date, until: dt.date
) -> list[rules.LocationListFact]:
    """The companies that owe their production-location list by a due date soon."""
    from ketenkaart.models import ListStatus, LocationList
    from monitoring.selectors.plans import expected_companies

    facts: list[rules.LocationListFact] = []
    years = AgreementYear.objects.filter(location_list_due_on__range=(today, until))
    for year in years:
        due_on = year.location_list_due_on
        if due_on is None:  # excluded by the filter; for the type checker
            continue
        companies = expected_companies(agreement_year=year).annotate(
            submitted=Exists(
                LocationList.objects.filter(
                    company=OuterRef("pk"),
                    year=due_on.year,
                    status=ListStatus.SUBMITTED,
                )
            )
        )
        facts.extend(
            rules.LocationListFact(
                organisation_id=pk,
                year=due_on.year,
                due_on=due_on,
                submitted=submitted,
            )
            for pk, submitted in companies.values_list("pk", "submitted")
        )
    return facts


def confidentiality_facts(
    *, today: dt.date, until: dt.date
) -> list[rules.ConfidentialityFact]:
    """Every agreement of the organisations with one ending soon: the rules need the
    newer ones too, to see a renewal."""
    ending = ConfidentialityAgreement.objects.filter(
        valid_until__range=(today, until),
        revoked_at__isnull=True,
        organisation__status__in=[
            OrganisationStatus.ACTIVE,
            OrganisationStatus.WITHDRAWING,
        ],
    ).values("organisation_id")
    rows = ConfidentialityAgreement.objects.filter(
        organisation_id__in=ending
    ).values_list(
        "pk", "organisation_id", "kind", "valid_from", "valid_until", "revoked_at"
    )
    return [
        rules.ConfidentialityFact(
            agreement_id=pk,
            organisation_id=organisation_id,
            kind=kind,
            valid_from=valid_from,
            valid_until=valid_until,
            revoked=revoked_at is not None,
        )
        for pk, organisation_id, kind, valid_from, valid_until, revoked_at in rows
    ]


def open_deadlines(*, today: dt.date, until: dt.date) -> list[rules.Deadline]:
    """Every deadline not yet met that falls between today and `until`."""
    return [
        *rules.assessment_deadlines(assessment_facts(today=today, until=until)),
        *rules.plan_deadlines(plan_facts(today=today, until=until)),
        *rules.location_list_deadlines(location_list_facts(today=today, until=until)),
        *rules.confidentiality_deadlines(
            confidentiality_facts(today=today, until=until)
        ),
    ]


# --- What people see -----------------------------------------------------------------------


def reminder_visible_to(user) -> QuerySet[Reminder]:
    """An organisation's people see its reminders; the secretariat sees all of them."""
    if not user.is_authenticated:
        return Reminder.objects.none()
    if is_secretariat(user):
        return Reminder.objects.all()
    if user.organisation_id is None:
        return Reminder.objects.none()
    return Reminder.objects.filter(organisation_id=user.organisation_id)


def _own(user) -> QuerySet[Reminder]:
    """The reminders of the person's own organisation (none without one); the
    secretariat's own organisation has none."""
    if not user.is_authenticated or user.organisation_id is None:
        return Reminder.objects.none()
    return Reminder.objects.filter(organisation_id=user.organisation_id)


def reminder_open_list(*, user, today: dt.date) -> QuerySet[Reminder]:
    """The user's organisation's reminders still to act on: not dismissed, the
    deadline neither met nor passed."""
    return (
        _own(user)
        .filter(
            dismissed_at__isnull=True,
            settled_at__isnull=True,
            deadline__gte=today,
        )
        .select_related("organisation")
        .order_by("deadline", "kind", "-lead_days", "pk")
    )


def reminder_past_list(*, user, today: dt.date) -> QuerySet[Reminder]:
    return (
        _own(user)
        .exclude(
            dismissed_at__isnull=True, settled_at__isnull=True, deadline__gte=today
        )
        .select_related("dismissed_by")
        .order_by("-deadline", "-pk")
    )


def reminder_own_get(*, user, pk: int) -> Reminder:
    """One of the user's organisation's reminders, or Http404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(_own(user), pk=pk)


def reminder_overview(*, user, kind: str = "") -> QuerySet[Reminder]:
    """For the secretariat: every reminder made, newest first."""
    reminders = reminder_visible_to(user)
    if kind:
        reminders = reminders.filter(kind=kind)
    return reminders.select_related("organisation", "dismissed_by").order_by(
        "-created_at", "-pk"
    )


DASHBOARD_SHOWN = 5


def dashboard_reminders(*, user) -> list[Reminder]:
    """The first open reminders of the person's organisation, for the dashboard card."""
    if not user.is_authenticated or user.organisation_id is None:
        return []
    today = timezone.localdate()
    return list(reminder_open_list(user=user, today=today)[:DASHBOARD_SHOWN])
