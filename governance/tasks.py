from celery import shared_task

from . import notifications, services


@shared_task(name="governance.send_invitation")
def send_invitation(invitation_id: int, token: str) -> None:
    notifications.invitation_mail(invitation_id=invitation_id, token=token)


@shared_task(name="governance.expire_invitations")
def expire_invitations() -> int:
    return services.invitations_expire()
