"""Permission-matrix rows of the reminders pages (see tests/matrix.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from convenant.reminders.models import Reminder, ReminderKind
from tests.matrix import Redirect, Row, World, only, secretariat_only, signed_in

# Every signed-in person dismisses their own organisation's reminders; the secretariat
# reads them all but dismisses none (403); another's reminder is not theirs (404).
DISMISS_OWN = only({"secretariat"}, 403, Redirect("reminders:reminder_list"))
DISMISS_OTHER = only({"secretariat"}, 403, 404)
DISMISS_GET = only({"secretariat"}, 403, 405)

ROWS: tuple[Row, ...] = (
    Row("reminders:reminder_list", "GET", signed_in(200)),
    Row("reminders:reminder_overview", "GET", secretariat_only()),
    Row("reminders:reminder_dismiss", "GET", DISMISS_GET, target="own_reminder"),
    Row("reminders:reminder_dismiss", "POST", DISMISS_OWN, target="own_reminder"),
    Row("reminders:reminder_dismiss", "POST", DISMISS_OTHER, target="other_reminder"),
)
DATA: dict[str, Callable[[World], dict]] = {}
WATCHED: tuple = (Reminder,)
CREATED: dict = {}


def _reminder(organisation) -> Reminder:
    return Reminder.objects.create(
        kind=ReminderKind.PLAN_DUE,
        organisation=organisation,
        subject_key=f"plan:{organisation.pk}:1",
        deadline=timezone.localdate() + dt.timedelta(days=5),
        lead_days=7,
    )


def build(world: World) -> None:
    world.targets["own_reminder"] = {"pk": _reminder(world.own_org).pk}
    world.targets["other_reminder"] = {"pk": _reminder(world.other_org).pk}
