"""The governance rules, table by table: withdrawal and removal dates, Kerngroep and
assembly outcomes, and the complaint panel."""

from __future__ import annotations

import datetime as dt

import pytest

from governance.rules import (
    NoReplacement,
    WithdrawalTooEarly,
    add_months,
    assembly_outcome,
    complaint_panel,
    first_anniversary,
    kerngroep_outcome,
    obligations_end,
    removal_effective_date,
    seat_vote,
    withdrawal_effective_date,
)

pytestmark = pytest.mark.core

D = dt.date


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2027, 1, 31), 1, D(2027, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2027, 8, 31), 6, D(2028, 2, 29)),
        (D(2027, 7, 1), 6, D(2028, 1, 1)),
        (D(2027, 11, 30), 3, D(2028, 2, 29)),
        (D(2027, 12, 15), 12, D(2028, 12, 15)),
        (D(2027, 5, 31), -3, D(2027, 2, 28)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("signed_on", "expected"),
    [
        (D(2025, 10, 16), D(2026, 10, 16)),
        (D(2028, 2, 29), D(2029, 2, 28)),
        (D(2025, 12, 31), D(2026, 12, 31)),
    ],
)
def test_first_anniversary(signed_on, expected):
    assert first_anniversary(signed_on) == expected


@pytest.mark.parametrize(
    ("signed_on", "notice_on", "expected"),
    [
        # The examples.
        (D(2025, 10, 16), D(2027, 7, 1), D(2028, 1, 1)),
        (D(2025, 10, 16), D(2027, 7, 2), D(2029, 1, 1)),
        # On the anniversary itself.
        (D(2025, 10, 16), D(2026, 10, 16), D(2028, 1, 1)),
        (D(2025, 3, 1), D(2026, 3, 1), D(2027, 1, 1)),
        (D(2025, 3, 1), D(2026, 6, 30), D(2027, 1, 1)),
        (D(2025, 3, 1), D(2026, 7, 1), D(2027, 1, 1)),
        (D(2025, 3, 1), D(2026, 7, 2), D(2028, 1, 1)),
        # A leap-day signature counts from 28 February.
        (D(2028, 2, 29), D(2029, 2, 28), D(2030, 1, 1)),
        # Six months from 31 August end on the last day of February.
        (D(2025, 10, 16), D(2027, 8, 31), D(2029, 1, 1)),
        (D(2025, 10, 16), D(2027, 12, 31), D(2029, 1, 1)),
        (D(2025, 10, 16), D(2028, 1, 1), D(2029, 1, 1)),
    ],
)
def test_withdrawal_effective_date(signed_on, notice_on, expected):
    assert withdrawal_effective_date(signed_on, notice_on) == expected


@pytest.mark.parametrize(
    ("signed_on", "notice_on"),
    [
        (D(2025, 10, 16), D(2026, 10, 15)),
        (D(2025, 10, 16), D(2025, 10, 16)),
        (D(2028, 2, 29), D(2029, 2, 27)),
    ],
)
def test_notice_before_the_first_anniversary_is_too_early(signed_on, notice_on):
    with pytest.raises(WithdrawalTooEarly, match="first anniversary"):
        withdrawal_effective_date(signed_on, notice_on)
    assert issubclass(WithdrawalTooEarly, ValueError)


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        (dict.fromkeys(("unions", "ngos", "branch", "companies"), "for"), "consensus"),
        ({"unions": "for", "ngos": "for", "branch": "for"}, "adopted"),
        (
            {"unions": "for", "ngos": "for", "branch": "for", "companies": "against"},
            "adopted",
        ),
        ({"unions": "for", "ngos": "abstain", "branch": "abstain"}, "adopted"),
        ({"unions": "against", "ngos": "against", "branch": "for"}, "rejected"),
        ({"companies": "against"}, "rejected"),
        (
            {
                "unions": "for",
                "ngos": "for",
                "branch": "against",
                "companies": "against",
            },
            "escalated",
        ),
        ({"unions": "abstain", "ngos": "abstain"}, "escalated"),
        ({}, "escalated"),
        ({"unions": "for", "companies": "against"}, "escalated"),
    ],
)
def test_kerngroep_outcome(votes, expected):
    assert kerngroep_outcome(votes) == expected


@pytest.mark.parametrize(
    "votes",
    [{"chair": "for"}, {"unions": "yes"}, {"ngos": ""}],
)
def test_kerngroep_outcome_refuses_unknown_seats_and_votes(votes):
    with pytest.raises(ValueError, match=r"seat|vote"):
        kerngroep_outcome(votes)


@pytest.mark.parametrize(
    ("regular", "deputy", "expected"),
    [
        ("for", None, "for"),
        ("for", "against", "for"),
        (None, "against", "against"),
        (None, None, None),
        ("abstain", "for", "abstain"),
    ],
)
def test_the_deputy_votes_only_when_the_regular_does_not(regular, deputy, expected):
    assert seat_vote(regular, deputy) == expected


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        ({1: "for", 2: "for", 3: "against"}, "adopted"),
        ({1: "for", 2: "against"}, "rejected"),
        ({1: "abstain", 2: "abstain"}, "rejected"),
        ({}, "rejected"),
        ({1: "for", 2: "abstain", 3: "abstain"}, "adopted"),
        ({1: "against", 2: "against", 3: "for"}, "rejected"),
    ],
)
def test_assembly_outcome(votes, expected):
    assert assembly_outcome(votes) == expected


SEATS = {"unions": 1, "ngos": 2, "branch": 3, "companies": 4}
REPLACEMENTS = {
    "unions": [11, 12],
    "ngos": [21, 22],
    "branch": [31],
    "companies": [4, 41, 42],
}


@pytest.mark.parametrize(
    ("complainant", "respondent", "expected"),
    [
        # Nobody on the Kerngroep involved: the seat holders decide.
        (21, 41, {"unions": 1, "ngos": 2, "branch": 3, "companies": 4}),
        # The NGO seat complains about a company that holds the companies' seat.
        (2, 4, {"unions": 1, "ngos": 21, "branch": 3, "companies": 41}),
        # The replacement list names the respondent itself first: skipped.
        (21, 4, {"unions": 1, "ngos": 2, "branch": 3, "companies": 41}),
        # The first replacement is the complainant: the next one takes the seat.
        (21, 2, {"unions": 1, "ngos": 22, "branch": 3, "companies": 4}),
    ],
)
def test_complaint_panel(complainant, respondent, expected):
    assert complaint_panel(SEATS, complainant, respondent, REPLACEMENTS) == expected


def test_no_replacement_left_raises():
    with pytest.raises(NoReplacement, match="branch"):
        complaint_panel(SEATS, 3, 31, REPLACEMENTS)
    with pytest.raises(NoReplacement):
        complaint_panel(SEATS, 3, 41, {"branch": []})


def test_a_seat_without_holder_is_refused():
    with pytest.raises(ValueError, match="no holder"):
        complaint_panel({"unions": 1}, 5, 6, REPLACEMENTS)


@pytest.mark.parametrize(
    ("decided_on", "expected"),
    [
        (D(2027, 3, 15), D(2027, 6, 15)),
        (D(2027, 11, 30), D(2028, 2, 29)),
        (D(2027, 10, 31), D(2028, 1, 31)),
    ],
)
def test_removal_takes_effect_three_calendar_months_later(decided_on, expected):
    assert removal_effective_date(decided_on) == expected


YEARS = [
    (D(2025, 10, 16), D(2026, 10, 15)),
    (D(2026, 10, 16), D(2027, 10, 15)),
    (D(2027, 10, 16), D(2028, 10, 15)),
]


@pytest.mark.parametrize(
    ("effective_on", "expected"),
    [
        (D(2027, 6, 15), D(2027, 10, 15)),
        (D(2027, 10, 15), D(2027, 10, 15)),
        (D(2027, 10, 16), D(2028, 10, 15)),
        (D(2030, 1, 1), D(2028, 10, 15)),
    ],
)
def test_obligations_run_to_the_end_of_the_agreement_year(effective_on, expected):
    assert obligations_end(effective_on, YEARS) == expected
    assert obligations_end(removal_effective_date(D(2027, 7, 1)), YEARS) == D(
        2027, 10, 15
    )
