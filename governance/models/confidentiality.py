"""Confidentiality agreements (art. 13, 22-23, the supporters' protocol), the modules
and who takes part in them (art. 29-30), and the yearly documents of the Kerngroep and
the secretariat (art. 50, 63-64)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from monitoring.models import private_storage

from .members import Organisation

# An agreement that ends within this many days is shown as expiring.
EXPIRING_WITHIN_DAYS = 30


class ConfidentialityKind(models.TextChoices):
    NDA = "nda", _("Non-disclosure agreement for NGO insight (art. 13)")
    CLAUSE = "clause", _("Confidentiality clause (art. 22-23)")
    PROTOCOL = "protocol", _("Confidentiality protocol for supporters")


class ConfidentialityState(models.TextChoices):
    VALID = "valid", pgettext_lazy("agreement state", "Valid")
    EXPIRING = "expiring", pgettext_lazy("agreement state", "Expires within 30 days")
    NOT_YET = "not_yet", pgettext_lazy("agreement state", "Not yet valid")
    EXPIRED = "expired", pgettext_lazy("agreement state", "Expired")
    REVOKED = "revoked", pgettext_lazy("agreement state", "Revoked")


def end_of_day(day: dt.date) -> dt.datetime:
    """The first moment after `day` in the site's time zone: a revocation before it
    ends the agreement on `day` itself."""
    return timezone.make_aware(
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    )


def valid_on_q(day: dt.date, prefix: str = "") -> Q:
    """The agreements valid on `day`, as a filter (see ConfidentialityAgreement.is_valid)."""
    return (
        Q(**{f"{prefix}signed_on__lte": day})
        & Q(**{f"{prefix}valid_from__lte": day})
        & (
            Q(**{f"{prefix}valid_until__isnull": True})
            | Q(**{f"{prefix}valid_until__gte": day})
        )
        & (
            Q(**{f"{prefix}revoked_at__isnull": True})
            | Q(**{f"{prefix}revoked_at__gte": end_of_day(day)})
        )
    )


def confidentiality_scan_path(instance: ConfidentialityAgreement, filename: str) -> str:
    # The person's file name is kept as data only, never as part of a path.
    return f"confidentiality/{instance.organisation_id}/{uuid.uuid4().hex}"


class ConfidentialityAgreement(models.Model):
    """A confidentiality agreement one organisation signed: which text, who signed,
    from when to when it holds, and whether it was revoked."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="confidentiality_agreements",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ConfidentialityKind.choices
    )
    text_version = models.CharField(
        _("text version"),
        max_length=40,
        help_text=_("The version of the text that was signed, for example 2025-1."),
    )
    signed_by_name = models.CharField(_("signed by"), max_length=200)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed in the platform by"),
    )
    signed_on = models.DateField(_("signed on"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    scan = models.FileField(
        _("signed copy"),
        upload_to=confidentiality_scan_path,
        storage=private_storage,
        blank=True,
    )
    scan_name = models.CharField(max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("reason for revoking"), blank=True)

    class Meta:
        verbose_name = _("confidentiality agreement")
        verbose_name_plural = _("confidentiality agreements")
        ordering = ["organisation__name", "-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="confidentiality_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="confidentiality_revoked_with_reason",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in ConfidentialityKind]),
                name="confidentiality_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_kind_display()} {self.text_version}"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors.setdefault("valid_until", []).append(
                _("The end date cannot lie before the start date.")
            )
        if self.signed_on and self.signed_on > timezone.localdate():
            errors.setdefault("signed_on", []).append(
                _("The signing date cannot lie in the future.")
            )
        if self.revoked_at and not self.revocation_reason.strip():
            errors.setdefault("revocation_reason", []).append(
                _("Say why the agreement is revoked.")
            )
        if errors:
            raise ValidationError(errors)

    def is_valid(self, on: dt.date | None = None) -> bool:
        """Signed, `on` between valid_from and valid_until (both included), and not
        revoked on or before that day. A revocation takes effect the day it is made."""
        day = on or timezone.localdate()
        if self.signed_on is None or self.signed_on > day:
            return False
        if self.valid_from > day:
            return False
        if self.valid_until is not None and self.valid_until < day:
            return False
        return self.revoked_at is None or self.revoked_at >= end_of_day(day)

    def state(self, on: dt.date | None = None) -> str:
        day = on or timezone.localdate()
        if self.revoked_at is not None and self.revoked_at < end_of_day(day):
            return ConfidentialityState.REVOKED
        if self.valid_until is not None and self.valid_until < day:
            return ConfidentialityState.EXPIRED
        if self.valid_from > day or self.signed_on > day:
            return ConfidentialityState.NOT_YET
        if self.valid_until is not None and self.valid_until <= day + dt.timedelta(
            days=EXPIRING_WITHIN_DAYS
        ):
            return ConfidentialityState.EXPIRING
        return ConfidentialityState.VALID

    def get_state_display(self) -> str:
        return str(ConfidentialityState(self.state()).label)


class ModuleKind(models.TextChoices):
    SECTOR = "sector", _("Sector module")
    KNOWLEDGE = "knowledge", _("Knowledge module")
    PRACTICE = "practice", _("Practice module")
    RISK = "risk", _("Risk module")


def running_on_q(day: dt.date, prefix: str = "") -> Q:
    """Rows with starts_on <= day <= ends_on (an open end runs on)."""
    return Q(**{f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": day})
    )


class Module(models.Model):
    """A sector, knowledge, practice or risk module (art. 29-30). Its code matches the
    assessment framework's module codes (K1, P2, ...) where the framework advises it."""

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_(
            "A short code, for example K3; the framework's code where it has one."
        ),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ModuleKind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="module_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("The end date cannot lie before the start date.")}
            )

    def is_running(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class ModuleParticipation(models.Model):
    """An organisation takes part in a module from one day until another (open while
    it goes on)."""

    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="participations"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="module_participations",
        verbose_name=_("organisation"),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("module participation")
        verbose_name_plural = _("module participations")
        ordering = ["organisation__name", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="module_participation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.module.code}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError(
                {"ends_on": _("The end date cannot lie before the start date.")}
            )

    def is_current(self, on: dt.date | None = None) -> bool:
        day = on or timezone.localdate()
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class YearlyDocumentKind(models.TextChoices):
    PROGRESS_REPORT = "progress_report", _("Kerngroep progress report (art. 50)")
    GOVERNMENT_INFORMATION = (
        "government_information",
        _("Information for the government (art. 63)"),
    )
    YEAR_PLAN = "year_plan", _("Secretariat's year plan (art. 64)")


class YearlyDocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review by the Kerngroep")
    ADOPTED = "adopted", _("Adopted")
    PUBLISHED = "published", _("Published")


# Forward one step at a time; a document in review can go back to draft.
YEARLY_DOCUMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    YearlyDocumentStatus.DRAFT: frozenset({YearlyDocumentStatus.IN_REVIEW}),
    YearlyDocumentStatus.IN_REVIEW: frozenset(
        {YearlyDocumentStatus.ADOPTED, YearlyDocumentStatus.DRAFT}
    ),
    YearlyDocumentStatus.ADOPTED: frozenset({YearlyDocumentStatus.PUBLISHED}),
    YearlyDocumentStatus.PUBLISHED: frozenset(),
}


def yearly_document_path(instance: YearlyDocument, filename: str) -> str:
    return f"yearly/{instance.agreement_year_id}/{uuid.uuid4().hex}"


class YearlyDocument(models.Model):
    """One of the yearly documents of an agreement year, with its status."""

    agreement_year = models.ForeignKey(
        "convenant.AgreementYear",
        on_delete=models.PROTECT,
        related_name="yearly_documents",
        verbose_name=_("agreement year"),
    )
    kind = models.CharField(
        _("kind"), max_length=30, choices=YearlyDocumentKind.choices
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=YearlyDocumentStatus.choices,
        default=YearlyDocumentStatus.DRAFT,
    )
    file = models.FileField(
        _("document"),
        upload_to=yearly_document_path,
        storage=private_storage,
        blank=True,
    )
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("yearly document")
        verbose_name_plural = _("yearly documents")
        ordering = ["agreement_year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement_year", "kind"],
                name="yearly_document_one_per_kind",
                violation_error_message=_("This year has this document already."),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | ~Q(file=""),
                name="yearly_document_published_with_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.agreement_year}"

    @property
    def is_published(self) -> bool:
        return self.status == YearlyDocumentStatus.PUBLISHED

    def next_statuses(self) -> list[str]:
        order = list(YearlyDocumentStatus.values)
        return sorted(YEARLY_DOCUMENT_TRANSITIONS[self.status], key=order.index)
