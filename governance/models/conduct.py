"""How a party leaves the agreement or is held to it: notice of withdrawal (art. 73-75),
removal after a reminder with its public notice (art. 76-77), complaints about a
company's lack of progress (art. 83-86), and the news page for the parties.

The dates are never typed in where a rule gives them: the services compute them with
`governance.rules` (withdrawal_effective_date, removal_effective_date, obligations_end,
complaint_panel) and store the result here, so that what a person was shown stays what
was decided.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .members import Organisation


class WithdrawalStatus(models.TextChoices):
    GIVEN = "given", pgettext_lazy("withdrawal status", "Notice given")
    TAKEN_BACK = "taken_back", pgettext_lazy("withdrawal status", "Taken back")
    EFFECTIVE = "effective", pgettext_lazy("withdrawal status", "Withdrawn")


class WithdrawalNotice(models.Model):
    """A party's written notice of withdrawal, with its reasons (art. 73-75). It takes
    effect on `effective_on`, the first 1 January at least six months after the notice;
    until then the party may take it back."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="withdrawal_notices",
        verbose_name=_("organisation"),
    )
    notice_on = models.DateField(_("notice given on"))
    reasons = models.TextField(_("reasons"))
    effective_on = models.DateField(_("takes effect on"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=WithdrawalStatus.choices,
        default=WithdrawalStatus.GIVEN,
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    taken_back_at = models.DateTimeField(_("taken back"), null=True, blank=True)
    taken_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice of withdrawal")
        verbose_name_plural = _("notices of withdrawal")
        ordering = ["-notice_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="given"),
                name="withdrawal_one_open_notice",
                violation_error_message=_(
                    "This organisation has already given notice."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Notice of withdrawal of %(name)s")) % {
            "name": self.organisation.name
        }

    def clean(self) -> None:
        if self.notice_on and self.effective_on and self.effective_on <= self.notice_on:
            raise ValidationError(
                {"effective_on": _("A withdrawal takes effect after the notice.")}
            )

    @property
    def is_open(self) -> bool:
        return self.status == WithdrawalStatus.GIVEN


class RemovalStatus(models.TextChoices):
    REMINDING = "reminding", pgettext_lazy("removal status", "Reminder stage")
    WITH_KERNGROEP = "kerngroep", pgettext_lazy("removal status", "With the Kerngroep")
    DECIDED = "decided", pgettext_lazy("removal status", "Removal decided")
    EFFECTIVE = "effective", pgettext_lazy("removal status", "Removed")
    CLOSED = "closed", pgettext_lazy("removal status", "Closed without removal")


class Removal(models.Model):
    """A removal case against a party that does not follow a Kerngroep ruling
    (art. 76-77): reminders first, then the Kerngroep's decision; on adoption the
    removal takes effect three months later and the party's obligations run to the end
    of that agreement year. A short public notice, agreed with the party, is published
    on the parties' news page."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="removals",
        verbose_name=_("organisation"),
    )
    ruling = models.TextField(
        _("Kerngroep ruling not followed"),
        help_text=_("Which ruling, of when, and what the party did not do."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RemovalStatus.choices,
        default=RemovalStatus.REMINDING,
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    effective_on = models.DateField(_("takes effect on"), null=True, blank=True)
    obligations_end = models.DateField(_("obligations end on"), null=True, blank=True)
    notice_text = models.TextField(_("public notice"), blank=True)
    notice_agreed_with = models.CharField(
        _("agreed with"),
        max_length=200,
        blank=True,
        help_text=_("Who agreed to the text on behalf of the party."),
    )
    notice_agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    news_item = models.OneToOneField(
        "NewsItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="removal",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        verbose_name = _("removal")
        verbose_name_plural = _("removals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status__in=["reminding", "kerngroep", "decided"]),
                name="removal_one_open_case",
                violation_error_message=_(
                    "A removal case for this organisation is already open."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(_("Removal of %(name)s")) % {"name": self.organisation.name}

    @property
    def notice_agreed(self) -> bool:
        return self.notice_agreed_on is not None

    @property
    def is_published(self) -> bool:
        return self.news_item_id is not None


class RemovalReminder(models.Model):
    """A reminder to the party, citing the ruling it did not follow; mailed to its
    administrators."""

    removal = models.ForeignKey(
        Removal, on_delete=models.CASCADE, related_name="reminders"
    )
    sent_on = models.DateField(_("sent on"))
    text = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["sent_on", "pk"]

    def __str__(self) -> str:
        return str(_("Reminder of %(day)s")) % {"day": self.sent_on.isoformat()}


class ComplaintStatus(models.TextChoices):
    FILED = "filed", pgettext_lazy("complaint status", "Filed")
    ADMISSIBLE = "admissible", pgettext_lazy("complaint status", "Admissible")
    INADMISSIBLE = "inadmissible", pgettext_lazy("complaint status", "Not admissible")
    DECIDED = "decided", pgettext_lazy("complaint status", "Decided")


class Complaint(models.Model):
    """A party's complaint about a participating company's lack of progress in due
    diligence (art. 83-86). The Kerngroep decides; a seat held by the complainant or
    the company is taken for this case by another party of the same constituency: the
    panel, stored as {constituency: organisation id}."""

    complainant = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="complaints_filed",
        verbose_name=_("complainant"),
    )
    respondent = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="complaints_received",
        verbose_name=_("company concerned"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    about_lack_of_progress = models.BooleanField(
        _("about the company's lack of progress in due diligence"), default=False
    )
    description = models.TextField(_("what the company does not do"))
    already_tried = models.TextField(_("what was already tried"))
    share_identity = models.BooleanField(
        _("the company may see who filed the complaint"), default=False
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ComplaintStatus.choices,
        default=ComplaintStatus.FILED,
    )
    admissibility_reasons = models.TextField(_("reasons"), blank=True)
    admissibility_on = models.DateField(_("judged on"), null=True, blank=True)
    panel = models.JSONField(_("panel"), default=dict, blank=True)
    hearing_on = models.DateField(_("hearing date"), null=True, blank=True)
    decision_on = models.DateField(_("decision date"), null=True, blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    decision_text = models.TextField(_("decision text"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-filed_at", "-pk"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return str(_("Complaint about %(name)s")) % {"name": self.respondent.name}

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if not self.about_lack_of_progress:
            errors.setdefault("about_lack_of_progress", []).append(
                _(
                    "A complaint can only be about a company's lack of progress in "
                    "due diligence (art. 83)."
                )
            )
        if self.complainant_id and self.complainant_id == self.respondent_id:
            errors.setdefault("respondent", []).append(
                _("An organisation cannot file a complaint about itself.")
            )
        if self.hearing_on and self.decision_on and self.decision_on < self.hearing_on:
            errors.setdefault("decision_on", []).append(
                _("The decision date lies before the hearing.")
            )
        if (
            self.decision_on
            and self.follow_up_on
            and self.follow_up_on < self.decision_on
        ):
            errors.setdefault("follow_up_on", []).append(
                _("The follow-up date lies before the decision.")
            )
        if errors:
            raise ValidationError(errors)


class NewsItem(models.Model):
    """A message on the parties' news page: a public notice of a removal, or news the
    secretariat writes."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title
