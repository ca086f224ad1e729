"""Scoring an assessment: every rule of issue 3, "Scoring", one table each.

The frameworks here are built small, per test. An option's value is its points written
out ("50" scores 50), so an answer reads as the score it earns.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from monitoring.framework import Framework, SignalThresholds, parse_framework
from monitoring.scoring import (
    Advice,
    Answer,
    AnswerError,
    Modules,
    QuestionResult,
    StepResult,
    display_score,
    result_to_dict,
    score_assessment,
)

pytestmark = pytest.mark.core

UNANSWERED = object()


def text(english: str) -> dict[str, str]:
    return {"nl": f"NL: {english}", "en": english}


def options(*points: Any, advice: dict[Any, str] | None = None) -> list[dict[str, Any]]:
    """Options whose value is their points; `advice` maps points to an option's advice."""
    advice = advice or {}
    return [
        {
            "value": str(p),
            "label": text(f"{p} points"),
            "points": p,
            **({"advice": text(advice[p])} if p in advice else {}),
        }
        for p in points
    ]


def question(code: str, type: str = "single", **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "text": text(f"Question {code}"),
        "type": type,
    }
    if type in ("single", "multi"):
        data["options"] = options(0, 50, 100)
    data.update(fields)
    return data


def step(code: str, *questions: dict[str, Any], weight: Any = 1) -> dict[str, Any]:
    return {
        "code": code,
        "title": text(f"Step {code}"),
        "weight": weight,
        "questions": list(questions),
    }


def framework(
    *steps: dict[str, Any],
    modules: list[dict[str, Any]] | None = None,
) -> Framework:
    """A framework with the levels and signal of the issue: levels at 0, 20, 40, 60 and
    80; green at a final of 60 with every step at least 40; orange at 40; insufficient
    below 50."""
    return parse_framework(
        {
            "code": "test",
            "version": 1,
            "title": text("Test"),
            "levels": [
                {"level": number, "min": low, "name": text(f"Level {number}")}
                for number, low in ((1, 0), (2, 20), (3, 40), (4, 60), (5, 80))
            ],
            "signal": {
                "green": {"final": 60, "step_min": 40},
                "orange": {"final": 40},
                "insufficient_below": 50,
            },
            "steps": list(steps),
            "modules": modules or [],
        }
    )


def answered(**values: Any) -> dict[str, Answer]:
    """Answers with an explanation, by question code written with "_" for ".": q1_1."""
    return {
        code[1:].replace("_", "."): Answer(value, explanation="See the policy.")
        for code, value in values.items()
    }


# --- Question scores ---------------------------------------------------------------------

BOOLEAN_WITH_POINTS = [
    {"value": "yes", "label": text("Yes"), "points": 80},
    {"value": "no", "label": text("No"), "points": 20},
]


@pytest.mark.parametrize(
    ("asked", "value", "score"),
    [
        pytest.param(question("1.1"), "0", 0, id="single-0"),
        pytest.param(question("1.1"), "50", 50, id="single-50"),
        pytest.param(question("1.1"), "100", 100, id="single-100"),
        pytest.param(
            question("1.1", options=options("12.5", "100/3")),
            "100/3",
            Fraction(100, 3),
            id="single-fractional-points",
        ),
        pytest.param(
            question("1.1", "multi", options=options(30, 50, 40)),
            [],
            0,
            id="multi-none",
        ),
        pytest.param(
            question("1.1", "multi", options=options(30, 50, 40)),
            ["30"],
            30,
            id="multi-one",
        ),
        pytest.param(
            question("1.1", "multi", options=options(30, 50, 40)),
            ["30", "50"],
            80,
            id="multi-sum",
        ),
        pytest.param(
            question("1.1", "multi", options=options(30, 50, 40)),
            ["30", "50", "40"],
            100,
            id="multi-capped-at-100",
        ),
        pytest.param(question("1.1", "boolean"), "yes", 100, id="boolean-yes"),
        pytest.param(question("1.1", "boolean"), "no", 0, id="boolean-no"),
        pytest.param(question("1.1", "boolean"), True, 100, id="boolean-true"),
        pytest.param(question("1.1", "boolean"), False, 0, id="boolean-false"),
        pytest.param(
            question("1.1", "boolean", options=BOOLEAN_WITH_POINTS),
            "yes",
            80,
            id="boolean-yes-with-option-points",
        ),
        pytest.param(
            question("1.1", "boolean", options=BOOLEAN_WITH_POINTS),
            False,
            20,
            id="boolean-false-with-option-points",
        ),
        pytest.param(
            question(
                "1.1",
                "boolean",
                options=[{"value": "no", "label": text("No"), "points": 25}],
            ),
            "yes",
            100,
            id="boolean-yes-keeps-100-when-only-no-has-points",
        ),
        pytest.param(
            question(
                "1.1",
                "boolean",
                options=[{"value": "no", "label": text("No"), "points": 25}],
            ),
            "no",
            25,
            id="boolean-no-with-option-points",
        ),
        pytest.param(
            question(
                "1.1",
                "boolean",
                options=[
                    {"value": "yes", "label": text("Yes")},
                    {"value": "no", "label": text("No")},
                ],
            ),
            "yes",
            100,
            id="boolean-options-with-labels-only",
        ),
        pytest.param(question("1.1"), UNANSWERED, 0, id="single-unanswered"),
        pytest.param(question("1.1"), None, 0, id="single-answered-with-nothing"),
        pytest.param(question("1.1", "multi"), UNANSWERED, 0, id="multi-unanswered"),
        pytest.param(
            question("1.1", "boolean"), UNANSWERED, 0, id="boolean-unanswered"
        ),
    ],
)
def test_a_question_scores_its_points(asked, value, score):
    answers = {} if value is UNANSWERED else {"1.1": Answer(value)}

    result = score_assessment(framework(step("1", asked)), {}, answers)

    assert result.questions["1.1"].score == score
    assert result.final_score == score


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        pytest.param("number", 12, id="number"),
        pytest.param("number", 2.5, id="number-with-decimals"),
        pytest.param("text", "Our policy is on the website.", id="text"),
        pytest.param("text", UNANSWERED, id="text-unanswered"),
    ],
)
def test_number_and_text_questions_are_not_scored(kind, value):
    asked = framework(step("1", question("1.1"), question("1.2", kind)))
    answers = {"1.1": Answer("50")}
    if value is not UNANSWERED:
        answers["1.2"] = Answer(value)

    result = score_assessment(asked, {}, answers)

    assert result.questions["1.2"] == QuestionResult(score=None, applicable=True)
    assert result.final_score == 50
    assert result.insufficient == ()


# --- Evidence ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("evidence", "answer", "score", "unsubstantiated"),
    [
        pytest.param("required", Answer("100"), 0, True, id="required-neither"),
        pytest.param(
            "required", Answer("100", explanation="   "), 0, True, id="required-spaces"
        ),
        pytest.param(
            "required",
            Answer("100", explanation="\n\t "),
            0,
            True,
            id="required-blank-lines",
        ),
        pytest.param(
            "required",
            Answer("100", explanation="Policy adopted on 1 May."),
            100,
            False,
            id="required-explanation",
        ),
        pytest.param(
            "required", Answer("100", documents=1), 100, False, id="required-document"
        ),
        pytest.param(
            "required",
            Answer("100", explanation=" ", documents=2),
            100,
            False,
            id="required-documents-and-blank-explanation",
        ),
        pytest.param("optional", Answer("100"), 100, False, id="optional-neither"),
        pytest.param("none", Answer("100"), 100, False, id="none-neither"),
        pytest.param("required", None, 0, False, id="required-unanswered"),
    ],
)
def test_required_evidence_needs_an_explanation_or_a_document(
    evidence, answer, score, unsubstantiated
):
    asked = framework(step("1", question("1.1", evidence=evidence)))
    answers = {} if answer is None else {"1.1": answer}

    result = score_assessment(asked, {}, answers)

    assert result.questions["1.1"].score == score
    assert result.questions["1.1"].unsubstantiated is unsubstantiated
    assert result.unsubstantiated == (("1.1",) if unsubstantiated else ())


def test_a_text_question_without_required_evidence_is_unsubstantiated_but_unscored():
    asked = framework(
        step("1", question("1.1"), question("1.2", "text", evidence="required"))
    )

    result = score_assessment(
        asked, {}, {"1.1": Answer("100"), "1.2": Answer("We audit.")}
    )

    assert result.questions["1.2"] == QuestionResult(
        score=None, applicable=True, unsubstantiated=True
    )
    assert result.unsubstantiated == ("1.2",)
    assert result.final_score == 100


# --- Which questions apply ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "profile", "applies"),
    [
        pytest.param({"recycler": True}, {"recycler": True}, True, id="recycler"),
        pytest.param(
            {"recycler": True}, {"recycler": False}, False, id="recycler-not-one"
        ),
        pytest.param({"recycler": True}, {}, False, id="recycler-unknown"),
        pytest.param(
            {"recycler": False}, {"recycler": False}, True, id="not-a-recycler"
        ),
        pytest.param(
            {"recycler": False}, {"recycler": True}, False, id="not-a-recycler-is-one"
        ),
        pytest.param(
            {"cahra_sourcing": True}, {"cahra_sourcing": True}, True, id="cahra"
        ),
        pytest.param(
            {"cahra_sourcing": True}, {"cahra_sourcing": False}, False, id="no-cahra"
        ),
        pytest.param({"sources_3tg": True}, {"sources_3tg": True}, True, id="3tg"),
        pytest.param({"sources_3tg": True}, {"sources_3tg": False}, False, id="no-3tg"),
        pytest.param(
            {"sources_3tg": False}, {"sources_3tg": None}, False, id="3tg-unknown"
        ),
        pytest.param(
            {"csrd_category": "csrd"}, {"csrd_category": "csrd"}, True, id="csrd"
        ),
        pytest.param(
            {"csrd_category": "csrd"}, {"csrd_category": "vsme"}, False, id="not-csrd"
        ),
        pytest.param(
            {"csrd_category": ["listed_sme", "vsme"]},
            {"csrd_category": "vsme"},
            True,
            id="csrd-list-vsme",
        ),
        pytest.param(
            {"csrd_category": ["listed_sme", "vsme"]},
            {"csrd_category": "listed_sme"},
            True,
            id="csrd-list-listed-sme",
        ),
        pytest.param(
            {"csrd_category": ["listed_sme", "vsme"]},
            {"csrd_category": "csrd"},
            False,
            id="csrd-list-other",
        ),
        pytest.param(
            {"csrd_category": ["listed_sme", "vsme"]},
            {},
            False,
            id="csrd-list-unknown",
        ),
        pytest.param({"fte_min": 250}, {"fte": 250}, True, id="fte-min-exactly"),
        pytest.param({"fte_min": 250}, {"fte": 249}, False, id="fte-below-min"),
        pytest.param({"fte_min": 250}, {}, False, id="fte-min-unknown-fte"),
        pytest.param({"fte_max": 249}, {"fte": 249}, True, id="fte-max-exactly"),
        pytest.param({"fte_max": 249}, {"fte": 250}, False, id="fte-above-max"),
        pytest.param(
            {"fte_min": 50, "fte_max": 249}, {"fte": 50}, True, id="fte-range-low"
        ),
        pytest.param(
            {"fte_min": 50, "fte_max": 249}, {"fte": 49}, False, id="fte-range-under"
        ),
        pytest.param(
            {"fte_min": 50, "fte_max": 249}, {"fte": 250}, False, id="fte-range-over"
        ),
        pytest.param(
            {"recycler": True, "fte_min": 50},
            {"recycler": True, "fte": 60},
            True,
            id="all-conditions-hold",
        ),
        pytest.param(
            {"recycler": True, "fte_min": 50},
            {"recycler": True, "fte": 10},
            False,
            id="one-condition-fails",
        ),
    ],
)
def test_applies_if_leaves_a_question_out_of_numerator_and_denominator(
    condition, profile, applies
):
    asked = framework(step("1", question("1.1"), question("1.2", applies_if=condition)))

    result = score_assessment(asked, profile, answered(q1_1="100", q1_2="0"))

    assert result.questions["1.2"].applicable is applies
    if applies:
        assert result.questions["1.2"].score == 0
        assert result.final_score == 50
        assert result.insufficient == ("1.2",)
    else:
        assert result.questions["1.2"] == QuestionResult(score=None, applicable=False)
        assert result.final_score == 100
        assert result.insufficient == ()


@pytest.mark.parametrize(
    ("profile", "steps", "final"),
    [
        pytest.param(
            {"recycler": False},
            {"1": StepResult(Fraction(100), 5)},
            100,
            id="step-left-out",
        ),
        pytest.param(
            {"recycler": True},
            {"1": StepResult(Fraction(100), 5), "2": StepResult(Fraction(0), 1)},
            25,
            id="step-counted",
        ),
    ],
)
def test_a_step_without_an_applicable_scored_question_is_left_out(
    profile, steps, final
):
    asked = framework(
        step("1", question("1.1")),
        step(
            "2",
            question("2.1", applies_if={"recycler": True}),
            question("2.2", "text"),
            weight=3,
        ),
    )

    result = score_assessment(asked, profile, answered(q1_1="100", q2_1="0"))

    assert result.steps == steps
    assert result.final_score == final


@pytest.mark.parametrize(
    "asked",
    [
        pytest.param(
            framework(step("1", question("1.1", applies_if={"recycler": True}))),
            id="nothing-applies",
        ),
        pytest.param(
            framework(step("1", question("1.1", "number"), question("1.2", "text"))),
            id="nothing-is-scored",
        ),
    ],
)
def test_when_no_step_applies_there_is_no_score_level_or_signal(asked):
    result = score_assessment(asked, {"recycler": False}, {})

    assert (result.final_score, result.level, result.signal) == (None, None, None)
    assert result.steps == {}
    assert (result.insufficient, result.critical_failed, result.advice) == ((), (), ())
    assert result.modules == Modules()


# --- Weights -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "values", "final", "step_scores"),
    [
        pytest.param(
            [step("1", question("1.1", weight=2), question("1.2"))],
            {"q1_1": "100", "q1_2": "0"},
            Fraction(200, 3),
            {"1": Fraction(200, 3)},
            id="question-weights",
        ),
        pytest.param(
            [step("1", question("1.1", weight="0.5"), question("1.2", weight="1.5"))],
            {"q1_1": "100", "q1_2": "50"},
            Fraction(125, 2),
            {"1": Fraction(125, 2)},
            id="fractional-question-weights",
        ),
        pytest.param(
            [step("1", question("1.1")), step("2", question("2.1"), weight=3)],
            {"q1_1": "100", "q2_1": "0"},
            25,
            {"1": 100, "2": 0},
            id="step-weights",
        ),
        pytest.param(
            [
                step("1", question("1.1", weight=3), question("1.2")),
                step("2", question("2.1"), weight=2),
            ],
            {"q1_1": "50", "q1_2": "100", "q2_1": "0"},
            Fraction(125, 6),
            {"1": Fraction(125, 2), "2": 0},
            id="both-weights",
        ),
        pytest.param(
            [step("1", question("1.1"), question("1.2"), question("1.3"))],
            {"q1_1": "100"},
            Fraction(100, 3),
            {"1": Fraction(100, 3)},
            id="unanswered-count-as-0",
        ),
    ],
)
def test_scores_are_exact_weighted_means(steps, values, final, step_scores):
    result = score_assessment(framework(*steps), {}, answered(**values))

    assert result.final_score == final
    assert {code: s.score for code, s in result.steps.items()} == step_scores


# --- Levels and signal -------------------------------------------------------------------


def two_steps() -> Framework:
    """Two equal steps with one question each, offering the scores the tests need."""
    points = ("0", "20", "39.98", "39.99", "40", "59.99", "60", "79.98", "80", "100")
    return framework(
        step("1", question("1.1", options=options(*points))),
        step("2", question("2.1", options=options(*points))),
    )


@pytest.mark.parametrize(
    ("first", "second", "final", "signal"),
    [
        pytest.param("80", "40", 60, "green", id="final-60-and-a-step-40-exactly"),
        pytest.param("100", "100", 100, "green", id="all-100"),
        pytest.param("79.98", "40", Fraction(5999, 100), "orange", id="final-59.99"),
        pytest.param("80", "39.99", Fraction(11999, 200), "orange", id="a-step-39.99"),
        pytest.param("100", "20", 60, "orange", id="final-60-but-a-step-20"),
        pytest.param("40", "40", 40, "orange", id="final-40-exactly"),
        pytest.param("40", "39.98", Fraction(3999, 100), "red", id="final-39.99"),
        pytest.param("0", "0", 0, "red", id="all-0"),
    ],
)
def test_signal_thresholds_are_met_exactly(first, second, final, signal):
    result = score_assessment(two_steps(), {}, answered(q1_1=first, q2_1=second))

    assert result.final_score == final
    assert result.signal == signal


@pytest.mark.parametrize(
    ("first", "second", "level", "step_levels"),
    [
        pytest.param("0", "39.99", 1, {"1": 1, "2": 2}, id="19.995-is-level-1"),
        pytest.param("20", "20", 2, {"1": 2, "2": 2}, id="20-is-level-2"),
        pytest.param("80", "39.98", 3, {"1": 5, "2": 2}, id="59.99-is-level-3"),
        pytest.param("80", "40", 4, {"1": 5, "2": 3}, id="60-is-level-4"),
        pytest.param("100", "60", 5, {"1": 5, "2": 4}, id="80-is-level-5"),
    ],
)
def test_levels_per_step_and_overall(first, second, level, step_levels):
    result = score_assessment(two_steps(), {}, answered(q1_1=first, q2_1=second))

    assert result.level == level
    assert {code: s.level for code, s in result.steps.items()} == step_levels


def critical_framework(**critical: Any) -> Framework:
    """Question 1.1 is critical below 50; question 1.2 weighs 3, so the final score stays
    high whatever 1.1 scores."""
    return framework(
        step(
            "1",
            question(
                "1.1",
                options=options(0, "49.99", 50, 100),
                critical=True,
                critical_min=50,
                **critical,
            ),
            question("1.2", weight=3),
        )
    )


@pytest.mark.parametrize(
    ("fields", "profile", "answer", "failed", "signal"),
    [
        pytest.param({}, {}, Answer("50"), (), "green", id="at-critical-min"),
        pytest.param(
            {}, {}, Answer("49.99"), ("1.1",), "orange", id="below-critical-min"
        ),
        pytest.param({}, {}, Answer("0"), ("1.1",), "orange", id="zero"),
        pytest.param({}, {}, None, ("1.1",), "orange", id="unanswered"),
        pytest.param(
            {"evidence": "required"},
            {},
            Answer("100"),
            ("1.1",),
            "orange",
            id="unsubstantiated",
        ),
        pytest.param(
            {"applies_if": {"recycler": True}},
            {"recycler": False},
            Answer("0"),
            (),
            "green",
            id="not-applicable",
        ),
    ],
)
def test_a_critical_question_below_its_min_blocks_green(
    fields, profile, answer, failed, signal
):
    answers = {"1.2": Answer("100")}
    if answer is not None:
        answers["1.1"] = answer

    result = score_assessment(critical_framework(**fields), profile, answers)

    assert result.final_score >= 75
    assert result.critical_failed == failed
    assert result.questions["1.1"].critical_failed is bool(failed)
    assert result.signal == signal


def test_a_question_that_is_not_critical_ignores_its_critical_min():
    asked = framework(
        step("1", question("1.1", critical=False, critical_min=50), question("1.2"))
    )

    result = score_assessment(asked, {}, answered(q1_1="0", q1_2="100"))

    assert result.critical_failed == ()
    assert result.questions["1.1"].critical_failed is False


def thresholds(green: Any = 60, step_min: Any = 40, orange: Any = 40, below: Any = 50):
    return SignalThresholds(
        green_final=Fraction(green),
        green_step_min=Fraction(step_min),
        orange_final=Fraction(orange),
        insufficient_below=Fraction(below),
    )


@pytest.mark.parametrize(
    ("override", "signal", "insufficient"),
    [
        pytest.param(None, "green", ("2.1",), id="framework-thresholds"),
        pytest.param(thresholds(), "green", ("2.1",), id="the-same-thresholds"),
        pytest.param(thresholds(green=70), "orange", ("2.1",), id="green-final-raised"),
        pytest.param(
            thresholds(step_min="40.01"), "orange", ("2.1",), id="step-min-raised"
        ),
        pytest.param(
            thresholds(green=70, orange="60.01"), "red", ("2.1",), id="orange-raised"
        ),
        pytest.param(thresholds(below=40), "green", (), id="insufficient-lowered"),
        pytest.param(
            thresholds(below=81), "green", ("1.1", "2.1"), id="insufficient-raised"
        ),
    ],
)
def test_a_round_may_override_the_thresholds(override, signal, insufficient):
    result = score_assessment(
        two_steps(), {}, answered(q1_1="80", q2_1="40"), thresholds=override
    )

    assert result.final_score == 60
    assert result.signal == signal
    assert result.insufficient == insufficient
    assert result.thresholds == (override or two_steps().signal)


# --- Insufficient parts and advice -------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "profile", "answers", "insufficient"),
    [
        pytest.param(
            question("1.1", options=options(50)),
            {},
            answered(q1_1="50"),
            False,
            id="exactly-50",
        ),
        pytest.param(
            question("1.1", options=options("49.99")),
            {},
            answered(q1_1="49.99"),
            True,
            id="49.99",
        ),
        pytest.param(question("1.1"), {}, {}, True, id="unanswered"),
        pytest.param(question("1.1", "number"), {}, {}, False, id="number"),
        pytest.param(question("1.1", "text"), {}, {}, False, id="text"),
        pytest.param(
            question("1.1", applies_if={"recycler": True}),
            {"recycler": False},
            {},
            False,
            id="not-applicable",
        ),
    ],
)
def test_insufficient_parts_are_applicable_scored_questions_below_50(
    asked, profile, answers, insufficient
):
    result = score_assessment(
        framework(step("1", asked), step("2", question("2.1"))), profile, answers
    )

    assert result.questions["1.1"].insufficient is insufficient
    assert result.insufficient == (("1.1", "2.1") if insufficient else ("2.1",))


def test_advice_by_step_then_weight_times_shortfall_with_option_advice_first():
    asked = framework(
        step(
            "1",
            # weight 1 x shortfall 50 = 50, its chosen option has advice
            question(
                "1.1",
                options=options(0, 100, advice={0: "Option advice 1.1"}),
                advice=text("Advice 1.1"),
            ),
            # 3 x 10 = 30; its chosen option has none, so the question's advice
            question(
                "1.2",
                weight=3,
                options=options(0, 40, 100, advice={0: "Option advice 1.2"}),
                advice=text("Advice 1.2"),
            ),
            # 2 x 50 = 100
            question("1.3", weight=2, advice=text("Advice 1.3")),
            # 1 x 50 = 50, equal to 1.1, so after it
            question("1.4", advice=text("Advice 1.4")),
            # insufficient, but without any advice
            question("1.5"),
            # sufficient
            question("1.6", weight=5, advice=text("Advice 1.6")),
        ),
        # 10 x 50 = 500, but a later step
        step("2", question("2.1", weight=10, advice=text("Advice 2.1"))),
    )

    result = score_assessment(
        asked,
        {},
        answered(q1_1="0", q1_2="40", q1_3="0", q1_5="0", q1_6="100", q2_1="0"),
    )

    assert result.insufficient == ("1.1", "1.2", "1.3", "1.4", "1.5", "2.1")
    assert [(a.question, a.step, a.text["en"]) for a in result.advice] == [
        ("1.3", "1", "Advice 1.3"),
        ("1.1", "1", "Option advice 1.1"),
        ("1.4", "1", "Advice 1.4"),
        ("1.2", "1", "Advice 1.2"),
        ("2.1", "2", "Advice 2.1"),
    ]
    assert result.advice[1] == Advice(
        question="1.1",
        step="1",
        text={"nl": "NL: Option advice 1.1", "en": "Option advice 1.1"},
    )


@pytest.mark.parametrize(
    ("asked", "value", "advice"),
    [
        pytest.param(
            question(
                "1.1",
                "multi",
                options=options(10, 20, 30, advice={10: "Advice 10", 20: "Advice 20"}),
                advice=text("Question advice"),
            ),
            ["20", "10"],
            "Advice 10",
            id="multi-first-chosen-option-in-framework-order",
        ),
        pytest.param(
            question(
                "1.1",
                "multi",
                options=options(10, 20, 30, advice={10: "Advice 10"}),
                advice=text("Question advice"),
            ),
            ["30"],
            "Question advice",
            id="multi-chosen-options-without-advice",
        ),
        pytest.param(
            question(
                "1.1",
                "boolean",
                options=[
                    {"value": "no", "label": text("No"), "advice": text("Start now")}
                ],
                advice=text("Question advice"),
            ),
            False,
            "Start now",
            id="boolean-false-takes-the-no-advice",
        ),
        pytest.param(
            question(
                "1.1",
                options=options(0, 100, advice={0: "Option advice"}),
                advice=text("Question advice"),
            ),
            None,
            "Question advice",
            id="unanswered-takes-the-question-advice",
        ),
    ],
)
def test_the_advice_of_the_chosen_option_comes_before_the_question_advice(
    asked, value, advice
):
    result = score_assessment(framework(step("1", asked)), {}, answered(q1_1=value))

    assert [a.text["en"] for a in result.advice] == [advice]


# --- Modules -----------------------------------------------------------------------------

MODULES = [
    {
        "code": "K1",
        "title": text("Knowledge"),
        "kind": "knowledge",
        "mandatory_below": {"step": "1", "level": 3},
        "advised_below": {"step": "1", "level": 4},
    },
    {
        "code": "P1",
        "title": text("Practice"),
        "kind": "practice",
        "advised_below": {"step": "1", "level": 5},
    },
    {
        "code": "R1",
        "title": text("Recycling risks"),
        "kind": "risk",
        "mandatory_below": {"step": "2", "level": 3},
    },
]


@pytest.mark.parametrize(
    ("first", "profile", "second", "modules"),
    [
        pytest.param(
            "0",
            {"recycler": False},
            "0",
            Modules(mandatory=("K1",), advised=("P1",)),
            id="level-1-mandatory-beats-advised",
        ),
        pytest.param(
            "39.99",
            {"recycler": False},
            "0",
            Modules(mandatory=("K1",), advised=("P1",)),
            id="level-2",
        ),
        pytest.param(
            "40",
            {"recycler": False},
            "0",
            Modules(advised=("K1", "P1")),
            id="level-3-is-not-below-3",
        ),
        pytest.param(
            "60", {"recycler": False}, "0", Modules(advised=("P1",)), id="level-4"
        ),
        pytest.param("80", {"recycler": False}, "0", Modules(), id="level-5"),
        pytest.param(
            "80",
            {"recycler": True},
            "20",
            Modules(mandatory=("R1",)),
            id="applicable-step-below",
        ),
        pytest.param(
            "80", {"recycler": True}, "40", Modules(), id="applicable-step-at-level"
        ),
    ],
)
def test_modules_are_mandatory_or_advised_by_step_level(
    first, profile, second, modules
):
    points = ("0", "20", "39.99", "40", "60", "80")
    asked = framework(
        step("1", question("1.1", options=options(*points))),
        step(
            "2",
            question("2.1", options=options(*points), applies_if={"recycler": True}),
        ),
        modules=MODULES,
    )

    result = score_assessment(asked, profile, answered(q1_1=first, q2_1=second))

    assert result.modules == modules


# --- Display and JSON --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "shown"),
    [
        pytest.param(Fraction("62.45"), Decimal("62.5"), id="62.45-half-up"),
        pytest.param(Fraction("62.44999"), Decimal("62.4"), id="62.44999-down"),
        pytest.param(Fraction("62.55"), Decimal("62.6"), id="62.55-half-up"),
        pytest.param(Fraction("0.05"), Decimal("0.1"), id="0.05-half-up"),
        pytest.param(Fraction("0.04999"), Decimal("0.0"), id="0.04999-down"),
        pytest.param(Fraction(100, 3), Decimal("33.3"), id="a-third"),
        pytest.param(Fraction(200, 3), Decimal("66.7"), id="two-thirds"),
        pytest.param(Fraction(0), Decimal("0.0"), id="zero"),
        pytest.param(Fraction(100), Decimal("100.0"), id="hundred"),
    ],
)
def test_display_rounds_half_up_to_one_decimal(score, shown):
    assert display_score(score) == shown
    assert str(display_score(score)) == str(shown)


@pytest.mark.parametrize(
    ("language", "advice"),
    [
        pytest.param("en", "Adopt a policy.", id="english"),
        pytest.param("nl", "NL: Adopt a policy.", id="dutch"),
    ],
)
def test_the_result_as_json_data(language, advice):
    asked = framework(
        step(
            "1",
            question(
                "1.1", weight=2, evidence="required", advice=text("Adopt a policy.")
            ),
            question("1.2", options=options(0, "62.45", 100)),
        ),
        step("2", question("2.1", options=options(0, "62.45", 100))),
        modules=MODULES[:2],
    )
    answers = {"1.1": Answer("100"), "1.2": Answer("62.45"), "2.1": Answer("100")}

    result = score_assessment(asked, {}, answers)

    # Step 1: (0 x 2 + 62.45) / 3; step 2: 100; final: their mean, 60.408333...
    assert result.final_score == Fraction(7249, 120)
    assert result_to_dict(result, language) == {
        "final_score": 60.4,
        "level": 4,
        "signal": "orange",
        "steps": {
            "1": {"score": 20.8, "level": 2},
            "2": {"score": 100.0, "level": 5},
        },
        "insufficient": ["1.1"],
        "unsubstantiated": ["1.1"],
        "critical_failed": [],
        "advice": [{"question": "1.1", "text": advice}],
        "modules": {"mandatory": ["K1"], "advised": ["P1"]},
    }


def test_an_assessment_where_nothing_applies_as_json_data():
    asked = framework(step("1", question("1.1", applies_if={"recycler": True})))

    result = score_assessment(asked, {}, {})

    assert result_to_dict(result) == {
        "final_score": None,
        "level": None,
        "signal": None,
        "steps": {},
        "insufficient": [],
        "unsubstantiated": [],
        "critical_failed": [],
        "advice": [],
        "modules": {"mandatory": [], "advised": []},
    }


# --- Answers that cannot be scored -------------------------------------------------------


def every_type() -> Framework:
    return framework(
        step(
            "1",
            question("1.1"),
            question("1.2", "multi", options=options(30, 50, 40)),
            question("1.3", "boolean"),
            question("1.4", "number"),
            question("1.5", "text"),
            question("1.6", applies_if={"recycler": True}),
        )
    )


@pytest.mark.parametrize(
    ("profile", "answers", "problems"),
    [
        pytest.param(
            {},
            {"9.9": Answer("0")},
            ['answers["9.9"]: no question has this code'],
            id="unknown-question",
        ),
        pytest.param(
            {},
            {"1.1": Answer("25")},
            [
                'answers["1.1"].value: "25" is not an option of question 1.1 (0, 50, 100)'
            ],
            id="single-not-an-option",
        ),
        pytest.param(
            {},
            {"1.1": Answer(["0"])},
            [
                'answers["1.1"].value: must be one option of question 1.1 (0, 50, 100), '
                "not a list"
            ],
            id="single-given-a-list",
        ),
        pytest.param(
            {},
            {"1.2": Answer("30")},
            [
                'answers["1.2"].value: must be a list of options of question 1.2 '
                '(30, 50, 40), not "30"'
            ],
            id="multi-given-one-value",
        ),
        pytest.param(
            {},
            {"1.2": Answer(["30", "60"])},
            [
                'answers["1.2"].value: "60" is not an option of question 1.2 (30, 50, 40)'
            ],
            id="multi-not-an-option",
        ),
        pytest.param(
            {},
            {"1.2": Answer(["30", "30"])},
            ['answers["1.2"].value: chooses "30" twice'],
            id="multi-twice-the-same",
        ),
        pytest.param(
            {},
            {"1.3": Answer("maybe")},
            ['answers["1.3"].value: must be "yes", "no", true or false, not "maybe"'],
            id="boolean-maybe",
        ),
        pytest.param(
            {},
            {"1.3": Answer(1)},
            ['answers["1.3"].value: must be "yes", "no", true or false, not 1'],
            id="boolean-given-1",
        ),
        pytest.param(
            {},
            {"1.4": Answer("ten")},
            ['answers["1.4"].value: must be a number, not "ten"'],
            id="number-given-a-string",
        ),
        pytest.param(
            {},
            {"1.4": Answer(True)},
            ['answers["1.4"].value: must be a number, not true'],
            id="number-given-a-boolean",
        ),
        pytest.param(
            {},
            {"1.5": Answer(3)},
            ['answers["1.5"].value: must be a string, not 3'],
            id="text-given-a-number",
        ),
        pytest.param(
            {"recycler": False},
            {"1.6": Answer("25")},
            [
                'answers["1.6"].value: "25" is not an option of question 1.6 (0, 50, 100)'
            ],
            id="not-applicable-but-not-an-option",
        ),
        pytest.param(
            {"recyler": True},
            {},
            [
                'profile: unknown key "recyler" '
                "(allowed: recycler, cahra_sourcing, sources_3tg, csrd_category, fte)"
            ],
            id="profile-unknown-key",
        ),
        pytest.param(
            {"recycler": "yes"},
            {},
            ['profile.recycler: must be true or false, not "yes"'],
            id="profile-flag-not-a-boolean",
        ),
        pytest.param(
            {"csrd_category": "large"},
            {},
            ['profile.csrd_category: "large" is not one of csrd, listed_sme, vsme'],
            id="profile-unknown-csrd-category",
        ),
        pytest.param(
            {"fte": 12.5},
            {},
            ["profile.fte: must be a whole number of at least 0, not 12.5"],
            id="profile-fte-not-whole",
        ),
        pytest.param(
            {"fte": -1},
            {},
            ["profile.fte: must be a whole number of at least 0, not -1"],
            id="profile-fte-negative",
        ),
        pytest.param(
            {"fte": "many"},
            {"1.1": Answer("25"), "8.1": Answer("0")},
            [
                'profile.fte: must be a whole number of at least 0, not "many"',
                'answers["8.1"]: no question has this code',
                'answers["1.1"].value: "25" is not an option of question 1.1 '
                "(0, 50, 100)",
            ],
            id="every-problem-at-once",
        ),
    ],
)
def test_answers_that_cannot_be_scored_are_refused(profile, answers, problems):
    with pytest.raises(AnswerError) as caught:
        score_assessment(every_type(), profile, answers)

    assert [str(problem) for problem in caught.value.problems] == problems


def test_a_wrong_profile_fact_is_reported_not_compared():
    asked = framework(step("1", question("1.1", applies_if={"fte_min": 50})))

    with pytest.raises(AnswerError) as caught:
        score_assessment(asked, {"fte": "many"}, {"1.1": Answer("25")})

    assert [str(problem) for problem in caught.value.problems] == [
        'profile.fte: must be a whole number of at least 0, not "many"',
        'answers["1.1"].value: "25" is not an option of question 1.1 (0, 50, 100)',
    ]


def test_every_question_has_a_result_and_lists_follow_the_framework_order():
    asked = framework(
        step(
            "1",
            question("1.1", evidence="required", critical=True, critical_min=100),
            question("1.2", applies_if={"recycler": True}),
            question("1.3", "text"),
        ),
        step(
            "2", question("2.1", evidence="required", critical=True, critical_min=100)
        ),
    )

    result = score_assessment(
        asked, {}, {"2.1": Answer("100"), "1.1": Answer("50"), "1.3": Answer("x")}
    )

    assert result.questions == {
        "1.1": QuestionResult(
            score=Fraction(0),
            applicable=True,
            insufficient=True,
            unsubstantiated=True,
            critical_failed=True,
        ),
        "1.2": QuestionResult(score=None, applicable=False),
        "1.3": QuestionResult(score=None, applicable=True),
        "2.1": QuestionResult(
            score=Fraction(0),
            applicable=True,
            insufficient=True,
            unsubstantiated=True,
            critical_failed=True,
        ),
    }
    assert result.insufficient == ("1.1", "2.1")
    assert result.unsubstantiated == ("1.1", "2.1")
    assert result.critical_failed == ("1.1", "2.1")


def test_equal_frameworks_score_alike():
    first, second = two_steps(), two_steps()
    answers = answered(q1_1="80", q2_1="40")

    assert score_assessment(first, {}, answers) == score_assessment(second, {}, answers)
