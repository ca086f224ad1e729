"""Mail about monitoring rounds: the invitation to fill in the self-assessment and the
reminders, to every active person of the company, rendered from templates in the site
language.

Each mail goes out once: a marker in the shared cache makes a second run of the same task
(a retry, a worker lost after sending) send nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from .models import Assessment, AssessmentStatus

SENT_MARKER_SECONDS = 7 * 24 * 60 * 60
FALLBACK_PATH = "/monitoring/"


def assessments_link() -> str:
    """Where a company finds its assessments. Looked up when mailing, so that mail still
    goes out (to the monitoring start page) while that page does not exist."""
    try:
        path = reverse("monitoring:assessment_list")
    except NoReverseMatch:
        path = FALLBACK_PATH
    return settings.SITE_URL.rstrip("/") + path


def _recipients(assessment: Assessment) -> list[str]:
    return list(
        assessment.organisation.users.filter(is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )


def _send_once(key: str, assessment: Assessment, template: str) -> int:
    """Mail every active person of the company; returns how many mails went out."""
    recipients = _recipients(assessment)
    if not recipients or not cache.add(key, 1, SENT_MARKER_SECONDS):
        return 0
    context = {
        "assessment": assessment,
        "round": assessment.round,
        "organisation": assessment.organisation,
        "link": assessments_link(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(
            f"monitoring/email/{template}_subject.txt", context
        ).strip()
        body = render_to_string(f"monitoring/email/{template}_body.txt", context)
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        for email in recipients
    ]
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        cache.delete(key)  # not sent: a retry may try again
        raise


def _assessment(assessment_id: int) -> Assessment:
    return Assessment.objects.select_related("round", "organisation").get(
        pk=assessment_id
    )


def round_invitation_mail(*, assessment_id: int) -> int:
    """Tell the company's people that a round awaits them, with the link to it."""
    assessment = _assessment(assessment_id)
    return _send_once(
        f"monitoring:round-invitation:{assessment.pk}", assessment, "round_invitation"
    )


def round_reminder_mail(*, assessment_id: int) -> int:
    """Remind the company's people to submit, unless it has submitted meanwhile."""
    assessment = _assessment(assessment_id)
    if assessment.status not in (
        AssessmentStatus.INVITED,
        AssessmentStatus.IN_PROGRESS,
    ):
        return 0
    stamp = assessment.reminded_at.isoformat() if assessment.reminded_at else "none"
    return _send_once(
        f"monitoring:round-reminder:{assessment.pk}:{stamp}",
        assessment,
        "round_reminder",
    )


# --- Improvement talks and review comments (services/followup.py) ---------------------


def _followup_link(name: str, pk: int) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=[pk])


def talk_calendar(talk, *, recipients: list[str], stamp=None) -> str:
    """The talk as an iCalendar invitation (or cancellation) for `recipients`."""
    import datetime as dt

    from django.utils import timezone

    from . import ics
    from .models import TalkStatus

    cancelled = talk.status == TalkStatus.CANCELLED
    organisation = talk.assessment.organisation
    with translation.override(settings.LANGUAGE_CODE):
        summary = translation.gettext("Improvement talk with %(name)s") % {
            "name": organisation.name
        }
        description = "\n".join(
            part
            for part in (
                translation.gettext("Improvement talk (article 10 of the agreement)."),
                talk.participants,
                talk.video_link,
            )
            if part
        )
    event = ics.CalendarEvent(
        uid=str(talk.uid),
        sequence=talk.sequence,
        start=talk.scheduled_at,
        end=talk.scheduled_at + dt.timedelta(minutes=talk.duration_minutes),
        stamp=stamp or timezone.now(),
        summary=summary,
        description=description,
        location=talk.location or talk.video_link,
        url=talk.video_link,
        organizer=ics.Person(email=settings.DEFAULT_FROM_EMAIL, name="Secretariaat"),
        attendees=[ics.Person(email=email) for email in recipients],
        method="CANCEL" if cancelled else "REQUEST",
    )
    return ics.build_calendar(event)


def talk_invitation_mail(*, talk_id: int, sequence: int) -> int:
    """Mail the company's people the talk's invitation, change or cancellation with the
    .ics attached. Sent once per version (`sequence`) of the talk; an older version
    than the talk's current one sends nothing."""
    from .models import ImprovementTalk, TalkStatus

    talk = ImprovementTalk.objects.select_related(
        "assessment__organisation", "assessment__round"
    ).get(pk=talk_id)
    if talk.sequence != sequence:
        return 0
    assessment = talk.assessment
    recipients = _recipients(assessment)
    key = f"monitoring:talk:{talk.pk}:{sequence}"
    if not recipients or not cache.add(key, 1, SENT_MARKER_SECONDS):
        return 0
    cancelled = talk.status == TalkStatus.CANCELLED
    method = "CANCEL" if cancelled else "REQUEST"
    context = {
        "talk": talk,
        "cancelled": cancelled,
        "round": assessment.round,
        "organisation": assessment.organisation,
        "link": _followup_link("monitoring:talk_list", assessment.pk),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(
            "monitoring/followup/email/talk_subject.txt", context
        ).strip()
        body = render_to_string("monitoring/followup/email/talk_body.txt", context)
    calendar = talk_calendar(talk, recipients=recipients)
    messages = []
    for email in recipients:
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        message.attach(
            "invite.ics", calendar, f"text/calendar; charset=utf-8; method={method}"
        )
        messages.append(message)
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        cache.delete(key)
        raise


def clarification_request_mail(*, comment_id: int) -> int:
    """Tell the company's people that the secretariat asks for clarification."""
    from .models import ReviewComment

    comment = ReviewComment.objects.select_related(
        "answer__assessment__organisation", "answer__assessment__round"
    ).get(pk=comment_id)
    assessment = comment.answer.assessment
    recipients = _recipients(assessment)
    key = f"monitoring:clarification:{comment.pk}"
    if not recipients or not cache.add(key, 1, SENT_MARKER_SECONDS):
        return 0
    context = {
        "comment": comment,
        "round": assessment.round,
        "organisation": assessment.organisation,
        "link": _followup_link("monitoring:clarification_list", assessment.pk),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(
            "monitoring/followup/email/clarification_subject.txt", context
        ).strip()
        body = render_to_string(
            "monitoring/followup/email/clarification_body.txt", context
        )
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        for email in recipients
    ]
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        cache.delete(key)
        raise
