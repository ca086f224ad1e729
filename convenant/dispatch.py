"""Handing background work to the task queue, and handing it again when that failed.

The yearly report, the meeting pack and a large location import each have a row of
their own (ReportRun, MeetingPack, LocationImport) that is "queued" until a worker
claims it. Their message travels through Redis. When Redis is away the row is saved
all the same and the request answers: the person is told the work starts once the
queue is back, and the row's `dispatched_at` stays empty. `queued_work_resend` (the
beat task "convenant.resend_queued_work", every few minutes, and once when a worker
starts) sends the message of every such row again, and also of a row still queued
long after its message went out (the message was lost, say with a Redis that kept no
data). Sending twice is harmless: each task claims its row under a lock and does
nothing for a row that is not queued any more.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from celery import Task
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerUnavailable

from convenant.backoff import Outage

logger = logging.getLogger(__name__)

QUEUE_UNAVAILABLE_MESSAGE = _(
    "The background queue cannot be reached just now. Your request is saved and "
    "starts by itself as soon as the queue is back; this page shows when."
)
# How many rows of each kind one run of the task sends at most.
RESEND_BATCH = 200
# After the queue failed to take a message, a process does not try again for this long:
# a request that sends many (a round's invitations) does not wait on each in turn.
RETRY_AFTER_SECONDS = 5.0


queue_outage = Outage(RETRY_AFTER_SECONDS)
# Set while `send` hands over a job with a row of its own: it wants to know.
_raise_when_away: ContextVar[bool] = ContextVar("raise_when_away", default=False)


class QueueTask(Task):
    """The base of every task of the platform (convenant/celery.py).

    A task sent while the queue cannot be reached is not sent, and the request that
    sent it goes on: mails and notices are logged as not sent (the action they tell
    about is saved all the same), rather than failing a request whose transaction has
    committed already. Work with a row of its own (below) learns it and waits."""

    def apply_async(self, *args, **kwargs):
        if self.app.conf.task_always_eager:
            return super().apply_async(*args, **kwargs)
        if queue_outage.active:
            return self._not_sent(BrokerUnavailable("the queue failed a moment ago"))
        try:
            result = super().apply_async(*args, **kwargs)
        except BrokerUnavailable as error:
            queue_outage.begin()
            return self._not_sent(error)
        queue_outage.end()
        return result

    def _not_sent(self, error: Exception):
        if _raise_when_away.get():
            raise error
        logger.error(
            "Task %s was not sent: the task queue cannot be reached (%s)",
            self.name,
            error,
        )
        return None


def send(task, instance: models.Model) -> bool:
    """Send `task` with the instance's id now and record when on the row; False (and
    the row marked as not handed over) when the queue cannot be reached."""
    model = type(instance)
    token = _raise_when_away.set(True)
    try:
        task.delay(instance.pk)
    except BrokerUnavailable as error:
        logger.warning(
            "The task queue cannot be reached (%s): %s %s waits to be sent again",
            error,
            model._meta.label,
            instance.pk,
        )
        model._default_manager.filter(pk=instance.pk).update(dispatched_at=None)
        instance.dispatched_at = None
        return False
    finally:
        _raise_when_away.reset(token)
    now = timezone.now()
    model._default_manager.filter(pk=instance.pk).update(dispatched_at=now)
    instance.dispatched_at = now
    return True


def send_on_commit(task, instance: models.Model) -> None:
    """Send `task` with the instance's id once the current transaction commits (at
    once outside one)."""
    transaction.on_commit(lambda: send(task, instance))


@dataclass(frozen=True)
class QueuedWork:
    """A kind of row that waits for a worker, and how to send it."""

    model: type[models.Model]
    task: object
    waiting: Q
    stuck_after: Callable[[], dt.timedelta]


def _kinds() -> Iterator[QueuedWork]:
    from governance import tasks as governance_tasks
    from governance.models import MeetingPack, PackStatus
    from governance.models.packs import STUCK_AFTER
    from ketenkaart import tasks as ketenkaart_tasks
    from ketenkaart.models import IMPORT_STUCK_AFTER, ImportStatus, LocationImport

    from .reports import tasks as report_tasks
    from .reports.models import ReportRun, ReportStatus, report_stuck_after

    yield QueuedWork(
        ReportRun,
        report_tasks.build_yearly_report,
        Q(status=ReportStatus.QUEUED),
        report_stuck_after,
    )
    yield QueuedWork(
        MeetingPack,
        governance_tasks.build_meeting_pack,
        Q(status=PackStatus.QUEUED),
        lambda: STUCK_AFTER,
    )
    # An import that runs in the request (a small file) never goes through the queue.
    yield QueuedWork(
        LocationImport,
        ketenkaart_tasks.import_locations,
        Q(status=ImportStatus.QUEUED, in_task=True),
        lambda: IMPORT_STUCK_AFTER,
    )


def queued_work_resend() -> int:
    """Send again the message of every queued row that was never handed to the queue,
    or was handed over longer ago than its kind's stuck limit without being claimed.
    Stops at the first failure (the queue is still away: the next run tries again).
    Returns how many messages went out."""
    now = timezone.now()
    sent = 0
    for kind in _kinds():
        rows = (
            kind.model._default_manager.filter(kind.waiting)
            .only("pk")
            .filter(
                Q(dispatched_at__isnull=True)
                | Q(dispatched_at__lt=now - kind.stuck_after())
            )
            .order_by("pk")[:RESEND_BATCH]
        )
        for row in rows:
            if not send(kind.task, row):
                return sent
            sent += 1
    if sent:
        logger.info("Sent %s queued task(s) to the queue again", sent)
    return sent
