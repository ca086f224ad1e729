"""The default framework shipped in the repository: it loads, is complete, and scores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from monitoring.framework import Framework, Question, load_framework_yaml
from monitoring.scoring import Answer, score_assessment

pytestmark = pytest.mark.core

DEFAULT_FRAMEWORK = (
    Path(__file__).parents[2] / "monitoring" / "frameworks" / "metals-v1.yaml"
)

PROFILES = [
    pytest.param(
        {
            "recycler": True,
            "cahra_sourcing": True,
            "sources_3tg": True,
            "csrd_category": "csrd",
            "fte": 2500,
        },
        id="large-recycler-sourcing-3tg-from-cahra",
    ),
    pytest.param(
        {
            "recycler": False,
            "cahra_sourcing": False,
            "sources_3tg": False,
            "csrd_category": "vsme",
            "fte": 40,
        },
        id="small-company",
    ),
    pytest.param(
        {
            "recycler": False,
            "cahra_sourcing": True,
            "sources_3tg": False,
            "csrd_category": "listed_sme",
            "fte": 180,
        },
        id="listed-sme-sourcing-from-cahra",
    ),
]


@pytest.fixture(scope="module")
def framework() -> Framework:
    if not DEFAULT_FRAMEWORK.exists():
        pytest.skip(f"{DEFAULT_FRAMEWORK.name} is not written yet")
    return load_framework_yaml(DEFAULT_FRAMEWORK.read_text(encoding="utf-8"))


def best_value(question: Question) -> Any:
    """The answer that earns the most points (every option with points, for multi)."""
    if question.type == "single":
        return max(question.options, key=lambda option: option.points).value
    if question.type == "multi":
        return [option.value for option in question.options if option.points > 0]
    if question.type == "boolean":
        points = {"yes": 100, "no": 0}
        points.update(
            (option.value, option.points)
            for option in question.options
            if option.points is not None
        )
        return max(points, key=points.__getitem__)
    if question.type == "number":
        return 1
    return "Described in our policy."


def test_it_has_the_six_oecd_steps_and_at_least_45_questions(framework):
    assert [step.code for step in framework.steps] == ["1", "2", "3", "4", "5", "6"]
    assert len(framework.questions) >= 45


def test_every_question_has_help_and_advice_in_dutch_and_english(framework):
    lacking = [
        q.code
        for q in framework.questions
        for texts in (q.help, q.advice)
        if texts is None
        or not (texts.get("nl", "").strip() and texts.get("en", "").strip())
    ]

    assert lacking == []


@pytest.mark.parametrize("profile", PROFILES)
def test_the_best_answers_score_100_and_green(framework, profile):
    answers = {
        q.code: Answer(
            best_value(q), explanation="See the attached policy.", documents=1
        )
        for q in framework.questions
    }

    result = score_assessment(framework, profile, answers)

    assert result.final_score == 100
    assert result.signal == "green"
    assert result.level == framework.levels[-1].level
    assert result.insufficient == ()
    assert result.modules.mandatory == ()


@pytest.mark.parametrize("profile", PROFILES)
def test_no_answers_score_0_and_red(framework, profile):
    result = score_assessment(framework, profile, {})

    assert result.final_score == 0
    assert result.signal == "red"
    assert result.level == framework.levels[0].level
