"""What changed between two editions, and the spreadsheet's defences, as properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from convenant.reports.changes import figure_changes
from convenant.reports.render import (
    FORMULA_STARTS,
    SHEET_NAME_FORBIDDEN,
    SHEET_NAME_MAX,
    cell_text,
    sheet_names,
)

pytestmark = pytest.mark.core

figures = st.dictionaries(st.text(min_size=1, max_size=12), st.text(max_size=6))


def test_changes_name_each_added_removed_and_changed_figure():
    old = {"a / x / n": "12", "b / y / n": "fewer than 3", "c / z / n": "4"}
    new = {"a / x / n": "14", "b / y / n": "fewer than 3", "d / w / n": "7"}

    assert figure_changes(old, new) == {
        "added": [{"key": "d / w / n", "new": "7"}],
        "removed": [{"key": "c / z / n", "old": "4"}],
        "changed": [{"key": "a / x / n", "old": "12", "new": "14"}],
    }


@given(old=figures, new=figures)
def test_applying_the_changes_to_the_old_figures_gives_the_new(old, new):
    changes = figure_changes(old, new)
    result = dict(old)
    for change in changes["removed"]:
        del result[change["key"]]
    for change in changes["added"] + changes["changed"]:
        result[change["key"]] = change["new"]

    assert result == new
    assert figure_changes(new, new) == {"added": [], "removed": [], "changed": []}


@given(st.text())
def test_no_text_reaches_a_cell_as_a_formula(text):
    value = cell_text(text)

    assert not value.startswith(FORMULA_STARTS)
    assert not ILLEGAL_CHARACTERS_RE.search(value)
    assert value.endswith(ILLEGAL_CHARACTERS_RE.sub("", text))


@given(st.lists(st.text(max_size=50), max_size=20))
def test_sheet_names_are_always_valid_and_unique(keys):
    names = sheet_names(keys)

    assert len(names) == len(keys)
    assert len({name.lower() for name in names} | {"about"}) == len(names) + 1
    for name in names:
        assert 0 < len(name) <= SHEET_NAME_MAX
        assert not SHEET_NAME_FORBIDDEN.search(name)
        assert not name.startswith("'")
        assert not name.endswith("'")
        assert not ILLEGAL_CHARACTERS_RE.search(name)
