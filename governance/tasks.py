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


# --- Decisions and the Sector Module Assembly ------------------------------------------
from .services import decisions as decision_services  # noqa: E402


@shared_task(name="governance.notify_assembly_vote")
def notify_assembly_vote(assembly_vote_id: int) -> int:
    return decision_services.assembly_vote_notify(assembly_vote_id=assembly_vote_id)


@shared_task(name="governance.close_assembly_votes")
def close_assembly_votes() -> int:
    return decision_services.assembly_votes_close_due()


# --- Accession (area: membership) ----------------------------------------------------


@shared_task(name="governance.send_accession_received")
def send_accession_received(application_id: int) -> int:
    from .services import membership

    return membership.accession_received_mail(application_id=application_id)


@shared_task(name="governance.send_accession_announcement")
def send_accession_announcement(application_id: int) -> int:
    from .services import membership

    return membership.accession_announcement_mail(application_id=application_id)


@shared_task(name="governance.send_accession_response_notice")
def send_accession_response_notice(response_id: int) -> int:
    from .services import membership

    return membership.accession_response_notice_mail(response_id=response_id)


@shared_task(name="governance.send_accession_answer")
def send_accession_answer(response_id: int) -> int:
    from .services import membership

    return membership.accession_answer_mail(response_id=response_id)


@shared_task(name="governance.send_accession_rejected")
def send_accession_rejected(application_id: int) -> int:
    from .services import membership

    return membership.accession_rejected_mail(application_id=application_id)


@shared_task(name="governance.apply_status_dates")
def apply_status_dates() -> int:
    """Daily: withdrawals and removals whose date has come take effect."""
    from .services import conduct

    return conduct.status_dates_apply()


@shared_task(name="governance.send_conduct_mail")
def send_conduct_mail(kind: str, pk: int) -> int:
    from .services import conduct

    return conduct.conduct_mail_send(kind=kind, pk=pk)


# acks_late and reject_on_worker_lost (the project's defaults, said here because this
# task relies on them): a worker that dies half-way hands the message back. Building
# again is harmless: only a queued pack, or one that has stopped (STUCK_AFTER), is
# taken, and the file is attached with "ready" in one transaction.
@shared_task(
    name="governance.build_meeting_pack", acks_late=True, reject_on_worker_lost=True
)
def build_meeting_pack(pack_id: int) -> str:
    from .services.packs import meeting_pack_build

    pack = meeting_pack_build(pack_id)
    return pack.status if pack is not None else "gone"
