"""The yearly report's disclosure rule: examples with exact outcomes, and properties
over random tables (hypothesis). No database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convenant.reports.disclosure import (
    Figure,
    Relation,
    Status,
    control,
    sum_relations,
)

P, S, SHOWN = Status.PRIMARY, Status.SECONDARY, Status.SHOWN


def _withheld(outcome) -> dict:
    return {key: str(status) for key, status in outcome.withheld().items()}


# --- Examples --------------------------------------------------------------------------


def test_a_figure_on_fewer_than_k_companies_is_withheld_with_its_smallest_partner():
    figures = [
        Figure("green", 10, 10),
        Figure("orange", 4, 4),
        Figure("red", 2, 2),
        Figure("total", 16, 16),
    ]
    outcome = control(figures, [Relation("total", ("green", "orange", "red"))], k=3)
    assert _withheld(outcome) == {"red": "primary", "orange": "secondary"}
    assert outcome.shown("total")
    assert outcome.shown("green")


def test_without_a_total_nothing_can_be_subtracted():
    figures = [Figure("green", 10, 10), Figure("red", 1, 1)]
    assert _withheld(control(figures, k=3)) == {"red": "primary"}


def test_two_primaries_protect_each_other():
    figures = [
        Figure("a", 9, 9),
        Figure("b", 2, 2),
        Figure("c", 1, 1),
        Figure("total", 12, 12),
    ]
    outcome = control(figures, [Relation("total", ("a", "b", "c"))], k=3)
    assert _withheld(outcome) == {"b": "primary", "c": "primary"}


def test_the_smallest_partner_is_chosen_and_ties_go_to_the_first_given():
    figures = [
        Figure("a", 5, 5),
        Figure("b", 5, 5),
        Figure("c", 7, 7),
        Figure("d", 1, 1),
        Figure("total", 18, 18),
    ]
    outcome = control(figures, [Relation("total", ("a", "b", "c", "d"))], k=3)
    assert _withheld(outcome) == {"d": "primary", "a": "secondary"}


def test_a_zero_is_shown_and_chosen_as_partner_only_last():
    figures = [
        Figure("a", 0, 0),
        Figure("b", 2, 2),
        Figure("c", 6, 6),
        Figure("total", 8, 8),
    ]
    outcome = control(figures, [Relation("total", ("a", "b", "c"))], k=3)
    assert _withheld(outcome) == {"b": "primary", "c": "secondary"}


def test_when_the_other_parts_are_zeros_the_total_is_withheld():
    figures = [Figure("a", 0, 0), Figure("b", 2, 2), Figure("total", 2, 2)]
    outcome = control(figures, [Relation("total", ("a", "b"))], k=3)
    assert _withheld(outcome) == {"b": "primary", "total": "primary"}
    figures = [Figure("a", 0, 0), Figure("b", 2, 2), Figure("total", 2, None)]
    outcome = control(figures, [Relation("total", ("a", "b"))], k=3)
    assert _withheld(outcome) == {"b": "primary", "total": "secondary"}


def test_a_withheld_total_carries_into_the_grand_total_of_a_table():
    # Rows x, y with columns 1, 2; row totals tx, ty; column totals c1, c2; grand g.
    figures = [
        Figure("x1", 1, 1),
        Figure("x2", 5, 5),
        Figure("y1", 6, 6),
        Figure("y2", 8, 8),
        Figure("tx", 6, 6),
        Figure("ty", 14, 14),
        Figure("c1", 7, 7),
        Figure("c2", 13, 13),
        Figure("g", 20, 20),
    ]
    relations = sum_relations(
        [["x1", "x2"], ["y1", "y2"]],
        row_totals=["tx", "ty"],
        column_totals=["c1", "c2"],
        grand_total="g",
    )
    outcome = control(figures, relations, k=3)
    # x1 primary; its row gives x2 away, its column y1; then y2 to protect row y.
    assert _withheld(outcome) == {
        "x1": "primary",
        "x2": "secondary",
        "y1": "secondary",
        "y2": "secondary",
    }


def test_a_withheld_row_total_takes_another_with_it_under_a_shown_grand_total():
    # Three rows with row totals; the grand total is the sum of the row totals.
    figures = [
        Figure("x", 2, 2),
        Figure("y", 9, 9),
        Figure("z", 4, 4),
        Figure("tx", 2, 2),
        Figure("ty", 9, 9),
        Figure("tz", 4, 4),
        Figure("g", 15, 15),
    ]
    relations = [
        Relation("tx", ("x",)),
        Relation("ty", ("y",)),
        Relation("tz", ("z",)),
        Relation("g", ("tx", "ty", "tz")),
    ]
    outcome = control(figures, relations, k=3)
    assert _withheld(outcome) == {
        "x": "primary",
        "tx": "primary",
        "tz": "secondary",
        "z": "secondary",
    }
    assert outcome.shown("g")


def test_an_unprinted_rest_of_fewer_than_k_withholds_its_part_only():
    # Seven plans, six with actions: the one without is a figure about one company.
    figures = [
        Figure("plans", 7, 7),
        Figure("actions", 6, 6),
        Figure("rest", 1, 1, printed=False),
    ]
    outcome = control(figures, [Relation("plans", ("actions", "rest"))], k=3)
    assert _withheld(outcome) == {"rest": "primary", "actions": "secondary"}
    # A rest of none or of k and more is simply not printed.
    figures = [
        Figure("plans", 7, 7),
        Figure("actions", 4, 4),
        Figure("rest", 3, 3, printed=False),
    ]
    outcome = control(figures, [Relation("plans", ("actions", "rest"))], k=3)
    assert _withheld(outcome) == {}
    assert outcome.status("rest") is Status.HIDDEN
    # With the part withheld, the unknown rest protects it: nothing more is withheld.
    figures = [
        Figure("plans", 7, 7),
        Figure("actions", 2, 2),
        Figure("rest", 5, 5, printed=False),
    ]
    outcome = control(figures, [Relation("plans", ("actions", "rest"))], k=3)
    assert _withheld(outcome) == {"actions": "primary"}
    with pytest.raises(ValueError, match="more than one relation"):
        control(
            [*figures, Figure("other", 5, 5)],
            [Relation("plans", ("actions", "rest")), Relation("other", ("rest",))],
            k=3,
        )


def test_figures_not_about_companies_and_averages_on_n():
    figures = [
        Figure("parties", 1, None),
        Figure("average", Decimal("61.5"), 2),
        Figure("average_all", Decimal("55.0"), 30),
    ]
    assert _withheld(control(figures, k=3)) == {"average": "primary"}


def test_k_one_withholds_nothing_and_bad_input_is_refused():
    figures = [Figure("a", 1, 1), Figure("t", 1, 1)]
    assert _withheld(control(figures, [Relation("t", ("a",))], k=1)) == {}
    with pytest.raises(ValueError, match="k must be at least 1"):
        control(figures, k=0)
    with pytest.raises(ValueError, match="given twice"):
        control([Figure("a", 1, 1), Figure("a", 2, 2)], k=3)
    with pytest.raises(ValueError, match="unknown figure 'zz'"):
        control(figures, [Relation("zz", ("a",))], k=3)
    with pytest.raises(ValueError, match="needs a total"):
        control(figures, [Relation("a", ("a",))], k=3)


# --- Properties ------------------------------------------------------------------------


@st.composite
def tables(draw):
    """A table of r x c parts with row totals, column totals and a grand total, plus
    a few loose figures; each figure rests on its own (random) number of companies,
    which need not add up, so that odd combinations are tried too."""
    rows = draw(st.integers(1, 5))
    columns = draw(st.integers(1, 5))
    counts = st.integers(0, 12)
    figures = []
    parts = []
    for r in range(rows):
        row = []
        for c in range(columns):
            n = draw(counts)
            figures.append(Figure(("cell", r, c), n, n))
            row.append(("cell", r, c))
        parts.append(row)
    for r in range(rows):
        value = sum(f.value for f in figures if f.key[:2] == ("cell", r))
        n = draw(st.one_of(st.just(value), counts))
        figures.append(Figure(("row", r), value, n))
    for c in range(columns):
        value = sum(f.value for f in figures if f.key[0] == "cell" and f.key[2] == c)
        figures.append(Figure(("col", c), value, draw(counts)))
    grand = sum(f.value for f in figures if f.key[0] == "cell")
    figures.append(Figure(("grand",), grand, draw(st.one_of(st.just(grand), counts))))
    for index in range(draw(st.integers(0, 3))):
        figures.append(Figure(("loose", index), draw(counts), draw(counts)))
    # A count and a part of it, whose rest no table prints.
    subsets = []
    for index in range(draw(st.integers(0, 3))):
        whole = draw(counts)
        part = draw(st.integers(0, whole))
        figures += [
            Figure(("whole", index), whole, whole),
            Figure(("part", index), part, part),
            Figure(("rest", index), whole - part, whole - part, printed=False),
        ]
        subsets.append(Relation(("whole", index), (("part", index), ("rest", index))))
    relations = sum_relations(
        parts,
        row_totals=[("row", r) for r in range(rows)],
        column_totals=[("col", c) for c in range(columns)]
        if draw(st.booleans())
        else None,
        grand_total=("grand",),
    )
    return figures, relations + subsets


ks = st.integers(2, 6)


@settings(max_examples=300, deadline=None)
@given(tables(), ks)
def test_no_shown_figure_rests_on_fewer_than_k_companies(table, k):
    figures, relations = table
    outcome = control(figures, relations, k=k)
    for figure in figures:
        if outcome.shown(figure.key):
            assert figure.companies is None or not 0 < figure.companies < k


@settings(max_examples=300, deadline=None)
@given(tables(), ks)
def test_no_withheld_figure_can_be_derived_by_subtraction(table, k):
    figures, relations = table
    outcome = control(figures, relations, k=k)
    withheld = outcome.withheld()
    for relation in relations:
        # What the reader does not see: withheld figures and unprinted ones.
        unknown = [key for key in relation.members() if not outcome.shown(key)]
        assert not (len(unknown) == 1 and unknown[0] in withheld), relation
        if outcome.shown(relation.total):
            parts = [key for key in relation.parts if not outcome.shown(key)]
            assert not (len(parts) == 1 and parts[0] in withheld)


@settings(max_examples=200, deadline=None)
@given(tables(), ks)
def test_the_outcome_is_deterministic_and_idempotent(table, k):
    figures, relations = table
    first = control(figures, relations, k=k)
    assert control(figures, relations, k=k) == first
    # Controlling the controlled table again, every withheld figure now counted as
    # resting on one company, withholds nothing more.
    withheld = first.withheld()
    again = [
        Figure(f.key, f.value, 1 if f.key in withheld else f.companies, f.printed)
        for f in figures
    ]
    second = control(again, relations, k=k)
    assert set(second.withheld()) == set(first.withheld())


@settings(max_examples=200, deadline=None)
@given(tables(), ks)
def test_nothing_is_withheld_without_a_reason(table, k):
    figures, relations = table
    safe = [
        Figure(
            f.key,
            f.value,
            f.companies if not 0 < (f.companies or 0) < k else k,
            f.printed,
        )
        for f in figures
    ]
    outcome = control(safe, relations, k=k)
    assert outcome.withheld() == {}


@settings(max_examples=200, deadline=None)
@given(tables(), ks)
def test_every_secondary_is_needed_by_a_relation(table, k):
    """A secondary always completes a relation that had exactly one withheld member
    before it: with it shown again, that relation would give a figure away."""
    figures, relations = table
    outcome = control(figures, relations, k=k)
    for key, status in outcome.withheld().items():
        if status is not S:
            continue
        assert any(
            key in relation.members()
            and sum(1 for m in relation.members() if m != key and not outcome.shown(m))
            >= 1
            for relation in relations
        )
