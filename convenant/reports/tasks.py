"""The yearly report's task: thin, idempotent, safe to deliver twice."""

from __future__ import annotations

from celery import shared_task

__all__ = ["build_yearly_report"]


# acks_late and reject_on_worker_lost (also the project's defaults, see
# CELERY_TASK_ACKS_LATE in settings.py): the message is acknowledged only when the
# build has ended, so a worker that dies half-way hands it back to the broker instead
# of losing it. That redelivery is harmless: the build claims its run under a row
# lock and does nothing when the run is done, failed, or running in a live worker,
# and takes a run over only once it has shown no sign of life for the stuck limit.
@shared_task(
    name="convenant.build_yearly_report", acks_late=True, reject_on_worker_lost=True
)
def build_yearly_report(run_id: int) -> str:
    from .services import report_build

    run = report_build(run_id)
    return run.status if run is not None else "gone"
