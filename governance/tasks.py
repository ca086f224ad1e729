from celery import shared_task

from . import imports, notifications, services


@shared_task(name="governance.send_invitation")
def send_invitation(invitation_id: int, token: str) -> None:
    notifications.invitation_mail(invitation_id=invitation_id, token=token)


@shared_task(name="governance.expire_invitations")
def expire_invitations() -> int:
    return services.invitations_expire()


@shared_task(name="governance.clean_import_files")
def clean_import_files() -> int:
    return imports.import_files_clean()


@shared_task(name="governance.apply_status_dates")
def apply_status_dates() -> int:
    """Daily: withdrawals and removals whose date has come take effect."""
    from .services import conduct

    return conduct.status_dates_apply()


@shared_task(name="governance.send_conduct_mail")
def send_conduct_mail(kind: str, pk: int) -> int:
    from .services import conduct

    return conduct.conduct_mail_send(kind=kind, pk=pk)
