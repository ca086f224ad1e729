"""Which deadline reminders are due: pure functions over frozen dataclasses.

The selectors turn the platform's data into facts (an assessment, a year's plan, a
location list, a confidentiality agreement); `deadlines` keeps the facts whose deadline is
still open, and `due` picks, for each open deadline, the one reminder due today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

BASELINE_DUE = "baseline_due"
IMPROVEMENT_WINDOW = "improvement_window"
PLAN_DUE = "plan_due"
LOCATION_LIST_DUE = "location_list_due"
CONFIDENTIALITY_EXPIRING = "confidentiality_expiring"
KINDS = (
    BASELINE_DUE,
    IMPROVEMENT_WINDOW,
    PLAN_DUE,
    LOCATION_LIST_DUE,
    CONFIDENTIALITY_EXPIRING,
)

# Assessment statuses (monitoring.models.AssessmentStatus values).
NOT_SUBMITTED = frozenset({"invited", "in_progress"})
IMPROVING = "improving"
BASELINE = "baseline"


@dataclass(frozen=True)
class Deadline:
    """One thing one organisation owes by a date. `subject` names it uniquely and
    stably ("assessment:12", "plan:4:2"), so that a reminder of it is sent once."""

    kind: str
    subject: str
    organisation_id: int
    due_on: dt.date


@dataclass(frozen=True)
class Due:
    """A reminder to send today: the deadline and how many days ahead of it we are
    reminding (the lead)."""

    deadline: Deadline
    lead_days: int


# --- Facts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessmentFact:
    assessment_id: int
    organisation_id: int
    round_kind: str
    round_open: bool
    round_closes_on: dt.date
    status: str
    window_closes_on: dt.date | None


@dataclass(frozen=True)
class PlanFact:
    """A company that owes a plan of approach for an agreement year."""

    organisation_id: int
    agreement_year_id: int
    year_ends_on: dt.date
    handed_in: bool


@dataclass(frozen=True)
class LocationListFact:
    """A company that owes its production-location list of a calendar year."""

    organisation_id: int
    year: int
    due_on: dt.date
    submitted: bool


@dataclass(frozen=True)
class ConfidentialityFact:
    agreement_id: int
    organisation_id: int
    kind: str
    valid_from: dt.date
    valid_until: dt.date | None
    revoked: bool


def assessment_deadlines(facts: Iterable[AssessmentFact]) -> list[Deadline]:
    """The baseline of an open round is due at its close while not submitted; an
    improvement window is due at its close while it is open."""
    result = []
    for fact in facts:
        if (
            fact.round_kind == BASELINE
            and fact.round_open
            and fact.status in NOT_SUBMITTED
        ):
            result.append(
                Deadline(
                    BASELINE_DUE,
                    f"assessment:{fact.assessment_id}",
                    fact.organisation_id,
                    fact.round_closes_on,
                )
            )
        if fact.status == IMPROVING and fact.window_closes_on is not None:
            result.append(
                Deadline(
                    IMPROVEMENT_WINDOW,
                    f"assessment:{fact.assessment_id}",
                    fact.organisation_id,
                    fact.window_closes_on,
                )
            )
    return result


def plan_deadlines(facts: Iterable[PlanFact]) -> list[Deadline]:
    """A plan is due by the end of its agreement year, until it is handed in."""
    return [
        Deadline(
            PLAN_DUE,
            f"plan:{fact.organisation_id}:{fact.agreement_year_id}",
            fact.organisation_id,
            fact.year_ends_on,
        )
        for fact in facts
        if not fact.handed_in
    ]


def location_list_deadlines(facts: Iterable[LocationListFact]) -> list[Deadline]:
    """The year's list is due on the date the agreement year sets, until submitted."""
    return [
        Deadline(
            LOCATION_LIST_DUE,
            f"locations:{fact.organisation_id}:{fact.year}",
            fact.organisation_id,
            fact.due_on,
        )
        for fact in facts
        if not fact.submitted
    ]


def confidentiality_deadlines(facts: Iterable[ConfidentialityFact]) -> list[Deadline]:
    """An agreement with an end date expires then, unless it was revoked or a newer
    agreement of the same kind of the same organisation carries on from the day
    after (a renewal)."""
    facts = list(facts)
    live = [fact for fact in facts if not fact.revoked]
    result = []
    for fact in live:
        if fact.valid_until is None:
            continue
        next_day = fact.valid_until + dt.timedelta(days=1)
        renewed = any(
            other.agreement_id != fact.agreement_id
            and other.organisation_id == fact.organisation_id
            and other.kind == fact.kind
            and other.valid_from <= next_day
            and (other.valid_until is None or other.valid_until > fact.valid_until)
            for other in live
        )
        if not renewed:
            result.append(
                Deadline(
                    CONFIDENTIALITY_EXPIRING,
                    f"confidentiality:{fact.agreement_id}",
                    fact.organisation_id,
                    fact.valid_until,
                )
            )
    return result


# --- Which reminder is due ---------------------------------------------------------------


def due_lead(days_left: int, leads: Iterable[int]) -> int | None:
    """The lead of the reminder due with `days_left` days to go: the smallest lead that
    has been reached. A deadline first seen 2 days ahead with leads 14 and 3 gets the
    3-day reminder only; a day the beat missed is caught up the next day. Nothing once
    the deadline has passed."""
    if days_left < 0:
        return None
    reached = [lead for lead in leads if lead >= days_left]
    return min(reached) if reached else None


def due(
    deadlines: Iterable[Deadline], leads: Mapping[str, Iterable[int]], today: dt.date
) -> list[Due]:
    """The reminders due today, one at most per deadline, in deadline order."""
    result = []
    for deadline in deadlines:
        lead = due_lead((deadline.due_on - today).days, leads.get(deadline.kind, ()))
        if lead is not None:
            result.append(Due(deadline, lead))
    return sorted(
        result,
        key=lambda item: (
            item.deadline.due_on,
            item.deadline.kind,
            item.deadline.subject,
        ),
    )


def horizon(leads: Mapping[str, Iterable[int]]) -> int:
    """How far ahead any reminder looks: the largest lead."""
    return max((max(days, default=0) for days in leads.values()), default=0)
