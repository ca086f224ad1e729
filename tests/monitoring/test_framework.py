"""The assessment framework: reading and checking it, and exporting it back."""

from __future__ import annotations

import copy
import pickle
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitoring.framework import (
    AppliesIf,
    FrameworkError,
    Problem,
    SignalThresholds,
    StepLevel,
    Text,
    dump_framework_yaml,
    export_number,
    framework_to_dict,
    load_framework_yaml,
    parse_framework,
    parse_thresholds,
)

pytestmark = pytest.mark.core

DATA = Path(__file__).parent / "data"
FRAMEWORK_YAML = (DATA / "framework.yaml").read_text(encoding="utf-8")
DELETE = object()

FRAMEWORK_KEYS = "code, version, title, levels, signal, steps, description, modules"
STEP_KEYS = "code, title, weight, questions, description, ngo_visible"
QUESTION_KEYS = (
    "code, text, type, help, weight, evidence, critical, critical_min, applies_if, "
    "ngo_visible, advice, options"
)
CONDITION_KEYS = (
    "recycler, cahra_sourcing, sources_3tg, csrd_category, fte_min, fte_max"
)


def base_data() -> dict[str, Any]:
    """The test framework (tests/monitoring/data/framework.yaml) as plain data."""
    return yaml.safe_load(FRAMEWORK_YAML)


def edited(edits: dict[str, Any]) -> dict[str, Any]:
    """The test framework's data with `edits` applied: path -> new value (or DELETE).

    Paths are written as the problems name them, e.g. `steps[0].questions[1].type`.
    """
    data = base_data()
    for path, value in edits.items():
        *parents, last = [
            int(part[1:-1]) if part.startswith("[") else part
            for part in re.findall(r"\[\d+\]|[^.\[\]]+", path)
        ]
        target = data
        for part in parents:
            target = target[part]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return data


def problems_of(data: Any) -> list[str]:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(data)
    return [str(problem) for problem in caught.value.problems]


# --- Reading a valid framework -----------------------------------------------------------


def test_the_test_framework_is_read_with_exact_numbers_and_defaults():
    framework = load_framework_yaml(FRAMEWORK_YAML)

    assert (framework.code, framework.version) == ("test", 1)
    assert framework.title == {"nl": "Testkader", "en": "Test framework"}
    assert [step.code for step in framework.steps] == ["1", "2", "3"]
    assert [q.code for q in framework.questions] == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "2.1",
        "2.2",
        "2.3",
        "3.1",
    ]
    assert framework.signal == SignalThresholds(
        green_final=Fraction(60),
        green_step_min=Fraction(40),
        orange_final=Fraction(40),
        insufficient_below=Fraction(50),
    )
    assert [(lv.level, lv.min) for lv in framework.levels] == [
        (1, 0),
        (2, 20),
        (3, 40),
        (4, 60),
        (5, 80),
    ]

    policy = framework.question("1.1")
    assert (policy.type, policy.weight, policy.evidence) == ("single", 2, "required")
    assert policy.help == {"nl": "Een vastgesteld beleid.", "en": "An adopted policy."}
    assert [(o.value, o.points) for o in policy.options] == [
        ("none", 0),
        ("draft", 50),
        ("adopted", 100),
    ]

    topics = framework.question("1.2")
    # Defaults: weight 1 on a scored question, no help, no condition, not critical.
    assert (topics.weight, topics.help, topics.critical) == (1, None, False)
    assert topics.applies_if == AppliesIf()
    assert topics.applies_if.always is True
    assert (framework.question("1.3").weight, framework.question("1.4").weight) == (
        0,
        0,
    )
    assert framework.question("1.4").evidence == "none"

    risk_analysis = framework.question("2.1")
    assert (risk_analysis.critical, risk_analysis.critical_min) == (True, 100)
    assert risk_analysis.options == ()

    minerals = framework.question("2.2")
    assert [(o.value, o.points) for o in minerals.options] == [("yes", 100), ("no", 25)]

    mapping = framework.question("2.3")
    assert mapping.weight == Fraction(1, 2)
    assert [o.points for o in mapping.options] == [Fraction(25, 2), Fraction(100, 3)]
    assert mapping.applies_if == AppliesIf(
        csrd_category=("csrd", "listed_sme"), fte_min=50, fte_max=5000
    )
    assert framework.question("3.1").applies_if == AppliesIf(
        recycler=True, sources_3tg=False
    )

    assert [
        (m.code, m.kind, m.mandatory_below, m.advised_below) for m in framework.modules
    ] == [
        ("K1", "knowledge", StepLevel("1", 3), None),
        ("P1", "practice", None, StepLevel("2", 4)),
        ("R1", "risk", StepLevel("3", 5), None),
    ]


def test_helpers_find_a_question_and_its_step():
    framework = load_framework_yaml(FRAMEWORK_YAML)

    assert framework.question("2.2").code == "2.2"
    assert framework.step_of("2.2").code == "2"
    with pytest.raises(KeyError):
        framework.question("9.9")


@pytest.mark.parametrize(
    ("score", "level"),
    [
        pytest.param(Fraction(0), 1, id="0"),
        pytest.param(Fraction(1999, 100), 1, id="19.99"),
        pytest.param(Fraction(20), 2, id="20-exactly"),
        pytest.param(Fraction(60), 4, id="60-exactly"),
        pytest.param(Fraction(7999, 100), 4, id="79.99"),
        pytest.param(Fraction(100), 5, id="100"),
    ],
)
def test_level_is_the_highest_whose_min_the_score_reaches(score, level):
    assert load_framework_yaml(FRAMEWORK_YAML).level_for(score) == level


def test_a_boolean_question_without_options_and_optional_keys_left_out_is_valid():
    data = edited(
        {
            "steps[1].questions[0].critical": DELETE,
            "steps[1].questions[0].critical_min": DELETE,
            "steps[1].questions[0].advice": DELETE,
            "modules": DELETE,
            "description": DELETE,
        }
    )

    framework = parse_framework(data)

    assert framework.question("2.1").options == ()
    assert framework.question("2.1").advice is None
    assert framework.modules == ()
    assert framework.description is None


@pytest.mark.parametrize(
    ("given", "read"),
    [
        pytest.param(12, Fraction(12), id="int"),
        pytest.param(12.5, Fraction(25, 2), id="float"),
        pytest.param(0.1, Fraction(1, 10), id="float-by-its-decimal-form"),
        pytest.param("12.5", Fraction(25, 2), id="decimal-string"),
        pytest.param("100/3", Fraction(100, 3), id="fraction-string"),
    ],
)
def test_numbers_are_read_exactly(given, read):
    data = edited({"steps[0].questions[0].options[1].points": given})

    assert parse_framework(data).question("1.1").options[1].points == read


@pytest.mark.parametrize(
    ("raw", "value"),
    [pytest.param(True, "yes", id="yaml-yes"), pytest.param(False, "no", id="yaml-no")],
)
def test_an_unquoted_yes_or_no_is_a_boolean_option_value(raw, value):
    data = edited({"steps[1].questions[1].options[0].value": raw})
    data["steps"][1]["questions"][1]["options"][1]["value"] = "no" if raw else "yes"

    options = parse_framework(data).question("2.2").options

    assert options[0].value == value


# --- Refusing a wrong framework ----------------------------------------------------------

REFUSED = [
    # Unknown keys, at every level.
    pytest.param(
        {"author": "me"},
        [f'top level: unknown key "author" (allowed: {FRAMEWORK_KEYS})'],
        id="unknown-framework-key",
    ),
    pytest.param(
        {"steps[0].wieght": 1},
        [f'steps[0]: unknown key "wieght" (allowed: {STEP_KEYS})'],
        id="unknown-step-key",
    ),
    pytest.param(
        {"steps[0].questions[1].weigth": 2},
        [f'steps[0].questions[1]: unknown key "weigth" (allowed: {QUESTION_KEYS})'],
        id="unknown-question-key",
    ),
    pytest.param(
        {"steps[0].questions[0].options[2].score": 100},
        [
            'steps[0].questions[0].options[2]: unknown key "score" '
            "(allowed: value, label, points, advice)"
        ],
        id="unknown-option-key",
    ),
    pytest.param(
        {"levels[1].label": "x"},
        ['levels[1]: unknown key "label" (allowed: level, min, name)'],
        id="unknown-level-key",
    ),
    pytest.param(
        {"signal.red": {"final": 0}},
        ['signal: unknown key "red" (allowed: green, orange, insufficient_below)'],
        id="unknown-signal-key",
    ),
    pytest.param(
        {"signal.green.step": 40},
        ['signal.green: unknown key "step" (allowed: final, step_min)'],
        id="unknown-green-key",
    ),
    pytest.param(
        {"modules[0].mandatory": True},
        [
            'modules[0]: unknown key "mandatory" '
            "(allowed: code, title, kind, mandatory_below, advised_below)"
        ],
        id="unknown-module-key",
    ),
    pytest.param(
        {"modules[0].mandatory_below.score": 40},
        ['modules[0].mandatory_below: unknown key "score" (allowed: step, level)'],
        id="unknown-module-trigger-key",
    ),
    pytest.param(
        {"steps[2].questions[0].applies_if.recyler": True},
        [
            f'steps[2].questions[0].applies_if: unknown key "recyler" '
            f"(allowed: {CONDITION_KEYS})"
        ],
        id="unknown-profile-key-in-applies-if",
    ),
    pytest.param(
        {"title.text": "x"},
        ['title: "text" is not a language code'],
        id="text-with-a-key-that-is-no-language",
    ),
    # Required keys and required texts.
    pytest.param(
        {"levels": DELETE, "steps": DELETE},
        ['top level: "levels" is missing', 'top level: "steps" is missing'],
        id="missing-framework-keys",
    ),
    pytest.param(
        {"steps[1].title": DELETE},
        ['steps[1]: "title" is missing'],
        id="missing-step-title",
    ),
    pytest.param(
        {"steps[0].questions[2].type": DELETE},
        ['steps[0].questions[2]: "type" is missing'],
        id="missing-question-type",
    ),
    pytest.param(
        {"steps[0].questions[0].options[1].points": DELETE},
        ['steps[0].questions[0].options[1]: "points" is missing'],
        id="single-option-without-points",
    ),
    pytest.param(
        {"steps[0].questions[1].options[2].points": DELETE},
        ['steps[0].questions[1].options[2]: "points" is missing'],
        id="multi-option-without-points",
    ),
    pytest.param(
        {"steps[0].title.en": DELETE},
        ['steps[0].title: "en" is missing'],
        id="text-without-english",
    ),
    pytest.param(
        {"steps[0].questions[0].help.nl": "  "},
        ['steps[0].questions[0].help.nl: must be a non-blank string, not "  "'],
        id="blank-dutch-help",
    ),
    pytest.param(
        {"steps[0].questions[0].advice": "Adopt a policy."},
        [
            "steps[0].questions[0].advice: must be a text per language (nl and en), "
            'not "Adopt a policy."'
        ],
        id="advice-in-one-language-only",
    ),
    pytest.param(
        {"signal.orange": DELETE},
        ['signal: "orange" is missing'],
        id="missing-orange-threshold",
    ),
    # Duplicate codes.
    pytest.param(
        {"steps[1].code": "1"},
        ['steps[1] (code "1"): duplicate code, also at steps[0]'],
        id="duplicate-step-code",
    ),
    pytest.param(
        {"steps[0].questions[3].code": "1.2"},
        [
            'steps[0].questions[3] (code "1.2"): duplicate code, also at steps[0].questions[1]'
        ],
        id="duplicate-question-code-in-a-step",
    ),
    pytest.param(
        {"steps[2].questions[0].code": "1.1"},
        [
            'steps[2].questions[0] (code "1.1"): duplicate code, also at steps[0].questions[0]'
        ],
        id="duplicate-question-code-across-steps",
    ),
    pytest.param(
        {"steps[0].questions[0].options[2].value": "none"},
        [
            'steps[0].questions[0].options[2] (value "none"): duplicate value, '
            "also at steps[0].questions[0].options[0]"
        ],
        id="duplicate-option-value",
    ),
    pytest.param(
        {"levels[2].level": 2},
        ["levels[2] (level 2): duplicate level, also at levels[1]"],
        id="duplicate-level",
    ),
    pytest.param(
        {"modules[2].code": "K1"},
        ['modules[2] (code "K1"): duplicate code, also at modules[0]'],
        id="duplicate-module-code",
    ),
    # Types and their options.
    pytest.param(
        {"steps[0].questions[0].type": "singel"},
        [
            'steps[0].questions[0].type: "singel" is not one of '
            "single, multi, boolean, number, text"
        ],
        id="unknown-question-type",
    ),
    pytest.param(
        {"steps[0].questions[0].options": DELETE},
        ['steps[0].questions[0]: "options" is missing (a single question needs them)'],
        id="single-without-options",
    ),
    pytest.param(
        {"steps[0].questions[1].options": []},
        ["steps[0].questions[1].options: must not be empty"],
        id="multi-with-no-options",
    ),
    pytest.param(
        {
            "steps[0].questions[2].options": [
                {"value": "a", "label": {"nl": "a", "en": "a"}, "points": 0}
            ]
        },
        ["steps[0].questions[2].options: a number question has no options"],
        id="number-with-options",
    ),
    pytest.param(
        {
            "steps[0].questions[3].options": [
                {"value": "a", "label": {"nl": "a", "en": "a"}, "points": 0}
            ]
        },
        ["steps[0].questions[3].options: a text question has no options"],
        id="text-with-options",
    ),
    pytest.param(
        {"steps[1].questions[1].options[1].value": "maybe"},
        [
            'steps[1].questions[1].options[1].value: must be "yes" or "no" on a '
            'boolean question, not "maybe"'
        ],
        id="boolean-option-other-than-yes-or-no",
    ),
    # Weights.
    pytest.param(
        {"steps[0].questions[2].weight": 1},
        [
            "steps[0].questions[2].weight: must be 0 on a number question "
            "(it is not scored), not 1"
        ],
        id="weight-on-a-number-question",
    ),
    pytest.param(
        {"steps[0].questions[3].weight": "1/2"},
        [
            "steps[0].questions[3].weight: must be 0 on a text question "
            "(it is not scored), not 0.5"
        ],
        id="weight-on-a-text-question",
    ),
    pytest.param(
        {"steps[0].questions[0].weight": 0},
        ["steps[0].questions[0].weight: must be above 0 on a single question, not 0"],
        id="zero-weight-on-a-scored-question",
    ),
    pytest.param(
        {"steps[0].questions[0].weight": -1},
        ["steps[0].questions[0].weight: must be at least 0, not -1"],
        id="negative-question-weight",
    ),
    pytest.param(
        {"steps[0].weight": 0},
        ["steps[0].weight: must be above 0, not 0"],
        id="zero-step-weight",
    ),
    # Evidence, criticality, points.
    pytest.param(
        {"steps[0].questions[0].evidence": "always"},
        [
            'steps[0].questions[0].evidence: "always" is not one of '
            "required, optional, none"
        ],
        id="unknown-evidence",
    ),
    pytest.param(
        {"steps[1].questions[0].critical_min": 101},
        ["steps[1].questions[0].critical_min: must be between 0 and 100, not 101"],
        id="critical-min-above-100",
    ),
    pytest.param(
        {"steps[1].questions[0].critical_min": -1},
        ["steps[1].questions[0].critical_min: must be between 0 and 100, not -1"],
        id="critical-min-below-0",
    ),
    pytest.param(
        {"steps[1].questions[0].critical_min": DELETE},
        [
            'steps[1].questions[0]: "critical_min" is missing '
            "(a critical question needs it)"
        ],
        id="critical-without-critical-min",
    ),
    pytest.param(
        {"steps[0].questions[3].critical": True},
        [
            "steps[0].questions[3].critical: a text question is not scored, "
            "so it cannot be critical"
        ],
        id="critical-text-question",
    ),
    pytest.param(
        {"steps[1].questions[0].critical": "yes"},
        ['steps[1].questions[0].critical: must be true or false, not "yes"'],
        id="critical-not-a-boolean",
    ),
    pytest.param(
        {"steps[0].questions[0].options[2].points": 120},
        ["steps[0].questions[0].options[2].points: must be between 0 and 100, not 120"],
        id="points-above-100",
    ),
    pytest.param(
        {"steps[0].questions[0].options[0].points": -5},
        ["steps[0].questions[0].options[0].points: must be between 0 and 100, not -5"],
        id="points-below-0",
    ),
    pytest.param(
        {"steps[0].questions[0].options[0].points": "lots"},
        ['steps[0].questions[0].options[0].points: must be a number, not "lots"'],
        id="points-not-a-number",
    ),
    pytest.param(
        {"steps[0].questions[0].options[0].points": True},
        ["steps[0].questions[0].options[0].points: must be a number, not true"],
        id="points-a-boolean",
    ),
    # Levels and signal thresholds.
    pytest.param(
        {"levels[0].min": 10},
        ["levels[0].min: the first level must start at 0, not 10"],
        id="levels-not-starting-at-0",
    ),
    pytest.param(
        {"levels[2].min": 20},
        ["levels[2].min: must be above the min of the level before it (20), not 20"],
        id="level-min-not-increasing",
    ),
    pytest.param(
        {"levels[2].level": 1},
        [
            "levels[2] (level 1): duplicate level, also at levels[0]",
        ],
        id="level-number-repeated",
    ),
    pytest.param(
        {"levels[3].level": 2, "levels[1].level": 4},
        [
            "levels[2].level: must be above the level before it (4), not 3",
            "levels[3].level: must be above the level before it (3), not 2",
        ],
        id="level-numbers-not-increasing",
    ),
    pytest.param(
        {"levels": []},
        ["levels: must not be empty"],
        id="no-levels",
    ),
    pytest.param(
        {"signal.green.final": 101},
        ["signal.green.final: must be between 0 and 100, not 101"],
        id="green-final-above-100",
    ),
    pytest.param(
        {"signal.green.step_min": -1},
        ["signal.green.step_min: must be between 0 and 100, not -1"],
        id="green-step-min-below-0",
    ),
    pytest.param(
        {"signal.insufficient_below": 100.5},
        ["signal.insufficient_below: must be between 0 and 100, not 100.5"],
        id="insufficient-below-above-100",
    ),
    pytest.param(
        {"signal.orange.final": 70},
        ["signal.orange.final: must not be above green.final (60), not 70"],
        id="orange-above-green",
    ),
    # References.
    pytest.param(
        {"modules[0].mandatory_below.step": "9"},
        ['modules[0].mandatory_below.step: unknown step "9" (steps: 1, 2, 3)'],
        id="module-naming-an-unknown-step",
    ),
    pytest.param(
        {"modules[1].advised_below.level": 7},
        ["modules[1].advised_below.level: unknown level 7 (levels: 1, 2, 3, 4, 5)"],
        id="module-naming-an-unknown-level",
    ),
    pytest.param(
        {"modules[0].kind": "lecture"},
        ['modules[0].kind: "lecture" is not one of knowledge, practice, sector, risk'],
        id="unknown-module-kind",
    ),
    pytest.param(
        {"steps[2].questions[0].applies_if.recycler": "yes"},
        ['steps[2].questions[0].applies_if.recycler: must be true or false, not "yes"'],
        id="applies-if-flag-not-a-boolean",
    ),
    pytest.param(
        {"steps[1].questions[1].applies_if.cahra_sourcing": 1},
        [
            "steps[1].questions[1].applies_if.cahra_sourcing: must be true or false, not 1"
        ],
        id="applies-if-cahra-not-a-boolean",
    ),
    pytest.param(
        {"steps[1].questions[2].applies_if.csrd_category": "big"},
        [
            'steps[1].questions[2].applies_if.csrd_category: "big" is not one of '
            "csrd, listed_sme, vsme"
        ],
        id="applies-if-unknown-csrd-category",
    ),
    pytest.param(
        {"steps[1].questions[2].applies_if.csrd_category": ["csrd", "large"]},
        [
            'steps[1].questions[2].applies_if.csrd_category[1]: "large" is not one of '
            "csrd, listed_sme, vsme"
        ],
        id="applies-if-unknown-csrd-category-in-a-list",
    ),
    pytest.param(
        {"steps[1].questions[2].applies_if.csrd_category": {"csrd": True}},
        [
            "steps[1].questions[2].applies_if.csrd_category: must be a category or a "
            "list of them, not a mapping"
        ],
        id="applies-if-csrd-category-of-the-wrong-type",
    ),
    pytest.param(
        {"steps[1].questions[2].applies_if.fte_min": "fifty"},
        [
            'steps[1].questions[2].applies_if.fte_min: must be a whole number, not "fifty"'
        ],
        id="applies-if-fte-min-not-a-number",
    ),
    pytest.param(
        {"steps[1].questions[2].applies_if.fte_max": 2.5},
        ["steps[1].questions[2].applies_if.fte_max: must be a whole number, not 2.5"],
        id="applies-if-fte-max-not-whole",
    ),
    pytest.param(
        {"steps[1].questions[2].applies_if.fte_max": 10},
        [
            "steps[1].questions[2].applies_if.fte_max: must not be below fte_min (50), not 10"
        ],
        id="applies-if-fte-max-below-fte-min",
    ),
    # Values of the wrong kind.
    pytest.param(
        {"steps[0].code": 1},
        ["steps[0].code: must be a non-blank string, not 1 (quote it in YAML)"],
        id="code-as-a-number",
    ),
    pytest.param(
        {"version": "one"},
        ['version: must be a whole number, not "one"'],
        id="version-not-a-number",
    ),
    pytest.param(
        {"steps": {"1": {}}},
        ["steps: must be a list, not a mapping"],
        id="steps-not-a-list",
    ),
    pytest.param(
        {"steps[0].questions[0]": "1.1"},
        ['steps[0].questions[0]: must be a mapping, not "1.1"'],
        id="question-not-a-mapping",
    ),
    # Every problem is reported, not only the first.
    pytest.param(
        {
            "steps[0].questions[0].type": "singel",
            "steps[1].questions[0].critical_min": 150,
            "modules[2].mandatory_below.level": 6,
        },
        [
            'steps[0].questions[0].type: "singel" is not one of '
            "single, multi, boolean, number, text",
            "steps[1].questions[0].critical_min: must be between 0 and 100, not 150",
            "modules[2].mandatory_below.level: unknown level 6 (levels: 1, 2, 3, 4, 5)",
        ],
        id="several-problems-at-once",
    ),
]


@pytest.mark.parametrize(("edits", "problems"), REFUSED)
def test_a_wrong_framework_is_refused_with_every_problem_and_its_place(edits, problems):
    assert problems_of(edited(edits)) == problems


@pytest.mark.parametrize(
    ("data", "problems"),
    [
        pytest.param([], ["top level: must be a mapping, not a list"], id="a-list"),
        pytest.param(None, ["top level: must be a mapping, not empty"], id="nothing"),
    ],
)
def test_a_framework_must_be_a_mapping(data, problems):
    assert problems_of(data) == problems


def test_a_problem_reads_as_its_place_and_message():
    problem = Problem("steps[2].questions[4].options[1]", '"points" is missing')

    assert str(problem) == 'steps[2].questions[4].options[1]: "points" is missing'
    assert str(FrameworkError([problem, Problem("", "x")])) == (
        'steps[2].questions[4].options[1]: "points" is missing\ntop level: x'
    )
    assert isinstance(FrameworkError([]), ValueError)


# --- YAML --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        pytest.param(
            "code: test\nsteps: [\n",
            ["line 3, column 1: expected the node content, but found '<stream end>'"],
            id="unclosed-list",
        ),
        pytest.param(
            "code: test\ntitle: a: b\n",
            ["line 2, column 9: mapping values are not allowed here"],
            id="mapping-in-a-plain-value",
        ),
        pytest.param(
            "code: test\nversion: 1\nversion: 2\n",
            ['line 3, column 1: duplicate key "version"'],
            id="duplicate-key",
        ),
        pytest.param(
            "- code: test\n",
            ["top level: must be a mapping, not a list"],
            id="a-list",
        ),
        pytest.param("", ["top level: must be a mapping, not empty"], id="empty"),
    ],
)
def test_bad_yaml_is_refused_naming_line_and_column(text, problems):
    with pytest.raises(FrameworkError) as caught:
        load_framework_yaml(text)

    assert [str(problem) for problem in caught.value.problems] == problems


# --- Exporting ---------------------------------------------------------------------------


def test_export_to_yaml_and_load_again_gives_an_equal_framework():
    framework = load_framework_yaml(FRAMEWORK_YAML)

    again = load_framework_yaml(dump_framework_yaml(framework))

    assert again == framework
    assert framework_to_dict(again) == framework_to_dict(framework)


def test_export_gives_data_that_parse_framework_accepts_and_keeps_the_texts():
    framework = load_framework_yaml(FRAMEWORK_YAML)

    data = framework_to_dict(framework)

    assert parse_framework(copy.deepcopy(data)) == framework
    assert data["title"] == {"nl": "Testkader", "en": "Test framework"}
    mapping = data["steps"][1]["questions"][2]
    assert mapping["weight"] == "0.5"
    assert [option["points"] for option in mapping["options"]] == ["12.5", "100/3"]
    assert mapping["applies_if"] == {
        "csrd_category": ["csrd", "listed_sme"],
        "fte_min": 50,
        "fte_max": 5000,
    }
    assert data["steps"][2]["questions"][0]["applies_if"] == {
        "recycler": True,
        "sources_3tg": False,
    }
    assert data["modules"][1] == {
        "code": "P1",
        "title": {"nl": "Praktijkmodule risico's", "en": "Practice module risks"},
        "kind": "practice",
        "advised_below": {"step": "2", "level": 4},
    }


def test_a_single_csrd_category_exports_as_a_string():
    data = edited({"steps[1].questions[2].applies_if.csrd_category": ["vsme"]})

    exported = framework_to_dict(parse_framework(data))

    assert exported["steps"][1]["questions"][2]["applies_if"]["csrd_category"] == "vsme"


@pytest.mark.parametrize(
    ("number", "exported"),
    [
        pytest.param(Fraction(12), 12, id="whole"),
        pytest.param(Fraction(0), 0, id="zero"),
        pytest.param(Fraction(25, 2), "12.5", id="half"),
        pytest.param(Fraction(1, 8), "0.125", id="eighth"),
        pytest.param(Fraction(7, 20), "0.35", id="twentieths"),
        pytest.param(Fraction(100, 3), "100/3", id="no-finite-decimal"),
    ],
)
def test_numbers_export_as_int_or_an_exact_string(number, exported):
    assert export_number(number) == exported
    assert Fraction(exported) == number


def test_a_framework_is_hashable_and_survives_pickling():
    framework = load_framework_yaml(FRAMEWORK_YAML)

    # Our own data, pickled as a cache would do.
    assert pickle.loads(pickle.dumps(framework)) == framework  # noqa: S301
    assert hash(framework) == hash(load_framework_yaml(FRAMEWORK_YAML))


def test_a_text_is_a_read_only_mapping_with_an_english_fallback():
    text = Text({"nl": "Beleid", "en": "Policy"})

    assert text == {"nl": "Beleid", "en": "Policy"}
    assert (text["nl"], text.in_language("en"), text.in_language("de")) == (
        "Beleid",
        "Policy",
        "Policy",
    )
    with pytest.raises(TypeError):
        text["nl"] = "x"  # type: ignore[index]


# --- Thresholds a round sets -------------------------------------------------------------


def test_thresholds_are_read_in_the_shape_of_the_signal():
    thresholds = parse_thresholds(
        {
            "green": {"final": 70, "step_min": "45.5"},
            "orange": {"final": 50},
            "insufficient_below": 55,
        }
    )

    assert thresholds == SignalThresholds(
        green_final=Fraction(70),
        green_step_min=Fraction(91, 2),
        orange_final=Fraction(50),
        insufficient_below=Fraction(55),
    )


def test_wrong_thresholds_are_refused_with_their_places():
    with pytest.raises(FrameworkError) as caught:
        parse_thresholds({"green": {"final": 170}, "orange": {"final": 40}})

    assert [str(problem) for problem in caught.value.problems] == [
        'top level: "insufficient_below" is missing',
        'green: "step_min" is missing',
        "green.final: must be between 0 and 100, not 170",
    ]
