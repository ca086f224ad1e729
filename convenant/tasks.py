"""The tasks of the project package, found by Celery's autodiscovery."""

from .reminders.tasks import *  # noqa: F403
