"""The rules that decide which deadline reminders are due, without a database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from convenant.reminders import rules

TODAY = dt.date(2026, 6, 1)
LEADS = {
    rules.BASELINE_DUE: (14, 3),
    rules.IMPROVEMENT_WINDOW: (14, 3),
    rules.PLAN_DUE: (30, 7),
    rules.LOCATION_LIST_DUE: (14, 3),
    rules.CONFIDENTIALITY_EXPIRING: (30,),
}


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def assessment(**overrides) -> rules.AssessmentFact:
    values = {
        "assessment_id": 7,
        "organisation_id": 3,
        "round_kind": "baseline",
        "round_open": True,
        "round_closes_on": days(10),
        "status": "in_progress",
        "window_closes_on": None,
    }
    return rules.AssessmentFact(**(values | overrides))


def agreement(**overrides) -> rules.ConfidentialityFact:
    values = {
        "agreement_id": 1,
        "organisation_id": 5,
        "kind": "nda",
        "valid_from": dt.date(2025, 1, 1),
        "valid_until": days(20),
        "revoked": False,
    }
    return rules.ConfidentialityFact(**(values | overrides))


# --- Lead days ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (20, None),
        (15, None),
        (14, 14),
        (10, 14),
        (4, 14),
        (3, 3),
        (1, 3),
        (0, 3),
        (-1, None),
    ],
)
def test_the_smallest_lead_reached_is_due(days_left, expected):
    assert rules.due_lead(days_left, (14, 3)) == expected


def test_no_leads_no_reminder():
    assert rules.due_lead(0, ()) is None


@given(st.integers(-400, 400), st.sets(st.integers(0, 365), max_size=4))
def test_the_due_lead_is_reached_and_the_deadline_not_passed(days_left, leads):
    lead = rules.due_lead(days_left, leads)
    if lead is not None:
        assert lead in leads
        assert 0 <= days_left <= lead
        assert not any(days_left <= other < lead for other in leads)
    else:
        assert days_left < 0 or all(other < days_left for other in leads)


def test_horizon_is_the_largest_lead():
    assert rules.horizon(LEADS) == 30
    assert rules.horizon({}) == 0


# --- Each kind ----------------------------------------------------------------------------


def test_baseline_due_while_not_submitted():
    deadlines = rules.assessment_deadlines([assessment()])
    assert deadlines == [
        rules.Deadline(rules.BASELINE_DUE, "assessment:7", 3, days(10))
    ]
    assert rules.due(deadlines, LEADS, TODAY) == [rules.Due(deadlines[0], 14)]


@pytest.mark.parametrize("status", ["submitted", "improving", "final"])
def test_no_baseline_reminder_once_submitted(status):
    assert rules.assessment_deadlines([assessment(status=status)]) == []


def test_no_baseline_reminder_for_another_kind_of_round_or_a_round_not_open():
    assert rules.assessment_deadlines([assessment(round_kind="year2")]) == []
    assert rules.assessment_deadlines([assessment(round_open=False)]) == []


def test_improvement_window_closing():
    fact = assessment(status="improving", window_closes_on=days(3))
    deadlines = rules.assessment_deadlines([fact])
    assert deadlines == [
        rules.Deadline(rules.IMPROVEMENT_WINDOW, "assessment:7", 3, days(3))
    ]
    assert rules.due(deadlines, LEADS, TODAY) == [rules.Due(deadlines[0], 3)]


def test_no_window_reminder_once_final():
    fact = assessment(status="final", window_closes_on=days(3))
    assert rules.assessment_deadlines([fact]) == []


def test_plan_due_until_handed_in():
    owed = rules.PlanFact(4, 2, days(30), handed_in=False)
    handed_in = rules.PlanFact(5, 2, days(30), handed_in=True)
    deadlines = rules.plan_deadlines([owed, handed_in])
    assert deadlines == [rules.Deadline(rules.PLAN_DUE, "plan:4:2", 4, days(30))]
    assert rules.due(deadlines, LEADS, TODAY) == [rules.Due(deadlines[0], 30)]
    assert rules.due(deadlines, LEADS, days(23)) == [rules.Due(deadlines[0], 7)]


def test_location_list_due_until_submitted():
    owed = rules.LocationListFact(4, 2026, days(14), submitted=False)
    submitted = rules.LocationListFact(5, 2026, days(14), submitted=True)
    deadlines = rules.location_list_deadlines([owed, submitted])
    assert deadlines == [
        rules.Deadline(rules.LOCATION_LIST_DUE, "locations:4:2026", 4, days(14))
    ]
    assert rules.due(deadlines, LEADS, TODAY) == [rules.Due(deadlines[0], 14)]


def test_confidentiality_expiring():
    deadlines = rules.confidentiality_deadlines([agreement()])
    assert deadlines == [
        rules.Deadline(rules.CONFIDENTIALITY_EXPIRING, "confidentiality:1", 5, days(20))
    ]
    assert rules.due(deadlines, LEADS, TODAY) == [rules.Due(deadlines[0], 30)]


def test_no_confidentiality_reminder_when_revoked_or_open_ended():
    assert rules.confidentiality_deadlines([agreement(revoked=True)]) == []
    assert rules.confidentiality_deadlines([agreement(valid_until=None)]) == []


@pytest.mark.parametrize(
    ("valid_from", "valid_until"),
    [(days(21), None), (days(10), days(400)), (days(21), days(21))],
    ids=["open-ended-from-next-day", "overlapping", "one-more-day"],
)
def test_no_confidentiality_reminder_when_renewed(valid_from, valid_until):
    renewal = agreement(agreement_id=2, valid_from=valid_from, valid_until=valid_until)
    subjects = [
        d.subject for d in rules.confidentiality_deadlines([agreement(), renewal])
    ]
    assert "confidentiality:1" not in subjects


@pytest.mark.parametrize(
    "renewal",
    [
        {"valid_from": days(22), "valid_until": None},
        {"kind": "clause", "valid_from": days(21), "valid_until": None},
        {"organisation_id": 6, "valid_from": days(21), "valid_until": None},
        {"valid_from": days(21), "valid_until": None, "revoked": True},
    ],
    ids=["gap-of-a-day", "other-kind", "other-organisation", "revoked"],
)
def test_a_renewal_must_follow_on_for_the_same_kind_and_organisation(renewal):
    other = agreement(agreement_id=2, **renewal)
    subjects = [
        d.subject for d in rules.confidentiality_deadlines([agreement(), other])
    ]
    assert "confidentiality:1" in subjects


# --- After the deadline -------------------------------------------------------------------


def test_nothing_after_the_deadline_and_nothing_before_the_lead():
    deadline = rules.Deadline(rules.PLAN_DUE, "plan:4:2", 4, TODAY)
    assert rules.due([deadline], LEADS, TODAY) == [rules.Due(deadline, 7)]
    assert rules.due([deadline], LEADS, days(1)) == []
    assert rules.due([deadline], LEADS, days(-31)) == []


def test_a_kind_without_leads_is_never_reminded():
    deadline = rules.Deadline(rules.PLAN_DUE, "plan:4:2", 4, TODAY)
    assert rules.due([deadline], {}, TODAY) == []


def test_due_in_deadline_order():
    late = rules.Deadline(rules.PLAN_DUE, "plan:4:2", 4, days(5))
    soon = rules.Deadline(rules.LOCATION_LIST_DUE, "locations:4:2026", 4, days(1))
    assert [d.deadline for d in rules.due([late, soon], LEADS, TODAY)] == [soon, late]
