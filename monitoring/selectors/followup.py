"""Reads for the follow-up of a judgement: the secretariat's queue of companies that still
need an improvement talk, the talks and their agreed actions, and the secretariat's
review of a submission with its comment threads. Every read is scoped to the person and
takes a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from governance.permissions import is_secretariat

from .. import permissions
from ..models import (
    Answer,
    Assessment,
    ImprovementTalk,
    ReviewComment,
    ScoreKind,
    ScoreRecord,
    Signal,
    TalkAction,
    TalkStatus,
)

TALK_SIGNALS = (Signal.ORANGE, Signal.RED)
ACTIVE_TALK_STATUSES = (TalkStatus.PLANNED, TalkStatus.HELD)


def _signal_of(kind: str) -> Subquery:
    # One record per assessment and kind (score_one_per_kind): no ordering needed, and
    # the model's default one would join the round and the organisation for every row.
    return Subquery(
        ScoreRecord.objects.filter(assessment=OuterRef("pk"), kind=kind)
        .order_by()
        .values("signal")[:1]
    )


def with_latest_signal(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Annotate `latest_signal`: the final judgement's signal, else the first's."""
    return queryset.annotate(
        latest_signal=Coalesce(_signal_of(ScoreKind.FINAL), _signal_of(ScoreKind.FIRST))
    )


def _judged(kind: str, **signal) -> Exists:
    return Exists(
        ScoreRecord.objects.filter(assessment=OuterRef("pk"), kind=kind, **signal)
    )


def latest_signal_in(signals: tuple[str, ...]) -> Q:
    """The condition `latest_signal in signals`, written as EXISTS: PostgreSQL cannot
    estimate how many rows a filter on a coalesced subquery keeps and, guessing a few,
    joins the organisations by comparing every pair; for semi-joins it uses the
    statistics of the signal column."""
    return _judged(ScoreKind.FINAL, signal__in=signals) | (
        ~_judged(ScoreKind.FINAL, signal__isnull=False)
        & _judged(ScoreKind.FIRST, signal__in=signals)
    )


QUEUE_FIELDS = (
    "round__name",
    "organisation__name",
    "submitted_at",
    "window_closes_on",
)


@dataclass(frozen=True)
class TalkQueue:
    waiting: list[Assessment]
    planned: list[ImprovementTalk]


def talk_queue(*, now: dt.datetime | None = None) -> TalkQueue:
    """Assessments judged orange or red (latest judgement) without a planned or held
    talk, the longest waiting first; and the planned talks, those still to record
    first. Two queries."""
    now = now or timezone.now()
    active_talk = ImprovementTalk.objects.filter(
        assessment=OuterRef("pk"), status__in=ACTIVE_TALK_STATUSES
    )
    waiting = list(
        with_latest_signal(Assessment.objects.select_related("round", "organisation"))
        .filter(latest_signal_in(TALK_SIGNALS))
        .exclude(Exists(active_talk))
        .order_by("submitted_at", "pk")
        # What the queue shows: thousands of rows after a few rounds, where loading
        # every column of three tables costs more than the query.
        .only(*QUEUE_FIELDS)
    )
    planned = list(
        # Planned talks, including those whose time has passed but whose notes the
        # secretariat has still to record: none may drop out of sight.
        ImprovementTalk.objects.filter(status=TalkStatus.PLANNED)
        .select_related("assessment__organisation", "assessment__round")
        .order_by("scheduled_at", "pk")
    )
    return TalkQueue(waiting=waiting, planned=planned)


def latest_signal(assessment: Assessment) -> str | None:
    return (
        with_latest_signal(Assessment.objects.filter(pk=assessment.pk))
        .values_list("latest_signal", flat=True)
        .first()
    )


def talk_visible_to(user) -> QuerySet[ImprovementTalk]:
    """The talks of the assessments the person may see."""
    visible = permissions.assessment_visible_to(user)
    return ImprovementTalk.objects.filter(
        assessment__in=visible.values("pk")
    ).select_related("assessment__organisation", "assessment__round", "created_by")


def talk_get(*, user, pk: int) -> ImprovementTalk:
    """One talk with its actions; 404 when it is not the person's to see."""
    return get_object_or_404(talk_visible_to(user).prefetch_related("actions"), pk=pk)


def talk_action_get(*, user, pk: int) -> TalkAction:
    visible = permissions.assessment_visible_to(user)
    return get_object_or_404(
        TalkAction.objects.select_related("talk__assessment__organisation").filter(
            talk__assessment__in=visible.values("pk")
        ),
        pk=pk,
    )


def talk_list(*, user, assessment: Assessment) -> list[ImprovementTalk]:
    """The assessment's talks, newest first, with their actions (two queries)."""
    return list(
        talk_visible_to(user)
        .filter(assessment=assessment)
        .prefetch_related("actions")
        .order_by("-scheduled_at", "-pk")
    )


def is_overdue(action: TalkAction, today: dt.date | None = None) -> bool:
    return action.done_on is None and action.due_on < (today or timezone.localdate())


# --- Review comments -------------------------------------------------------------------


def comment_get(*, user, pk: int) -> ReviewComment:
    """A comment on an answer of an assessment the person may see; 404 otherwise."""
    visible = permissions.assessment_visible_to(user)
    return get_object_or_404(
        ReviewComment.objects.select_related(
            "answer__assessment__organisation", "answer__assessment__round"
        ).filter(answer__assessment__in=visible.values("pk")),
        pk=pk,
    )


def answer_get(*, user, pk: int) -> Answer:
    visible = permissions.assessment_visible_to(user)
    return get_object_or_404(
        Answer.objects.select_related(
            "assessment__organisation", "assessment__round"
        ).filter(assessment__in=visible.values("pk")),
        pk=pk,
    )


def _threads() -> Prefetch:
    return Prefetch(
        "comments",
        queryset=ReviewComment.objects.filter(parent__isnull=True)
        .select_related("author")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=ReviewComment.objects.select_related("author").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .order_by("created_at", "pk"),
        to_attr="threads",
    )


@dataclass(frozen=True)
class ReviewRow:
    answer: Answer
    code: str
    text: str
    value_label: str
    step_code: str
    step_score: Any
    insufficient: bool
    unsubstantiated: bool
    critical_failed: bool
    question_score: Any


def _value_label(question, value: Any, language: str) -> str:
    if value is None or value == "" or value == []:
        return ""
    labels = {
        option.value: option.label.in_language(language) for option in question.options
    }
    if isinstance(value, list):
        return ", ".join(labels.get(item, str(item)) for item in value)
    if isinstance(value, bool):
        return str(labels.get(value, value))
    return str(labels.get(value, value))


def review_rows(*, assessment: Assessment, language: str) -> list[ReviewRow]:
    """Every answer of the assessment in framework order, with its evidence, comment
    threads and what the first judgement said about it (four queries)."""
    framework = assessment.round.framework.parsed
    first = (
        ScoreRecord.objects.filter(assessment=assessment, kind=ScoreKind.FIRST)
        .only("result")
        .first()
    )
    result = first.result if first else {}
    answers = {
        answer.question_code: answer
        for answer in assessment.answers.prefetch_related("evidence", _threads())
    }
    rows: list[ReviewRow] = []
    for question in framework.questions:
        answer = answers.get(question.code)
        if answer is None:
            continue
        step = framework.step_of(question.code)
        step_result = result.get("steps", {}).get(step.code) or {}
        question_result = result.get("questions", {}).get(question.code) or {}
        rows.append(
            ReviewRow(
                answer=answer,
                code=question.code,
                text=question.text.in_language(language),
                value_label=_value_label(question, answer.value, language),
                step_code=step.code,
                step_score=step_result.get("score"),
                insufficient=question.code in result.get("insufficient", []),
                unsubstantiated=question.code in result.get("unsubstantiated", []),
                critical_failed=question.code in result.get("critical_failed", []),
                question_score=question_result.get("score"),
            )
        )
    return rows


def open_clarifications(*, assessment: Assessment) -> list[ReviewComment]:
    """The unresolved requests for clarification on the assessment's answers, oldest
    first, with their replies (two queries)."""
    return list(
        ReviewComment.objects.filter(
            answer__assessment=assessment,
            kind=ReviewComment.Kind.CLARIFICATION,
            resolved_at__isnull=True,
        )
        .select_related("answer", "author")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=ReviewComment.objects.select_related("author").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .order_by("created_at", "pk")
    )


def can_see_internal_notes(user) -> bool:
    return is_secretariat(user)
