"""Reads of a company's self-assessment, scoped to the person asking: the list of its
assessments, one step of the questionnaire, what is missing before submission, and the
judgements. Each read takes a fixed number of queries, however many questions the
framework has; texts come back in the language asked for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from .. import permissions
from ..framework import Framework, Question, Step, Text
from ..models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Evidence,
    ScoreKind,
    ScoreRecord,
    Signal,
)


def text_in(text: Text | Mapping[str, str] | None, language: str) -> str:
    """A framework text in `language`, in English (then Dutch) when it has none."""
    if not text:
        return ""
    return text.get(language) or text.get("en") or text.get("nl") or ""


def applicable_codes(framework: Framework, profile: Mapping[str, Any]) -> set[str]:
    """The codes of the questions that apply to a company with `profile`."""
    return {q.code for q in framework.questions if q.applies_if.holds(profile)}


def question_prefix(framework: Framework, code: str) -> str:
    """The form prefix and HTML id of a question: its place in the framework, since a
    code such as "1.1" makes a poor CSS selector."""
    for index, question in enumerate(framework.questions):
        if question.code == code:
            return f"q{index}"
    raise KeyError(code)


def _prefixes(framework: Framework) -> dict[str, str]:
    return {q.code: f"q{index}" for index, q in enumerate(framework.questions)}


def _framework_of(assessment: Assessment) -> Framework:
    return assessment.round.framework.parsed


# --- Finding assessments ------------------------------------------------------------------


def _with_scores(qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return qs.prefetch_related(
        Prefetch(
            "scores",
            queryset=ScoreRecord.objects.select_related("framework").order_by(
                "computed_at"
            ),
        )
    )


def assessment_get(*, user, pk: int) -> Assessment:
    """One assessment with its round, framework and judgements; 404 when it does not
    exist or is not the person's to see."""
    return get_object_or_404(
        _with_scores(permissions.assessment_visible_to(user)), pk=pk
    )


def evidence_get(*, user, pk: int) -> Evidence:
    """One evidence document of an assessment the person may see; 404 otherwise."""
    visible = permissions.assessment_visible_to(user)
    evidence = get_object_or_404(
        Evidence.objects.select_related(
            "answer__assessment__round__framework",
            "answer__assessment__organisation",
        ).filter(answer__assessment__in=visible.values("pk")),
        pk=pk,
    )
    if not permissions.can_view_evidence(user, evidence.answer.assessment):
        raise Http404
    return evidence


def copy_forward_source(assessment: Assessment) -> Assessment | None:
    """The company's latest earlier assessment of the same framework (any version) that
    has answers: what "copy last round's answers" copies from."""
    round_ = assessment.round
    earlier = Q(round__opens_on__lt=round_.opens_on) | Q(
        round__opens_on=round_.opens_on, round_id__lt=round_.pk
    )
    return (
        Assessment.objects.filter(
            earlier,
            organisation_id=assessment.organisation_id,
            round__framework__code=round_.framework.code,
        )
        .exclude(pk=assessment.pk)
        .filter(
            Exists(
                Answer.objects.filter(assessment=OuterRef("pk"), value__isnull=False)
            )
        )
        .select_related("round")
        .order_by("-round__opens_on", "-round_id")
        .first()
    )


def latest_judgement(assessment: Assessment) -> ScoreRecord | None:
    """The final judgement when there is one, else the first (judgements prefetched)."""
    records = {record.kind: record for record in assessment.scores.all()}
    return records.get(ScoreKind.FINAL) or records.get(ScoreKind.FIRST)


@dataclass(frozen=True)
class AssessmentRow:
    assessment: Assessment
    first_step: str
    judgement: ScoreRecord | None
    deadline: dt.date | None
    can_fill_in: bool
    can_copy_forward: bool

    @property
    def signal_label(self) -> str:
        if self.judgement is None or not self.judgement.signal:
            return ""
        return str(Signal(self.judgement.signal).label)


def assessment_list(*, user) -> list[AssessmentRow]:
    """The person's company's assessments, newest round first, with the latest
    judgement, the deadline that matters now, and whether last round's answers can be
    copied forward (three queries)."""
    assessments = list(
        _with_scores(permissions.assessment_visible_to(user)).order_by(
            "-round__opens_on", "-round_id"
        )
    )
    with_answers = set(
        Answer.objects.filter(
            assessment__in=[a.pk for a in assessments], value__isnull=False
        )
        .values_list("assessment_id", flat=True)
        .distinct()
    )
    rows = []
    for index, assessment in enumerate(assessments):
        can_fill = permissions.can_fill_in(user, assessment)
        code = assessment.round.framework.code
        # The list runs from new to old: a source is further down the list.
        has_source = any(
            earlier.pk in with_answers and earlier.round.framework.code == code
            for earlier in assessments[index + 1 :]
        )
        rows.append(
            AssessmentRow(
                assessment=assessment,
                first_step=assessment.round.framework.parsed.steps[0].code,
                judgement=latest_judgement(assessment),
                deadline=(
                    assessment.window_closes_on
                    if assessment.status == AssessmentStatus.IMPROVING
                    else assessment.round.closes_on
                    if assessment.status in permissions.EDITABLE_STATUSES
                    else None
                ),
                can_fill_in=can_fill,
                can_copy_forward=(
                    can_fill
                    and assessment.status in permissions.EDITABLE_STATUSES
                    and assessment.pk not in with_answers
                    and has_source
                ),
            )
        )
    return rows


# --- The questionnaire, step by step ------------------------------------------------------


@dataclass(frozen=True)
class QuestionItem:
    """One applicable question as the step page shows it."""

    question: Question
    prefix: str
    step_code: str
    text: str
    help: str
    options: tuple[tuple[str, str], ...]
    answer: Answer | None
    evidence: tuple[Evidence, ...]
    editable: bool
    improvable: bool

    @property
    def code(self) -> str:
        return self.question.code

    @property
    def revision(self) -> int:
        return self.answer.revision if self.answer is not None else 0

    @property
    def takes_evidence(self) -> bool:
        return self.question.evidence != "none"

    @property
    def evidence_required(self) -> bool:
        return self.question.evidence == "required"

    @property
    def answer_labels(self) -> list[str]:
        """The answer as the person reads it: the chosen options' labels, or the value."""
        return answer_labels(self.question, self.options, self.answer)


def answer_labels(
    question: Question, options: tuple[tuple[str, str], ...], answer: Answer | None
) -> list[str]:
    if answer is None or answer.value is None:
        return []
    labels = dict(options)
    value = answer.value
    if question.type == "multi":
        return [labels.get(item, item) for item in value]
    if question.type in ("single", "boolean"):
        return [labels.get(value, value)]
    return [str(value)]


def question_options(question: Question, language: str) -> tuple[tuple[str, str], ...]:
    """The options a question offers, as (value, label); a boolean question without
    options offers yes and no."""
    if question.type == "boolean" and not question.options:
        return (("yes", gettext("Yes")), ("no", gettext("No")))
    return tuple(
        (option.value, text_in(option.label, language)) for option in question.options
    )


@dataclass(frozen=True)
class StepProgress:
    code: str
    title: str
    answered: int
    applicable: int
    current: bool


@dataclass(frozen=True)
class StepPage:
    assessment: Assessment
    framework: Framework
    step: Step
    title: str
    description: str
    items: tuple[QuestionItem, ...]
    left_out: int
    progress: tuple[StepProgress, ...]
    previous_step: str | None
    next_step: str | None
    can_fill_in: bool
    in_window: bool

    @property
    def editable(self) -> bool:
        return any(item.editable for item in self.items)


def _step(framework: Framework, step_code: str) -> tuple[int, Step]:
    for index, step in enumerate(framework.steps):
        if step.code == step_code:
            return index, step
    raise Http404


def _question_item(
    *,
    user,
    assessment: Assessment,
    question: Question,
    prefix: str,
    step_code: str,
    answer: Answer | None,
    evidence: tuple[Evidence, ...],
    improvable_codes: frozenset[str] | None,
    language: str,
) -> QuestionItem:
    return QuestionItem(
        question=question,
        prefix=prefix,
        step_code=step_code,
        text=text_in(question.text, language),
        help=text_in(question.help, language),
        options=question_options(question, language),
        answer=answer,
        evidence=evidence,
        editable=permissions.can_change_answer(user, assessment, question.code),
        improvable=(
            assessment.status == AssessmentStatus.IMPROVING
            and improvable_codes is not None
            and question.code in improvable_codes
        ),
    )


def step_progress(
    framework: Framework,
    profile: Mapping[str, Any],
    answered: set[str],
    current: str | None,
    language: str,
) -> tuple[StepProgress, ...]:
    """Answered and applicable questions per step."""
    progress = []
    for step in framework.steps:
        codes = [q.code for q in step.questions if q.applies_if.holds(profile)]
        progress.append(
            StepProgress(
                code=step.code,
                title=text_in(step.title, language),
                answered=sum(1 for code in codes if code in answered),
                applicable=len(codes),
                current=step.code == current,
            )
        )
    return tuple(progress)


def questionnaire_step(
    *, user, assessment: Assessment, step_code: str, language: str
) -> StepPage:
    """One step of the questionnaire: its applicable questions with their answers and
    documents, how many questions were left out, and the progress of every step (two
    queries: all answers, and this step's documents). 404 for an unknown step."""
    framework = _framework_of(assessment)
    index, step = _step(framework, step_code)
    profile = assessment.profile or {}
    answers = {a.question_code: a for a in assessment.answers.all()}
    applicable = [q for q in step.questions if q.applies_if.holds(profile)]
    step_answers = [answers[q.code].pk for q in applicable if q.code in answers]
    evidence: dict[int, list[Evidence]] = {}
    if step_answers:
        for document in Evidence.objects.filter(answer_id__in=step_answers).order_by(
            "uploaded_at", "pk"
        ):
            evidence.setdefault(document.answer_id, []).append(document)
    prefixes = _prefixes(framework)
    improvable = permissions.editable_question_codes(assessment)
    items = tuple(
        _question_item(
            user=user,
            assessment=assessment,
            question=question,
            prefix=prefixes[question.code],
            step_code=step.code,
            answer=answers.get(question.code),
            evidence=tuple(
                evidence.get(answers[question.code].pk, ())
                if question.code in answers
                else ()
            ),
            improvable_codes=improvable,
            language=language,
        )
        for question in applicable
    )
    answered = {code for code, answer in answers.items() if answer.value is not None}
    steps = framework.steps
    return StepPage(
        assessment=assessment,
        framework=framework,
        step=step,
        title=text_in(step.title, language),
        description=text_in(step.description, language),
        items=items,
        left_out=len(step.questions) - len(applicable),
        progress=step_progress(framework, profile, answered, step.code, language),
        previous_step=steps[index - 1].code if index > 0 else None,
        next_step=steps[index + 1].code if index + 1 < len(steps) else None,
        can_fill_in=permissions.can_fill_in(user, assessment),
        in_window=assessment.status == AssessmentStatus.IMPROVING,
    )


def question_get(
    *, user, assessment: Assessment, question_code: str, language: str
) -> QuestionItem:
    """One applicable question with its answer and documents (two queries); 404 for a
    question the framework does not have or that does not apply."""
    framework = _framework_of(assessment)
    try:
        question = framework.question(question_code)
    except KeyError:
        raise Http404 from None
    if not question.applies_if.holds(assessment.profile or {}):
        raise Http404
    answer = (
        Answer.objects.filter(assessment=assessment, question_code=question_code)
        .prefetch_related(
            Prefetch(
                "evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk")
            )
        )
        .first()
    )
    return _question_item(
        user=user,
        assessment=assessment,
        question=question,
        prefix=question_prefix(framework, question_code),
        step_code=framework.step_of(question_code).code,
        answer=answer,
        evidence=tuple(answer.evidence.all()) if answer is not None else (),
        improvable_codes=permissions.editable_question_codes(assessment),
        language=language,
    )


# --- Before submitting --------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionRef:
    """A question named in a list, with where to find it."""

    code: str
    text: str
    step_code: str
    step_title: str
    prefix: str


def _ref(framework: Framework, code: str, language: str) -> QuestionRef | None:
    """The question with `code` as a reference, or None when the framework has none
    (a stored judgement may name a question of another version)."""
    try:
        question = framework.question(code)
        step = framework.step_of(code)
    except KeyError:
        return None
    return QuestionRef(
        code=code,
        text=text_in(question.text, language),
        step_code=step.code,
        step_title=text_in(step.title, language),
        prefix=question_prefix(framework, code),
    )


@dataclass(frozen=True)
class Review:
    profile_missing: bool
    unanswered: tuple[QuestionRef, ...]
    unsubstantiated: tuple[QuestionRef, ...]
    applicable: int
    answered: int

    @property
    def complete(self) -> bool:
        return not (self.profile_missing or self.unanswered or self.unsubstantiated)


def review_missing(*, assessment: Assessment, language: str) -> Review:
    """What is missing before submitting (one query): unanswered applicable questions,
    and answers to questions that require evidence with neither an explanation nor a
    document, which score 0 just as scoring counts them."""
    framework = _framework_of(assessment)
    profile = assessment.profile or {}
    rows = {
        code: (value, explanation, documents)
        for code, value, explanation, documents in assessment.answers.annotate(
            documents=Count("evidence")
        ).values_list("question_code", "value", "explanation", "documents")
    }
    prefixes = _prefixes(framework)
    unanswered = []
    unsubstantiated = []
    applicable = answered = 0
    for step in framework.steps:
        step_title = text_in(step.title, language)
        for question in step.questions:
            if not question.applies_if.holds(profile):
                continue
            applicable += 1
            value, explanation, documents = rows.get(question.code, (None, "", 0))
            ref = QuestionRef(
                code=question.code,
                text=text_in(question.text, language),
                step_code=step.code,
                step_title=step_title,
                prefix=prefixes[question.code],
            )
            if value is None:
                unanswered.append(ref)
                continue
            answered += 1
            if (
                question.evidence == "required"
                and not documents
                and not explanation.strip()
            ):
                unsubstantiated.append(ref)
    return Review(
        profile_missing=assessment.profile_completed_at is None,
        unanswered=tuple(unanswered),
        unsubstantiated=tuple(unsubstantiated),
        applicable=applicable,
        answered=answered,
    )


# --- The judgements -----------------------------------------------------------------------


@dataclass(frozen=True)
class StepScore:
    code: str
    title: str
    score: Decimal | None
    level: int | None
    level_name: str


@dataclass(frozen=True)
class AdviceLine:
    question: QuestionRef | None
    step_title: str
    text: str


@dataclass(frozen=True)
class ModuleLine:
    code: str
    title: str
    kind: str


@dataclass(frozen=True)
class Judgement:
    record: ScoreRecord
    final_score: Decimal | None
    level: int | None
    level_name: str
    signal: str | None
    steps: tuple[StepScore, ...]
    advice: tuple[AdviceLine, ...]
    mandatory_modules: tuple[ModuleLine, ...]
    advised_modules: tuple[ModuleLine, ...]
    insufficient: tuple[QuestionRef, ...]
    unsubstantiated: tuple[QuestionRef, ...]
    critical_failed: tuple[QuestionRef, ...]

    @property
    def kind(self) -> str:
        return self.record.kind

    @property
    def signal_label(self) -> str:
        return str(Signal(self.signal).label) if self.signal else ""


def _level_name(framework: Framework, level: int | None, language: str) -> str:
    for candidate in framework.levels:
        if candidate.level == level:
            return text_in(candidate.name, language)
    return ""


def _score(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def _judgement(record: ScoreRecord, framework: Framework, language: str) -> Judgement:
    result = record.result
    steps_result = result.get("steps", {})
    steps = []
    for step in framework.steps:
        data = steps_result.get(step.code)
        steps.append(
            StepScore(
                code=step.code,
                title=text_in(step.title, language),
                score=_score(data["score"]) if data else None,
                level=data["level"] if data else None,
                level_name=_level_name(framework, data["level"], language)
                if data
                else "",
            )
        )
    step_titles = {step.code: text_in(step.title, language) for step in framework.steps}
    advice = tuple(
        AdviceLine(
            question=_ref(framework, item["question"], language),
            step_title=step_titles.get(item.get("step", ""), ""),
            text=text_in(item["text"], language)
            if isinstance(item["text"], Mapping)
            else item["text"],
        )
        for item in result.get("advice", [])
    )
    modules = {module.code: module for module in framework.modules}

    def module_lines(codes: list[str]) -> tuple[ModuleLine, ...]:
        return tuple(
            ModuleLine(
                code=code,
                title=text_in(modules[code].title, language) if code in modules else "",
                kind=modules[code].kind if code in modules else "",
            )
            for code in codes
        )

    def refs(codes: list[str]) -> tuple[QuestionRef, ...]:
        return tuple(
            ref
            for code in codes
            if (ref := _ref(framework, code, language)) is not None
        )

    return Judgement(
        record=record,
        final_score=record.final_score,
        level=record.level,
        level_name=_level_name(framework, record.level, language),
        signal=record.signal,
        steps=tuple(steps),
        advice=advice,
        mandatory_modules=module_lines(result.get("modules", {}).get("mandatory", [])),
        advised_modules=module_lines(result.get("modules", {}).get("advised", [])),
        insufficient=refs(result.get("insufficient", [])),
        unsubstantiated=refs(result.get("unsubstantiated", [])),
        critical_failed=refs(result.get("critical_failed", [])),
    )


@dataclass(frozen=True)
class ResultsPage:
    assessment: Assessment
    first: Judgement | None
    final: Judgement | None
    window_open: bool
    window_closes_on: dt.date | None
    improvable: tuple[QuestionRef, ...]
    can_resubmit: bool


def assessment_results(*, user, assessment: Assessment, language: str) -> ResultsPage:
    """The first and the final judgement as stored, each explained with the framework
    version it was computed under; in the improvement window also the parts that can
    still change (no queries beyond the assessment's own, judgements prefetched)."""
    round_framework = assessment.round.framework
    judgements: dict[str, Judgement] = {}
    for record in assessment.scores.all():
        framework = (
            round_framework.parsed
            if record.framework_id == round_framework.pk
            else record.framework.parsed
        )
        judgements[record.kind] = _judgement(record, framework, language)
    window_open = assessment.status == AssessmentStatus.IMPROVING
    improvable: tuple[QuestionRef, ...] = ()
    if window_open:
        codes = permissions.editable_question_codes(assessment) or frozenset()
        framework = round_framework.parsed
        improvable = tuple(
            ref
            for question in framework.questions
            if question.code in codes
            and (ref := _ref(framework, question.code, language)) is not None
        )
    return ResultsPage(
        assessment=assessment,
        first=judgements.get(ScoreKind.FIRST),
        final=judgements.get(ScoreKind.FINAL),
        window_open=window_open,
        window_closes_on=assessment.window_closes_on if window_open else None,
        improvable=improvable,
        can_resubmit=window_open and permissions.can_fill_in(user, assessment),
    )
