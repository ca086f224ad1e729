from celery import shared_task

from .services import judgements


@shared_task(name="monitoring.close_improvement_windows")
def close_improvement_windows() -> int:
    return judgements.improvement_windows_close()


# --- Round invitations and reminders (services/rounds.py) ------------------------------


@shared_task(name="monitoring.send_round_invitation")
def send_round_invitation(assessment_id: int) -> int:
    from . import notifications

    return notifications.round_invitation_mail(assessment_id=assessment_id)


@shared_task(name="monitoring.send_round_reminder")
def send_round_reminder(assessment_id: int) -> int:
    from . import notifications

    return notifications.round_reminder_mail(assessment_id=assessment_id)


# --- Improvement talks and review comments (services/followup.py) ---------------------


@shared_task(name="monitoring.send_talk_invitation")
def send_talk_invitation(talk_id: int, sequence: int) -> int:
    from . import notifications

    return notifications.talk_invitation_mail(talk_id=talk_id, sequence=sequence)


@shared_task(name="monitoring.send_clarification_request")
def send_clarification_request(comment_id: int) -> int:
    from . import notifications

    return notifications.clarification_request_mail(comment_id=comment_id)


# --- NGO insight (services/insight.py) -------------------------------------------------


@shared_task(name="monitoring.lapse_insight_grants")
def lapse_insight_grants() -> int:
    from .services import insight

    return insight.insight_grants_lapse()
