"""Taking a Kerngroep decision: recording votes per seat, casting a seat's vote online,
closing the vote, and the Sector Module Assembly's online vote when the seats tie."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from convenant.models import AuditEntry
from governance.models import (
    AssemblyBallot,
    AssemblyVote,
    Decision,
    DecisionStatus,
    DecisionVote,
    OrganisationStatus,
    Participation,
)
from governance.services import decisions as services
from governance.services.decisions import CastVote
from governance.tasks import close_assembly_votes, notify_assembly_vote
from tests.governance.factories import (
    ChairTermFactory,
    DecisionFactory,
    OrganisationFactory,
    UserFactory,
    kerngroep,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seats():
    return kerngroep()


@pytest.fixture
def decision(secretariat_user):
    return DecisionFactory(created_by=secretariat_user)


def regulars(seats, **votes) -> list[CastVote]:
    return [
        CastVote(constituency=seat, voter=seats[seat].regular_representative, vote=vote)
        for seat, vote in votes.items()
    ]


def record(decision, seats, secretariat_user, **votes):
    return services.decision_record_votes(
        decision=decision, votes=regulars(seats, **votes), actor=secretariat_user
    )


def snapshot():
    return (
        list(Decision.objects.order_by("pk").values()),
        list(DecisionVote.objects.order_by("pk").values()),
        list(AssemblyVote.objects.order_by("pk").values()),
        list(AssemblyBallot.objects.order_by("pk").values()),
    )


# --- The Kerngroep -------------------------------------------------------------------


def test_consensus_is_adopted(decision, seats, secretariat_user):
    record(
        decision,
        seats,
        secretariat_user,
        unions="for",
        ngos="for",
        branch="for",
        companies="for",
    )
    decision = services.decision_close(decision=decision, actor=secretariat_user)
    assert decision.status == DecisionStatus.DECIDED
    assert decision.kerngroep_outcome == "consensus"
    assert decision.outcome == "adopted"
    assert decision.decided_on == timezone.localdate()
    assert not AssemblyVote.objects.exists()


def test_three_for_one_against_is_adopted(decision, seats, secretariat_user):
    record(
        decision,
        seats,
        secretariat_user,
        unions="for",
        ngos="against",
        branch="for",
        companies="for",
    )
    decision = services.decision_close(
        decision=decision, actor=secretariat_user, explanation="Met ruime meerderheid."
    )
    assert (decision.kerngroep_outcome, decision.outcome) == ("adopted", "adopted")
    assert decision.explanation == "Met ruime meerderheid."


def test_majority_against_is_rejected(decision, seats, secretariat_user):
    record(decision, seats, secretariat_user, unions="against", ngos="against")
    decision = services.decision_close(decision=decision, actor=secretariat_user)
    assert (decision.kerngroep_outcome, decision.outcome) == ("rejected", "rejected")


def test_abstentions_do_not_count_for_or_against(decision, seats, secretariat_user):
    record(
        decision,
        seats,
        secretariat_user,
        unions="abstain",
        ngos="abstain",
        branch="abstain",
        companies="for",
    )
    decision = services.decision_close(decision=decision, actor=secretariat_user)
    assert decision.outcome == "adopted"


def test_deputy_votes_when_the_regular_does_not(decision, seats, secretariat_user):
    votes = regulars(seats, unions="for", ngos="against", companies="against")
    votes.append(
        CastVote(
            constituency="branch",
            voter=seats["branch"].deputy_representative,
            vote="against",
            as_deputy=True,
        )
    )
    services.decision_record_votes(
        decision=decision, votes=votes, actor=secretariat_user
    )
    row = DecisionVote.objects.get(decision=decision, constituency="branch")
    assert row.as_deputy is True
    assert row.voter == seats["branch"].deputy_representative
    assert row.organisation == seats["branch"].organisation
    decision = services.decision_close(decision=decision, actor=secretariat_user)
    assert decision.outcome == "rejected"


def test_the_regulars_vote_counts_over_the_deputys(decision, seats, secretariat_user):
    votes = regulars(seats, unions="for", ngos="against", branch="for")
    votes.append(
        CastVote(
            constituency="branch",
            voter=seats["branch"].deputy_representative,
            vote="against",
            as_deputy=True,
        )
    )
    services.decision_record_votes(
        decision=decision, votes=votes, actor=secretariat_user
    )
    decision = services.decision_close(decision=decision, actor=secretariat_user)
    assert decision.outcome == "adopted"


def test_a_tie_goes_to_the_assembly(decision, seats, secretariat_user):
    record(
        decision,
        seats,
        secretariat_user,
        unions="for",
        ngos="against",
        branch="for",
        companies="against",
    )
    decision = services.decision_close(decision=decision, actor=secretariat_user)
    assert decision.status == DecisionStatus.ESCALATED
    assert decision.kerngroep_outcome == "escalated"
    assert decision.outcome == ""
    vote = AssemblyVote.objects.get(decision=decision)
    expected = timezone.now() + dt.timedelta(days=14)
    assert abs((vote.closes_at - expected).total_seconds()) < 60
    assert vote.opened_by == secretariat_user


def test_no_votes_at_all_is_a_tie(decision, seats, secretariat_user):
    decision = services.decision_close(decision=decision, actor=secretariat_user)
    assert decision.status == DecisionStatus.ESCALATED


def test_the_secretariat_sets_another_deadline(decision, seats, secretariat_user):
    deadline = timezone.now() + dt.timedelta(days=30)
    services.decision_close(
        decision=decision, actor=secretariat_user, closes_at=deadline
    )
    assert AssemblyVote.objects.get(decision=decision).closes_at == deadline


def test_a_deadline_in_the_past_is_refused(decision, seats, secretariat_user):
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.decision_close(
            decision=decision,
            actor=secretariat_user,
            closes_at=timezone.now() - dt.timedelta(hours=1),
        )
    assert "closes_at" in error.value.error_dict
    assert snapshot() == before


def test_the_chair_is_refused(decision, seats, secretariat_user):
    chair = ChairTermFactory().person
    # A chair who also sits in a seat cannot happen; if the data says so, the vote is
    # refused all the same.
    seats["branch"].deputy_representative = chair
    seats["branch"].save()
    record(decision, seats, secretariat_user, unions="for")
    before = snapshot()
    votes = regulars(seats, ngos="for")
    votes.append(CastVote("branch", chair, "for", as_deputy=True))
    with pytest.raises(ValidationError) as error:
        services.decision_record_votes(
            decision=decision, votes=votes, actor=secretariat_user
        )
    assert "branch_deputy_voter" in error.value.error_dict
    assert "the chair has no vote" in str(error.value)
    assert snapshot() == before


def test_a_person_not_on_the_seat_is_refused(decision, seats, secretariat_user):
    stranger = UserFactory(organisation=seats["unions"].organisation)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.decision_record_votes(
            decision=decision,
            votes=[CastVote("unions", stranger, "for")],
            actor=secretariat_user,
        )
    message = error.value.error_dict["unions_regular_voter"][0].messages[0]
    assert message.startswith(
        f"{stranger} is not the regular representative of the Trade unions seat "
        f"({seats['unions'].organisation}) on "
    )
    assert snapshot() == before


def test_the_deputy_cannot_vote_as_regular(decision, seats, secretariat_user):
    with pytest.raises(ValidationError):
        services.decision_record_votes(
            decision=decision,
            votes=[CastVote("ngos", seats["ngos"].deputy_representative, "for")],
            actor=secretariat_user,
        )
    assert not DecisionVote.objects.exists()


def test_only_the_secretariat_records(decision, seats):
    member = seats["ngos"].regular_representative
    with pytest.raises(PermissionDenied):
        services.decision_record_votes(
            decision=decision, votes=regulars(seats, ngos="for"), actor=member
        )
    with pytest.raises(PermissionDenied):
        services.decision_close(decision=decision, actor=member)
    assert not DecisionVote.objects.exists()


def test_recording_again_replaces_the_votes(decision, seats, secretariat_user):
    record(decision, seats, secretariat_user, unions="for", ngos="for")
    record(decision, seats, secretariat_user, unions="against")
    assert list(DecisionVote.objects.values_list("constituency", "vote")) == [
        ("unions", "against")
    ]
    assert AuditEntry.objects.filter(action="decision.votes_recorded").count() == 2


def test_a_seat_of_a_complaint_panel(decision, seats, secretariat_user, monkeypatch):
    replacement = OrganisationFactory(ngo=True, name="Vervangende NGO")
    person = UserFactory(organisation=replacement)
    holders = {seat: s.organisation_id for seat, s in seats.items()}
    holders["ngos"] = replacement.pk
    monkeypatch.setattr(services, "seat_holders", lambda _decision: holders)
    with pytest.raises(ValidationError):
        services.decision_record_votes(
            decision=decision,
            votes=[CastVote("ngos", seats["ngos"].regular_representative, "for")],
            actor=secretariat_user,
        )
    services.decision_record_votes(
        decision=decision,
        votes=[CastVote("ngos", person, "for")],
        actor=secretariat_user,
    )
    assert DecisionVote.objects.get().organisation == replacement


def test_votes_on_a_closed_decision_are_refused(decision, seats, secretariat_user):
    record(decision, seats, secretariat_user, unions="for")
    services.decision_close(decision=decision, actor=secretariat_user)
    before = snapshot()
    with pytest.raises(ValidationError):
        record(decision, seats, secretariat_user, unions="against")
    with pytest.raises(ValidationError):
        services.decision_close(decision=decision, actor=secretariat_user)
    assert snapshot() == before


# --- Online, between meetings -------------------------------------------------------


def test_a_member_casts_and_changes_their_seats_vote(decision, seats):
    member = seats["unions"].regular_representative
    services.decision_vote_cast(decision=decision, vote="against", actor=member)
    services.decision_vote_cast(decision=decision, vote="for", actor=member)
    row = DecisionVote.objects.get()
    assert (row.constituency, row.as_deputy, row.vote, row.voter) == (
        "unions",
        False,
        "for",
        member,
    )


def test_a_deputy_casts_as_deputy(decision, seats):
    deputy = seats["companies"].deputy_representative
    services.decision_vote_cast(decision=decision, vote="for", actor=deputy)
    assert DecisionVote.objects.get().as_deputy is True


def test_someone_without_a_seat_cannot_cast(decision, seats):
    with pytest.raises(PermissionDenied):
        services.decision_vote_cast(decision=decision, vote="for", actor=UserFactory())
    assert not DecisionVote.objects.exists()


def test_the_chair_cannot_cast(decision, seats):
    chair = ChairTermFactory().person
    with pytest.raises(PermissionDenied):
        services.decision_vote_cast(decision=decision, vote="for", actor=chair)
    assert not DecisionVote.objects.exists()


# --- The Sector Module Assembly ------------------------------------------------------


@pytest.fixture
def parties(seats):
    """The assembly: the four seat holders and three more party organisations, each
    with an admin; a supporter, who is not in it."""
    organisations = [seat.organisation for seat in seats.values()]
    organisations += [OrganisationFactory() for _ in range(3)]
    OrganisationFactory(
        participation=Participation.SUPPORTER, in_metal_supply_chain=False
    )
    return [
        UserFactory(organisation=organisation, organisation_role="admin")
        for organisation in organisations
    ]


@pytest.fixture
def assembly(
    decision, seats, parties, secretariat_user, django_capture_on_commit_callbacks
):
    record(
        decision,
        seats,
        secretariat_user,
        unions="for",
        ngos="against",
        branch="for",
        companies="against",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_close(decision=decision, actor=secretariat_user)
    return AssemblyVote.objects.get(decision=decision)


def deadline_passes(assembly):
    """Moves the vote back in time so that its deadline passed a minute ago."""
    shift = assembly.closes_at - timezone.now() + dt.timedelta(minutes=1)
    AssemblyVote.objects.filter(pk=assembly.pk).update(
        opens_at=assembly.opens_at - shift, closes_at=assembly.closes_at - shift
    )


def cast(assembly, admin, vote):
    return services.assembly_ballot_cast(
        assembly_vote=assembly, organisation=admin.organisation, vote=vote, actor=admin
    )


def test_the_parties_admins_are_told_once(assembly, parties):
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted(admin.email for admin in parties)
    assert "Sector Module Assembly" in mail.outbox[0].subject
    assert f"/decisions/{assembly.decision_id}/assembly/" in mail.outbox[0].body
    assert notify_assembly_vote.delay(assembly.pk).get() == 0
    assert len(mail.outbox) == len(parties)


def test_adopted_when_more_parties_vote_for(assembly, parties, secretariat_user):
    cast(assembly, parties[0], "for")
    cast(assembly, parties[1], "for")
    cast(assembly, parties[2], "against")
    deadline_passes(assembly)
    decision = services.assembly_vote_close(
        assembly_vote=assembly, actor=secretariat_user
    )
    assert (decision.status, decision.outcome) == ("decided", "adopted")
    assert decision.kerngroep_outcome == "escalated"
    assembly.refresh_from_db()
    assert assembly.status == "closed"


def test_a_tie_in_the_assembly_is_rejected(assembly, parties, secretariat_user):
    cast(assembly, parties[0], "for")
    cast(assembly, parties[1], "against")
    deadline_passes(assembly)
    decision = services.assembly_vote_close(
        assembly_vote=assembly, actor=secretariat_user
    )
    assert decision.outcome == "rejected"


def test_a_second_ballot_is_refused(assembly, parties):
    cast(assembly, parties[0], "for")
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        cast(assembly, parties[0], "against")
    assert "has already voted (For)" in str(error.value)
    assert snapshot() == before


def test_a_colleague_cannot_vote_again(assembly, parties):
    cast(assembly, parties[0], "for")
    colleague = UserFactory(
        organisation=parties[0].organisation, organisation_role="admin"
    )
    before = snapshot()
    with pytest.raises(ValidationError):
        cast(assembly, colleague, "against")
    assert snapshot() == before


def test_a_late_ballot_is_refused(assembly, parties):
    deadline_passes(assembly)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        cast(assembly, parties[0], "for")
    assert "no more votes are accepted" in str(error.value)
    assert snapshot() == before


@pytest.mark.parametrize(
    "who",
    ["member", "supporter", "secretariat", "government", "inactive_party", "other"],
)
def test_only_an_active_partys_admin_votes(assembly, parties, secretariat_user, who):
    if who == "member":
        actor = UserFactory(organisation=parties[0].organisation)
        organisation = actor.organisation
    elif who == "supporter":
        organisation = OrganisationFactory(
            participation=Participation.SUPPORTER, in_metal_supply_chain=False
        )
        actor = UserFactory(organisation=organisation, organisation_role="admin")
    elif who == "secretariat":
        actor, organisation = secretariat_user, secretariat_user.organisation
    elif who == "government":
        organisation = OrganisationFactory(government=True)
        actor = UserFactory(organisation=organisation, organisation_role="admin")
    elif who == "inactive_party":
        organisation = OrganisationFactory(status=OrganisationStatus.WITHDRAWN)
        actor = UserFactory(organisation=organisation, organisation_role="admin")
    else:
        actor, organisation = parties[0], parties[1].organisation
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.assembly_ballot_cast(
            assembly_vote=assembly, organisation=organisation, vote="for", actor=actor
        )
    assert snapshot() == before


def test_closing_before_the_deadline_is_refused(assembly, parties, secretariat_user):
    cast(assembly, parties[0], "for")
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.assembly_vote_close(assembly_vote=assembly, actor=secretariat_user)
    assert "1 of 7 have" in str(error.value)
    assert snapshot() == before


def test_closing_early_when_every_party_voted(assembly, parties, secretariat_user):
    for admin in parties[:4]:
        cast(assembly, admin, "against")
    for admin in parties[4:]:
        cast(assembly, admin, "for")
    decision = services.assembly_vote_close(
        assembly_vote=assembly, actor=secretariat_user
    )
    assert decision.outcome == "rejected"


def test_only_the_secretariat_closes(assembly, parties):
    deadline_passes(assembly)
    with pytest.raises(PermissionDenied):
        services.assembly_vote_close(assembly_vote=assembly, actor=parties[0])
    assert AssemblyVote.objects.get().status == "open"


def test_the_hourly_task_closes_what_is_due_once(assembly, parties, secretariat_user):
    cast(assembly, parties[0], "for")
    still_open = DecisionFactory(created_by=secretariat_user)
    services.decision_close(decision=still_open, actor=secretariat_user)
    assert close_assembly_votes.delay().get() == 0
    deadline_passes(assembly)
    assert close_assembly_votes.delay().get() == 1
    assert close_assembly_votes.delay().get() == 0
    decision = Decision.objects.get(pk=assembly.decision_id)
    assert (decision.status, decision.outcome) == ("decided", "adopted")
    assert decision.recorded_by == secretariat_user
    assert AuditEntry.objects.filter(action="decision.decided").count() == 1
    assert Decision.objects.get(pk=still_open.pk).status == "escalated"


def test_a_subject_that_refuses_keeps_the_vote_open(
    assembly, parties, secretariat_user, monkeypatch
):
    def refuse(decision, *, actor):
        raise ValidationError("Het onderwerp is al afgehandeld.")

    monkeypatch.setattr(services, "_subject_label", lambda decision: "x.y")
    monkeypatch.setitem(services._HANDLERS, "x.y", refuse)
    deadline_passes(assembly)
    assert services.assembly_votes_close_due() == 0
    assert AssemblyVote.objects.get().status == "open"
    assert Decision.objects.get().status == "escalated"


def test_a_panel_member_casts_online(decision, seats, monkeypatch):
    replacement = OrganisationFactory(union=True, name="Vervangende Bond")
    person = UserFactory(organisation=replacement)
    holders = {seat: s.organisation_id for seat, s in seats.items()}
    holders["unions"] = replacement.pk
    monkeypatch.setattr(services, "seat_holders", lambda _decision: holders)
    with pytest.raises(PermissionDenied):
        services.decision_vote_cast(
            decision=decision,
            vote="for",
            actor=seats["unions"].regular_representative,
        )
    services.decision_vote_cast(decision=decision, vote="against", actor=person)
    row = DecisionVote.objects.get()
    assert (row.constituency, row.organisation, row.vote) == (
        "unions",
        replacement,
        "against",
    )


def test_no_online_vote_once_the_assembly_votes(decision, seats, secretariat_user):
    services.decision_close(decision=decision, actor=secretariat_user)
    with pytest.raises(ValidationError) as error:
        services.decision_vote_cast(
            decision=decision,
            vote="for",
            actor=seats["unions"].regular_representative,
        )
    assert "with the Sector Module Assembly now" in str(error.value)
    assert not DecisionVote.objects.exists()
