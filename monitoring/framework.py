"""The assessment framework: the questionnaire, its weights and thresholds, as versioned data.

The secretariat maintains a framework as a YAML file. `load_framework_yaml` and
`parse_framework` check all of it at once and raise `FrameworkError` with every problem
found, each with the place it is at; nothing half-valid is ever returned.
`framework_to_dict` and `dump_framework_yaml` give the data back in a form that loads again
to an equal framework.

Pure Python: no Django import, so scoring and its tests run without a database. Every number
(points, weights, minimums, thresholds) is a `Fraction`, so that a score exactly on a
threshold meets it.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, TypeVar

import yaml

QUESTION_TYPES: Final = ("single", "multi", "boolean", "number", "text")
SCORED_TYPES: Final = frozenset({"single", "multi", "boolean"})
EVIDENCE_KINDS: Final = ("required", "optional", "none")
MODULE_KINDS: Final = ("knowledge", "practice", "sector", "risk")
CSRD_CATEGORIES: Final = ("csrd", "listed_sme", "vsme")
BOOLEAN_VALUES: Final = ("yes", "no")
REQUIRED_LANGUAGES: Final = ("nl", "en")

# The company-profile facts a question may depend on, with what `applies_if` compares.
PROFILE_FLAGS: Final = ("recycler", "cahra_sourcing", "sources_3tg")
PROFILE_KEYS: Final = (*PROFILE_FLAGS, "csrd_category", "fte")
CONDITION_KEYS: Final = (*PROFILE_FLAGS, "csrd_category", "fte_min", "fte_max")
# Lists and mappings in a framework file nest about six deep; deeper is refused before
# PyYAML, which builds them recursively, runs out of stack.
MAX_YAML_NESTING: Final = 30

_T = TypeVar("_T")

_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


_LANGUAGES_FIRST = ("nl", "en")


def _language_order(language: str) -> tuple[int, str]:
    if language in _LANGUAGES_FIRST:
        return (_LANGUAGES_FIRST.index(language), "")
    return (len(_LANGUAGES_FIRST), language)


class Text(Mapping[str, str]):
    """A read-only text in several languages; parsed texts always have "nl" and "en".

    Equal to any mapping with the same items, hashable, and picklable, so that a whole
    framework can be compared, cached and used as a key.
    """

    __slots__ = ("_by_language",)

    def __init__(self, by_language: Mapping[str, str]) -> None:
        # A fixed order of languages (Dutch, English, then the rest): a framework read back
        # from PostgreSQL's jsonb, which reorders keys, exports the same YAML.
        self._by_language = {
            language: by_language[language]
            for language in sorted(by_language, key=_language_order)
        }

    def __getitem__(self, language: str) -> str:
        return self._by_language[language]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_language)

    def __len__(self) -> int:
        return len(self._by_language)

    def __hash__(self) -> int:
        return hash(frozenset(self._by_language.items()))

    def __repr__(self) -> str:
        return f"Text({self._by_language!r})"

    def __reduce__(self) -> tuple[type[Text], tuple[dict[str, str]]]:
        return (Text, (self._by_language,))

    def in_language(self, language: str) -> str:
        """The text in `language`, or the English text when there is none in it."""
        return self._by_language.get(language, self._by_language["en"])


@dataclass(frozen=True, slots=True)
class Option:
    """One answer a single, multi or boolean question offers."""

    value: str
    label: Text
    # None only on a boolean question's option: "yes" then scores 100 and "no" 0.
    points: Fraction | None
    advice: Text | None


@dataclass(frozen=True, slots=True)
class AppliesIf:
    """Conditions on the company profile that must all hold for a question to apply.

    A field left None sets no condition; with every field None the question always applies.
    """

    recycler: bool | None = None
    cahra_sourcing: bool | None = None
    sources_3tg: bool | None = None
    csrd_category: tuple[str, ...] | None = None
    fte_min: int | None = None
    fte_max: int | None = None

    @property
    def always(self) -> bool:
        """True when there is no condition at all."""
        return self == _ALWAYS

    def holds(self, profile: Mapping[str, Any]) -> bool:
        """True when `profile` meets every condition.

        A condition on a fact the profile does not give (missing or None) does not hold:
        an unknown fact must not make a question apply or stop applying by accident.
        """
        for flag in PROFILE_FLAGS:
            wanted = getattr(self, flag)
            if wanted is not None and profile.get(flag) is not wanted:
                return False
        if (
            self.csrd_category is not None
            and profile.get("csrd_category") not in self.csrd_category
        ):
            return False
        if self.fte_min is not None or self.fte_max is not None:
            fte = profile.get("fte")
            if fte is None:
                return False
            if self.fte_min is not None and fte < self.fte_min:
                return False
            if self.fte_max is not None and fte > self.fte_max:
                return False
        return True


_ALWAYS: Final = AppliesIf()


@dataclass(frozen=True, slots=True)
class Question:
    """One question of a step; `weight` counts within its step."""

    code: str
    text: Text
    help: Text | None
    type: str
    weight: Fraction
    evidence: str
    critical: bool
    # Used only when `critical`: a score below it blocks the green signal.
    critical_min: Fraction | None
    applies_if: AppliesIf
    ngo_visible: bool
    advice: Text | None
    options: tuple[Option, ...]

    @property
    def scored(self) -> bool:
        """True for single, multi and boolean questions; number and text are not scored."""
        return self.type in SCORED_TYPES

    def option(self, value: str) -> Option | None:
        """The option with `value`, or None when the question has no such option."""
        for option in self.options:
            if option.value == value:
                return option
        return None


@dataclass(frozen=True, slots=True)
class Step:
    """One of the OECD due-diligence steps; `weight` counts in the final score."""

    code: str
    title: Text
    weight: Fraction
    ngo_visible: bool
    questions: tuple[Question, ...]
    description: Text | None = None


@dataclass(frozen=True, slots=True)
class Level:
    """A maturity level, reached by a score of at least `min`."""

    level: int
    min: Fraction
    name: Text


@dataclass(frozen=True, slots=True)
class SignalThresholds:
    """What a final signal and an insufficient part take; a round may raise them."""

    green_final: Fraction
    green_step_min: Fraction
    orange_final: Fraction
    insufficient_below: Fraction


@dataclass(frozen=True, slots=True)
class StepLevel:
    """A trigger of a module: the step `step` scoring a maturity level below `level`."""

    step: str
    level: int


@dataclass(frozen=True, slots=True)
class Module:
    """A knowledge, practice, sector or risk module (art. 29-30)."""

    code: str
    title: Text
    kind: str
    mandatory_below: StepLevel | None
    advised_below: StepLevel | None


@dataclass(frozen=True, slots=True)
class Framework:
    """One version of the assessment framework.

    Build it with `parse_framework` or `load_framework_yaml`, which check it; the indexes
    below are derived from the steps and take no part in equality.
    """

    code: str
    version: int
    title: Text
    levels: tuple[Level, ...]
    signal: SignalThresholds
    steps: tuple[Step, ...]
    modules: tuple[Module, ...]
    description: Text | None = None
    questions: tuple[Question, ...] = field(init=False, repr=False, compare=False)
    _question_by_code: dict[str, Question] = field(
        init=False, repr=False, compare=False
    )
    _step_by_question: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        questions = tuple(q for step in self.steps for q in step.questions)
        object.__setattr__(self, "questions", questions)
        object.__setattr__(self, "_question_by_code", {q.code: q for q in questions})
        object.__setattr__(
            self,
            "_step_by_question",
            {q.code: step for step in self.steps for q in step.questions},
        )

    def question(self, code: str) -> Question:
        """The question with `code`; KeyError when there is none."""
        return self._question_by_code[code]

    def step_of(self, code: str) -> Step:
        """The step that holds the question with `code`; KeyError when there is none."""
        return self._step_by_question[code]

    def level_for(self, score: Fraction) -> int:
        """The highest maturity level whose `min` the score reaches."""
        reached = self.levels[0].level
        for level in self.levels:
            if score >= level.min:
                reached = level.level
        return reached


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a file: where it is (e.g. `steps[2].questions[4]`) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path or 'top level'}: {self.message}"


class FrameworkError(ValueError):
    """A framework (or a set of thresholds) that cannot be used, with every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def parse_framework(data: Mapping[str, Any]) -> Framework:
    """The framework described by `data` (as read from YAML), checked throughout.

    Raises FrameworkError listing every problem, each with its path.
    """
    reader = _Reader()
    framework = reader.framework(data)
    if framework is None or reader.problems:
        raise FrameworkError(reader.problems)
    return framework


def parse_thresholds(data: Mapping[str, Any]) -> SignalThresholds:
    """Signal thresholds in the shape of a framework's `signal`, as a round overrides them.

    Raises FrameworkError listing every problem, each with its path.
    """
    reader = _Reader()
    thresholds = reader.thresholds(data, "")
    if thresholds is None or reader.problems:
        raise FrameworkError(reader.problems)
    return thresholds


def load_framework_yaml(text: str) -> Framework:
    """The framework in the YAML document `text`, checked throughout.

    Raises FrameworkError for a YAML syntax error (naming line and column, counted from 1),
    a key given twice in one mapping, lists or mappings nested deeper than
    MAX_YAML_NESTING, or anything `parse_framework` refuses.
    """
    try:
        # PyYAML builds nested lists and mappings recursively: refuse deep nesting
        # before it does, reading the text as a flat stream of events.
        _check_nesting(text)
        # _StrictLoader is a SafeLoader that also refuses duplicate keys.
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "YAML"
        raise FrameworkError([Problem(where, error.problem or str(error))]) from error
    except yaml.YAMLError as error:
        raise FrameworkError([Problem("YAML", str(error))]) from error
    return parse_framework(data)


def _check_nesting(text: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=_StrictLoader):
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > MAX_YAML_NESTING:
                mark = event.start_mark
                where = (
                    f"line {mark.line + 1}, column {mark.column + 1}"
                    if mark
                    else "YAML"
                )
                raise FrameworkError(
                    [
                        Problem(
                            where,
                            f"lists and mappings nested more than {MAX_YAML_NESTING} "
                            "deep; a framework needs far fewer",
                        )
                    ]
                )
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1


def framework_to_dict(framework: Framework) -> dict[str, Any]:
    """Plain data (texts, lists, numbers) that `parse_framework` turns back into an equal
    framework. Whole numbers are ints; others are exact decimal or fraction strings."""
    data: dict[str, Any] = {
        "code": framework.code,
        "version": framework.version,
        "title": dict(framework.title),
    }
    if framework.description is not None:
        data["description"] = dict(framework.description)
    data["levels"] = [
        {
            "level": level.level,
            "min": export_number(level.min),
            "name": dict(level.name),
        }
        for level in framework.levels
    ]
    data["signal"] = thresholds_to_dict(framework.signal)
    data["steps"] = [_step_to_dict(step) for step in framework.steps]
    data["modules"] = [_module_to_dict(module) for module in framework.modules]
    return data


def dump_framework_yaml(framework: Framework) -> str:
    """The framework as a YAML document that `load_framework_yaml` reads back equal."""
    return yaml.safe_dump(
        framework_to_dict(framework), sort_keys=False, allow_unicode=True, width=100
    )


def thresholds_to_dict(thresholds: SignalThresholds) -> dict[str, Any]:
    """The thresholds in the shape of a framework's `signal`."""
    return {
        "green": {
            "final": export_number(thresholds.green_final),
            "step_min": export_number(thresholds.green_step_min),
        },
        "orange": {"final": export_number(thresholds.orange_final)},
        "insufficient_below": export_number(thresholds.insufficient_below),
    }


def export_number(number: Fraction) -> int | str:
    """`number` as an int when whole, else as a string that reads back exactly: a decimal
    ("12.5") when it has a finite decimal expansion, a fraction ("100/3") when not."""
    if number.denominator == 1:
        return number.numerator
    twos = fives = 0
    rest = number.denominator
    while rest % 2 == 0:
        rest //= 2
        twos += 1
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest != 1:
        return f"{number.numerator}/{number.denominator}"
    places = max(twos, fives)
    scaled = number.numerator * 10**places // number.denominator
    return str(Decimal(scaled).scaleb(-places))


def describe_value(value: object) -> str:
    """How a value found in a file is named in a message: strings quoted, lists and
    mappings by their kind, so the message stays short."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Fraction):
        return str(export_number(value))
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


def _step_to_dict(step: Step) -> dict[str, Any]:
    data: dict[str, Any] = {"code": step.code, "title": dict(step.title)}
    if step.description is not None:
        data["description"] = dict(step.description)
    data["weight"] = export_number(step.weight)
    data["ngo_visible"] = step.ngo_visible
    data["questions"] = [_question_to_dict(q) for q in step.questions]
    return data


def _question_to_dict(question: Question) -> dict[str, Any]:
    data: dict[str, Any] = {"code": question.code, "text": dict(question.text)}
    if question.help is not None:
        data["help"] = dict(question.help)
    data["type"] = question.type
    data["weight"] = export_number(question.weight)
    data["evidence"] = question.evidence
    data["critical"] = question.critical
    if question.critical_min is not None:
        data["critical_min"] = export_number(question.critical_min)
    if not question.applies_if.always:
        data["applies_if"] = _applies_if_to_dict(question.applies_if)
    data["ngo_visible"] = question.ngo_visible
    if question.advice is not None:
        data["advice"] = dict(question.advice)
    if question.options:
        data["options"] = [_option_to_dict(option) for option in question.options]
    return data


def _applies_if_to_dict(applies_if: AppliesIf) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for flag in PROFILE_FLAGS:
        if getattr(applies_if, flag) is not None:
            data[flag] = getattr(applies_if, flag)
    categories = applies_if.csrd_category
    if categories is not None:
        data["csrd_category"] = (
            categories[0] if len(categories) == 1 else list(categories)
        )
    if applies_if.fte_min is not None:
        data["fte_min"] = applies_if.fte_min
    if applies_if.fte_max is not None:
        data["fte_max"] = applies_if.fte_max
    return data


def _option_to_dict(option: Option) -> dict[str, Any]:
    data: dict[str, Any] = {"value": option.value, "label": dict(option.label)}
    if option.points is not None:
        data["points"] = export_number(option.points)
    if option.advice is not None:
        data["advice"] = dict(option.advice)
    return data


def _module_to_dict(module: Module) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": module.code,
        "title": dict(module.title),
        "kind": module.kind,
    }
    for key, trigger in (
        ("mandatory_below", module.mandatory_below),
        ("advised_below", module.advised_below),
    ):
        if trigger is not None:
            data[key] = {"step": trigger.step, "level": trigger.level}
    return data


class _StrictLoader(yaml.SafeLoader):
    """YAML's safe loader, refusing a key given twice in one mapping (plain YAML keeps
    the last one silently, which would hide a mistake in the framework)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: set[Any] = set()
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node)
        try:
            duplicate = key in seen
        except TypeError:
            continue  # an unhashable key: construct_mapping reports it
        if duplicate:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {describe_value(key)}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


class _Missing:
    """Marks a key that is absent, as distinct from one whose value is null."""


_MISSING: Final = _Missing()


def _quoted(key: object) -> str:
    return json.dumps(key) if isinstance(key, str) else describe_value(key)


class _Reader:
    """Reads framework data and records every problem instead of stopping at the first.

    Each reader method returns None when what it reads is absent (`_MISSING`) or wrong;
    a wrong value always leaves a problem behind, an absent one only where it is required.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    # --- The parts of a framework ------------------------------------------------------

    def framework(self, value: object) -> Framework | None:
        start = len(self.problems)
        data = self.mapping(
            value,
            "",
            required=("code", "version", "title", "levels", "signal", "steps"),
            optional=("description", "modules"),
        )
        if data is None:
            return None
        code = self.string(data.get("code", _MISSING), "code")
        version = self.integer(data.get("version", _MISSING), "version", low=1)
        title = self.text(data.get("title", _MISSING), "title")
        description = self.text(data.get("description", _MISSING), "description")
        levels = self.levels(data.get("levels", _MISSING), "levels")
        signal = self.thresholds(data.get("signal", _MISSING), "signal")
        step_codes: dict[str, str] = {}
        steps = self.steps(data.get("steps", _MISSING), "steps", step_codes)
        modules = self.modules(
            data.get("modules", []),
            "modules",
            # References are checked only against lists that could be read at all.
            step_codes=None if steps is None else list(step_codes),
            level_numbers=None if levels is None else [lv.level for lv in levels],
        )
        if (
            len(self.problems) > start
            or code is None
            or version is None
            or title is None
            or levels is None
            or signal is None
            or steps is None
            or modules is None
        ):
            return None
        return Framework(
            code=code,
            version=version,
            title=title,
            levels=levels,
            signal=signal,
            steps=steps,
            modules=modules,
            description=description,
        )

    def levels(self, value: object, path: str) -> tuple[Level, ...] | None:
        items = self.sequence(value, path)
        if items is None:
            return None
        start = len(self.problems)
        levels: list[Level] = []
        seen: dict[int, str] = {}
        for index, item in enumerate(items):
            here = f"{path}[{index}]"
            level = self.level(item, here)
            if level is None:
                continue
            if level.level in seen:
                self.problem(
                    f"{here} (level {level.level})",
                    f"duplicate level, also at {seen[level.level]}",
                )
                continue
            seen[level.level] = here
            if index == 0 and level.min != 0:
                self.problem(
                    f"{here}.min",
                    f"the first level must start at 0, not {describe_value(level.min)}",
                )
            if levels:
                before = levels[-1]
                if level.level <= before.level:
                    self.problem(
                        f"{here}.level",
                        f"must be above the level before it ({before.level}), "
                        f"not {level.level}",
                    )
                if level.min <= before.min:
                    self.problem(
                        f"{here}.min",
                        "must be above the min of the level before it "
                        f"({describe_value(before.min)}), not {describe_value(level.min)}",
                    )
            levels.append(level)
        return tuple(levels) if len(self.problems) == start else None

    def level(self, value: object, path: str) -> Level | None:
        data = self.mapping(value, path, required=("level", "min", "name"))
        if data is None:
            return None
        number = self.integer(data.get("level", _MISSING), f"{path}.level")
        low = self.number(data.get("min", _MISSING), f"{path}.min", low=0, high=100)
        name = self.text(data.get("name", _MISSING), f"{path}.name")
        if number is None or low is None or name is None:
            return None
        return Level(level=number, min=low, name=name)

    def thresholds(self, value: object, path: str) -> SignalThresholds | None:
        start = len(self.problems)
        data = self.mapping(
            value, path, required=("green", "orange", "insufficient_below")
        )
        if data is None:
            return None
        green_path = _join(path, "green")
        green = self.mapping(
            data.get("green", _MISSING), green_path, required=("final", "step_min")
        )
        orange_path = _join(path, "orange")
        orange = self.mapping(
            data.get("orange", _MISSING), orange_path, required=("final",)
        )
        green_final = green_step_min = orange_final = None
        if green is not None:
            green_final = self.percentage(
                green.get("final", _MISSING), f"{green_path}.final"
            )
            green_step_min = self.percentage(
                green.get("step_min", _MISSING), f"{green_path}.step_min"
            )
        if orange is not None:
            orange_final = self.percentage(
                orange.get("final", _MISSING), f"{orange_path}.final"
            )
        insufficient_below = self.percentage(
            data.get("insufficient_below", _MISSING), _join(path, "insufficient_below")
        )
        if (
            green_final is not None
            and orange_final is not None
            and orange_final > green_final
        ):
            self.problem(
                f"{orange_path}.final",
                f"must not be above green.final ({describe_value(green_final)}), "
                f"not {describe_value(orange_final)}",
            )
        if (
            len(self.problems) > start
            or green_final is None
            or green_step_min is None
            or orange_final is None
            or insufficient_below is None
        ):
            return None
        return SignalThresholds(
            green_final=green_final,
            green_step_min=green_step_min,
            orange_final=orange_final,
            insufficient_below=insufficient_below,
        )

    def steps(
        self, value: object, path: str, seen: dict[str, str]
    ) -> tuple[Step, ...] | None:
        items = self.sequence(value, path)
        if items is None:
            return None
        question_codes: dict[str, str] = {}
        return _all_or_none(
            [
                self.step(item, f"{path}[{index}]", seen, question_codes)
                for index, item in enumerate(items)
            ]
        )

    def step(
        self,
        value: object,
        path: str,
        seen: dict[str, str],
        question_codes: dict[str, str],
    ) -> Step | None:
        start = len(self.problems)
        data = self.mapping(
            value,
            path,
            required=("code", "title", "weight", "questions"),
            optional=("description", "ngo_visible"),
        )
        if data is None:
            return None
        code = self.code(data.get("code", _MISSING), path, seen)
        title = self.text(data.get("title", _MISSING), f"{path}.title")
        description = self.text(
            data.get("description", _MISSING), f"{path}.description"
        )
        weight = self.number(data.get("weight", _MISSING), f"{path}.weight", low=0)
        if weight == 0:
            self.problem(f"{path}.weight", "must be above 0, not 0")
        ngo_visible = self.boolean(
            data.get("ngo_visible", False), f"{path}.ngo_visible"
        )
        questions_path = f"{path}.questions"
        items = self.sequence(data.get("questions", _MISSING), questions_path)
        questions = [
            self.question(item, f"{questions_path}[{index}]", question_codes)
            for index, item in enumerate(items or ())
        ]
        if (
            len(self.problems) > start
            or code is None
            or title is None
            or weight is None
            or ngo_visible is None
        ):
            return None
        return Step(
            code=code,
            title=title,
            weight=weight,
            ngo_visible=ngo_visible,
            questions=tuple(q for q in questions if q is not None),
            description=description,
        )

    def question(
        self, value: object, path: str, seen: dict[str, str]
    ) -> Question | None:
        start = len(self.problems)
        data = self.mapping(
            value,
            path,
            required=("code", "text", "type"),
            optional=(
                "help",
                "weight",
                "evidence",
                "critical",
                "critical_min",
                "applies_if",
                "ngo_visible",
                "advice",
                "options",
            ),
        )
        if data is None:
            return None
        code = self.code(data.get("code", _MISSING), path, seen)
        text = self.text(data.get("text", _MISSING), f"{path}.text")
        help_text = self.text(data.get("help", _MISSING), f"{path}.help")
        kind = self.choice(data.get("type", _MISSING), f"{path}.type", QUESTION_TYPES)
        scored = kind in SCORED_TYPES
        weight = self.question_weight(data.get("weight", _MISSING), path, kind)
        evidence = self.choice(
            data.get("evidence", "none"), f"{path}.evidence", EVIDENCE_KINDS
        )
        critical = self.boolean(data.get("critical", False), f"{path}.critical")
        critical_min = self.percentage(
            data.get("critical_min", _MISSING), f"{path}.critical_min"
        )
        if critical and kind is not None and not scored:
            self.problem(
                f"{path}.critical",
                f"a {kind} question is not scored, so it cannot be critical",
            )
        elif critical and "critical_min" not in data:
            self.problem(
                path, '"critical_min" is missing (a critical question needs it)'
            )
        applies_if = self.applies_if(
            data.get("applies_if", _MISSING), f"{path}.applies_if"
        )
        ngo_visible = self.boolean(
            data.get("ngo_visible", False), f"{path}.ngo_visible"
        )
        advice = self.text(data.get("advice", _MISSING), f"{path}.advice")
        options = self.options(data.get("options", _MISSING), path, kind)
        if (
            len(self.problems) > start
            or code is None
            or text is None
            or kind is None
            or weight is None
            or evidence is None
            or critical is None
            or applies_if is None
            or ngo_visible is None
            or options is None
        ):
            return None
        return Question(
            code=code,
            text=text,
            help=help_text,
            type=kind,
            weight=weight,
            evidence=evidence,
            critical=critical,
            critical_min=critical_min,
            applies_if=applies_if,
            ngo_visible=ngo_visible,
            advice=advice,
            options=options,
        )

    def question_weight(
        self, value: object, question_path: str, kind: str | None
    ) -> Fraction | None:
        """A scored question weighs 1 unless told otherwise and never 0, so that every
        applicable scored question counts; number and text questions weigh 0."""
        scored = kind in SCORED_TYPES
        if value is _MISSING:
            return Fraction(1 if scored else 0)
        path = f"{question_path}.weight"
        weight = self.number(value, path, low=0)
        if weight is None or kind is None:
            return weight
        if scored and weight == 0:
            self.problem(path, f"must be above 0 on a {kind} question, not 0")
        elif not scored and weight != 0:
            self.problem(
                path,
                f"must be 0 on a {kind} question (it is not scored), "
                f"not {describe_value(weight)}",
            )
        return weight

    def options(
        self, value: object, question_path: str, kind: str | None
    ) -> tuple[Option, ...] | None:
        if value is _MISSING:
            if kind in ("single", "multi"):
                self.problem(
                    question_path,
                    f'"options" is missing (a {kind} question needs them)',
                )
                return None
            return ()
        path = f"{question_path}.options"
        if kind in ("number", "text"):
            self.problem(path, f"a {kind} question has no options")
            return None
        items = self.sequence(value, path)
        if items is None:
            return None
        seen: dict[str, str] = {}
        return _all_or_none(
            [
                self.option(item, f"{path}[{index}]", kind, seen)
                for index, item in enumerate(items)
            ]
        )

    def option(
        self, value: object, path: str, kind: str | None, seen: dict[str, str]
    ) -> Option | None:
        start = len(self.problems)
        data = self.mapping(
            value, path, required=("value", "label"), optional=("points", "advice")
        )
        if data is None:
            return None
        raw = data.get("value", _MISSING)
        if kind == "boolean" and isinstance(raw, bool):
            # YAML reads an unquoted yes or no as a boolean.
            raw = "yes" if raw else "no"
        option_value = self.string(raw, f"{path}.value")
        if option_value is not None:
            if kind == "boolean" and option_value not in BOOLEAN_VALUES:
                self.problem(
                    f"{path}.value",
                    'must be "yes" or "no" on a boolean question, '
                    f"not {describe_value(option_value)}",
                )
            elif option_value in seen:
                self.problem(
                    f"{path} (value {_quoted(option_value)})",
                    f"duplicate value, also at {seen[option_value]}",
                )
            else:
                seen[option_value] = path
        label = self.text(data.get("label", _MISSING), f"{path}.label")
        points = self.percentage(data.get("points", _MISSING), f"{path}.points")
        if "points" not in data and kind in ("single", "multi"):
            self.problem(path, '"points" is missing')
        advice = self.text(data.get("advice", _MISSING), f"{path}.advice")
        if len(self.problems) > start or option_value is None or label is None:
            return None
        return Option(value=option_value, label=label, points=points, advice=advice)

    def applies_if(self, value: object, path: str) -> AppliesIf | None:
        if value is _MISSING:
            return _ALWAYS
        start = len(self.problems)
        data = self.mapping(value, path, optional=CONDITION_KEYS)
        if data is None:
            return None
        flags = {
            flag: self.boolean(data.get(flag, _MISSING), f"{path}.{flag}")
            for flag in PROFILE_FLAGS
        }
        categories = self.csrd_categories(
            data.get("csrd_category", _MISSING), f"{path}.csrd_category"
        )
        fte_min = self.integer(data.get("fte_min", _MISSING), f"{path}.fte_min", low=0)
        fte_max = self.integer(data.get("fte_max", _MISSING), f"{path}.fte_max", low=0)
        if fte_min is not None and fte_max is not None and fte_max < fte_min:
            self.problem(
                f"{path}.fte_max",
                f"must not be below fte_min ({fte_min}), not {fte_max}",
            )
        if len(self.problems) > start:
            return None
        return AppliesIf(
            recycler=flags["recycler"],
            cahra_sourcing=flags["cahra_sourcing"],
            sources_3tg=flags["sources_3tg"],
            csrd_category=categories,
            fte_min=fte_min,
            fte_max=fte_max,
        )

    def csrd_categories(self, value: object, path: str) -> tuple[str, ...] | None:
        """One CSRD category or a list of them; either way a tuple."""
        if value is _MISSING:
            return None
        if isinstance(value, str):
            category = self.choice(value, path, CSRD_CATEGORIES)
            return None if category is None else (category,)
        items = self.sequence(value, path, what="a category or a list of them")
        if items is None:
            return None
        return _all_or_none(
            [
                self.choice(item, f"{path}[{index}]", CSRD_CATEGORIES)
                for index, item in enumerate(items)
            ]
        )

    def modules(
        self,
        value: object,
        path: str,
        *,
        step_codes: Sequence[str] | None,
        level_numbers: Sequence[int] | None,
    ) -> tuple[Module, ...] | None:
        items = self.sequence(value, path, allow_empty=True)
        if items is None:
            return None
        seen: dict[str, str] = {}
        return _all_or_none(
            [
                self.module(item, f"{path}[{index}]", seen, step_codes, level_numbers)
                for index, item in enumerate(items)
            ]
        )

    def module(
        self,
        value: object,
        path: str,
        seen: dict[str, str],
        step_codes: Sequence[str] | None,
        level_numbers: Sequence[int] | None,
    ) -> Module | None:
        start = len(self.problems)
        data = self.mapping(
            value,
            path,
            required=("code", "title", "kind"),
            optional=("mandatory_below", "advised_below"),
        )
        if data is None:
            return None
        code = self.code(data.get("code", _MISSING), path, seen)
        title = self.text(data.get("title", _MISSING), f"{path}.title")
        kind = self.choice(data.get("kind", _MISSING), f"{path}.kind", MODULE_KINDS)
        mandatory_below, advised_below = (
            self.step_level(
                data.get(key, _MISSING), f"{path}.{key}", step_codes, level_numbers
            )
            for key in ("mandatory_below", "advised_below")
        )
        if len(self.problems) > start or code is None or title is None or kind is None:
            return None
        return Module(
            code=code,
            title=title,
            kind=kind,
            mandatory_below=mandatory_below,
            advised_below=advised_below,
        )

    def step_level(
        self,
        value: object,
        path: str,
        step_codes: Sequence[str] | None,
        level_numbers: Sequence[int] | None,
    ) -> StepLevel | None:
        if value is _MISSING:
            return None
        data = self.mapping(value, path, required=("step", "level"))
        if data is None:
            return None
        step = self.string(data.get("step", _MISSING), f"{path}.step")
        level = self.integer(data.get("level", _MISSING), f"{path}.level")
        if step is not None and step_codes is not None and step not in step_codes:
            self.problem(
                f"{path}.step",
                f"unknown step {_quoted(step)} (steps: {', '.join(step_codes)})",
            )
            step = None
        if (
            level is not None
            and level_numbers is not None
            and level not in level_numbers
        ):
            self.problem(
                f"{path}.level",
                f"unknown level {level} "
                f"(levels: {', '.join(str(n) for n in level_numbers)})",
            )
            level = None
        if step is None or level is None:
            return None
        return StepLevel(step=step, level=level)

    # --- Single values ------------------------------------------------------------------

    def mapping(
        self,
        value: object,
        path: str,
        *,
        required: Sequence[str] = (),
        optional: Sequence[str] = (),
    ) -> Mapping[str, Any] | None:
        """`value` when it is a mapping; every unknown and every missing key is a problem."""
        if value is _MISSING:
            return None
        if not isinstance(value, Mapping):
            self.problem(path, f"must be a mapping, not {describe_value(value)}")
            return None
        allowed = (*required, *optional)
        for key in value:
            if key not in allowed:
                self.problem(
                    path,
                    f"unknown key {_quoted(key)} (allowed: {', '.join(allowed)})",
                )
        for key in required:
            if key not in value:
                self.problem(path, f'"{key}" is missing')
        return value

    def sequence(
        self,
        value: object,
        path: str,
        *,
        allow_empty: bool = False,
        what: str = "a list",
    ) -> Sequence[Any] | None:
        if value is _MISSING:
            return None
        if not isinstance(value, list | tuple):
            self.problem(path, f"must be {what}, not {describe_value(value)}")
            return None
        if not value and not allow_empty:
            self.problem(path, "must not be empty")
            return None
        return value

    def text(self, value: object, path: str) -> Text | None:
        if value is _MISSING:
            return None
        if not isinstance(value, Mapping):
            self.problem(
                path,
                f"must be a text per language (nl and en), not {describe_value(value)}",
            )
            return None
        start = len(self.problems)
        for language in REQUIRED_LANGUAGES:
            if language not in value:
                self.problem(path, f'"{language}" is missing')
        for language, text in value.items():
            if not isinstance(language, str) or not _LANGUAGE_TAG.fullmatch(language):
                self.problem(path, f"{_quoted(language)} is not a language code")
            elif not isinstance(text, str) or not text.strip():
                self.problem(
                    f"{path}.{language}",
                    f"must be a non-blank string, not {describe_value(text)}",
                )
        return Text(value) if len(self.problems) == start else None

    def string(self, value: object, path: str) -> str | None:
        if value is _MISSING:
            return None
        if not isinstance(value, str) or not value.strip():
            hint = " (quote it in YAML)" if isinstance(value, int | float) else ""
            self.problem(
                path, f"must be a non-blank string, not {describe_value(value)}{hint}"
            )
            return None
        return value

    def code(self, value: object, path: str, seen: dict[str, str]) -> str | None:
        """A code that must be unique among the `seen` ones (mapping code -> path)."""
        code = self.string(value, f"{path}.code")
        if code is None:
            return None
        if code in seen:
            self.problem(
                f"{path} (code {_quoted(code)})",
                f"duplicate code, also at {seen[code]}",
            )
            return None
        seen[code] = path
        return code

    def choice(self, value: object, path: str, choices: Sequence[str]) -> str | None:
        if value is _MISSING:
            return None
        if not isinstance(value, str) or value not in choices:
            self.problem(
                path, f"{describe_value(value)} is not one of {', '.join(choices)}"
            )
            return None
        return value

    def boolean(self, value: object, path: str) -> bool | None:
        if value is _MISSING:
            return None
        if not isinstance(value, bool):
            self.problem(path, f"must be true or false, not {describe_value(value)}")
            return None
        return value

    def integer(
        self, value: object, path: str, *, low: int | None = None
    ) -> int | None:
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(path, f"must be a whole number, not {describe_value(value)}")
            return None
        if low is not None and value < low:
            self.problem(path, f"must be at least {low}, not {value}")
            return None
        return value

    def number(
        self,
        value: object,
        path: str,
        *,
        low: int | None = None,
        high: int | None = None,
    ) -> Fraction | None:
        """A number given as an int, a float, or a string such as "12.5" or "100/3",
        read exactly: a float by its shortest decimal form, so 0.1 is 1/10."""
        if value is _MISSING:
            return None
        number = _exact(value)
        if number is None:
            self.problem(path, f"must be a number, not {describe_value(value)}")
            return None
        if (low is not None and number < low) or (high is not None and number > high):
            if high is None:
                self.problem(
                    path, f"must be at least {low}, not {describe_value(number)}"
                )
            else:
                self.problem(
                    path,
                    f"must be between {low} and {high}, not {describe_value(number)}",
                )
            return None
        return number

    def percentage(self, value: object, path: str) -> Fraction | None:
        return self.number(value, path, low=0, high=100)


def _exact(value: object) -> Fraction | None:
    """`value` as an exact number, or None when it is not a finite number."""
    if isinstance(value, bool):
        return None  # YAML's true is no number, although Python counts it as 1
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float | Decimal):
        # A float is taken by its shortest decimal form: 0.1 means 1/10.
        return Fraction(str(value)) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            return None
    return None


def _all_or_none(items: Sequence[_T | None]) -> tuple[_T, ...] | None:
    """The items as a tuple, or None when one of them could not be read."""
    if any(item is None for item in items):
        return None
    return tuple(item for item in items if item is not None)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
