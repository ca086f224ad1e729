"""What belongs to the agreement as a whole: its term and years, and the audit log."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Agreement(models.Model):
    """A sector agreement under the SER framework agreement; today there is one."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    government_share = models.DecimalField(
        _("government share of the budget (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("47"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    sector_share = models.DecimalField(
        _("sector share of the budget (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("33"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    ser_share = models.DecimalField(
        _("SER share of the budget (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    supporter_contribution = models.DecimalField(
        _("supporter contribution per year (EUR)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text=_("The amount the Kerngroep has set for supporters."),
    )

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="agreement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError(
                {"ends_on": _("The end date must lie after the start.")}
            )
        shares = [self.government_share, self.sector_share, self.ser_share]
        if all(share is not None for share in shares) and sum(shares) != 100:
            raise ValidationError(
                _("The budget shares must add up to 100 %%, not %(total)s %%.")
                % {"total": sum(shares)}
            )


class AgreementYear(models.Model):
    """One year of the agreement ("year 1", "year 2", ...), with dates set as data."""

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="years"
    )
    number = models.PositiveSmallIntegerField(
        _("year number"), validators=[MinValueValidator(1)]
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    location_list_due_on = models.DateField(
        _("production-location list due on"),
        null=True,
        blank=True,
        help_text=_(
            "Companies hand in their list of this date's calendar year by this date. "
            "Leave empty when no list is due in this year."
        ),
    )

    class Meta:
        verbose_name = _("agreement year")
        verbose_name_plural = _("agreement years")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="agreement_year_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="agreement_year_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return _("Year %(number)s") % {"number": self.number}

    def contains(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on

    def clean(self) -> None:
        due = self.location_list_due_on
        if due and self.starts_on and self.ends_on and not self.contains(due):
            raise ValidationError(
                {
                    "location_list_due_on": _(
                        "The date must lie within the year (%(start)s to %(end)s)."
                    )
                    % {
                        "start": self.starts_on.isoformat(),
                        "end": self.ends_on.isoformat(),
                    }
                }
            )


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEntry(models.Model):
    """One line of the append-only audit log: who did what to which object, when, from where.

    Rows are only ever inserted. Updates and deletes are refused here and, on PostgreSQL,
    by a trigger in the database itself.
    """

    occurred_at = models.DateTimeField(
        _("when (UTC)"), default=timezone.now, db_index=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("what"), max_length=80, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("which object"), max_length=255, blank=True)
    organisation = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation concerned"),
    )
    ip_address = models.GenericIPAddressField(_("from where"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-occurred_at"])]
        default_permissions = ("add", "view")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        # Always an INSERT: a new object given an existing id must not overwrite that row.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")


# The models of the reports and reminders live beside their code; importing them here
# registers them with this app.
from .reminders.models import *  # noqa: E402, F403
from .reports.models import *  # noqa: E402, F403
