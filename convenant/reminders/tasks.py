from celery import shared_task

__all__ = ["send_reminders"]


@shared_task(name="convenant.send_reminders")
def send_reminders() -> int:
    """Daily: make and mail the reminders due today; returns how many mails went out."""
    from . import services

    return services.reminders_send().mailed
