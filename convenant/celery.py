"""The Celery application. Without REDIS_URL tasks run eagerly in the web process."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "convenant.settings")

# Tasks sent while Redis is away do not fail their request (convenant/dispatch.py).
app = Celery("convenant", task_cls="convenant.dispatch:QueueTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def resend_queued_work_at_start(sender=None, **kwargs) -> None:
    """A worker that starts (after a deploy, or with Redis back after a restart of
    everything) picks up work that was started while no queue was there, without
    waiting for the beat task."""
    app.send_task("convenant.resend_queued_work")
