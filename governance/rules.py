"""The agreement's governance rules as plain functions: when a withdrawal or a removal
takes effect, how the Kerngroep and the Sector Module Assembly decide, and who sits on a
complaint's panel (art. 40-56, 66-86).

No Django import: the services feed these functions plain values and act on what they
return, and the table tests check them without a database.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Final

SEATS: Final = ("unions", "ngos", "branch", "companies")
VOTES: Final = frozenset({"for", "against", "abstain"})

CONSENSUS: Final = "consensus"
ADOPTED: Final = "adopted"
REJECTED: Final = "rejected"
ESCALATED: Final = "escalated"


class WithdrawalTooEarly(ValueError):
    """Notice was given before the first anniversary of signing."""


class NoReplacement(LookupError):
    """No organisation of the constituency can take a recused seat."""


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later; the last day of the month where the
    month is shorter (31 August + 6 months = 28 or 29 February)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_anniversary(signed_on: dt.date) -> dt.date:
    """One year after signing; a signature of 29 February counts from 28 February."""
    return add_months(signed_on, 12)


def withdrawal_effective_date(signed_on: dt.date, notice_on: dt.date) -> dt.date:
    """The first 1 January at least six calendar months after the notice (art. 73-75).
    Notice may be given from the first anniversary of signing."""
    earliest = first_anniversary(signed_on)
    if notice_on < earliest:
        raise WithdrawalTooEarly(
            f"notice may be given from {earliest.isoformat()}, the first anniversary "
            f"of signing on {signed_on.isoformat()}"
        )
    after = add_months(notice_on, 6)
    if after.month == 1 and after.day == 1:
        return after
    return dt.date(after.year + 1, 1, 1)


def _check_vote(vote: str) -> None:
    if vote not in VOTES:
        raise ValueError(f"a vote is one of {sorted(VOTES)}, not {vote!r}")


def seat_vote(regular: str | None, deputy: str | None) -> str | None:
    """The vote a seat casts: its regular representative's, or its deputy's when the
    regular does not vote. The chair holds no seat and never votes."""
    for vote in (regular, deputy):
        if vote is not None:
            _check_vote(vote)
            return vote
    return None


def kerngroep_outcome(votes: Mapping[str, str]) -> str:
    """One vote per seat, a seat that did not vote is missing. "consensus" when all four
    seats vote for; otherwise "adopted" when more seats vote for than against,
    "rejected" when more vote against, and "escalated" to the Sector Module Assembly
    when tied (no votes at all included)."""
    unknown = set(votes) - set(SEATS)
    if unknown:
        raise ValueError(f"not a Kerngroep seat: {sorted(unknown)}")
    for vote in votes.values():
        _check_vote(vote)
    in_favour = sum(1 for vote in votes.values() if vote == "for")
    against = sum(1 for vote in votes.values() if vote == "against")
    if in_favour == len(SEATS):
        return CONSENSUS
    if in_favour > against:
        return ADOPTED
    if against > in_favour:
        return REJECTED
    return ESCALATED


def assembly_outcome(votes: Mapping[int, str]) -> str:
    """One vote per party organisation: "adopted" when more vote for than against,
    otherwise "rejected" (a tie included)."""
    for vote in votes.values():
        _check_vote(vote)
    in_favour = sum(1 for vote in votes.values() if vote == "for")
    against = sum(1 for vote in votes.values() if vote == "against")
    return ADOPTED if in_favour > against else REJECTED


def complaint_panel(
    seats: Mapping[str, int],
    complainant: int,
    respondent: int,
    replacements: Mapping[str, Sequence[int]],
) -> dict[str, int]:
    """The seat holders who decide a complaint. A seat held by the complainant or the
    respondent is taken, for this case, by the first organisation of the same
    constituency in `replacements` that is neither and sits on the panel no other way."""
    parties = {complainant, respondent}
    panel: dict[str, int] = {}
    for seat in SEATS:
        if seat not in seats:
            raise ValueError(f"the seat {seat!r} has no holder")
    for seat in SEATS:
        holder = seats[seat]
        if holder not in parties:
            panel[seat] = holder
    for seat in SEATS:
        if seat in panel:
            continue
        taken = set(panel.values())
        replacement = next(
            (
                organisation
                for organisation in replacements.get(seat, ())
                if organisation not in parties and organisation not in taken
            ),
            None,
        )
        if replacement is None:
            raise NoReplacement(
                f"no organisation of the {seat} constituency can take the seat: each "
                "is a party to the complaint or sits on the panel already"
            )
        panel[seat] = replacement
    return {seat: panel[seat] for seat in SEATS}


def removal_effective_date(decided_on: dt.date) -> dt.date:
    """A removal takes effect three calendar months after the decision (art. 76-77)."""
    return add_months(decided_on, 3)


def obligations_end(
    effective_on: dt.date, agreement_years: Sequence[tuple[dt.date, dt.date]]
) -> dt.date:
    """The last day of the agreement year in which `effective_on` falls: a removed or
    withdrawn party's obligations run to then. `agreement_years` are (start, end)
    pairs; a date outside them ends with the last year."""
    for starts_on, ends_on in sorted(agreement_years):
        if starts_on <= effective_on <= ends_on:
            return ends_on
    if not agreement_years:
        raise ValueError("the agreement has no years")
    return max(end for _start, end in agreement_years)
