"""Mail about supplier reports (art. 23): a company the secretariat pointed to a report
hears so, with the link to it. The mail names the supplier only; the report itself is
read on the site.

Each mail goes out once: a marker in the shared cache makes a second run of the same task
send nothing.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import SupplierReportCompany

SENT_MARKER_SECONDS = 7 * 24 * 60 * 60


def supplier_report_notice_mail(*, notified_id: int) -> int:
    """Mail every active person of the notified company; returns how many went out."""
    link = SupplierReportCompany.objects.select_related("report", "company").get(
        pk=notified_id
    )
    recipients = list(
        link.company.users.filter(is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )
    key = f"ketenkaart:supplier-report-notice:{link.pk}"
    if not recipients or not cache.add(key, 1, SENT_MARKER_SECONDS):
        return 0
    context = {
        "report": link.report,
        "company": link.company,
        "link": settings.SITE_URL.rstrip("/")
        + reverse("ketenkaart:supplier_report_detail", args=[link.report_id]),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(
            "ketenkaart/email/supplier_report_subject.txt", context
        ).strip()
        body = render_to_string("ketenkaart/email/supplier_report_body.txt", context)
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
        for email in recipients
    ]
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        cache.delete(key)  # not sent: a retry may try again
        raise
