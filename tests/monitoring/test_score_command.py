"""`manage.py score_assessment`: a score recomputed from files, and bad files refused."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

DATA = Path(__file__).parent / "data"
FRAMEWORK = DATA / "framework.yaml"
ANSWERS = DATA / "answers.json"
THRESHOLDS = DATA / "thresholds.json"

# The answers in data/answers.json, worked out by hand:
# step 1: 1.1 (weight 2) lacks its required evidence, so 0; 1.2 labour + environment, 80:
#         (0 x 2 + 80) / 3 = 26.67, level 2
# step 2: 2.1 yes 100; 2.2 no 25 (its option's points); 2.3 most 100/3 (weight 1/2):
#         (100 + 25 + 50/3) / 2.5 = 56.67, level 3
# step 3: 3.1 yes 100, level 5
# final:  (26.67 x 1 + 56.67 x 2 + 100 x 1) / 4 = 60 exactly, level 4; orange, because
#         step 1 is below 40
EXPECTED = {
    "final_score": 60.0,
    "level": 4,
    "signal": "orange",
    "steps": {
        "1": {"score": 26.7, "level": 2},
        "2": {"score": 56.7, "level": 3},
        "3": {"score": 100.0, "level": 5},
    },
    "insufficient": ["1.1", "2.2", "2.3"],
    "unsubstantiated": ["1.1"],
    "critical_failed": [],
    "advice": [{"question": "1.1", "text": "Adopt a policy."}],
    "modules": {"mandatory": ["K1"], "advised": ["P1"]},
}


def score(*args: str) -> dict:
    out = StringIO()
    call_command("score_assessment", *args, stdout=out)
    return json.loads(out.getvalue())


def test_prints_the_result_as_indented_json():
    out = StringIO()

    call_command(
        "score_assessment", "--framework", FRAMEWORK, "--answers", ANSWERS, stdout=out
    )

    assert json.loads(out.getvalue()) == EXPECTED
    assert out.getvalue().startswith('{\n  "final_score": 60.0,\n  "level": 4,')


def test_advice_in_dutch():
    result = score("--framework", FRAMEWORK, "--answers", ANSWERS, "--language", "nl")

    assert result["advice"] == [{"question": "1.1", "text": "Stel een beleid vast."}]


def test_thresholds_from_a_file_replace_the_frameworks():
    result = score(
        "--framework", FRAMEWORK, "--answers", ANSWERS, "--thresholds", THRESHOLDS
    )

    # green at 55 with every step at least 25; insufficient below 30
    assert result == {
        **EXPECTED,
        "signal": "green",
        "insufficient": ["1.1", "2.2"],
    }


FRAMEWORK_YAML = FRAMEWORK.read_text(encoding="utf-8")
ANSWERS_DATA = json.loads(ANSWERS.read_text(encoding="utf-8"))


def answers_with(code: str, answer: object) -> str:
    data = json.loads(json.dumps(ANSWERS_DATA))
    data["answers"][code] = answer
    return json.dumps(data)


MISSING = None


@pytest.mark.parametrize(
    ("which", "content", "message"),
    [
        pytest.param("framework", MISSING, "{file}: no such file", id="no-framework"),
        pytest.param(
            "framework",
            "code: test\nsteps: [\n",
            "{file}: line 3, column 1: expected the node content, but found "
            "'<stream end>'",
            id="framework-not-yaml",
        ),
        pytest.param(
            "framework",
            FRAMEWORK_YAML.replace("type: single\n        weight: 2", "type: singel"),
            '{file}: steps[0].questions[0].type: "singel" is not one of '
            "single, multi, boolean, number, text",
            id="framework-invalid",
        ),
        pytest.param(
            "framework",
            b"code: \xff\n",
            "{file}: not UTF-8 text",
            id="framework-not-text",
        ),
        pytest.param("answers", MISSING, "{file}: no such file", id="no-answers"),
        pytest.param(
            "answers",
            "{profile: {}}",
            "{file}: line 1, column 2: not valid JSON: "
            "Expecting property name enclosed in double quotes",
            id="answers-not-json",
        ),
        pytest.param(
            "answers",
            "[]",
            '{file}: top level: must be an object with "answers", not an array',
            id="answers-an-array",
        ),
        pytest.param(
            "answers",
            '{"profile": {}, "answer": {}}',
            '{file}: top level: unknown key "answer" (allowed: profile, answers)\n'
            '{file}: top level: "answers" is missing',
            id="answers-misspelt",
        ),
        pytest.param(
            "answers",
            answers_with("9.9", {"value": "yes"}),
            '{file}: answers["9.9"]: no question has this code',
            id="answer-to-an-unknown-question",
        ),
        pytest.param(
            "answers",
            answers_with("1.1", {"value": "final"}),
            '{file}: answers["1.1"].value: "final" is not an option of question 1.1 '
            "(none, draft, adopted)",
            id="value-not-an-option",
        ),
        pytest.param(
            "answers",
            answers_with("1.1", {"value": "draft", "documents": "one", "note": ""}),
            '{file}: answers["1.1"]: unknown key "note" '
            "(allowed: value, explanation, documents)\n"
            '{file}: answers["1.1"].documents: must be a whole number of at least 0, '
            'not "one"',
            id="answer-of-the-wrong-shape",
        ),
        pytest.param(
            "answers",
            json.dumps({**ANSWERS_DATA, "profile": {"fte": "many"}}),
            '{file}: profile.fte: must be a whole number of at least 0, not "many"',
            id="profile-wrong",
        ),
        pytest.param(
            "thresholds",
            '{"green": {"final": 120, "step_min": 40}, "orange": {"final": 40}, '
            '"insufficient_below": 50}',
            "{file}: green.final: must be between 0 and 100, not 120",
            id="thresholds-invalid",
        ),
        pytest.param(
            "thresholds",
            "green: 60",
            "{file}: line 1, column 1: not valid JSON: Expecting value",
            id="thresholds-not-json",
        ),
        pytest.param("thresholds", MISSING, "{file}: no such file", id="no-thresholds"),
    ],
)
def test_a_bad_file_stops_with_exit_code_2_naming_file_and_place(
    tmp_path, which, content, message
):
    paths = {"framework": FRAMEWORK, "answers": ANSWERS, "thresholds": THRESHOLDS}
    bad = tmp_path / f"bad-{which}"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    elif content is not MISSING:
        bad.write_text(content, encoding="utf-8")
    paths[which] = bad
    out = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command(
            "score_assessment",
            *("--framework", paths["framework"], "--answers", paths["answers"]),
            *("--thresholds", paths["thresholds"]),
            stdout=out,
        )

    assert caught.value.returncode == 2
    assert str(caught.value) == message.format(file=bad)
    assert out.getvalue() == ""


def test_from_the_shell_a_bad_file_exits_2_with_the_message_on_stderr(tmp_path):
    missing = tmp_path / "missing.json"

    finished = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "manage.py",
            "score_assessment",
            "--framework",
            str(FRAMEWORK),
            "--answers",
            str(missing),
        ],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        check=False,
    )

    assert finished.returncode == 2
    assert finished.stderr == f"CommandError: {missing}: no such file\n"
    assert finished.stdout == ""
