"""Writes of the reminders: making the day's reminders and mailing each once, and a
person dismissing one of their organisation's reminders."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from governance.models import OrganisationRole
from governance.permissions import is_secretariat

from ..audit import audit_record
from . import rules, selectors
from .models import Reminder, ReminderKind

logger = logging.getLogger(__name__)

# Where the reminder's mail and page send people to act on it.
TARGETS: dict[str, str] = {
    ReminderKind.BASELINE_DUE: "monitoring:assessment_list",
    ReminderKind.IMPROVEMENT_WINDOW: "monitoring:assessment_list",
    ReminderKind.PLAN_DUE: "monitoring:plan_list",
    ReminderKind.LOCATION_LIST_DUE: "ketenkaart:list_index",
    ReminderKind.CONFIDENTIALITY_EXPIRING: "reminders:reminder_list",
}


@dataclass(frozen=True)
class SendResult:
    due: int
    created: int
    mailed: int
    settled: int = 0


def reminders_send(*, today: dt.date | None = None) -> SendResult:
    """Make the reminders due today and mail each to its organisation's people once.

    Safe to run again on the same day and from two workers at once: the unique key of a
    reminder lets only one run create it, and only the run that marks it mailed (a
    conditional update) sends its mail. A reminder whose mail failed is tried again by
    the next run while its deadline is still open.
    """
    today = today or timezone.localdate()
    leads = selectors.lead_days()
    until = today + dt.timedelta(days=rules.horizon(leads))
    deadlines = selectors.open_deadlines(today=today, until=until)
    settled = reminders_settle(deadlines=deadlines, today=today, until=until)
    items = rules.due(deadlines, leads, today)
    created = mailed = 0
    failure: Exception | None = None
    for item in items:
        reminder, was_created = Reminder.objects.get_or_create(
            kind=item.deadline.kind,
            subject_key=item.deadline.subject,
            deadline=item.deadline.due_on,
            lead_days=item.lead_days,
            defaults={"organisation_id": item.deadline.organisation_id},
        )
        created += was_created
        if reminder.mailed_at is None:
            try:
                mailed += reminder_mail(reminder=reminder)
            except Exception as error:
                # The others still go out; this one is tried again by the next run.
                logger.exception("Reminder %s could not be mailed", reminder.pk)
                failure = failure or error
    if failure is not None:
        raise failure
    return SendResult(due=len(items), created=created, mailed=mailed, settled=settled)


def reminders_settle(
    *, deadlines: list[rules.Deadline], today: dt.date, until: dt.date
) -> int:
    """Take the reminders of deadlines met meanwhile (a plan handed in, a list
    submitted, an agreement renewed) off the open list. `deadlines` are all the open
    deadlines from today to `until`; a reminder in that span whose deadline is not
    among them was met."""
    still_open = {
        (deadline.kind, deadline.subject, deadline.due_on) for deadline in deadlines
    }
    candidates = Reminder.objects.filter(
        deadline__range=(today, until),
        settled_at__isnull=True,
        dismissed_at__isnull=True,
    ).values_list("pk", "kind", "subject_key", "deadline")
    met = [
        pk
        for pk, kind, subject, deadline in candidates
        if (kind, subject, deadline) not in still_open
    ]
    return Reminder.objects.filter(pk__in=met, settled_at__isnull=True).update(
        settled_at=timezone.now()
    )


def recipients(reminder: Reminder) -> list[str]:
    """The organisation's active people; only its admins for a confidentiality
    agreement, which they sign on its behalf."""
    people = reminder.organisation.users.filter(is_active=True)
    if reminder.kind == ReminderKind.CONFIDENTIALITY_EXPIRING:
        people = people.filter(organisation_role=OrganisationRole.ADMIN)
    return list(people.order_by("email").values_list("email", flat=True))


def target_url(reminder: Reminder) -> str:
    return reverse(TARGETS.get(reminder.kind, "reminders:reminder_list"))


def reminder_mail(*, reminder: Reminder) -> int:
    """Mail the reminder to its recipients unless it was mailed already; returns how many
    mails went out. Marking it mailed comes first, in one conditional update, so that
    of two runs only one sends; if sending fails the mark is taken back."""
    now = timezone.now()
    claimed = Reminder.objects.filter(pk=reminder.pk, mailed_at__isnull=True).update(
        mailed_at=now
    )
    if not claimed:
        return 0
    reminder = Reminder.objects.select_related("organisation").get(pk=reminder.pk)
    emails = recipients(reminder)
    site = settings.SITE_URL.rstrip("/")
    context = {
        "reminder": reminder,
        "organisation": reminder.organisation,
        "days_left": (reminder.deadline - timezone.localdate()).days,
        "link": site + target_url(reminder),
        "reminders_link": site + reverse("reminders:reminder_list"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(
            "convenant/email/reminder_subject.txt", context
        ).strip()
        body = render_to_string("convenant/email/reminder_body.txt", context)
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        for email in emails
    ]
    try:
        sent = (get_connection().send_messages(messages) or 0) if messages else 0
    except Exception:
        Reminder.objects.filter(pk=reminder.pk).update(mailed_at=None)
        raise
    with transaction.atomic():
        Reminder.objects.filter(pk=reminder.pk).update(mailed_to=emails)
        audit_record(
            actor=None,
            action="reminder.send",
            obj=reminder,
            organisation=reminder.organisation,
            details={
                "kind": reminder.kind,
                "deadline": reminder.deadline.isoformat(),
                "lead_days": reminder.lead_days,
                "recipients": len(emails),
            },
        )
    return sent


@transaction.atomic
def reminder_dismiss(*, reminder: Reminder, actor) -> Reminder:
    """Put a reminder of the actor's own organisation out of sight. The secretariat
    reads reminders but does not dismiss them."""
    if is_secretariat(actor):
        raise PermissionDenied
    reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if reminder.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if reminder.dismissed_at is None:
        reminder.dismissed_at = timezone.now()
        reminder.dismissed_by = actor
        reminder.full_clean()
        reminder.save(update_fields=["dismissed_at", "dismissed_by"])
    return reminder
