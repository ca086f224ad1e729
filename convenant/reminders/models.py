"""Tables of the reminders: how many days ahead each kind of deadline is reminded of,
and every reminder made, with when it was mailed and whether it was dismissed."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import rules

__all__ = ["Reminder", "ReminderKind", "ReminderLead"]


class ReminderKind(models.TextChoices):
    BASELINE_DUE = rules.BASELINE_DUE, _("Baseline (nulmeting) due")
    IMPROVEMENT_WINDOW = rules.IMPROVEMENT_WINDOW, _("Improvement window closing")
    PLAN_DUE = rules.PLAN_DUE, _("Plan of approach due")
    LOCATION_LIST_DUE = rules.LOCATION_LIST_DUE, _("Production-location list due")
    CONFIDENTIALITY_EXPIRING = (
        rules.CONFIDENTIALITY_EXPIRING,
        _("Confidentiality agreement expiring"),
    )


class ReminderLead(models.Model):
    """Remind of a kind of deadline this many days before it. Several rows per kind
    make several reminders (e.g. 14 and 3 days ahead); no row, no reminder."""

    kind = models.CharField(_("kind"), max_length=40, choices=ReminderKind.choices)
    days = models.PositiveSmallIntegerField(
        _("days ahead"), validators=[MinValueValidator(0), MaxValueValidator(365)]
    )

    class Meta:
        verbose_name = _("reminder lead time")
        verbose_name_plural = _("reminder lead times")
        ordering = ["kind", "-days"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "days"], name="reminder_lead_kind_days_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.days}"


class Reminder(models.Model):
    """One reminder of one deadline to one organisation. The unique key (kind, subject,
    deadline, lead) makes each reminder exist, and so be mailed, once."""

    kind = models.CharField(_("kind"), max_length=40, choices=ReminderKind.choices)
    organisation = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("organisation"),
    )
    subject_key = models.CharField(_("subject"), max_length=80)
    deadline = models.DateField(_("deadline"))
    lead_days = models.PositiveSmallIntegerField(_("days ahead"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    mailed_at = models.DateTimeField(_("mailed"), null=True, blank=True)
    mailed_to = models.JSONField(_("mailed to"), default=list, blank=True)
    settled_at = models.DateTimeField(
        _("deadline met"),
        null=True,
        blank=True,
        help_text=_("When the daily run found the deadline met before it passed."),
    )
    dismissed_at = models.DateTimeField(_("dismissed"), null=True, blank=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dismissed by"),
    )

    class Meta:
        verbose_name = pgettext_lazy("deadline", "reminder")
        verbose_name_plural = pgettext_lazy("deadline", "reminders")
        ordering = ["deadline", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_key", "deadline", "lead_days"],
                name="reminder_once",
            )
        ]
        indexes = [models.Index(fields=["organisation", "deadline"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.organisation} · {self.deadline}"
