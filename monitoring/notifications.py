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
