"""Demo data: open reminders of the demo company and the demo NGO, so that their
dashboards show the Deadlines card. They are real deadlines from the other demo data,
the nearest ones first, recorded as already mailed: seeding sends no mail."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from governance.models import Organisation

from . import selectors
from .models import Reminder

DEMO_ORGANISATIONS = ("Hollandse Draadtrekkerij B.V.", "Terre des Hommes Nederland")
LOOK_AHEAD_DAYS = 400
PER_ORGANISATION = 2


def seed(*, secretariat=None) -> int:
    """Idempotent: the reminders' unique key makes a second run add nothing. Returns
    how many reminders were added."""
    today = timezone.localdate()
    organisations = dict(
        Organisation.objects.filter(name__in=DEMO_ORGANISATIONS).values_list(
            "pk", "name"
        )
    )
    if not organisations:
        return 0
    leads = selectors.lead_days()
    deadlines = sorted(
        (
            deadline
            for deadline in selectors.open_deadlines(
                today=today, until=today + dt.timedelta(days=LOOK_AHEAD_DAYS)
            )
            if deadline.organisation_id in organisations and leads.get(deadline.kind)
        ),
        key=lambda deadline: deadline.due_on,
    )
    added = 0
    taken: dict[int, int] = {}
    for deadline in deadlines:
        if taken.get(deadline.organisation_id, 0) >= PER_ORGANISATION:
            continue
        taken[deadline.organisation_id] = taken.get(deadline.organisation_id, 0) + 1
        _, created = Reminder.objects.get_or_create(
            kind=deadline.kind,
            subject_key=deadline.subject,
            deadline=deadline.due_on,
            lead_days=max(leads[deadline.kind]),
            defaults={
                "organisation_id": deadline.organisation_id,
                "mailed_at": timezone.now(),
            },
        )
        added += created
    return added
