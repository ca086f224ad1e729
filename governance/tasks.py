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


@shared_task(name="governance.build_meeting_pack")
def build_meeting_pack(pack_id: int) -> str:
    from .services.packs import meeting_pack_build

    pack = meeting_pack_build(pack_id)
    return pack.status if pack is not None else "gone"
