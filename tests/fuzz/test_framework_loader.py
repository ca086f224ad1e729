"""The framework loader (monitoring/framework.py) on random input: a YAML text or data
that is no framework ends in a FrameworkError listing what is wrong and where; never in
another exception."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from monitoring.framework import (
    FrameworkError,
    dump_framework_yaml,
    load_framework_yaml,
    parse_framework,
    parse_thresholds,
)

from .conftest import fuzz

SHIPPED = yaml.safe_load(
    (
        Path(__file__).resolve().parents[2]
        / "monitoring"
        / "frameworks"
        / "metals-v1.yaml"
    ).read_text(encoding="utf-8")
)


def _small(data):
    """The shipped framework cut down to two steps of two questions and no modules:
    still valid, and ten times quicker to read, so the fuzzers try more in their time."""
    data = copy.deepcopy(data)
    data["steps"] = [
        dict(step, questions=step["questions"][:2]) for step in data["steps"][:2]
    ]
    data.pop("modules", None)
    return data


VALID = _small(SHIPPED)
SOURCE = dump_framework_yaml(parse_framework(VALID))


def refused_or_parsed(parse, value) -> None:
    try:
        framework = parse(value)
    except FrameworkError as error:
        problems = error.problems
    else:
        problems = None
    if problems is None:
        if parse is load_framework_yaml:
            # What loads, dumps and loads again the same.
            assert load_framework_yaml(dump_framework_yaml(framework)) == framework
        return
    assert problems
    for problem in problems:
        assert problem.message.strip()


# Values YAML can give: scalars of every kind, nested in lists and mappings.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(["nl", "en", "code", "level", "min", "1", "-1", "0.5", "1/3"]),
    st.dates(),
)
yamlish = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.text(max_size=12), st.integers(), st.booleans()),
            children,
            max_size=4,
        ),
    ),
    max_leaves=20,
)


def paths(value, prefix=()):
    """Every path (a tuple of keys and indexes) into nested data."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths(item, (*prefix, index))


VALID_PATHS = [path for path in paths(VALID) if path]


def mutated(data, changes):
    """The valid framework with some values replaced, or keys and items removed."""
    data = copy.deepcopy(data)
    for path, replacement, remove in changes:
        parent = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            if remove:
                del parent[path[-1]]
            else:
                parent[path[-1]] = replacement
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this part
    return data


@given(yamlish)
@example({})
@example([])
@example(None)
@example({"code": "x", "version": 1, "title": {"nl": "x"}, "levels": [], "steps": []})
def check_random_data(data):
    refused_or_parsed(parse_framework, data)
    refused_or_parsed(parse_thresholds, data)


def test_random_data():
    fuzz(check_random_data)


@given(
    st.lists(
        st.tuples(st.sampled_from(VALID_PATHS), yamlish, st.booleans()),
        min_size=1,
        max_size=4,
    )
)
def check_mutated_framework(changes):
    refused_or_parsed(parse_framework, mutated(VALID, changes))


def test_mutated_framework():
    fuzz(check_mutated_framework, scale=1.5)


@given(st.text(max_size=500))
@example("")
@example("- [")
@example("a: &a [1]\nb: *a\n")
@example("!!python/object:os.system {}")
@example("[" * 2000)
@example("{a: 1, a: 2}")
@example("? [1, 2]\n: x\n")
def check_yaml_text(text):
    refused_or_parsed(load_framework_yaml, text)


def test_yaml_text():
    fuzz(check_yaml_text)


@given(st.integers(0, len(SOURCE) - 1), st.integers(1, 40), st.text(max_size=10))
def check_edited_source(position, length, replacement):
    text = SOURCE[:position] + replacement + SOURCE[position + length :]
    refused_or_parsed(load_framework_yaml, text)


def test_edited_yaml_source():
    fuzz(check_edited_source, scale=0.5)
