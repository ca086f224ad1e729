"""Two runs of the daily reminders at the same moment (the beat delivering the task
twice) make and mail each reminder once. Needs PostgreSQL: SQLite serialises writers."""

from __future__ import annotations

import os
import threading

import pytest
from django.core import mail
from django.db import connection

from convenant.reminders import services
from convenant.reminders.models import Reminder
from tests.convenant.test_reminders import QUIET_DAY, baseline_company

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs PostgreSQL",
    ),
]


def test_two_runs_at_once_mail_each_reminder_once():
    for _ in range(3):
        baseline_company()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(services.reminders_send(today=QUIET_DAY))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Reminder.objects.count() == 3
    assert sum(result.created for result in results) == 3
    assert sum(result.mailed for result in results) == 6
    assert len(mail.outbox) == 6
    assert Reminder.objects.filter(mailed_at__isnull=True).count() == 0
