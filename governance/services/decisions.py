"""Opening a Kerngroep decision and settling it.

A decision is about a subject that lives elsewhere (an accession application, a complaint,
a removal, a restricted-disclosure request). What a final outcome does to that subject is
registered here by the subject's own app with `on_decided`, so that this module knows no
subject and every subject keeps its own rules:

    @on_decided(AccessionApplication)
    def _accession_decided(decision, *, actor):
        ...

The handler runs inside the transaction that settles the decision: when it raises, the
decision stays open and nothing of the outcome is kept.

How a decision is taken (art. 49-51): the secretariat records the votes cast in a
meeting, or Kerngroep members cast their seat's vote online between meetings; closing
computes each seat's vote (`rules.seat_vote`) and the outcome (`rules.kerngroep_outcome`).
A tie goes to the Sector Module Assembly: every active party organisation votes once,
online, before a deadline, and `rules.assembly_outcome` settles it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from convenant.audit import audit_record

from .. import permissions
from ..models import (
    AgendaItem,
    AssemblyBallot,
    AssemblyVote,
    AssemblyVoteStatus,
    ChairTerm,
    Decision,
    DecisionStatus,
    DecisionVote,
    FinalOutcome,
    Organisation,
    OrganisationRole,
    User,
    Vote,
)
from ..rules import (
    ADOPTED,
    CONSENSUS,
    ESCALATED,
    REJECTED,
    SEATS,
    assembly_outcome,
    kerngroep_outcome,
)

logger = logging.getLogger(__name__)

# How long the assembly votes unless the secretariat sets another deadline.
ASSEMBLY_VOTE_DAYS = 14

Handler = Callable[..., None]
_HANDLERS: dict[str, Handler] = {}
SeatHolders = Callable[..., dict[str, int]]
_SEAT_HOLDERS: dict[str, SeatHolders] = {}


def on_decided(model: type[models.Model]) -> Callable[[Handler], Handler]:
    """Register what a final outcome does to subjects of `model`: the handler is called
    as handler(decision, actor=...) with decision.outcome already set."""

    def register(handler: Handler) -> Handler:
        _HANDLERS[model._meta.label_lower] = handler
        return handler

    return register


def seat_holders_for(model: type[models.Model]) -> Callable[[SeatHolders], SeatHolders]:
    """Register who holds the four seats for decisions about subjects of `model`, when
    that is not simply today's Kerngroep (a complaint's panel, art. 84): the function
    is called as func(decision) and returns {constituency: organisation id}."""

    def register(func: SeatHolders) -> SeatHolders:
        _SEAT_HOLDERS[model._meta.label_lower] = func
        return func

    return register


def _subject_label(decision: Decision) -> str | None:
    if decision.subject_type_id is None:
        return None
    return f"{decision.subject_type.app_label}.{decision.subject_type.model}"


def seat_holders(decision: Decision) -> dict[str, int] | None:
    """The organisations that hold the seats for this decision when its subject says
    so; None means today's Kerngroep seats."""
    label = _subject_label(decision)
    func = _SEAT_HOLDERS.get(label) if label else None
    return func(decision) if func is not None else None


def decision_for(subject: models.Model) -> Decision | None:
    """The newest decision about `subject`, if any."""
    return (
        Decision.objects.filter(
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def decision_open(
    *,
    title: str,
    proposal: str,
    actor: User,
    subject: models.Model | None = None,
    agenda_item: AgendaItem | None = None,
    request=None,
) -> Decision:
    """Put a matter to the Kerngroep. A subject has at most one decision that is not yet
    decided."""
    if subject is not None:
        pending = decision_for(subject)
        if pending is not None and pending.status != DecisionStatus.DECIDED:
            raise ValidationError(
                _("The Kerngroep is already deciding on this: “%(title)s”.")
                % {"title": pending.title}
            )
    decision = Decision(
        title=title,
        proposal=proposal,
        agenda_item=agenda_item,
        created_by=actor,
    )
    if subject is not None:
        decision.subject_type = ContentType.objects.get_for_model(subject)
        decision.subject_id = subject.pk
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor,
        action="decision.open",
        obj=decision,
        request=request,
        details={
            "subject": f"{decision.subject_type.model}:{decision.subject_id}"
            if subject is not None
            else "",
        },
    )
    return decision


@transaction.atomic
def decision_finalise(
    *,
    decision: Decision,
    outcome: str,
    actor: User,
    decided_on: dt.date | None = None,
    explanation: str | None = None,
    request=None,
) -> Decision:
    """Settle a decision as adopted or rejected and apply it to its subject. The vote
    services call this with the outcome the rules give; nothing else should decide."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status == DecisionStatus.DECIDED:
        raise ValidationError(_("This decision has already been taken."))
    if outcome not in FinalOutcome.values:
        raise ValidationError(_("A decision is adopted or rejected."))
    decision.status = DecisionStatus.DECIDED
    decision.outcome = outcome
    decision.decided_on = decided_on or timezone.localdate()
    decision.recorded_by = actor
    if explanation is not None:
        decision.explanation = explanation
    decision.full_clean()
    decision.save()
    audit_record(
        actor=actor,
        action="decision.decided",
        obj=decision,
        request=request,
        details={"outcome": outcome, "kerngroep": decision.kerngroep_outcome},
    )
    label = _subject_label(decision)
    handler = _HANDLERS.get(label) if label else None
    if handler is not None:
        handler(decision, actor=actor)
    return decision


# --- The Kerngroep's votes ---------------------------------------------------------------


@dataclass(frozen=True)
class CastVote:
    """One vote for a seat, by its regular representative or by its deputy."""

    constituency: str
    voter: User
    vote: str
    as_deputy: bool = False


def _seat_field(constituency: str, as_deputy: bool) -> str:
    # The name the secretariat's votes form gives this voter's field, so that a wrong
    # voter is shown beside it.
    return f"{constituency}_{'deputy' if as_deputy else 'regular'}_voter"


def _lock_open(decision: Decision) -> Decision:
    # Only the decision's own row is locked: PostgreSQL cannot lock the nullable side
    # of the outer join to the agenda item.
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("agenda_item__meeting")
        .get(pk=decision.pk)
    )
    if decision.status == DecisionStatus.ESCALATED:
        raise ValidationError(
            _(
                "The Kerngroep has voted on this decision: it is with the Sector Module "
                "Assembly now."
            )
        )
    if decision.status == DecisionStatus.DECIDED:
        raise ValidationError(_("This decision has already been taken."))
    return decision


def _chairs_on(day: dt.date, people: Iterable[User]) -> set[int]:
    ids = [person.pk for person in people]
    return set(
        ChairTerm.objects.filter(person_id__in=ids, starts_on__lte=day)
        .exclude(ends_on__lt=day)
        .values_list("person_id", flat=True)
    )


def _chair_refused(person: User) -> str:
    return _(
        "%(person)s chairs the Kerngroep, and the chair has no vote (art. 51). A "
        "chair cannot sit in a seat: ask the secretariat to correct the seat."
    ) % {"person": person}


@transaction.atomic
def decision_record_votes(
    *,
    decision: Decision,
    votes: Iterable[CastVote],
    actor: User,
    request=None,
) -> Decision:
    """Record the votes as cast in a meeting, in place of what was recorded before:
    for each seat its regular's and/or its deputy's vote and who cast it. Every voter
    holds the seat on the decision's day (or, for a decision whose subject names the
    seat holders, works for the organisation holding it); the chair never votes. When
    one vote is wrong, nothing is recorded."""
    from ..selectors.decisions import decision_day, seat_people

    if not permissions.can_record_decisions(actor):
        raise PermissionDenied
    decision = _lock_open(decision)
    votes = list(votes)
    day = decision_day(decision)
    people = seat_people(decision, day=day)
    chairs = _chairs_on(day, [cast.voter for cast in votes])
    errors: dict[str, list[str]] = {}
    seen: set[tuple[str, bool]] = set()
    voters: set[int] = set()
    for cast in votes:
        field = _seat_field(cast.constituency, cast.as_deputy)
        if cast.constituency not in SEATS:
            errors.setdefault("__all__", []).append(
                _("“%(seat)s” is not a Kerngroep seat.") % {"seat": cast.constituency}
            )
            continue
        seat = people[cast.constituency]
        if cast.vote not in Vote.values:
            errors.setdefault(field, []).append(_("A vote is for, against or abstain."))
        if (cast.constituency, cast.as_deputy) in seen:
            errors.setdefault(field, []).append(
                _("The %(seat)s seat has one regular and one deputy vote.")
                % {"seat": seat.label}
            )
        seen.add((cast.constituency, cast.as_deputy))
        if cast.voter.pk in chairs:
            errors.setdefault(field, []).append(_chair_refused(cast.voter))
        elif cast.voter.pk in voters:
            errors.setdefault(field, []).append(
                _("%(person)s can vote for one seat only.") % {"person": cast.voter}
            )
        elif seat.organisation is None:
            errors.setdefault(field, []).append(
                _("The %(seat)s seat has no holder on %(day)s.")
                % {"seat": seat.label, "day": formats.date_format(day)}
            )
        elif not seat.may_vote(cast.voter, as_deputy=cast.as_deputy):
            if seat.replacement:
                message = _(
                    "%(person)s does not work for %(organisation)s, which holds the "
                    "%(seat)s seat for this decision."
                )
            elif cast.as_deputy:
                message = _(
                    "%(person)s is not the deputy representative of the %(seat)s seat "
                    "(%(organisation)s) on %(day)s."
                )
            else:
                message = _(
                    "%(person)s is not the regular representative of the %(seat)s "
                    "seat (%(organisation)s) on %(day)s."
                )
            errors.setdefault(field, []).append(
                message
                % {
                    "person": cast.voter,
                    "seat": seat.label,
                    "organisation": seat.organisation,
                    "day": formats.date_format(day),
                }
            )
        voters.add(cast.voter.pk)
    if errors:
        raise ValidationError(errors)
    decision.votes.all().delete()
    now = timezone.now()
    for cast in votes:
        row = DecisionVote(
            decision=decision,
            constituency=cast.constituency,
            organisation=people[cast.constituency].organisation,
            voter=cast.voter,
            as_deputy=cast.as_deputy,
            vote=cast.vote,
            recorded_by=actor,
            recorded_at=now,
        )
        row.full_clean()
        row.save()
    audit_record(
        actor=actor,
        action="decision.votes_recorded",
        obj=decision,
        request=request,
        details={
            "votes": [
                {
                    "seat": cast.constituency,
                    "deputy": cast.as_deputy,
                    "voter": cast.voter.pk,
                    "vote": cast.vote,
                }
                for cast in votes
            ]
        },
    )
    return decision


@transaction.atomic
def decision_vote_cast(
    *, decision: Decision, vote: str, actor: User, request=None
) -> DecisionVote:
    """A Kerngroep member casts their own seat's vote online, as its regular or its
    deputy representative; they may change it until the decision is closed."""
    from ..selectors.decisions import decision_day, seat_people

    decision = _lock_open(decision)
    day = decision_day(decision)
    if _chairs_on(day, [actor]):
        raise PermissionDenied(_chair_refused(actor))
    seat, as_deputy = None, False
    for people in seat_people(decision, day=day).values():
        if people.replacement:
            if people.may_vote(actor, as_deputy=False):
                seat = people
                break
            continue
        for deputy in (False, True):
            if people.may_vote(actor, as_deputy=deputy):
                seat, as_deputy = people, deputy
                break
        if seat is not None:
            break
    if seat is None:
        raise PermissionDenied(_("You do not hold a Kerngroep seat for this decision."))
    if vote not in Vote.values:
        raise ValidationError({"vote": _("Choose for, against or abstain.")})
    row, created = DecisionVote.objects.update_or_create(
        decision=decision,
        constituency=seat.constituency,
        as_deputy=as_deputy,
        defaults={
            "organisation": seat.organisation,
            "voter": actor,
            "vote": vote,
            "recorded_by": actor,
            "recorded_at": timezone.now(),
        },
    )
    audit_record(
        actor=actor,
        action="decision.vote_cast",
        obj=decision,
        request=request,
        details={
            "seat": seat.constituency,
            "deputy": as_deputy,
            "vote": vote,
            "changed": not created,
        },
    )
    return row


def default_assembly_deadline() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=ASSEMBLY_VOTE_DAYS)


@transaction.atomic
def decision_close(
    *,
    decision: Decision,
    actor: User,
    closes_at: dt.datetime | None = None,
    explanation: str | None = None,
    request=None,
) -> Decision:
    """Close the Kerngroep's vote. Consensus or a majority for settles the decision as
    adopted, a majority against as rejected; a tie (no votes included) sends it to the
    Sector Module Assembly, whose online vote opens until `closes_at` (14 days by
    default) and whose parties' admins are told by mail once this is committed."""
    from ..selectors.decisions import seat_records, seat_votes

    if not permissions.can_record_decisions(actor):
        raise PermissionDenied
    decision = _lock_open(decision)
    result = kerngroep_outcome(seat_votes(seat_records(decision)))
    decision.kerngroep_outcome = result
    if explanation is not None:
        decision.explanation = explanation
    if result != ESCALATED:
        decision.full_clean()
        decision.save(update_fields=["kerngroep_outcome", "explanation"])
        audit_record(
            actor=actor,
            action="decision.close",
            obj=decision,
            request=request,
            details={"kerngroep": result},
        )
        return decision_finalise(
            decision=decision,
            outcome=ADOPTED if result in {CONSENSUS, ADOPTED} else REJECTED,
            actor=actor,
            request=request,
        )
    now = timezone.now()
    closes_at = closes_at or default_assembly_deadline()
    if closes_at <= now:
        raise ValidationError(
            {"closes_at": _("The assembly's deadline lies in the future.")}
        )
    decision.status = DecisionStatus.ESCALATED
    decision.full_clean()
    decision.save(update_fields=["kerngroep_outcome", "explanation", "status"])
    assembly = AssemblyVote(
        decision=decision, opens_at=now, closes_at=closes_at, opened_by=actor
    )
    assembly.full_clean()
    assembly.save()
    audit_record(
        actor=actor,
        action="decision.escalated",
        obj=decision,
        request=request,
        details={
            "kerngroep": result,
            "assembly_vote": assembly.pk,
            "closes_at": closes_at.isoformat(),
        },
    )

    def notify() -> None:
        from ..tasks import notify_assembly_vote

        notify_assembly_vote.delay(assembly.pk)

    transaction.on_commit(notify)
    return decision


# --- The Sector Module Assembly ----------------------------------------------------------


def _lock_assembly_vote(assembly_vote: AssemblyVote) -> AssemblyVote:
    return (
        AssemblyVote.objects.select_for_update()
        .select_related("decision")
        .get(pk=assembly_vote.pk)
    )


@transaction.atomic
def assembly_ballot_cast(
    *,
    assembly_vote: AssemblyVote,
    organisation: Organisation,
    vote: str,
    actor: User,
    request=None,
) -> AssemblyBallot:
    """The admin of an active party organisation casts its one vote before the
    deadline. A second vote, or a vote after the deadline, is refused and changes
    nothing."""
    if (
        not permissions.can_cast_assembly_ballot(actor)
        or actor.organisation_id != organisation.pk
    ):
        raise PermissionDenied(
            _(
                "Only the administrator of an active party organisation votes for it "
                "in the Sector Module Assembly."
            )
        )
    assembly_vote = _lock_assembly_vote(assembly_vote)
    if vote not in Vote.values:
        raise ValidationError({"vote": _("Choose for, against or abstain.")})
    if (
        assembly_vote.status != AssemblyVoteStatus.OPEN
        or timezone.now() >= assembly_vote.closes_at
    ):
        raise ValidationError(
            _("The vote closed on %(deadline)s; no more votes are accepted.")
            % {
                "deadline": formats.date_format(
                    timezone.localtime(assembly_vote.closes_at), "DATETIME_FORMAT"
                )
            }
        )
    earlier = assembly_vote.ballots.filter(organisation=organisation).first()
    if earlier is not None:
        raise ValidationError(
            _("%(organisation)s has already voted (%(vote)s); each party votes once.")
            % {"organisation": organisation, "vote": earlier.get_vote_display()}
        )
    ballot = AssemblyBallot(
        assembly_vote=assembly_vote,
        organisation=organisation,
        vote=vote,
        cast_by=actor,
        cast_at=timezone.now(),
    )
    ballot.full_clean()
    ballot.save()
    audit_record(
        actor=actor,
        action="assembly.ballot",
        obj=assembly_vote,
        organisation=organisation,
        request=request,
        details={"decision": assembly_vote.decision_id, "vote": vote},
    )
    return ballot


@transaction.atomic
def assembly_vote_close(
    *,
    assembly_vote: AssemblyVote,
    actor: User,
    request=None,
    scheduled: bool = False,
) -> Decision:
    """Count the assembly's ballots and settle the decision: adopted when more parties
    voted for than against, otherwise rejected. Before the deadline only when every
    party has voted. `scheduled` is the hourly close after the deadline, which acts in
    the name of the person who opened the vote."""
    from ..selectors.decisions import assembly_parties

    if not scheduled and not permissions.can_record_decisions(actor):
        raise PermissionDenied
    assembly_vote = _lock_assembly_vote(assembly_vote)
    if assembly_vote.status == AssemblyVoteStatus.CLOSED:
        raise ValidationError(_("This vote has already been closed."))
    ballots = list(assembly_vote.ballots.all())
    voted = {ballot.organisation_id for ballot in ballots}
    parties = set(assembly_parties().values_list("pk", flat=True))
    now = timezone.now()
    if now < assembly_vote.closes_at and not parties <= voted:
        raise ValidationError(
            _(
                "The vote is open until %(deadline)s. It can close earlier only when "
                "every party has voted: %(voted)d of %(parties)d have."
            )
            % {
                "deadline": formats.date_format(
                    timezone.localtime(assembly_vote.closes_at), "DATETIME_FORMAT"
                ),
                "voted": len(voted & parties),
                "parties": len(parties),
            }
        )
    outcome = assembly_outcome(
        {ballot.organisation_id: ballot.vote for ballot in ballots}
    )
    assembly_vote.status = AssemblyVoteStatus.CLOSED
    assembly_vote.closed_at = now
    assembly_vote.full_clean()
    assembly_vote.save(update_fields=["status", "closed_at"])
    audit_record(
        actor=actor,
        action="assembly.close",
        obj=assembly_vote,
        request=request,
        details={
            "decision": assembly_vote.decision_id,
            "outcome": outcome,
            "for": sum(1 for b in ballots if b.vote == Vote.FOR),
            "against": sum(1 for b in ballots if b.vote == Vote.AGAINST),
            "abstain": sum(1 for b in ballots if b.vote == Vote.ABSTAIN),
            "scheduled": scheduled,
        },
    )
    return decision_finalise(
        decision=assembly_vote.decision, outcome=outcome, actor=actor, request=request
    )


def assembly_votes_close_due(*, now: dt.datetime | None = None) -> int:
    """Close every open assembly vote whose deadline has passed; returns how many were
    closed. Running it again closes nothing twice. A vote whose subject refuses the
    outcome stays open, is logged, and does not stop the others."""
    now = now or timezone.now()
    due = list(
        AssemblyVote.objects.filter(
            status=AssemblyVoteStatus.OPEN, closes_at__lte=now
        ).values_list("pk", flat=True)
    )
    closed = 0
    for pk in due:
        assembly_vote = (
            AssemblyVote.objects.filter(pk=pk, status=AssemblyVoteStatus.OPEN)
            .select_related("opened_by")
            .first()
        )
        if assembly_vote is None:
            continue
        try:
            assembly_vote_close(
                assembly_vote=assembly_vote,
                actor=assembly_vote.opened_by,
                scheduled=True,
            )
        except (ValidationError, PermissionDenied):
            logger.exception("assembly vote %s could not be closed", pk)
            continue
        closed += 1
    return closed


def assembly_vote_link(assembly_vote: AssemblyVote) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "governance:assembly_vote", kwargs={"pk": assembly_vote.decision_id}
    )


@transaction.atomic
def assembly_vote_notify(*, assembly_vote_id: int) -> int:
    """Tell the admins of every active party organisation, one mail each, that the
    assembly votes and until when. Sent once: a second call sends nothing. Returns the
    number of mails sent."""
    from ..selectors.decisions import assembly_parties

    assembly_vote = (
        AssemblyVote.objects.select_for_update()
        .select_related("decision")
        .filter(pk=assembly_vote_id)
        .first()
    )
    if (
        assembly_vote is None
        or assembly_vote.notified_at is not None
        or assembly_vote.status != AssemblyVoteStatus.OPEN
    ):
        return 0
    recipients = list(
        User.objects.filter(
            is_active=True,
            organisation_role=OrganisationRole.ADMIN,
            organisation__in=assembly_parties(),
        )
        .order_by("email")
        .values_list("email", flat=True)
    )
    context = {
        "assembly_vote": assembly_vote,
        "decision": assembly_vote.decision,
        "link": assembly_vote_link(assembly_vote),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(
            render_to_string(
                "governance/decisions/email/assembly_vote_subject.txt", context
            ).split()
        )
        body = render_to_string(
            "governance/decisions/email/assembly_vote_body.txt", context
        )
    send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [email]) for email in recipients]
    )
    assembly_vote.notified_at = timezone.now()
    assembly_vote.save(update_fields=["notified_at"])
    return len(recipients)
