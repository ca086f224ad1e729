"""The tasks of the project package, where Celery's autodiscovery looks for them."""

from celery import shared_task

from .reminders.tasks import *  # noqa: F403
from .reports.tasks import *  # noqa: F403


@shared_task(name="convenant.resend_queued_work")
def resend_queued_work() -> int:
    from .dispatch import queued_work_resend

    return queued_work_resend()
