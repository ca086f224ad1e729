"""The tasks of the project package, where Celery's autodiscovery looks for them."""

from .reminders.tasks import *  # noqa: F403
from .reports.tasks import *  # noqa: F403
