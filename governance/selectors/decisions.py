"""Reads of Kerngroep decisions, their votes per seat and the Sector Module Assembly's
votes, scoped to the person asking; each in a fixed number of queries whatever the
number of decisions, votes or ballots."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from .. import permissions
from ..models import (
    PARTY_KINDS,
    AgendaItem,
    AssemblyBallot,
    AssemblyVote,
    Constituency,
    Decision,
    DecisionStatus,
    DecisionVote,
    KerngroepSeat,
    Organisation,
    OrganisationStatus,
    Participation,
    User,
)
from ..rules import SEATS, kerngroep_outcome, seat_vote


def assembly_parties() -> QuerySet[Organisation]:
    """The Sector Module Assembly: every active party organisation (art. 42)."""
    return Organisation.objects.filter(
        participation=Participation.PARTY,
        kind__in=PARTY_KINDS,
        status=OrganisationStatus.ACTIVE,
    )


def decision_day(decision: Decision) -> dt.date:
    """The day whose seat holders vote: the meeting's day once the meeting has begun,
    otherwise today (a decision taken between meetings)."""
    item = decision.agenda_item
    if item is not None and item.meeting.starts_at <= timezone.now():
        return timezone.localdate(item.meeting.starts_at)
    return timezone.localdate()


def seats_on(day: dt.date) -> dict[str, KerngroepSeat]:
    """The Kerngroep seat of each constituency on `day`, with its representatives."""
    seats = (
        KerngroepSeat.objects.filter(starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related(
            "organisation", "regular_representative", "deputy_representative"
        )
        .order_by("constituency", "-starts_on", "-pk")
    )
    found: dict[str, KerngroepSeat] = {}
    for seat in seats:
        found.setdefault(seat.constituency, seat)
    return found


@dataclass(frozen=True)
class SeatPeople:
    """Who may vote for one seat in one decision. `replacement` is an organisation that
    takes the seat for this decision only (a complaint's panel): any of its active
    people may then vote, as regular or deputy, as it chose them."""

    constituency: str
    organisation: Organisation | None
    regular: User | None
    deputy: User | None
    replacement: bool = False
    members: tuple[User, ...] = ()

    @property
    def label(self) -> str:
        return str(Constituency(self.constituency).label)

    def may_vote(self, person: User, *, as_deputy: bool) -> bool:
        if self.replacement:
            return any(member.pk == person.pk for member in self.members)
        expected = self.deputy if as_deputy else self.regular
        return expected is not None and expected.pk == person.pk

    def candidates(self) -> tuple[User, ...]:
        if self.replacement:
            return self.members
        return tuple(p for p in (self.regular, self.deputy) if p is not None)


def seat_people(
    decision: Decision, *, day: dt.date | None = None
) -> dict[str, SeatPeople]:
    """Who holds each seat for `decision` on its day: today's Kerngroep, or the
    organisations its subject names (`services.decisions.seat_holders`)."""
    from ..services.decisions import seat_holders

    day = day or decision_day(decision)
    seats = seats_on(day)
    holders = seat_holders(decision)
    if holders is None:
        return {
            constituency: SeatPeople(
                constituency=constituency,
                organisation=seat.organisation if seat else None,
                regular=seat.regular_representative if seat else None,
                deputy=seat.deputy_representative if seat else None,
            )
            for constituency in SEATS
            for seat in [seats.get(constituency)]
        }
    replacing = {
        constituency: organisation_id
        for constituency, organisation_id in holders.items()
        if (seat := seats.get(constituency)) is None
        or seat.organisation_id != organisation_id
    }
    organisations = Organisation.objects.in_bulk(list(replacing.values()))
    members: dict[int, list[User]] = defaultdict(list)
    for person in User.objects.filter(
        organisation_id__in=list(replacing.values()), is_active=True
    ).order_by("last_name", "first_name", "email"):
        members[person.organisation_id].append(person)
    result: dict[str, SeatPeople] = {}
    for constituency in SEATS:
        if constituency in replacing:
            organisation_id = replacing[constituency]
            result[constituency] = SeatPeople(
                constituency=constituency,
                organisation=organisations.get(organisation_id),
                regular=None,
                deputy=None,
                replacement=True,
                members=tuple(members[organisation_id]),
            )
        else:
            seat = seats.get(constituency)
            result[constituency] = SeatPeople(
                constituency=constituency,
                organisation=seat.organisation if seat else None,
                regular=seat.regular_representative if seat else None,
                deputy=seat.deputy_representative if seat else None,
            )
    return result


# --- What the Kerngroep voted -------------------------------------------------------


@dataclass(frozen=True)
class SeatRecord:
    """One seat's votes in a decision: the regular's, the deputy's, and the vote that
    counts (`rules.seat_vote`)."""

    constituency: str
    label: str
    regular: DecisionVote | None
    deputy: DecisionVote | None
    vote: str | None

    @property
    def organisation(self) -> Organisation | None:
        cast = self.regular or self.deputy
        return cast.organisation if cast else None


def seat_records(decision: Decision) -> list[SeatRecord]:
    """The four seats with what was recorded for each; uses prefetched votes."""
    by_seat: dict[tuple[str, bool], DecisionVote] = {
        (vote.constituency, vote.as_deputy): vote for vote in decision.votes.all()
    }
    records = []
    for constituency in SEATS:
        regular = by_seat.get((constituency, False))
        deputy = by_seat.get((constituency, True))
        records.append(
            SeatRecord(
                constituency=constituency,
                label=str(Constituency(constituency).label),
                regular=regular,
                deputy=deputy,
                vote=seat_vote(
                    regular.vote if regular else None, deputy.vote if deputy else None
                ),
            )
        )
    return records


def seat_votes(records: Iterable[SeatRecord]) -> dict[str, str]:
    """{seat: vote} of the seats that voted, for `rules.kerngroep_outcome`."""
    return {record.constituency: record.vote for record in records if record.vote}


def outcome_so_far(records: Iterable[SeatRecord]) -> str:
    return kerngroep_outcome(seat_votes(records))


# --- The assembly ---------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """Counts only: which organisation voted what is never shown outside the
    secretariat's records."""

    in_favour: int
    against: int
    abstain: int
    parties: int

    @property
    def voted(self) -> int:
        return self.in_favour + self.against + self.abstain

    @property
    def everyone_voted(self) -> bool:
        return self.parties > 0 and self.voted >= self.parties


def tally(ballots: Iterable[AssemblyBallot], *, parties: int) -> Tally:
    votes = [ballot.vote for ballot in ballots]
    return Tally(
        in_favour=votes.count("for"),
        against=votes.count("against"),
        abstain=votes.count("abstain"),
        parties=parties,
    )


def assembly_tally(assembly_vote: AssemblyVote) -> Tally:
    return tally(assembly_vote.ballots.all(), parties=assembly_parties().count())


# --- Pages ----------------------------------------------------------------------------


def _with_history(qs: QuerySet[Decision]) -> QuerySet[Decision]:
    return qs.select_related(
        "agenda_item__meeting", "assembly_vote", "created_by", "recorded_by"
    ).prefetch_related(
        Prefetch(
            "votes",
            queryset=DecisionVote.objects.select_related(
                "voter", "organisation", "recorded_by"
            ),
        ),
        Prefetch("assembly_vote__ballots", queryset=AssemblyBallot.objects.all()),
    )


def decision_list(*, user) -> QuerySet[Decision]:
    """The decisions this person may see, newest first: all of them, with their
    meeting, for the Kerngroep's circle; decided ones for everybody else."""
    qs = permissions.decision_visible_to(user)
    if permissions.can_follow_decisions(user):
        return qs.select_related("agenda_item__meeting", "assembly_vote").order_by(
            "-created_at", "-pk"
        )
    return qs.only(
        "title", "outcome", "status", "decided_on", "explanation", "created_at"
    ).order_by("-decided_on", "-pk")


def decision_get(*, user, pk: int) -> Decision:
    """One decision with its votes and ballots, or 404 when it is not the person's to
    see."""
    return get_object_or_404(
        _with_history(permissions.decision_visible_to(user)), pk=pk
    )


def open_assembly_votes(*, user) -> list[AssemblyVote]:
    """The assembly votes still open, with the person's organisation's ballot (as
    `own_ballot`) when it has voted."""
    if not permissions.is_assembly_member(user):
        return []
    votes = list(
        permissions.assembly_vote_visible_to(user)
        .filter(status="open", closes_at__gt=timezone.now())
        .select_related("decision")
        .prefetch_related(
            Prefetch(
                "ballots",
                queryset=AssemblyBallot.objects.filter(
                    organisation_id=user.organisation_id
                ),
                to_attr="own_ballots",
            )
        )
        .order_by("closes_at", "pk")
    )
    for vote in votes:
        vote.own_ballot = vote.own_ballots[0] if vote.own_ballots else None
    return votes


def assembly_vote_get(*, user, decision_pk: int) -> AssemblyVote:
    """The assembly vote on a decision, with the decision and its ballots."""
    return get_object_or_404(
        permissions.assembly_vote_visible_to(user)
        .select_related("decision", "opened_by")
        .prefetch_related(
            Prefetch(
                "ballots",
                queryset=AssemblyBallot.objects.select_related(
                    "organisation", "cast_by"
                ),
            )
        ),
        decision_id=decision_pk,
    )


def own_ballot(assembly_vote: AssemblyVote, user) -> AssemblyBallot | None:
    if not user.organisation_id:
        return None
    return next(
        (
            ballot
            for ballot in assembly_vote.ballots.all()
            if ballot.organisation_id == user.organisation_id
        ),
        None,
    )


def own_seat(user, decision: Decision) -> tuple[SeatPeople, bool] | None:
    """The seat this person votes for in `decision`, and whether as deputy."""
    for people in seat_people(decision).values():
        for as_deputy in (False, True):
            if not people.replacement and people.may_vote(user, as_deputy=as_deputy):
                return people, as_deputy
        if people.replacement and people.may_vote(user, as_deputy=False):
            return people, False
    return None


def decisions_for_items(
    items: Iterable[AgendaItem], *, user=None
) -> dict[int, list[Decision]]:
    """The decisions of each agenda item, in one query; only those `user` may see when
    a user is given."""
    ids = [item.pk for item in items]
    qs = (
        permissions.decision_visible_to(user)
        if user is not None
        else Decision.objects.all()
    )
    found: dict[int, list[Decision]] = {pk: [] for pk in ids}
    for decision in qs.filter(agenda_item_id__in=ids).order_by("created_at", "pk"):
        found[decision.agenda_item_id].append(decision)
    return found


# --- The meeting pack -----------------------------------------------------------------


@dataclass(frozen=True)
class PendingDecision:
    """A decision the Kerngroep has not settled: still open, or with the assembly."""

    decision: Decision
    subject: object | None
    agenda_item: AgendaItem | None
    seats: list[SeatRecord]
    tally: Tally | None

    @property
    def votes_so_far(self) -> dict[str, str]:
        return seat_votes(self.seats)


def pending_decisions(*, before: dt.datetime | dt.date | None = None) -> list:
    """Open and escalated decisions (opened before `before`, when given), oldest first,
    with their subject, agenda item, the votes so far and the assembly's tally. For the
    meeting pack, which is for the Kerngroep only."""
    qs = Decision.objects.filter(
        status__in=[DecisionStatus.OPEN, DecisionStatus.ESCALATED]
    )
    if before is not None:
        if not isinstance(before, dt.datetime):
            before = timezone.make_aware(dt.datetime.combine(before, dt.time.min))
        qs = qs.filter(created_at__lt=before)
    decisions = list(
        _with_history(qs).prefetch_related("subject").order_by("created_at", "pk")
    )
    parties = assembly_parties().count() if decisions else 0
    pending = []
    for decision in decisions:
        assembly = getattr(decision, "assembly_vote", None)
        pending.append(
            PendingDecision(
                decision=decision,
                subject=decision.subject,
                agenda_item=decision.agenda_item,
                seats=seat_records(decision),
                tally=tally(assembly.ballots.all(), parties=parties)
                if assembly is not None
                else None,
            )
        )
    return pending
