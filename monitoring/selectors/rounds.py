"""The secretariat's reads of frameworks and rounds: the framework versions and what they
hold, the rounds, and each round's progress. Each read costs a fixed number of queries,
whatever the number of companies."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import (
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Participation,
)

from ..framework import AppliesIf, StepLevel, Text, export_number
from ..framework import Framework as ParsedFramework
from ..models import (
    Assessment,
    AssessmentStatus,
    Framework,
    Round,
    ScoreKind,
    ScoreRecord,
    Signal,
)

SUBMITTED_STATUSES = (
    AssessmentStatus.SUBMITTED,
    AssessmentStatus.IMPROVING,
    AssessmentStatus.FINAL,
)
# Assessments that have not been handed in yet: these get reminders.
NOT_SUBMITTED = (AssessmentStatus.INVITED, AssessmentStatus.IN_PROGRESS)
NO_SIGNAL = "none"


def invitable_companies() -> QuerySet[Organisation]:
    """The companies a round invites: active party companies, those that gave notice of
    withdrawal included (they keep their obligations until it takes effect)."""
    return Organisation.objects.filter(
        kind=OrganisationKind.COMPANY,
        participation=Participation.PARTY,
        status__in=[OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING],
    )


# --- Frameworks ------------------------------------------------------------------------


@dataclass(frozen=True)
class FrameworkRow:
    framework: Framework
    steps: int
    questions: int
    rounds: int

    @property
    def in_use(self) -> bool:
        """A version a round uses is locked: a change makes a new version."""
        return self.rounds > 0


def framework_list() -> list[FrameworkRow]:
    """Every loaded version, newest first per code, with its size and use (one query)."""
    frameworks = (
        Framework.objects.defer("source")
        .annotate(round_count=Count("rounds"))
        .order_by("code", "-version")
    )
    return [
        FrameworkRow(
            framework=framework,
            steps=len(framework.data.get("steps", [])),
            questions=sum(
                len(step.get("questions", []))
                for step in framework.data.get("steps", [])
            ),
            rounds=framework.round_count,
        )
        for framework in frameworks
    ]


def framework_get(*, pk: int) -> Framework:
    return get_object_or_404(
        Framework.objects.annotate(round_count=Count("rounds")), pk=pk
    )


def framework_choices() -> QuerySet[Framework]:
    return Framework.objects.defer("data", "source").order_by("code", "-version")


@dataclass(frozen=True)
class OptionOutline:
    value: str
    label: str
    points: str
    advice: str


@dataclass(frozen=True)
class QuestionOutline:
    code: str
    text: str
    help: str
    type: str
    weight: str
    evidence: str
    critical: bool
    critical_min: str
    conditions: list[str]
    ngo_visible: bool
    advice: str
    options: list[OptionOutline]


@dataclass(frozen=True)
class StepOutline:
    code: str
    title: str
    description: str
    weight: str
    ngo_visible: bool
    questions: list[QuestionOutline]


@dataclass(frozen=True)
class LevelOutline:
    level: int
    min: str
    name: str


@dataclass(frozen=True)
class ModuleOutline:
    code: str
    title: str
    kind: str
    mandatory_below: str
    advised_below: str


@dataclass(frozen=True)
class FrameworkOutline:
    """A framework version in the reader's language, for reading only."""

    code: str
    version: int
    title: str
    description: str
    levels: list[LevelOutline]
    thresholds: dict[str, str]
    steps: list[StepOutline]
    modules: list[ModuleOutline]

    @property
    def question_count(self) -> int:
        return sum(len(step.questions) for step in self.steps)


def _in(text: Text | None, language: str) -> str:
    return text.in_language(language) if text is not None else ""


def _number(value: Any) -> str:
    return "" if value is None else str(export_number(value))


def _conditions(applies_if: AppliesIf) -> list[str]:
    """The profile conditions of a question, in words."""
    conditions = []
    for flag, label in (
        ("recycler", _("recycler")),
        ("cahra_sourcing", _("sources from conflict-affected and high-risk areas")),
        ("sources_3tg", _("sources tin, tantalum, tungsten or gold")),
    ):
        wanted = getattr(applies_if, flag)
        if wanted is not None:
            answer = _("yes") if wanted else _("no")
            conditions.append(f"{label}: {answer}")
    if applies_if.csrd_category is not None:
        conditions.append(
            _("CSRD category: %(categories)s")
            % {"categories": ", ".join(applies_if.csrd_category)}
        )
    if applies_if.fte_min is not None:
        conditions.append(_("at least %(fte)s FTE") % {"fte": applies_if.fte_min})
    if applies_if.fte_max is not None:
        conditions.append(_("at most %(fte)s FTE") % {"fte": applies_if.fte_max})
    return conditions


def _trigger(trigger: StepLevel | None) -> str:
    if trigger is None:
        return ""
    return _("step %(step)s below level %(level)s") % {
        "step": trigger.step,
        "level": trigger.level,
    }


def framework_outline(*, framework: ParsedFramework, language: str) -> FrameworkOutline:
    """Steps, questions, levels, thresholds and modules in `language` (English where a
    text has none in it)."""
    signal = framework.signal
    return FrameworkOutline(
        code=framework.code,
        version=framework.version,
        title=_in(framework.title, language),
        description=_in(framework.description, language),
        levels=[
            LevelOutline(
                level=level.level,
                min=_number(level.min),
                name=_in(level.name, language),
            )
            for level in framework.levels
        ],
        thresholds={
            "green_final": _number(signal.green_final),
            "green_step_min": _number(signal.green_step_min),
            "orange_final": _number(signal.orange_final),
            "insufficient_below": _number(signal.insufficient_below),
        },
        steps=[
            StepOutline(
                code=step.code,
                title=_in(step.title, language),
                description=_in(step.description, language),
                weight=_number(step.weight),
                ngo_visible=step.ngo_visible,
                questions=[
                    QuestionOutline(
                        code=question.code,
                        text=_in(question.text, language),
                        help=_in(question.help, language),
                        type=question.type,
                        weight=_number(question.weight),
                        evidence=question.evidence,
                        critical=question.critical,
                        critical_min=_number(question.critical_min),
                        conditions=_conditions(question.applies_if),
                        ngo_visible=question.ngo_visible,
                        advice=_in(question.advice, language),
                        options=[
                            OptionOutline(
                                value=option.value,
                                label=_in(option.label, language),
                                points=_number(option.points),
                                advice=_in(option.advice, language),
                            )
                            for option in question.options
                        ],
                    )
                    for question in step.questions
                ],
            )
            for step in framework.steps
        ],
        modules=[
            ModuleOutline(
                code=module.code,
                title=_in(module.title, language),
                kind=module.kind,
                mandatory_below=_trigger(module.mandatory_below),
                advised_below=_trigger(module.advised_below),
            )
            for module in framework.modules
        ],
    )


# --- Rounds ----------------------------------------------------------------------------


def round_list() -> QuerySet[Round]:
    """Every round, latest first, with how many companies were invited and submitted."""
    return (
        Round.objects.select_related("agreement_year", "framework")
        .defer("framework__data", "framework__source")
        .annotate(
            invited=Count("assessments"),
            submitted=Count(
                "assessments", filter=Q(assessments__status__in=SUBMITTED_STATUSES)
            ),
        )
        .order_by("-opens_on", "-id")
    )


def round_get(*, pk: int) -> Round:
    return get_object_or_404(
        Round.objects.select_related("agreement_year", "framework").defer(
            "framework__data", "framework__source"
        ),
        pk=pk,
    )


def round_uninvited_companies(*, round: Round) -> QuerySet[Organisation]:
    """The companies a round could invite that it has not invited yet."""
    return (
        invitable_companies().exclude(assessments__round=round).order_by("name", "id")
    )


@dataclass(frozen=True)
class ProgressRow:
    assessment: Assessment
    first: ScoreRecord | None
    final: ScoreRecord | None
    reminded_today: bool

    @property
    def organisation(self) -> Organisation:
        return self.assessment.organisation

    @property
    def signal(self) -> str:
        """The signal now: the final judgement's, else the first's, else none."""
        record = self.final or self.first
        return (record.signal if record else None) or NO_SIGNAL

    @property
    def not_submitted(self) -> bool:
        return self.assessment.status in NOT_SUBMITTED

    @property
    def can_remind(self) -> bool:
        return self.not_submitted and not self.reminded_today


@dataclass(frozen=True)
class Tally:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class RoundProgress:
    """Every invited company of a round (`rows`, filtered) and the counts of the whole
    round by status and by signal."""

    round: Round
    rows: list[ProgressRow]
    total: int
    by_status: list[Tally]
    by_signal: list[Tally]
    to_remind: int
    reminded_today: int


def signal_choices() -> list[tuple[str, str]]:
    return [*Signal.choices, (NO_SIGNAL, _("No judgement yet"))]


def round_progress(
    *, round: Round, status: str = "", signal: str = "", today: dt.date | None = None
) -> RoundProgress:
    """Two queries: the assessments with their companies, and their judgements."""
    today = today or timezone.localdate()
    assessments = (
        round.assessments.select_related("organisation")
        # The company's profile is not shown here: no need to decode its JSON for
        # every company of the round.
        .defer("profile")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=ScoreRecord.objects.only(
                    "id", "assessment_id", "kind", "final_score", "level", "signal"
                ).order_by(),
                # A list: a related manager made for each of a thousand rows is slow.
                to_attr="score_records",
            )
        )
        .order_by("organisation__name", "organisation_id")
    )
    rows = []
    for assessment in assessments:
        scores = {record.kind: record for record in assessment.score_records}
        reminded = assessment.reminded_at
        rows.append(
            ProgressRow(
                assessment=assessment,
                first=scores.get(ScoreKind.FIRST),
                final=scores.get(ScoreKind.FINAL),
                reminded_today=(
                    reminded is not None and timezone.localdate(reminded) == today
                ),
            )
        )
    statuses = Counter(row.assessment.status for row in rows)
    signals = Counter(row.signal for row in rows)
    shown = [
        row
        for row in rows
        if (not status or row.assessment.status == status)
        and (not signal or row.signal == signal)
    ]
    return RoundProgress(
        round=round,
        rows=shown,
        total=len(rows),
        by_status=[
            Tally(value, label, statuses[value])
            for value, label in AssessmentStatus.choices
        ],
        by_signal=[
            Tally(value, label, signals[value]) for value, label in signal_choices()
        ],
        to_remind=sum(1 for row in rows if row.can_remind),
        reminded_today=sum(
            1 for row in rows if row.not_submitted and row.reminded_today
        ),
    )


def frameworks_exist() -> bool:
    return Framework.objects.exists()


def round_companies(*, round: Round) -> QuerySet[Organisation]:
    """The companies invited to a round."""
    return Organisation.objects.filter(assessments__round=round)
