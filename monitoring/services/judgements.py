"""Scoring an assessment and keeping its judgements: the first one at submission, and the
final one after the improvement window (art. 10-11). Every judgement is stored with the
framework version and thresholds it was computed under."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from convenant.audit import audit_record

from .. import permissions
from ..calendar import add_calendar_months
from ..framework import thresholds_to_dict
from ..models import (
    Assessment,
    AssessmentStatus,
    RoundStatus,
    ScoreKind,
    ScoreRecord,
    Signal,
)
from ..scoring import (
    Answer as ScoredAnswer,
)
from ..scoring import (
    AssessmentResult,
    display_score,
    result_to_dict,
    score_assessment,
)

IMPROVEMENT_WINDOW_MONTHS = 3


def assessment_result(assessment: Assessment) -> AssessmentResult:
    """Score the assessment's current answers (two queries)."""
    rows = assessment.answers.annotate(documents=Count("evidence")).values_list(
        "question_code", "value", "explanation", "documents"
    )
    answers = {
        code: ScoredAnswer(value=value, explanation=explanation, documents=documents)
        for code, value, explanation, documents in rows
    }
    round_ = assessment.round
    return score_assessment(
        round_.framework.parsed,
        assessment.profile,
        answers,
        thresholds=round_.signal_thresholds,
    )


def stored_result(result: AssessmentResult) -> dict:
    """The result as kept in the ledger: the JSON of `score_assessment --answers`, with the
    advice in both languages and the score of every applicable scored question (the
    scoring gives questions a score, not a level)."""
    data = result_to_dict(result, "en")
    data["questions"] = question_scores(result)
    data["advice"] = [
        {"question": advice.question, "step": advice.step, "text": dict(advice.text)}
        for advice in result.advice
    ]
    return data


def question_scores(result: AssessmentResult) -> dict[str, dict]:
    """{code: {"score": 0-100 rounded for display}} for each question that scored."""
    return {
        code: {"score": float(display_score(question.score))}
        for code, question in result.questions.items()
        if question.score is not None
    }


def _record(assessment: Assessment, kind: str, result: AssessmentResult) -> ScoreRecord:
    record = ScoreRecord(
        assessment=assessment,
        kind=kind,
        framework=assessment.round.framework,
        final_score=(
            display_score(result.final_score)
            if result.final_score is not None
            else None
        ),
        exact_score=str(result.final_score) if result.final_score is not None else "",
        level=result.level,
        signal=result.signal,
        result=stored_result(result),
        thresholds=thresholds_to_dict(result.thresholds),
    )
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def assessment_submit(*, assessment: Assessment, actor, request=None) -> ScoreRecord:
    """Hand in the assessment and judge it at once. Green is final straight away; orange
    or red opens an improvement window of three calendar months in which only the
    insufficient parts can change."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not permissions.is_own_assessment(actor, assessment):
        raise PermissionDenied
    if assessment.status not in permissions.EDITABLE_STATUSES:
        raise ValidationError(_("This assessment has been submitted already."))
    if assessment.round.status != RoundStatus.OPEN:
        raise ValidationError(
            _("The round is closed; the assessment can no longer be submitted.")
        )
    if assessment.profile_completed_at is None:
        raise ValidationError(_("Fill in the company profile first."))
    result = assessment_result(assessment)
    record = _record(assessment, ScoreKind.FIRST, result)
    now = timezone.now()
    assessment.submitted_at = now
    if result.signal in {Signal.ORANGE, Signal.RED}:
        assessment.status = AssessmentStatus.IMPROVING
        assessment.window_closes_on = add_calendar_months(
            timezone.localdate(now), IMPROVEMENT_WINDOW_MONTHS
        )
    else:
        _record(assessment, ScoreKind.FINAL, result)
        assessment.status = AssessmentStatus.FINAL
        assessment.finalised_at = now
    assessment.save()
    audit_record(
        actor=actor,
        action="assessment.submit",
        obj=assessment,
        organisation=assessment.organisation,
        request=request,
        details={"signal": result.signal, "score": record.exact_score},
    )
    return record


def _finalise(assessment: Assessment, actor, request, action: str) -> ScoreRecord:
    result = assessment_result(assessment)
    record = _record(assessment, ScoreKind.FINAL, result)
    assessment.status = AssessmentStatus.FINAL
    assessment.finalised_at = timezone.now()
    assessment.save(update_fields=["status", "finalised_at"])
    audit_record(
        actor=actor,
        action=action,
        obj=assessment,
        organisation=assessment.organisation,
        request=request,
        details={"signal": result.signal, "score": record.exact_score},
    )
    return record


@transaction.atomic
def assessment_resubmit(*, assessment: Assessment, actor, request=None) -> ScoreRecord:
    """Close the improvement window early with the improved answers: the final judgement."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not permissions.is_own_assessment(actor, assessment):
        raise PermissionDenied
    if assessment.status != AssessmentStatus.IMPROVING:
        raise ValidationError(
            _("There is no open improvement window for this assessment.")
        )
    return _finalise(assessment, actor, request, "assessment.resubmit")


def improvement_windows_close(*, today: dt.date | None = None) -> int:
    """Give the final judgement to every assessment whose window has passed; returns how
    many. Running it twice does no harm."""
    today = today or timezone.localdate()
    count = 0
    for pk in Assessment.objects.filter(
        status=AssessmentStatus.IMPROVING, window_closes_on__lt=today
    ).values_list("pk", flat=True):
        with transaction.atomic():
            assessment = Assessment.objects.select_for_update().get(pk=pk)
            if assessment.status != AssessmentStatus.IMPROVING:
                continue
            _finalise(assessment, None, None, "assessment.window_closed")
            count += 1
    return count
