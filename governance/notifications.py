"""Mail sent to people: rendered from templates in the recipient's site language."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import Invitation


def invitation_link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "governance:invitation_accept", kwargs={"token": token}
    )


def invitation_mail(*, invitation_id: int, token: str) -> None:
    invitation = Invitation.objects.select_related("organisation", "invited_by").get(
        pk=invitation_id
    )
    if not invitation.is_open:
        return
    context = {"invitation": invitation, "link": invitation_link(token)}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(
            "governance/email/invitation_subject.txt", context
        ).strip()
        body = render_to_string("governance/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
