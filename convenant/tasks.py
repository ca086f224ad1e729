"""The tasks of the project package, where Celery's autodiscovery looks for them."""

from .reports.tasks import *  # noqa: F403
from .reports.tasks import __all__ as _reports

__all__ = [*_reports]
