"""Kerngroep meetings with their agenda and minutes, and the decisions taken in them:
the votes per seat, and the Sector Module Assembly's vote when the Kerngroep is tied
(art. 43-54).

The outcome of a vote is never stored as typed: services compute it with
`governance.rules.kerngroep_outcome` / `assembly_outcome` from the votes recorded here.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .members import Constituency, Organisation


class PrivateStorage(FileSystemStorage):
    """Files outside MEDIA_ROOT, in PRIVATE_MEDIA_ROOT as it is set when a file is
    read or written (not when the model is imported), so that a changed setting, as in
    tests, moves them as well."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def private_storage():
    # Agenda documents are confidential like evidence: stored outside MEDIA_URL and
    # served only by permission-checked views.
    return PrivateStorage(base_url=None)


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting status", "Planned")
    HELD = "held", pgettext_lazy("meeting status", "Held")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")


class Meeting(models.Model):
    """A Kerngroep meeting (four a year, art. 48). Its minutes come in a full version for
    the Kerngroep and an outline for every party; the next meeting approves them, after
    which they are locked."""

    agreement_year = models.ForeignKey(
        "convenant.AgreementYear",
        on_delete=models.PROTECT,
        related_name="meetings",
        verbose_name=_("agreement year"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MeetingStatus.choices,
        default=MeetingStatus.PLANNED,
    )
    minutes_full = models.TextField(_("minutes (full, Kerngroep only)"), blank=True)
    minutes_outline = models.TextField(_("minutes (outline, all parties)"), blank=True)
    minutes_approved_in = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_minutes",
        verbose_name=_("minutes approved in"),
    )
    minutes_approved_at = models.DateTimeField(
        _("minutes approved"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("Kerngroep meeting")
        verbose_name_plural = _("Kerngroep meetings")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return str(_("Kerngroep meeting of %(day)s")) % {
            "day": local.strftime("%d-%m-%Y")
        }

    @property
    def minutes_locked(self) -> bool:
        return self.minutes_approved_at is not None


class MeetingGuest(models.Model):
    """An external guest; attends only when the chair admits them (art. 48)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="guests"
    )
    name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(_("organisation"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("admitted by"),
    )
    admitted_at = models.DateTimeField(_("admitted"), null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("refused by"),
    )
    refused_at = models.DateTimeField(_("refused"), null=True, blank=True)
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_decided(self) -> bool:
        return self.admitted_at is not None or self.refused_at is not None


class AgendaVisibility(models.TextChoices):
    KERNGROEP_ONLY = "kerngroep", _("Kerngroep only")
    OUTLINE = "outline", _("Shared in outline")


class AgendaItem(models.Model):
    """One item of a meeting's agenda. Parties see the title and the outline text of items
    shared in outline; items marked Kerngroep only appear to them as a closed item."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description (Kerngroep)"), blank=True)
    visibility = models.CharField(
        _("visibility"),
        max_length=20,
        choices=AgendaVisibility.choices,
        default=AgendaVisibility.OUTLINE,
    )
    outline = models.TextField(_("outline (all parties)"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def is_shared(self) -> bool:
        return self.visibility == AgendaVisibility.OUTLINE


def agenda_document_path(instance: AgendaDocument, filename: str) -> str:
    # The person's file name is kept as data only, never as part of a path.
    return f"agenda/{instance.item.meeting_id}/{uuid.uuid4().hex}"


class AgendaDocument(models.Model):
    """A document for an agenda item: for the Kerngroep only, whatever the item's
    visibility."""

    item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(
        _("file"), upload_to=agenda_document_path, storage=private_storage
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("agenda document")
        verbose_name_plural = _("agenda documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class DecisionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("decision status", "Open")
    ESCALATED = "escalated", pgettext_lazy("decision status", "With the assembly")
    DECIDED = "decided", pgettext_lazy("decision status", "Decided")


class KerngroepOutcome(models.TextChoices):
    CONSENSUS = "consensus", _("Consensus")
    ADOPTED = "adopted", pgettext_lazy("decision outcome", "Adopted")
    REJECTED = "rejected", pgettext_lazy("decision outcome", "Rejected")
    ESCALATED = "escalated", _("Tied: to the Sector Module Assembly")


class FinalOutcome(models.TextChoices):
    ADOPTED = "adopted", pgettext_lazy("decision outcome", "Adopted")
    REJECTED = "rejected", pgettext_lazy("decision outcome", "Rejected")


class Decision(models.Model):
    """A matter the Kerngroep decides (art. 49): a proposal, usually on a meeting's agenda,
    about a subject elsewhere on the platform (an accession, a complaint, a removal, a
    restricted-disclosure request) or about nothing but itself.

    The subject is a generic reference so that each kind of matter keeps its own model;
    what a final outcome does to its subject is registered in `governance.decisions`.
    The history (votes, who cast them) is for the Kerngroep; the outcome for all parties.
    """

    title = models.CharField(_("title"), max_length=200)
    proposal = models.TextField(_("proposal"))
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("agenda item"),
    )
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DecisionStatus.choices,
        default=DecisionStatus.OPEN,
    )
    kerngroep_outcome = models.CharField(
        _("Kerngroep outcome"),
        max_length=20,
        choices=KerngroepOutcome.choices,
        blank=True,
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=FinalOutcome.choices, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    explanation = models.TextField(_("explanation for the parties"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(fields=["status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="decided", outcome__in=["adopted", "rejected"])
                | (~Q(status="decided") & Q(outcome="")),
                name="decision_outcome_when_decided",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Vote(models.TextChoices):
    FOR = "for", pgettext_lazy("vote", "For")
    AGAINST = "against", pgettext_lazy("vote", "Against")
    ABSTAIN = "abstain", pgettext_lazy("vote", "Abstain")


class DecisionVote(models.Model):
    """A vote cast for a seat by its regular representative or its deputy. The seat's
    vote is the regular's, or the deputy's when the regular did not vote
    (`rules.seat_vote`). `organisation` is the seat holder for this decision: for a
    complaint, the panel's replacement when the usual holder is a party to it."""

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="votes"
    )
    constituency = models.CharField(
        _("seat"), max_length=20, choices=Constituency.choices
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cast by"),
    )
    as_deputy = models.BooleanField(_("as deputy"), default=False)
    vote = models.CharField(_("vote"), max_length=10, choices=Vote.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("Kerngroep vote")
        verbose_name_plural = _("Kerngroep votes")
        ordering = ["constituency", "as_deputy"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "constituency", "as_deputy"],
                name="decision_vote_one_per_seat_and_role",
                violation_error_message=_(
                    "This seat's vote has already been recorded."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_constituency_display()}: {self.get_vote_display()}"


class AssemblyVoteStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("assembly vote status", "Open")
    CLOSED = "closed", pgettext_lazy("assembly vote status", "Closed")


class AssemblyVote(models.Model):
    """The Sector Module Assembly's online vote on a decision the Kerngroep tied on
    (art. 49): every party organisation votes once before the deadline."""

    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, related_name="assembly_vote"
    )
    opens_at = models.DateTimeField(_("opens"), default=timezone.now)
    closes_at = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AssemblyVoteStatus.choices,
        default=AssemblyVoteStatus.OPEN,
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Set once the parties' admins were told the vote is open, so that a notification
    # task delivered twice sends its mail once.
    notified_at = models.DateTimeField(_("parties notified"), null=True, blank=True)

    class Meta:
        verbose_name = _("assembly vote")
        verbose_name_plural = _("assembly votes")
        ordering = ["-closes_at", "-pk"]
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return str(self.decision)

    @property
    def is_open(self) -> bool:
        return (
            self.status == AssemblyVoteStatus.OPEN and timezone.now() < self.closes_at
        )

    def clean(self) -> None:
        if self.closes_at and self.opens_at and self.closes_at <= self.opens_at:
            raise ValidationError(
                {"closes_at": _("The deadline lies after the vote opens.")}
            )


class AssemblyBallot(models.Model):
    """One party organisation's vote in the assembly."""

    assembly_vote = models.ForeignKey(
        AssemblyVote, on_delete=models.CASCADE, related_name="ballots"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assembly_ballots"
    )
    vote = models.CharField(_("vote"), max_length=10, choices=Vote.choices)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cast_at = models.DateTimeField(_("cast"), default=timezone.now)

    class Meta:
        verbose_name = _("assembly ballot")
        verbose_name_plural = _("assembly ballots")
        ordering = ["cast_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assembly_vote", "organisation"],
                name="assembly_ballot_one_per_organisation",
                violation_error_message=_("Your organisation has already voted."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_vote_display()}"
