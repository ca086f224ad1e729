"""Scoring of a due-diligence self-assessment against its framework (art. 10-11).

`score_assessment` turns a company profile and its answers into the maturity scores, the
levels, the green, orange or red signal, the insufficient parts with advice, and the
modules. The rules are those of the framework's version; a round may raise the signal
thresholds.

- A question scores 0-100: single, the chosen option's points; multi, the sum of the
  chosen options' points, at most 100; boolean, 100 for yes and 0 for no unless its options
  give other points. Number and text questions are not scored. An applicable question left
  unanswered scores 0.
- An answer to a question with `evidence: required` that has neither a non-blank
  explanation nor a document scores 0 and is unsubstantiated.
- A question whose `applies_if` fails is left out entirely; a step without an applicable
  scored question is left out of the final score.
- Step score: the weighted mean of its question scores; final score: the weighted mean of
  the step scores.

Arithmetic is exact (Fraction), so a score exactly on a threshold meets it; only
`display_score` rounds. Pure Python, no Django import.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final

from monitoring.framework import (
    CSRD_CATEGORIES,
    PROFILE_FLAGS,
    PROFILE_KEYS,
    AppliesIf,
    Framework,
    Problem,
    Question,
    SignalThresholds,
    StepLevel,
    Text,
    describe_value,
)

GREEN: Final = "green"
ORANGE: Final = "orange"
RED: Final = "red"


@dataclass(frozen=True, slots=True)
class Answer:
    """A company's answer to one question.

    `value` is an option value (single), "yes"/"no" or True/False (boolean), a list of
    option values (multi), a number (number), a string (text), or None when unanswered.
    """

    value: Any
    explanation: str = ""
    documents: int = 0


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """How one question scored; `score` is None when it does not apply or is not scored."""

    score: Fraction | None
    applicable: bool
    insufficient: bool = False
    unsubstantiated: bool = False
    critical_failed: bool = False


@dataclass(frozen=True, slots=True)
class StepResult:
    """The score and maturity level of a step that applies."""

    score: Fraction
    level: int


@dataclass(frozen=True, slots=True)
class Advice:
    """The advice for one insufficient question."""

    question: str
    step: str
    text: Text


@dataclass(frozen=True, slots=True)
class Modules:
    """Codes of the modules a company must or is advised to take, in framework order."""

    mandatory: tuple[str, ...] = ()
    advised: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    """Everything the tool computes for one assessment.

    `final_score`, `level` and `signal` are None when no step applies. `steps` holds only
    the steps that apply; `questions` holds every question of the framework. The tuples of
    question codes follow the framework's order.
    """

    final_score: Fraction | None
    level: int | None
    signal: str | None
    steps: Mapping[str, StepResult]
    questions: Mapping[str, QuestionResult]
    insufficient: tuple[str, ...]
    unsubstantiated: tuple[str, ...]
    critical_failed: tuple[str, ...]
    advice: tuple[Advice, ...]
    modules: Modules
    thresholds: SignalThresholds


class AnswerError(ValueError):
    """A profile or answers that cannot be scored, with every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def score_assessment(
    framework: Framework,
    profile: Mapping[str, Any],
    answers: Mapping[str, Answer],
    thresholds: SignalThresholds | None = None,
) -> AssessmentResult:
    """Score `answers` (question code -> Answer) given by a company with `profile`.

    `profile` may give recycler, cahra_sourcing and sources_3tg (booleans), csrd_category
    (csrd, listed_sme or vsme) and fte (a whole number); a fact it leaves out or sets to
    None makes a condition on that fact fail. `thresholds` replaces the framework's signal
    thresholds, as a round may.

    Raises AnswerError for an unknown profile key or a wrong profile value, an answer to a
    question the framework does not have, or a value the question does not accept.
    """
    plan = _plan_for(framework)
    if thresholds is None:
        thresholds = framework.signal
    facts, problems = _checked_profile(profile)
    problems.extend(
        Problem(_answer_path(code), "no question has this code")
        for code in answers
        if code not in plan.codes
    )

    holds = [condition.holds(facts) for condition in plan.conditions]
    scale = plan.point_scale
    below = thresholds.insufficient_below
    insufficient_limit = _ceil(below * scale)
    # shortfall = below - points / scale; scaled by below.denominator * scale to stay whole.
    below_scaled, below_denominator = below.numerator * scale, below.denominator
    step_points = [0] * len(framework.steps)
    step_weights = [0] * len(framework.steps)
    questions: dict[str, QuestionResult] = {}
    insufficient: list[str] = []
    # (step, -weight x shortfall scaled by a positive constant, position, question)
    advice_order: list[tuple[int, int, int, _QuestionPlan]] = []
    unsubstantiated: list[str] = []
    critical_failed: list[str] = []

    for position, q in enumerate(plan.questions):
        answer = answers.get(q.code)
        value = None if answer is None else answer.value
        if q.condition is not None and not holds[q.condition]:
            if value is not None and not q.accepts(value):
                problems.append(_value_problem(q.question, value))
            questions[q.code] = _NOT_APPLICABLE
            continue

        lacks_evidence = (
            q.evidence_required
            and answer is not None
            and value is not None
            and not answer.documents
            and not answer.explanation.strip()
        )
        if not q.scored:
            if value is not None and not q.accepts(value):
                problems.append(_value_problem(q.question, value))
            if lacks_evidence:
                unsubstantiated.append(q.code)
            questions[q.code] = (
                _UNSCORED_UNSUBSTANTIATED if lacks_evidence else _UNSCORED
            )
            continue

        points = 0
        if value is not None:
            chosen = q.points_for(value)
            if chosen is None:
                problems.append(_value_problem(q.question, value))
            elif lacks_evidence:
                unsubstantiated.append(q.code)
            else:
                points = chosen
        step_points[q.step] += q.weight * points
        step_weights[q.step] += q.weight
        is_insufficient = points < insufficient_limit
        if is_insufficient:
            insufficient.append(q.code)
            shortfall = below_scaled - points * below_denominator
            advice_order.append((q.step, -q.weight * shortfall, position, q))
        fails_critical = q.critical_limit is not None and points < q.critical_limit
        if fails_critical:
            critical_failed.append(q.code)
        questions[q.code] = plan.question_result(
            points, is_insufficient, bool(lacks_evidence), fails_critical
        )

    if problems:
        raise AnswerError(problems)

    # A step's score is step_points / (step_weights * point_scale), exactly.
    step_min = thresholds.green_step_min
    steps: dict[str, StepResult] = {}
    applicable_steps: list[int] = []
    every_step_reaches_green = True
    for index, step in enumerate(framework.steps):
        if step_weights[index] == 0:
            continue  # no applicable scored question
        points, denominator = step_points[index], step_weights[index] * scale
        steps[step.code] = plan.step_result(points, denominator)
        applicable_steps.append(index)
        every_step_reaches_green = every_step_reaches_green and (
            points * step_min.denominator >= step_min.numerator * denominator
        )

    final_score = _final_score(plan, applicable_steps, step_points, step_weights)
    return AssessmentResult(
        final_score=final_score,
        level=(
            None
            if final_score is None
            else plan.level_of(final_score.numerator, final_score.denominator)
        ),
        signal=_signal(
            final_score, every_step_reaches_green, bool(critical_failed), thresholds
        ),
        steps=steps,
        questions=questions,
        insufficient=tuple(insufficient),
        unsubstantiated=tuple(unsubstantiated),
        critical_failed=tuple(critical_failed),
        advice=_advice(advice_order, answers),
        modules=_modules(framework, steps),
        thresholds=thresholds,
    )


def display_score(score: Fraction) -> Decimal:
    """`score` rounded half up to one decimal (62.45 -> 62.5), for display and JSON only:
    every comparison uses the exact score."""
    doubled_tenths = abs(score.numerator) * 20
    tenths = (doubled_tenths + score.denominator) // (2 * score.denominator)
    return Decimal(-tenths if score < 0 else tenths).scaleb(-1)


def result_to_dict(result: AssessmentResult, language: str = "en") -> dict[str, Any]:
    """The result as JSON-ready data, scores rounded for display, advice in `language`
    (in English where a text has no such language)."""
    return {
        "final_score": _display_float(result.final_score),
        "level": result.level,
        "signal": result.signal,
        "steps": {
            code: {"score": _display_float(step.score), "level": step.level}
            for code, step in result.steps.items()
        },
        "insufficient": list(result.insufficient),
        "unsubstantiated": list(result.unsubstantiated),
        "critical_failed": list(result.critical_failed),
        "advice": [
            {"question": advice.question, "text": advice.text.in_language(language)}
            for advice in result.advice
        ],
        "modules": {
            "mandatory": list(result.modules.mandatory),
            "advised": list(result.modules.advised),
        },
    }


def _display_float(score: Fraction | None) -> float | None:
    return None if score is None else float(display_score(score))


def _final_score(
    plan: _Plan,
    applicable_steps: Sequence[int],
    step_points: Sequence[int],
    step_weights: Sequence[int],
) -> Fraction | None:
    """The mean of the applicable steps' scores weighted by the step weights, summed
    over one common denominator so that only one Fraction is made."""
    if not applicable_steps:
        return None
    common = math.lcm(*(step_weights[i] for i in applicable_steps))
    numerator = sum(
        plan.step_weights[i] * step_points[i] * (common // step_weights[i])
        for i in applicable_steps
    )
    denominator = (
        common * plan.point_scale * sum(plan.step_weights[i] for i in applicable_steps)
    )
    return Fraction(numerator, denominator)


def _signal(
    final_score: Fraction | None,
    every_step_reaches_green: bool,
    any_critical_failed: bool,
    thresholds: SignalThresholds,
) -> str | None:
    if final_score is None:
        return None
    if (
        final_score >= thresholds.green_final
        and every_step_reaches_green
        and not any_critical_failed
    ):
        return GREEN
    if final_score >= thresholds.orange_final:
        return ORANGE
    return RED


def _advice(
    advice_order: list[tuple[int, int, int, _QuestionPlan]],
    answers: Mapping[str, Answer],
) -> tuple[Advice, ...]:
    """The advice of the insufficient questions: by step, then the largest weight times
    shortfall first; equal ones keep the framework's order."""
    advice = []
    for _step, _priority, _position, q in sorted(advice_order):
        answer = answers.get(q.code)
        chosen = q.advice_for(None if answer is None else answer.value)
        if chosen is not None:
            advice.append(chosen)
    return tuple(advice)


def _modules(framework: Framework, steps: Mapping[str, StepResult]) -> Modules:
    """A module is mandatory when its step's level is below `mandatory_below`, else
    advised when below `advised_below`; a step that does not apply triggers neither."""

    def below(trigger: StepLevel | None) -> bool:
        if trigger is None or trigger.step not in steps:
            return False
        return steps[trigger.step].level < trigger.level

    mandatory: list[str] = []
    advised: list[str] = []
    for module in framework.modules:
        if below(module.mandatory_below):
            mandatory.append(module.code)
        elif below(module.advised_below):
            advised.append(module.code)
    return Modules(mandatory=tuple(mandatory), advised=tuple(advised))


def _checked_profile(
    profile: Mapping[str, Any],
) -> tuple[Mapping[str, Any], list[Problem]]:
    """The profile's facts that can be compared, and a problem for each key or fact
    that is wrong. A wrong fact is left out rather than compared, so that the problems
    with the answers are still found and reported with it."""
    problems = []
    for key, value in profile.items():
        if key not in PROFILE_KEYS:
            problems.append(
                Problem(
                    "profile",
                    f"unknown key {describe_value(key)} "
                    f"(allowed: {', '.join(PROFILE_KEYS)})",
                )
            )
        elif (message := _fact_problem(key, value)) is not None:
            problems.append(Problem(f"profile.{key}", message))
    if not problems:
        return profile, problems
    facts = {
        key: value
        for key, value in profile.items()
        if key in PROFILE_KEYS and _fact_problem(key, value) is None
    }
    return facts, problems


def _fact_problem(key: str, value: Any) -> str | None:
    """What is wrong with the profile fact `key` being `value`, if anything; None means
    the fact is unknown, and conditions on it do not hold."""
    if value is None:
        return None
    if key in PROFILE_FLAGS and not isinstance(value, bool):
        return f"must be true or false, not {describe_value(value)}"
    if key == "csrd_category" and value not in CSRD_CATEGORIES:
        return f"{describe_value(value)} is not one of {', '.join(CSRD_CATEGORIES)}"
    if key == "fte" and (
        isinstance(value, bool) or not isinstance(value, int) or value < 0
    ):
        return f"must be a whole number of at least 0, not {describe_value(value)}"
    return None


def _value_problem(question: Question, value: Any) -> Problem:
    """Why `value` is no valid answer to `question` (which has refused it)."""
    path = f"{_answer_path(question.code)}.value"
    options = ", ".join(option.value for option in question.options)
    if question.type == "boolean":
        return Problem(
            path, f'must be "yes", "no", true or false, not {describe_value(value)}'
        )
    if question.type == "number":
        return Problem(path, f"must be a number, not {describe_value(value)}")
    if question.type == "text":
        return Problem(path, f"must be a string, not {describe_value(value)}")
    if question.type == "single":
        if not isinstance(value, str):
            return Problem(
                path,
                f"must be one option of question {question.code} ({options}), "
                f"not {describe_value(value)}",
            )
        return Problem(
            path,
            f"{describe_value(value)} is not an option of question {question.code} "
            f"({options})",
        )
    if isinstance(value, str) or not isinstance(value, list | tuple):
        return Problem(
            path,
            f"must be a list of options of question {question.code} ({options}), "
            f"not {describe_value(value)}",
        )
    seen: set[object] = set()
    for item in value:
        if not isinstance(item, str) or question.option(item) is None:
            return Problem(
                path,
                f"{describe_value(item)} is not an option of question {question.code} "
                f"({options})",
            )
        if item in seen:
            return Problem(path, f"chooses {describe_value(item)} twice")
        seen.add(item)
    return Problem(path, "is not a valid answer")  # pragma: no cover


def _answer_path(code: str) -> str:
    return f"answers[{describe_value(code)}]"


def _boolean_value(value: Any) -> Any:
    """True and False as the option values "yes" and "no"; anything else unchanged."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


def _ceil(number: Fraction) -> int:
    return -(-number.numerator // number.denominator)


# --- What is computed once per framework ------------------------------------------------


@dataclass(frozen=True, slots=True)
class _QuestionPlan:
    """A question prepared for fast scoring: points and weights as integers, scaled by
    constants of the plan, so that the hot loop does no Fraction arithmetic."""

    question: Question
    code: str
    step: int
    scored: bool
    boolean: bool
    multi: bool
    weight: int
    points: Mapping[str, int]
    cap: int
    evidence_required: bool
    critical_limit: int | None  # a scaled score below this fails the critical question
    condition: int | None  # index into _Plan.conditions; None: always applies
    advice: Advice | None  # the question's own advice
    option_advice: tuple[tuple[str, Advice], ...]  # options with advice, in order

    def points_for(self, value: Any) -> int | None:
        """The scaled points `value` earns on a scored question, or None when the
        question does not accept it."""
        if self.multi:
            if isinstance(value, str) or not isinstance(value, list | tuple):
                return None
            total = 0
            for item in value:
                points = self.points.get(item) if isinstance(item, str) else None
                if points is None:
                    return None
                total += points
            if len(set(value)) != len(value):
                return None
            return min(total, self.cap)
        if self.boolean:
            value = _boolean_value(value)
        return self.points.get(value) if isinstance(value, str) else None

    def accepts(self, value: Any) -> bool:
        """Whether `value` is a valid answer to the question."""
        if self.scored:
            return self.points_for(value) is not None
        if self.question.type == "number":
            return not isinstance(value, bool) and isinstance(
                value, int | float | Decimal | Fraction
            )
        return isinstance(value, str)

    def advice_for(self, value: Any) -> Advice | None:
        """The chosen option's advice (for multi, the first chosen option with advice,
        in the framework's order), else the question's."""
        if value is not None and self.option_advice:
            chosen = value if self.multi else (_boolean_value(value),)
            for option_value, advice in self.option_advice:
                if option_value in chosen:
                    return advice
        return self.advice


class _Plan:
    """What scoring needs from a framework, computed once per framework.

    Scores are held as integers: a question's points times `point_scale`, the least
    common multiple of every point denominator, and weights times their own such scale.
    Integer sums are exact and far faster than Fraction sums.
    """

    def __init__(self, framework: Framework) -> None:
        questions = framework.questions
        self.point_scale = math.lcm(
            1,
            *(
                option.points.denominator
                for question in questions
                for option in question.options
                if option.points is not None
            ),
        )
        weight_scale = math.lcm(1, *(q.weight.denominator for q in questions))
        self.codes = frozenset(q.code for q in questions)
        conditions: dict[AppliesIf, int] = {}
        plans = []
        for step_index, step in enumerate(framework.steps):
            for question in step.questions:
                condition = None
                if not question.applies_if.always:
                    condition = conditions.setdefault(
                        question.applies_if, len(conditions)
                    )
                plans.append(
                    _QuestionPlan(
                        question=question,
                        code=question.code,
                        step=step_index,
                        scored=question.scored,
                        boolean=question.type == "boolean",
                        multi=question.type == "multi",
                        weight=int(question.weight * weight_scale),
                        points=self._points(question),
                        cap=100 * self.point_scale,
                        evidence_required=question.evidence == "required",
                        critical_limit=(
                            _ceil(question.critical_min * self.point_scale)
                            if question.critical and question.critical_min is not None
                            else None
                        ),
                        condition=condition,
                        advice=(
                            None
                            if question.advice is None
                            else Advice(question.code, step.code, question.advice)
                        ),
                        option_advice=tuple(
                            (
                                option.value,
                                Advice(question.code, step.code, option.advice),
                            )
                            for option in question.options
                            if option.advice is not None
                        ),
                    )
                )
        self.questions = tuple(plans)
        self.conditions = tuple(conditions)
        step_scale = math.lcm(*(step.weight.denominator for step in framework.steps))
        self.step_weights = tuple(
            int(step.weight * step_scale) for step in framework.steps
        )
        # Highest level first, each with its minimum as numerator and denominator.
        self._levels = tuple(
            (level.level, level.min.numerator, level.min.denominator)
            for level in reversed(framework.levels)
        )
        # Results are immutable, so equal ones are shared between assessments.
        self._question_results: dict[tuple[int, bool, bool, bool], QuestionResult] = {}
        self._step_results: dict[tuple[int, int], StepResult] = {}

    def _points(self, question: Question) -> dict[str, int]:
        points = (
            {"yes": 100 * self.point_scale, "no": 0}
            if question.type == "boolean"
            else {}
        )
        for option in question.options:
            if option.points is not None:
                points[option.value] = int(option.points * self.point_scale)
        return points

    def level_of(self, numerator: int, denominator: int) -> int:
        """The highest maturity level whose min the score numerator/denominator reaches."""
        for level, min_numerator, min_denominator in self._levels:
            if numerator * min_denominator >= min_numerator * denominator:
                return level
        return self._levels[-1][0]

    def question_result(
        self, points: int, insufficient: bool, unsubstantiated: bool, critical: bool
    ) -> QuestionResult:
        """The result of an applicable scored question that earned `points` (scaled)."""
        key = (points, insufficient, unsubstantiated, critical)
        result = self._question_results.get(key)
        if result is None:
            result = QuestionResult(
                score=Fraction(points, self.point_scale),
                applicable=True,
                insufficient=insufficient,
                unsubstantiated=unsubstantiated,
                critical_failed=critical,
            )
            self._question_results[key] = result
        return result

    def step_result(self, numerator: int, denominator: int) -> StepResult:
        """The result of a step scoring numerator/denominator."""
        key = (numerator, denominator)
        result = self._step_results.get(key)
        if result is None:
            if len(self._step_results) >= _STEP_RESULTS_KEPT:
                self._step_results.clear()
            result = StepResult(
                score=Fraction(numerator, denominator),
                level=self.level_of(numerator, denominator),
            )
            self._step_results[key] = result
        return result


_NOT_APPLICABLE: Final = QuestionResult(score=None, applicable=False)
_UNSCORED: Final = QuestionResult(score=None, applicable=True)
_UNSCORED_UNSUBSTANTIATED: Final = QuestionResult(
    score=None, applicable=True, unsubstantiated=True
)

# Plans by id of their framework. Each entry keeps its framework alive, so the id cannot
# be reused by another framework while the entry exists.
_plans: dict[int, tuple[Framework, _Plan]] = {}
_PLANS_KEPT: Final = 16
# Step results differ by the few score sums a step can reach; the bound only guards
# against a framework with very many.
_STEP_RESULTS_KEPT: Final = 100_000


def _plan_for(framework: Framework) -> _Plan:
    entry = _plans.get(id(framework))
    if entry is not None and entry[0] is framework:
        return entry[1]
    if len(_plans) >= _PLANS_KEPT:
        _plans.clear()
    plan = _Plan(framework)
    _plans[id(framework)] = (framework, plan)
    return plan
