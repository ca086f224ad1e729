"""The monitoring tool (art. 8-14, 25-30): assessment frameworks as versioned data, rounds,
each company's assessment with its answers and evidence, the score ledger, improvement
talks, plans of approach and risk analyses."""

from __future__ import annotations

import hashlib
import json
import uuid
from functools import cached_property

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from guardian.models import GroupObjectPermissionBase

from convenant.vocabulary import Material

from . import framework as framework_core


def private_storage() -> FileSystemStorage:
    """Uploaded evidence and plans live outside MEDIA_URL: no web server serves them,
    only permission-checked views do."""
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT, base_url=None)


def localised(texts: dict | None, language: str | None = None) -> str:
    """Pick the text in the active language from a {"nl": ..., "en": ...} mapping."""
    if not texts:
        return ""
    language = (language or get_language() or "nl")[:2]
    return texts.get(language) or texts.get("nl") or next(iter(texts.values()), "")


# Parsed frameworks of this process, by the digest of their data. Parsing checks the
# whole framework, several milliseconds, and every page of an assessment needs it, often
# through more than one instance; the result is immutable (frozen dataclasses), so
# requests can share it. A changed framework has another digest.
_PARSED: dict[str, framework_core.Framework] = {}
_PARSED_KEEP = 16


def parsed_framework(data: dict) -> framework_core.Framework:
    """`framework_core.parse_framework(data)`, parsed once per process."""
    digest = hashlib.blake2b(
        json.dumps(data, sort_keys=True).encode(), digest_size=16
    ).hexdigest()
    framework = _PARSED.get(digest)
    if framework is None:
        framework = framework_core.parse_framework(data)
        if len(_PARSED) >= _PARSED_KEEP:
            _PARSED.clear()
        _PARSED[digest] = framework
    return framework


class Framework(models.Model):
    """One version of an assessment framework, loaded from YAML. A version that a round
    uses can no longer change: a change makes a new version."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    title = models.JSONField(_("title"), default=dict)
    data = models.JSONField(_("framework"))
    source = models.TextField(_("YAML as loaded"), blank=True)
    loaded_at = models.DateTimeField(_("loaded"), default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("assessment framework")
        verbose_name_plural = _("assessment frameworks")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"], name="framework_code_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{localised(self.title)} (v{self.version})"

    @cached_property
    def parsed(self) -> framework_core.Framework:
        return parsed_framework(self.data)


class RoundKind(models.TextChoices):
    BASELINE = "baseline", _("Baseline (nulmeting)")
    YEAR2 = "year2", _("Year 2")
    YEAR4 = "year4", _("Year 4")
    EXTRA = "extra", _("Extra round")


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Round(models.Model):
    """A monitoring round: which companies fill in which framework version, when."""

    agreement_year = models.ForeignKey(
        "convenant.AgreementYear",
        on_delete=models.PROTECT,
        related_name="monitoring_rounds",
        verbose_name=_("agreement year"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RoundKind.choices)
    name = models.CharField(_("name"), max_length=120)
    framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("framework version"),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    thresholds = models.JSONField(
        _("signal thresholds for this round"),
        null=True,
        blank=True,
        help_text=_("Leave empty to use the framework's thresholds."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RoundStatus.choices,
        default=RoundStatus.DRAFT,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("monitoring round")
        verbose_name_plural = _("monitoring rounds")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="round_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def signal_thresholds(self) -> framework_core.SignalThresholds:
        if self.thresholds:
            return framework_core.parse_thresholds(self.thresholds)
        return self.framework.parsed.signal


class AssessmentStatus(models.TextChoices):
    INVITED = "invited", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted and scored")
    IMPROVING = "improving", _("Improvement window open")
    FINAL = "final", _("Final judgement")


class Assessment(models.Model):
    """One company's self-assessment in one round."""

    round = models.ForeignKey(
        Round, on_delete=models.PROTECT, related_name="assessments"
    )
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.INVITED,
    )
    profile = models.JSONField(_("company profile"), default=dict, blank=True)
    profile_completed_at = models.DateTimeField(null=True, blank=True)
    answered_count = models.PositiveIntegerField(default=0)
    applicable_count = models.PositiveIntegerField(default=0)
    invited_at = models.DateTimeField(_("invited"), default=timezone.now)
    reminded_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    window_closes_on = models.DateField(
        _("improvement window closes"), null=True, blank=True
    )
    finalised_at = models.DateTimeField(_("final judgement"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["round", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"], name="assessment_one_per_round"
            )
        ]
        indexes = [models.Index(fields=["round", "status"])]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.round}"

    @property
    def percent_complete(self) -> int:
        if not self.applicable_count:
            return 0
        return round(100 * self.answered_count / self.applicable_count)


class Answer(models.Model):
    """The answer to one question. `revision` goes up with every save, so that two people
    editing the same answer never overwrite each other unknowingly."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers"
    )
    question_code = models.CharField(_("question"), max_length=20)
    value = models.JSONField(_("answer"), null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("saved"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question_code"], name="answer_one_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.question_code}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # The person's file name is kept as data only, never as part of a path.
    return f"evidence/{instance.answer.assessment_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence document")
        verbose_name_plural = _("evidence documents")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ScoreKind(models.TextChoices):
    FIRST = "first", _("First judgement")
    FINAL = "final", _("Final judgement")


class Signal(models.TextChoices):
    GREEN = "green", _("Green")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


class ScoreRecord(models.Model):
    """A judgement in the score ledger, with the framework version it was computed under,
    so it can always be recomputed and explained."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="scores"
    )
    kind = models.CharField(_("judgement"), max_length=10, choices=ScoreKind.choices)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    final_score = models.DecimalField(
        _("final score"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    exact_score = models.CharField(_("exact score"), max_length=60, blank=True)
    level = models.PositiveSmallIntegerField(_("maturity level"), null=True, blank=True)
    signal = models.CharField(
        _("signal"), max_length=10, choices=Signal.choices, null=True, blank=True
    )
    result = models.JSONField(_("full result"))
    thresholds = models.JSONField(_("thresholds used"))
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("score ledger")
        ordering = ["assessment", "computed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "kind"], name="score_one_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.get_kind_display()}"


class ReviewComment(models.Model):
    """A remark of the secretariat on an answer, or a question for clarification, and the
    company's replies (with `parent`)."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("Comment")
        CLARIFICATION = "clarification", _("Request for clarification")
        REPLY = "reply", _("Reply")

    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.answer}"


class TalkStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class ImprovementTalk(models.Model):
    """The talk the secretariat holds with every company scoring orange or red (art. 10)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="talks"
    )
    scheduled_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), default=90
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    video_link = models.URLField(_("video link"), blank=True)
    participants = models.TextField(_("participants"), blank=True)
    management_present = models.BooleanField(
        _("the company's management takes part"), default=False
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TalkStatus.choices,
        default=TalkStatus.PLANNED,
    )
    notes = models.TextField(_("notes"), blank=True)
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("improvement talk")
        verbose_name_plural = _("improvement talks")
        ordering = ["scheduled_at"]

    def __str__(self) -> str:
        return f"{self.assessment.organisation} · {self.scheduled_at:%Y-%m-%d}"


class TalkAction(models.Model):
    talk = models.ForeignKey(
        ImprovementTalk, on_delete=models.CASCADE, related_name="actions"
    )
    description = models.TextField(_("agreed action"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:60]


def plan_path(instance: PlanOfApproach, filename: str) -> str:
    return f"plans/{instance.organisation_id}/{uuid.uuid4().hex}"


class PlanOfApproach(models.Model):
    """The yearly plan of approach (Plan van Aanpak, art. 11): a file or a link to the
    company's CSRD/CSDDD report, with a short structured summary that the secretariat
    aggregates without naming companies."""

    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.PROTECT, related_name="plans"
    )
    agreement_year = models.ForeignKey(
        "convenant.AgreementYear", on_delete=models.PROTECT, related_name="plans"
    )
    file = models.FileField(
        _("plan (file)"), upload_to=plan_path, storage=private_storage, blank=True
    )
    original_name = models.CharField(max_length=255, blank=True)
    report_link = models.URLField(_("or a link to the CSRD/CSDDD report"), blank=True)
    # A list of RbcTheme values.
    themes = models.JSONField(_("themes"), default=list)
    risks_addressed = models.TextField(_("risks addressed"))
    planned_actions = models.TextField(_("planned actions"))
    submitted_at = models.DateTimeField(_("handed in"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("plan of approach")
        verbose_name_plural = _("plans of approach")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "agreement_year"], name="plan_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.agreement_year}"

    def theme_labels(self) -> list[str]:
        labels = dict(RbcTheme.choices)
        return [str(labels.get(value, value)) for value in self.themes]


class RbcTheme(models.TextChoices):
    """The RBC themes that risk analyses and plans of approach are about."""

    CHILD_LABOUR = "child_labour", _("Child labour")
    FORCED_LABOUR = "forced_labour", _("Forced labour")
    HEALTH_SAFETY = "health_safety", _("Health and safety")
    LIVING_WAGE = "living_wage", _("Living wage and working hours")
    FREEDOM_OF_ASSOCIATION = "freedom_of_association", _("Freedom of association")
    DISCRIMINATION_GENDER = "discrimination_gender", _("Discrimination and gender")
    ENVIRONMENT = "environment", _("Environment and pollution")
    CLIMATE = "climate", _("Climate")
    LAND_RIGHTS = "land_rights", _("Land rights and indigenous peoples")
    CONFLICT_SECURITY = "conflict_security", _("Conflict and security")
    CORRUPTION = "corruption", _("Corruption")
    OTHER = "other", _("Other")


def _scale(label):
    return models.PositiveSmallIntegerField(
        label, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )


class RiskEntry(models.Model):
    """One of a company's main RBC risks in its yearly risk analysis (art. 25-28), rated on
    severity (scale, scope, irremediability) and likelihood from 1 to 5."""

    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.PROTECT, related_name="risks"
    )
    agreement_year = models.ForeignKey(
        "convenant.AgreementYear", on_delete=models.PROTECT, related_name="risks"
    )
    theme = models.CharField(_("theme"), max_length=40, choices=RbcTheme.choices)
    country = CountryField(_("country"))
    material = models.CharField(_("material"), max_length=40, choices=Material.choices)
    scale = _scale(_("scale"))
    scope = _scale(_("scope"))
    irremediability = _scale(_("irremediability"))
    likelihood = _scale(_("likelihood"))
    prioritised = models.BooleanField(_("prioritised"), default=False)
    explanation = models.TextField(
        _("public explanation of why it is or is not prioritised")
    )
    gender_considered = models.BooleanField(
        _("gender perspective considered"), default=False
    )
    gender_notes = models.TextField(_("gender perspective"), blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risk analysis")
        ordering = ["organisation", "agreement_year", "-prioritised", "theme"]

    def __str__(self) -> str:
        return f"{self.get_theme_display()} · {self.country} · {self.material}"


# --- NGO insight (art. 13) -------------------------------------------------------------

# The object permission an NGO's or union's group holds on a company (an Organisation)
# to see its score, advice and plan summary. It lives on the company's content type, as
# django-guardian checks a permission against the object's own type.
INSIGHT_PERMISSION = "view_company_insight"


class CompanyInsightGrant(GroupObjectPermissionBase):
    """The secretariat lets an NGO or union (its organisation's group) see one company's
    results: a django-guardian object permission with a direct foreign key, which also
    records who granted it, when, and through which module (none: for this company)."""

    content_object = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.CASCADE,
        related_name="insight_grants",
        verbose_name=_("company"),
    )
    organisation = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.CASCADE,
        related_name="insight_held",
        verbose_name=_("NGO or union"),
    )
    module = models.ForeignKey(
        "governance.Module",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="insight_grants",
        verbose_name=_("through module"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("insight grant")
        verbose_name_plural = _("insight grants")
        ordering = ["organisation__name", "content_object__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "content_object"],
                name="insight_grant_one_per_company",
                violation_error_message=_(
                    "This organisation has insight into this company already."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.content_object}"

    @property
    def company(self):
        return self.content_object
