"""Score one assessment from files, so that a score can be recomputed and explained
outside the site.

    python manage.py score_assessment --framework F.yaml --answers A.json \\
        [--thresholds T.json] [--language nl|en]

The answers file is `{"profile": {...}, "answers": {"1.1": {"value": "b", "explanation":
"...", "documents": 1}}}`; the thresholds file has the shape of a framework's `signal`.
The result is printed as JSON. A file that cannot be used stops the command with exit
code 2 and a message per problem, naming the file and the place in it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from monitoring.framework import (
    Framework,
    FrameworkError,
    Problem,
    SignalThresholds,
    describe_value,
    load_framework_yaml,
    parse_thresholds,
)
from monitoring.scoring import Answer, AnswerError, result_to_dict, score_assessment

ANSWERS_FILE_KEYS = ("profile", "answers")
ANSWER_KEYS = ("value", "explanation", "documents")


class Command(BaseCommand):
    help = "Score one assessment against a framework file and print the result as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--framework", required=True, type=Path, help="framework YAML file"
        )
        parser.add_argument(
            "--answers",
            required=True,
            type=Path,
            help='JSON file: {"profile": {...}, "answers": {code: {"value": ...}}}',
        )
        parser.add_argument(
            "--thresholds",
            type=Path,
            help="JSON file with signal thresholds that replace the framework's",
        )
        parser.add_argument(
            "--language",
            choices=("nl", "en"),
            default="en",
            help="language of the advice (default: en)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        framework = _read_framework(options["framework"])
        thresholds = (
            _read_thresholds(options["thresholds"]) if options["thresholds"] else None
        )
        answers_path: Path = options["answers"]
        profile, answers = _read_answers(answers_path)
        try:
            result = score_assessment(framework, profile, answers, thresholds)
        except AnswerError as error:
            raise _unusable(answers_path, error.problems) from error
        self.stdout.write(
            json.dumps(
                result_to_dict(result, options["language"]),
                indent=2,
                ensure_ascii=False,
            )
        )


def _read_framework(path: Path) -> Framework:
    try:
        return load_framework_yaml(_read_text(path))
    except FrameworkError as error:
        raise _unusable(path, error.problems) from error


def _read_thresholds(path: Path) -> SignalThresholds:
    data = _read_json(path)
    try:
        return parse_thresholds(data)
    except FrameworkError as error:
        raise _unusable(path, error.problems) from error


def _read_answers(path: Path) -> tuple[dict[str, Any], dict[str, Answer]]:
    """The profile and the answers in the answers file; the values are checked against
    the framework when scoring."""
    data = _read_json(path)
    if not isinstance(data, dict):
        raise _unusable(
            path,
            [Problem("", f'must be an object with "answers", not {_describe(data)}')],
        )
    problems = [
        Problem("", f"unknown key {describe_value(key)} (allowed: profile, answers)")
        for key in data
        if key not in ANSWERS_FILE_KEYS
    ]
    profile = data.get("profile", {})
    if not isinstance(profile, dict):
        problems.append(
            Problem("profile", f"must be an object, not {_describe(profile)}")
        )
    entries = data.get("answers")
    answers: dict[str, Answer] = {}
    if entries is None:
        problems.append(Problem("", '"answers" is missing'))
    elif not isinstance(entries, dict):
        problems.append(
            Problem("answers", f"must be an object, not {_describe(entries)}")
        )
    else:
        for code, entry in entries.items():
            answer = _answer(entry, f"answers[{describe_value(code)}]", problems)
            if answer is not None:
                answers[code] = answer
    if problems:
        raise _unusable(path, problems)
    return profile, answers


def _answer(entry: object, path: str, problems: list[Problem]) -> Answer | None:
    if not isinstance(entry, dict):
        problems.append(
            Problem(
                path,
                'must be an object with "value", "explanation" and "documents", '
                f"not {_describe(entry)}",
            )
        )
        return None
    start = len(problems)
    problems.extend(
        Problem(
            path,
            f"unknown key {describe_value(key)} (allowed: {', '.join(ANSWER_KEYS)})",
        )
        for key in entry
        if key not in ANSWER_KEYS
    )
    explanation = entry.get("explanation", "")
    if not isinstance(explanation, str):
        problems.append(
            Problem(
                f"{path}.explanation",
                f"must be a string, not {_describe(explanation)}",
            )
        )
    documents = entry.get("documents", 0)
    if isinstance(documents, bool) or not isinstance(documents, int) or documents < 0:
        problems.append(
            Problem(
                f"{path}.documents",
                f"must be a whole number of at least 0, not {_describe(documents)}",
            )
        )
    if len(problems) > start:
        return None
    return Answer(
        value=entry.get("value"), explanation=explanation, documents=documents
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise _unreadable(path, "no such file") from error
    except UnicodeDecodeError as error:
        raise _unreadable(path, "not UTF-8 text") from error
    except OSError as error:
        raise _unreadable(path, error.strerror or str(error)) from error


def _read_json(path: Path) -> Any:
    text = _read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise _unusable(
            path, [Problem(where, f"not valid JSON: {error.msg}")]
        ) from error


def _describe(value: object) -> str:
    """A JSON value named as JSON names it."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return describe_value(value)


def _unreadable(path: Path, reason: str) -> CommandError:
    return CommandError(f"{path}: {reason}", returncode=2)


def _unusable(path: Path, problems: list[Problem]) -> CommandError:
    """One line per problem, each naming the file and the place in it."""
    return CommandError(
        "\n".join(f"{path}: {problem}" for problem in problems), returncode=2
    )
