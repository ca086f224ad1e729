"""Properties of the aggregation that hold for any input (issue 4, "Tests and measures").

The inputs are small and crowded on purpose: a dozen companies, a few countries in shared
sub-regions and regions (and Antarctica, which has neither), spellings of the same sites
that normalise alike, and some companies with restricted disclosure, so that cells are
held back, rolled up, published and left out in every combination.
"""

from __future__ import annotations

import heapq
from collections import Counter

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from ketenkaart import m49
from ketenkaart.aggregation import (
    RESTRICTION_LEVELS,
    Cell,
    HeldBack,
    LocationFact,
    Restriction,
    Rules,
    aggregate,
    company_band,
    location_band,
    normalise_supplier_name,
)

pytestmark = pytest.mark.core

COUNTRIES = ("NL", "BE", "DE", "PL", "CZ", "CD", "ZM", "ZA", "CL", "PE", "AU", "AQ")
ACTIVITIES = ("mining", "smelting_refining")
SITES = (
    "Umicore",
    "UMICORE N.V.",
    "Boliden AB",
    "Boliden",
    "Mina Sur S.A.",
    "Kidd Creek",
    "Deep South UG",
    "Site 7",
    "Site 8",
)
RANK = {level: rank for rank, level in enumerate(m49.LEVELS)}

facts_strategy = st.lists(
    st.builds(
        LocationFact,
        company_id=st.integers(1, 12),
        supplier_name=st.sampled_from(SITES),
        country=st.sampled_from(COUNTRIES),
        activity=st.sampled_from(ACTIVITIES),
    ),
    max_size=80,
)
restrictions_strategy = st.lists(
    st.builds(
        Restriction,
        company_id=st.integers(1, 12),
        level=st.sampled_from(RESTRICTION_LEVELS),
    ),
    max_size=4,
)
rules_strategy = st.builds(Rules, k=st.integers(2, 5))

# The autouse fixtures of tests/ only set Django settings: nothing to reset per example.
# No example database: the inputs are small and a failure prints its example.
property_settings = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

Fact = tuple[int, str, str, str]  # company, normalised name, country, activity


def members(cell: Cell | HeldBack, facts: list[LocationFact]) -> frozenset[Fact]:
    """The input facts a cell counts, from the companies it names per country."""
    sources = dict(cell.sources)
    return frozenset(
        (f.company_id, normalise_supplier_name(f.supplier_name), f.country, f.activity)
        for f in facts
        if f.activity == cell.activity and f.company_id in sources.get(f.country, ())
    )


def within(inner: Cell | HeldBack, outer: Cell | HeldBack) -> bool:
    """Whether `inner`'s area lies inside `outer`'s (for the same activity)."""
    if (
        inner.activity != outer.activity
        or RANK[inner.area_level] >= RANK[outer.area_level]
    ):
        return False
    countries = [country for country, _ in inner.sources]
    return all(
        m49.area_of(country, outer.area_level) == (outer.area_level, outer.area_code)
        for country in countries
    )


def restriction_levels(restrictions: list[Restriction]) -> dict[int, str]:
    levels: dict[int, str] = {}
    for r in restrictions:
        if r.company_id not in levels or RANK[r.level] > RANK[levels[r.company_id]]:
            levels[r.company_id] = r.level
    return levels


@property_settings
@given(facts=facts_strategy, restrictions=restrictions_strategy, rules=rules_strategy)
def test_every_published_cell_has_k_companies(facts, restrictions, rules):
    release = aggregate(facts, restrictions, rules)

    for cell in release.cells:
        assert len(cell.companies) >= rules.k
        assert cell.companies_band == company_band(len(cell.companies), rules)
        assert cell.locations >= 1
    for cell in release.held_back:
        assert len(cell.companies) < rules.k


@property_settings
@given(facts=facts_strategy, restrictions=restrictions_strategy, rules=rules_strategy)
def test_published_cells_are_disjoint(facts, restrictions, rules):
    release = aggregate(facts, restrictions, rules)
    sets = [members(cell, facts) for cell in release.cells]

    counted = Counter(fact for facts_of_cell in sets for fact in facts_of_cell)
    assert all(times == 1 for times in counted.values())
    for index, left in enumerate(sets):
        assert left, "a published cell counts facts"
        for right in sets[index + 1 :]:
            assert not left & right
            assert not left <= right
            assert not right <= left


@property_settings
@given(facts=facts_strategy, restrictions=restrictions_strategy, rules=rules_strategy)
def test_every_fact_is_published_once_or_left_out(facts, restrictions, rules):
    release = aggregate(facts, restrictions, rules)
    everything = {
        (f.company_id, normalise_supplier_name(f.supplier_name), f.country, f.activity)
        for f in facts
    }
    in_published = set().union(*(members(cell, facts) for cell in release.cells))
    left_out = set().union(
        *(
            members(cell, facts)
            for cell in release.held_back
            if cell.area_level == "world" and cell.published_in is None
        )
    )

    assert in_published | left_out == everything
    assert not in_published & left_out


@property_settings
@given(facts=facts_strategy, restrictions=restrictions_strategy, rules=rules_strategy)
def test_restricted_companies_never_appear_below_their_level(
    facts, restrictions, rules
):
    release = aggregate(facts, restrictions, rules)
    levels = restriction_levels(restrictions)

    for cell in (*release.cells, *release.held_back):
        for company in cell.companies:
            if company in levels:
                assert RANK[cell.area_level] >= RANK[levels[company]]


@property_settings
@given(
    facts=facts_strategy,
    restrictions=restrictions_strategy,
    rules=rules_strategy,
    data=st.data(),
)
def test_the_output_does_not_depend_on_input_order(facts, restrictions, rules, data):
    shuffled_facts = data.draw(st.permutations(facts))
    shuffled_restrictions = data.draw(st.permutations(restrictions))

    assert aggregate(shuffled_facts, shuffled_restrictions, rules) == aggregate(
        facts, restrictions, rules
    )


@property_settings
@given(facts=facts_strategy, restrictions=restrictions_strategy, rules=rules_strategy)
def test_exact_figures_match_a_recount(facts, restrictions, rules):
    """Companies, distinct locations and the dominance rule, counted the slow way."""
    release = aggregate(facts, restrictions, rules)

    for cell in (*release.cells, *release.held_back):
        counted = members(cell, facts)
        assert cell.companies == {company for company, *_ in counted}
        assert cell.locations == len(
            {(name, country) for _, name, country, _ in counted}
        )
    for cell in release.cells:
        counted = members(cell, facts)
        holdings = Counter(company for company, *_ in counted)
        largest = sum(heapq.nlargest(rules.dominant_companies, holdings.values()))
        dominated = 100 * largest > rules.dominance_percent * holdings.total()
        expected = None if dominated else location_band(cell.locations, rules)
        assert cell.locations_band == expected


@property_settings
@given(facts=facts_strategy, restrictions=restrictions_strategy, rules=rules_strategy)
def test_no_difference_of_published_figures_isolates_a_held_back_cell(
    facts, restrictions, rules
):
    """No published cell is a total beside one of its published parts, a held-back cell
    ends up whole in one published cell or in none, and a remainder is never just one
    held-back country."""
    release = aggregate(facts, restrictions, rules)
    sets = {id(cell): members(cell, facts) for cell in release.cells}

    for outer in release.cells:
        for inner in release.cells:
            if within(inner, outer):
                # Parent minus child is not a figure about anything: they share nothing.
                assert not sets[id(outer)] & sets[id(inner)]
    for held in release.held_back:
        facts_held = members(held, facts)
        containing = [cell for cell in release.cells if sets[id(cell)] & facts_held]
        if held.published_in is None:
            assert containing == []
            continue
        (cell,) = containing
        assert (cell.area_level, cell.area_code) == held.published_in
        assert facts_held <= sets[id(cell)]
        if held.area_level == "country":
            assert sets[id(cell)] != facts_held
            assert cell.companies != held.companies


@property_settings
@given(facts=facts_strategy, rules=rules_strategy)
def test_without_restrictions_country_cells_are_exactly_those_with_k_companies(
    facts, rules
):
    release = aggregate(facts, (), rules)
    companies: dict[tuple[str, str], set[int]] = {}
    for fact in facts:
        companies.setdefault((fact.activity, fact.country), set()).add(fact.company_id)

    assert {
        (cell.activity, cell.area_code)
        for cell in release.cells
        if cell.area_level == "country"
    } == {key for key, found in companies.items() if len(found) >= rules.k}


@pytest.mark.parametrize(
    ("outcome", "found"),
    [
        ("a country cell", lambda r: any(c.area_level == "country" for c in r.cells)),
        (
            "a sub-region remainder",
            lambda r: any(c.area_level == "subregion" for c in r.cells),
        ),
        (
            "a region remainder",
            lambda r: any(c.area_level == "region" for c in r.cells),
        ),
        ("a world remainder", lambda r: any(c.area_level == "world" for c in r.cells)),
        ("left-out facts", lambda r: any(c.published_in is None for c in r.held_back)),
        ("a withheld figure", lambda r: any(c.locations_band is None for c in r.cells)),
    ],
)
def test_the_inputs_reach_every_outcome(outcome, found):
    """The properties above are not vacuous: their inputs reach each outcome."""
    inputs = st.tuples(facts_strategy, restrictions_strategy, rules_strategy)
    find(
        inputs,
        lambda drawn: found(aggregate(*drawn)),
        settings=settings(
            max_examples=2_000, deadline=None, database=None, phases=[Phase.generate]
        ),
    )
