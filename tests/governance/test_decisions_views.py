"""The decisions pages: what each person sees, the secretariat's forms, a seat's vote and
a party's ballot; and the selectors' query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from convenant.models import AgreementYear
from governance.models import (
    AgendaItem,
    AssemblyBallot,
    AssemblyVote,
    Decision,
    DecisionVote,
    Meeting,
)
from governance.selectors import decisions as selectors
from governance.services import decisions as services
from governance.services.decisions import CastVote
from tests.governance.factories import (
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
def item(secretariat_user):
    meeting = Meeting.objects.create(
        agreement_year=AgreementYear.objects.get(
            agreement__code="metaal-2025-2029", number=1
        ),
        starts_at=timezone.now() - dt.timedelta(hours=2),
        created_by=secretariat_user,
    )
    return AgendaItem.objects.create(
        meeting=meeting, position=3, title="Drempel geaggregeerde lijst"
    )


def tie(decision, seats, actor):
    services.decision_record_votes(
        decision=decision,
        votes=[
            CastVote("unions", seats["unions"].regular_representative, "for"),
            CastVote("ngos", seats["ngos"].regular_representative, "against"),
            CastVote("branch", seats["branch"].deputy_representative, "for", True),
            CastVote("companies", seats["companies"].regular_representative, "against"),
        ],
        actor=actor,
    )
    return services.decision_close(decision=decision, actor=actor)


def test_the_secretariat_opens_a_decision_on_an_agenda_item(secretariat_client, item):
    url = reverse("governance:decision_create")
    page = secretariat_client.get(url, {"item": item.pk})
    assert page.status_code == 200
    assert f'<option value="{item.pk}" selected>' in page.content.decode()
    response = secretariat_client.post(
        url,
        {
            "title": "Vaststellen drempel k = 3",
            "proposal": "De drempel wordt 3 bedrijven per cel.",
            "agenda_item": item.pk,
        },
    )
    decision = Decision.objects.get()
    assert response.url == reverse("governance:decision_detail", args=[decision.pk])
    assert decision.agenda_item == item
    assert decision.status == "open"


def test_a_decision_without_a_title_is_refused(secretariat_client):
    response = secretariat_client.post(
        reverse("governance:decision_create"),
        {"title": "", "proposal": "Mijn zorgvuldig getypte voorstel."},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Title: This field is required." in body
    assert "Mijn zorgvuldig getypte voorstel." in body
    assert not Decision.objects.exists()


def test_the_votes_form_names_the_representatives(
    secretariat_client, secretariat_user, seats
):
    decision = DecisionFactory(created_by=secretariat_user)
    page = secretariat_client.get(
        reverse("governance:decision_votes", args=[decision.pk])
    )
    assert page.status_code == 200
    form = page.context["form"]
    for constituency, seat in seats.items():
        assert form[f"{constituency}_regular_voter"].initial == (
            seat.regular_representative.pk
        )
        assert form[f"{constituency}_deputy_voter"].initial == (
            seat.deputy_representative.pk
        )
    assert "<legend" in page.content.decode()


def test_consensus_through_the_pages(secretariat_client, secretariat_user, seats):
    decision = DecisionFactory(created_by=secretariat_user)
    data = {"consensus": "on"}
    for constituency, seat in seats.items():
        data[f"{constituency}_regular_voter"] = seat.regular_representative.pk
    response = secretariat_client.post(
        reverse("governance:decision_votes", args=[decision.pk]), data
    )
    assert response.url == reverse("governance:decision_close", args=[decision.pk])
    assert DecisionVote.objects.filter(vote="for", as_deputy=False).count() == 4
    close = secretariat_client.get(response.url)
    assert "Consensus" in close.content.decode()
    response = secretariat_client.post(
        reverse("governance:decision_close", args=[decision.pk]),
        {"explanation": "Unaniem aangenomen."},
    )
    decision.refresh_from_db()
    assert (decision.kerngroep_outcome, decision.outcome) == ("consensus", "adopted")
    assert decision.explanation == "Unaniem aangenomen."


def test_a_wrong_voter_is_shown_beside_the_seat(
    secretariat_client, secretariat_user, seats
):
    decision = DecisionFactory(created_by=secretariat_user)
    response = secretariat_client.post(
        reverse("governance:decision_votes", args=[decision.pk]),
        {
            # The deputy named as the regular representative.
            "ngos_regular_voter": seats["ngos"].deputy_representative.pk,
            "ngos_regular_vote": "for",
            "unions_regular_voter": seats["unions"].regular_representative.pk,
            "unions_regular_vote": "against",
        },
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert (
        "is not the regular representative of the NGOs seat"
        in (errors["ngos_regular_voter"][0])
    )
    # What was typed stays.
    assert response.context["form"]["unions_regular_vote"].value() == "against"
    assert not DecisionVote.objects.exists()


def test_a_vote_without_a_voter_is_refused(secretariat_client, secretariat_user, seats):
    decision = DecisionFactory(created_by=secretariat_user)
    response = secretariat_client.post(
        reverse("governance:decision_votes", args=[decision.pk]),
        {"branch_deputy_voter": "", "branch_deputy_vote": "for"},
    )
    assert response.status_code == 422
    assert "Name who cast this vote" in response.content.decode()
    assert not DecisionVote.objects.exists()


def test_a_tie_opens_the_assembly_with_the_chosen_deadline(
    secretariat_client, secretariat_user, seats
):
    decision = DecisionFactory(created_by=secretariat_user)
    day = timezone.localdate() + dt.timedelta(days=21)
    response = secretariat_client.post(
        reverse("governance:decision_close", args=[decision.pk]),
        {"closes_on": day.isoformat(), "explanation": ""},
    )
    assert response.status_code == 302
    vote = AssemblyVote.objects.get()
    assert timezone.localtime(vote.closes_at).date() == day


def test_a_deadline_in_the_past_is_refused(secretariat_client, secretariat_user):
    decision = DecisionFactory(created_by=secretariat_user)
    response = secretariat_client.post(
        reverse("governance:decision_close", args=[decision.pk]),
        {"closes_on": "2020-01-01", "explanation": "Toelichting"},
    )
    assert response.status_code == 422
    assert "Choose today or a day after today." in response.content.decode()
    assert "Toelichting" in response.content.decode()
    assert Decision.objects.get().status == "open"


def test_a_member_votes_online(client, secretariat_user, seats):
    decision = DecisionFactory(created_by=secretariat_user)
    deputy = seats["ngos"].deputy_representative
    client.force_login(deputy)
    page = client.get(reverse("governance:decision_vote", args=[decision.pk]))
    assert "deputy representative" in page.content.decode()
    response = client.post(
        reverse("governance:decision_vote", args=[decision.pk]), {"vote": "abstain"}
    )
    assert response.status_code == 302
    vote = DecisionVote.objects.get()
    assert (vote.constituency, vote.as_deputy, vote.vote) == ("ngos", True, "abstain")


def test_a_member_without_a_vote_gets_an_answer(client, secretariat_user, seats):
    decision = DecisionFactory(created_by=secretariat_user)
    client.force_login(seats["ngos"].regular_representative)
    response = client.post(
        reverse("governance:decision_vote", args=[decision.pk]), {"vote": "maybe"}
    )
    assert response.status_code == 422
    assert not DecisionVote.objects.exists()


def party_admin(**kwargs):
    return UserFactory(
        organisation=OrganisationFactory(**kwargs), organisation_role="admin"
    )


def test_a_party_votes_once_in_the_assembly(client, secretariat_user, seats):
    decision = tie(
        DecisionFactory(created_by=secretariat_user), seats, secretariat_user
    )
    admin = party_admin()
    client.force_login(admin)
    url = reverse("governance:assembly_vote", args=[decision.pk])
    page = client.get(url)
    assert decision.proposal in page.content.decode()
    assert 'name="vote"' in page.content.decode()
    client.post(url, {"vote": "for"})
    before = list(AssemblyBallot.objects.values())
    response = client.post(url, {"vote": "against"}, follow=True)
    assert "has already voted (For)" in response.content.decode()
    assert list(AssemblyBallot.objects.values()) == before
    assert 'name="vote"' not in response.content.decode()


def test_what_a_party_sees_of_a_decision(client, secretariat_user, seats):
    decision = tie(
        DecisionFactory(created_by=secretariat_user), seats, secretariat_user
    )
    admins = [party_admin(name=f"Stemmer {n} B.V.") for n in range(3)]
    assembly = AssemblyVote.objects.get()
    for admin, vote in zip(admins, ("for", "for", "against"), strict=True):
        services.assembly_ballot_cast(
            assembly_vote=assembly,
            organisation=admin.organisation,
            vote=vote,
            actor=admin,
        )
    AssemblyVote.objects.filter(pk=assembly.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=15),
        closes_at=timezone.now() - dt.timedelta(minutes=1),
    )
    services.assembly_votes_close_due()
    viewer = UserFactory(organisation=OrganisationFactory(union=True))
    client.force_login(viewer)
    listing = client.get(reverse("governance:decision_list")).content.decode()
    assert decision.title in listing
    body = client.get(
        reverse("governance:decision_detail", args=[decision.pk])
    ).content.decode()
    assert "Adopted" in body
    assert 'data-tally="for">2<' in body
    assert 'data-tally="against">1<' in body
    for admin in admins:
        assert admin.organisation.name not in body
    for seat in seats.values():
        assert str(seat.regular_representative) not in body
    assert decision.proposal not in body


def test_what_the_kerngroep_sees(client, secretariat_user, seats):
    decision = tie(
        DecisionFactory(created_by=secretariat_user), seats, secretariat_user
    )
    client.force_login(seats["unions"].regular_representative)
    body = client.get(
        reverse("governance:decision_detail", args=[decision.pk])
    ).content.decode()
    assert decision.proposal in body
    assert str(seats["branch"].deputy_representative) in body
    assert "as deputy" in body
    assert "Tied: to the Sector Module Assembly" in body


def test_an_open_decision_is_hidden_from_parties(client, secretariat_user):
    decision = DecisionFactory(created_by=secretariat_user)
    client.force_login(party_admin())
    listing = client.get(reverse("governance:decision_list")).content.decode()
    assert decision.title not in listing
    assert (
        client.get(
            reverse("governance:decision_detail", args=[decision.pk])
        ).status_code
        == 404
    )


def test_the_item_partial_links_the_decisions(secretariat_user, item):
    from django.template.loader import render_to_string

    decision = DecisionFactory(created_by=secretariat_user, agenda_item=item)
    html = render_to_string(
        "governance/decisions/partials/item_decisions.html",
        {"item": item, "decisions": [decision]},
    )
    assert reverse("governance:decision_detail", args=[decision.pk]) in html


# --- Query counts -----------------------------------------------------------------------


def many(count, secretariat_user, seats, item):
    for n in range(count):
        decision = DecisionFactory(
            created_by=secretariat_user, agenda_item=item if n % 2 else None
        )
        if n % 3 == 0:
            tie(decision, seats, secretariat_user)
        elif n % 3 == 1:
            services.decision_vote_cast(
                decision=decision,
                vote="for",
                actor=seats["unions"].regular_representative,
            )


@pytest.mark.parametrize("count", [4, 16])
def test_the_list_takes_a_fixed_number_of_queries(
    client, secretariat_user, seats, item, count, django_assert_max_num_queries
):
    many(count, secretariat_user, seats, item)
    client.force_login(seats["ngos"].regular_representative)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("governance:decision_list"))
    assert len(response.context["decisions"]) == count


@pytest.mark.parametrize("count", [4, 16])
def test_pending_decisions_take_a_fixed_number_of_queries(
    secretariat_user, seats, item, count, django_assert_max_num_queries
):
    many(count, secretariat_user, seats, item)
    with django_assert_max_num_queries(8):
        pending = selectors.pending_decisions()
        assert len(pending) == count
        for entry in pending:
            assert entry.decision.status in {"open", "escalated"}
            _ = entry.votes_so_far, entry.agenda_item, entry.subject
            if entry.decision.status == "escalated":
                assert entry.tally.voted == 0
                assert entry.votes_so_far == {
                    "unions": "for",
                    "ngos": "against",
                    "branch": "for",
                    "companies": "against",
                }


def test_pending_decisions_before_a_day(secretariat_user):
    old = DecisionFactory(
        created_by=secretariat_user,
        created_at=timezone.now() - dt.timedelta(days=10),
    )
    DecisionFactory(created_by=secretariat_user)
    pending = selectors.pending_decisions(
        before=timezone.localdate() - dt.timedelta(days=1)
    )
    assert [entry.decision for entry in pending] == [old]


def test_decisions_for_items_in_one_query(
    secretariat_user, item, django_assert_num_queries
):
    other = AgendaItem.objects.create(
        meeting=item.meeting, position=4, title="Rondvraag"
    )
    first = DecisionFactory(created_by=secretariat_user, agenda_item=item)
    second = DecisionFactory(created_by=secretariat_user, agenda_item=item)
    with django_assert_num_queries(1):
        found = selectors.decisions_for_items([item, other])
    assert found == {item.pk: [first, second], other.pk: []}


def test_a_member_finds_the_decisions_awaiting_a_vote(client, secretariat_user, seats):
    decision = DecisionFactory(created_by=secretariat_user)
    client.force_login(seats["companies"].regular_representative)
    body = client.get(reverse("governance:decision_list")).content.decode()
    assert reverse("governance:decision_vote", args=[decision.pk]) in body
