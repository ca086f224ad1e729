from celery import shared_task

from .services import judgements


@shared_task(name="monitoring.close_improvement_windows")
def close_improvement_windows() -> int:
    return judgements.improvement_windows_close()
