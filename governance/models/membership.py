"""Accession of new parties and supporters (art. 41, 69-72), and the texts a supporter
signs on the platform: the supporter declaration of the annex and the confidentiality
protocol (art. 40b)."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .members import Organisation, Participation


class _PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT, read from the settings at each use (not once at
    import), so that a changed setting, as in tests, moves the files with it."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self):  # type: ignore[override]
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):  # type: ignore[override]
        return os.path.abspath(self.base_location)


def private_storage() -> FileSystemStorage:
    # A motivation letter is read by the secretariat and the parties only: stored
    # outside MEDIA_URL and served by permission-checked views.
    return _PrivateStorage()


class AccessionStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("accession status", "Submitted")
    ANNOUNCED = "announced", pgettext_lazy("accession status", "Announced to parties")
    WITH_KERNGROEP = (
        "kerngroep",
        pgettext_lazy("accession status", "With the Kerngroep"),
    )
    APPROVED = "approved", pgettext_lazy("accession status", "Approved")
    REJECTED = "rejected", pgettext_lazy("accession status", "Rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("accession status", "Withdrawn")


# Applications that are still being handled; the others are closed for good.
OPEN_ACCESSION_STATUSES = frozenset(
    {
        AccessionStatus.SUBMITTED,
        AccessionStatus.ANNOUNCED,
        AccessionStatus.WITH_KERNGROEP,
    }
)

# What an applicant may ask to become.
ACCESSION_PARTICIPATIONS = (Participation.PARTY, Participation.SUPPORTER)


def motivation_letter_path(instance: AccessionApplication, filename: str) -> str:
    # The applicant's file name is kept as data only, never as part of a path.
    return f"accession/{uuid.uuid4().hex}"


class AccessionApplication(models.Model):
    """An organisation's request to accede as a party or a supporter. The organisation
    exists from the start with the status "applicant"; the Kerngroep's decision makes it
    active or ends its application."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="accession_applications",
        verbose_name=_("organisation"),
    )
    participation = models.CharField(
        _("participation asked"),
        max_length=20,
        choices=[(p.value, p.label) for p in ACCESSION_PARTICIPATIONS],
    )
    letter = models.FileField(
        _("motivation letter"),
        upload_to=motivation_letter_path,
        storage=private_storage,
    )
    letter_name = models.CharField(_("file name"), max_length=255)
    letter_type = models.CharField(_("file type"), max_length=100)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact email address"))
    endorsement_confirmed = models.BooleanField(
        _("endorses the OECD Guidelines and frees enough capacity"), default=False
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by (signed in)"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AccessionStatus.choices,
        default=AccessionStatus.SUBMITTED,
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked by"),
    )
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True)
    response_deadline = models.DateField(
        _("questions and hearing requests until"), null=True, blank=True
    )
    signed_on = models.DateField(_("signing date"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("accession application")
        verbose_name_plural = _("accession applications")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    participation__in=[p.value for p in ACCESSION_PARTICIPATIONS]
                ),
                name="accession_participation_valid",
            ),
            models.CheckConstraint(
                condition=Q(endorsement_confirmed=True),
                name="accession_endorsement_confirmed",
            ),
        ]
        indexes = [models.Index(fields=["status", "-submitted_at"])]

    def __str__(self) -> str:
        return str(
            _("Accession of %(name)s") % {"name": self.organisation.name}
            if self.organisation_id
            else _("Accession application")
        )

    def clean(self) -> None:
        if not self.endorsement_confirmed:
            raise ValidationError(
                {
                    "endorsement_confirmed": _(
                        "The application states that the organisation endorses the "
                        "OECD Guidelines and frees enough capacity for due diligence "
                        "(art. 70)."
                    )
                }
            )

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACCESSION_STATUSES

    def responses_open_on(self, day) -> bool:
        """Whether parties may still raise questions or ask for a hearing on `day`."""
        return (
            self.status == AccessionStatus.ANNOUNCED
            and self.response_deadline is not None
            and day <= self.response_deadline
        )


class ResponseKind(models.TextChoices):
    QUESTION = "question", _("Question")
    HEARING = "hearing", _("Request to hear the applicant")


class AccessionResponse(models.Model):
    """A party's question about an announced application, or its request that the
    applicant is heard first (art. 71), and the secretariat's answer."""

    application = models.ForeignKey(
        AccessionApplication, on_delete=models.CASCADE, related_name="responses"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("party"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ResponseKind.choices)
    text = models.TextField(_("text"), max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True, max_length=5000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("response to an accession")
        verbose_name_plural = _("responses to accessions")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.organisation}"


class SignedDocument(models.TextChoices):
    SUPPORTER_DECLARATION = "supporter_declaration", _("Supporter declaration")
    CONFIDENTIALITY_PROTOCOL = "confidentiality_protocol", _("Confidentiality protocol")


# The version of each text a supporter signs today. A new version is a new template
# (templates/governance/membership/texts/<document>_<version>.html) and a new value
# here; every supporter is then asked to sign again.
CURRENT_TEXT_VERSIONS: dict[str, str] = {
    SignedDocument.SUPPORTER_DECLARATION: "2025-1",
    SignedDocument.CONFIDENTIALITY_PROTOCOL: "2025-1",
}


def text_template(document: str, version: str) -> str:
    return f"governance/membership/texts/{document}_{version}.html"


class Signature(models.Model):
    """Who signed which version of a text on behalf of an organisation, and when."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="signatures",
        verbose_name=_("organisation"),
    )
    document = models.CharField(
        _("document"), max_length=40, choices=SignedDocument.choices
    )
    version = models.CharField(_("version"), max_length=20)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["organisation__name", "document", "-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "document", "version"],
                name="signature_one_per_version",
                violation_error_message=_(
                    "This organisation has signed this version already."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_document_display()} {self.version}"
