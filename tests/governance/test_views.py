"""The organisation pages through the test client: what each person sees and what a
form post does (or, when refused, does not do)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from convenant.models import AgreementYear, AuditEntry
from governance.models import Contribution, Organisation, OrganisationRole, User
from tests.governance.conftest import InvitationFactory
from tests.governance.factories import OrganisationFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_password_hashing"),
]


def client_for(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def row(organisation: Organisation) -> dict:
    return Organisation.objects.values().get(pk=organisation.pk)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def detail_url(organisation: Organisation) -> str:
    return reverse("governance:organisation_detail", kwargs={"pk": organisation.pk})


@pytest.fixture
def secretariat(secretariat_user) -> Client:
    return client_for(secretariat_user)


# --- list -----------------------------------------------------------------------------


@pytest.fixture
def some_organisations():
    return {
        "staal": OrganisationFactory(name="Staal Noord B.V.", kvk_number="11112222"),
        "koper": OrganisationFactory(
            name="Koper Zuid B.V.", status="applicant", signed_on=None
        ),
        "fnv": OrganisationFactory(name="Vakbond Metaal", union=True, kvk_number=None),
        "steun": OrganisationFactory(
            name="Handel Steun B.V.",
            participation="supporter",
            in_metal_supply_chain=False,
        ),
    }


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"kind": "union"}, ["Vakbond Metaal"]),
        ({"status": "applicant"}, ["Koper Zuid B.V."]),
        ({"participation": "supporter"}, ["Handel Steun B.V."]),
        ({"q": "zuid"}, ["Koper Zuid B.V."]),
        ({"q": "1111"}, ["Staal Noord B.V."]),
        (
            {"kind": "company", "status": "active"},
            ["Handel Steun B.V.", "Staal Noord B.V."],
        ),
    ],
)
def test_the_list_filters(secretariat, some_organisations, query, names):
    response = secretariat.get(reverse("governance:organisation_list"), query)
    assert response.status_code == 200
    assert [o.name for o in response.context["page"]] == names


def test_the_list_shows_every_organisation_with_its_active_people(
    secretariat, secretariat_user, some_organisations
):
    staal = some_organisations["staal"]
    UserFactory.create_batch(2, organisation=staal)
    UserFactory(organisation=staal, is_active=False)

    response = secretariat.get(reverse("governance:organisation_list"))

    counts = {o.name: o.active_users for o in response.context["page"]}
    assert counts == {
        "Handel Steun B.V.": 0,
        "Koper Zuid B.V.": 0,
        "Secretariaat": 1,
        "Staal Noord B.V.": 2,
        "Vakbond Metaal": 0,
    }


def test_a_filter_value_that_does_not_exist_lists_everything(
    secretariat, some_organisations
):
    response = secretariat.get(
        reverse("governance:organisation_list"), {"kind": "pirates"}
    )
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 5


# --- create and update ----------------------------------------------------------------


CREATE = {
    "name": "Nieuw Staal B.V.",
    "kind": "company",
    "kvk_number": "87654321",
    "country": "NL",
    "fte": "40",
    "in_metal_supply_chain": "on",
    "csrd_category": "",
    "participation": "party",
    "status": "applicant",
    "signed_on": "",
}


def test_the_secretariat_adds_an_organisation(secretariat, secretariat_user):
    response = secretariat.post(reverse("governance:organisation_create"), CREATE)

    organisation = Organisation.objects.get(name="Nieuw Staal B.V.")
    assert response.status_code == 302
    assert response["Location"] == detail_url(organisation)
    assert (
        organisation.kvk_number,
        organisation.fte,
        organisation.csrd_category,
        organisation.status,
    ) == ("87654321", 40, "vsme", "applicant")
    assert messages_of(response) == ["Nieuw Staal B.V. was added."]
    assert AuditEntry.objects.get().action == "organisation.create"


def test_a_refused_organisation_shows_the_errors_beside_the_fields(secretariat):
    count = Organisation.objects.count()
    response = secretariat.post(
        reverse("governance:organisation_create"),
        {**CREATE, "participation": "supporter", "fte": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "fte": ["Give the company's size in FTE; it sets the contribution."],
        "participation": [
            "A company with a position in metal supply chains cannot be a "
            "supporter; it can take part as a party (art. 40b)."
        ],
    }
    page = response.content.decode()
    assert 'id="id_participation_error"' in page
    assert 'value="Nieuw Staal B.V."' in page
    assert Organisation.objects.count() == count
    assert AuditEntry.objects.count() == 0


def test_the_edit_form_has_no_status(secretariat):
    organisation = OrganisationFactory()
    response = secretariat.get(
        reverse("governance:organisation_update", kwargs={"pk": organisation.pk})
    )
    assert response.status_code == 200
    assert "status" not in response.context["form"].fields


def test_the_secretariat_edits_an_organisation(secretariat):
    organisation = OrganisationFactory(name="Oud B.V.", kvk_number="22223333")
    data = {**CREATE, "name": "Nieuw B.V.", "kvk_number": "22223333", "fte": "75"}
    data.pop("status")
    data["signed_on"] = "2025-10-16"

    response = secretariat.post(
        reverse("governance:organisation_update", kwargs={"pk": organisation.pk}), data
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(organisation)
    organisation.refresh_from_db()
    assert (organisation.name, organisation.fte, organisation.status) == (
        "Nieuw B.V.",
        75,
        "active",
    )


def test_a_refused_edit_changes_nothing(secretariat):
    OrganisationFactory(kvk_number="33334444")
    organisation = OrganisationFactory(kvk_number="22223333")
    before = row(organisation)
    data = {**CREATE, "kvk_number": "33334444", "signed_on": "2025-10-16"}
    data.pop("status")

    response = secretariat.post(
        reverse("governance:organisation_update", kwargs={"pk": organisation.pk}), data
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["Another organisation already has this KvK number."]
    }
    assert row(organisation) == before
    assert AuditEntry.objects.count() == 0


# --- status ---------------------------------------------------------------------------


def status_url(organisation: Organisation) -> str:
    return reverse("governance:organisation_status", kwargs={"pk": organisation.pk})


def test_an_applicant_accedes_on_the_given_date(secretariat):
    organisation = OrganisationFactory(status="applicant", signed_on=None)
    response = secretariat.post(
        status_url(organisation), {"status": "active", "signed_on": "2026-02-03"}
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(organisation)
    assert messages_of(response) == ["The status was changed."]
    organisation.refresh_from_db()
    assert (organisation.status, organisation.signed_on) == (
        "active",
        dt.date(2026, 2, 3),
    )


def test_an_applicant_accedes_today_without_a_date(secretariat):
    organisation = OrganisationFactory(status="applicant", signed_on=None)
    secretariat.post(status_url(organisation), {"status": "active", "signed_on": ""})
    organisation.refresh_from_db()
    assert organisation.signed_on == timezone.localdate()


def test_a_refused_status_change_says_why_and_changes_nothing(secretariat):
    organisation = OrganisationFactory(status="applicant", signed_on=None)
    before = row(organisation)
    response = secretariat.post(status_url(organisation), {"status": "removed"})
    assert response.status_code == 302
    assert messages_of(response) == [
        "The status cannot go from “Applicant” to “Removed”."
    ]
    assert row(organisation) == before
    assert AuditEntry.objects.count() == 0


def test_an_unknown_status_is_refused(secretariat):
    organisation = OrganisationFactory()
    before = row(organisation)
    response = secretariat.post(status_url(organisation), {"status": "dissolved"})
    assert messages_of(response) == [
        "Select a valid choice. dissolved is not one of the available choices."
    ]
    assert row(organisation) == before


def test_the_detail_page_offers_only_the_allowed_next_statuses(secretariat):
    organisation = OrganisationFactory(status="active")
    response = secretariat.get(detail_url(organisation))
    assert [s.value for s in response.context["next_statuses"]] == [
        "removed",
        "withdrawing",
    ]


# --- the detail page per person -------------------------------------------------------


@pytest.fixture
def contribution(company_admin):
    return Contribution.objects.create(
        organisation=company_admin.organisation,
        agreement_year=AgreementYear.objects.get(number=1),
        fte=120,
        amount=2500,
    )


def test_an_admin_sees_colleagues_invitations_and_contributions(
    company_admin, contribution
):
    colleague = UserFactory(organisation=company_admin.organisation)
    invitation = InvitationFactory(
        organisation=company_admin.organisation, invited_by=company_admin
    )

    response = client_for(company_admin).get(detail_url(company_admin.organisation))

    assert response.status_code == 200
    context = response.context
    assert (context["can_manage"], context["can_invite"]) == (False, True)
    assert set(context["members"]) == {company_admin, colleague}
    assert list(context["invitations"]) == [invitation]
    assert list(context["contributions"]) == [contribution]
    page = response.content.decode()
    assert "Invite a person" in page
    assert f"Switch off {colleague}" in page
    assert f"Switch off {company_admin}" not in page
    assert "Edit details" not in page


def test_a_member_sees_colleagues_but_no_invitations_or_money(
    company_admin, company_member, contribution
):
    InvitationFactory(organisation=company_admin.organisation, invited_by=company_admin)

    response = client_for(company_member).get(detail_url(company_member.organisation))

    assert response.status_code == 200
    assert response.context["can_invite"] is False
    assert "invitations" not in response.context
    assert "contributions" not in response.context
    page = response.content.decode()
    assert "Invite a person" not in page
    assert "Switch off" not in page
    assert "€ 2500" not in page


def test_the_detail_page_costs_the_same_for_10_and_100_people(
    secretariat, django_assert_max_num_queries
):
    organisation = OrganisationFactory()
    UserFactory.create_batch(10, organisation=organisation)
    InvitationFactory.create_batch(10, organisation=organisation)
    url = detail_url(organisation)
    secretariat.get(url)
    with CaptureQueriesContext(connection) as at_10:
        assert secretariat.get(url).status_code == 200
    UserFactory.create_batch(90, organisation=organisation)
    InvitationFactory.create_batch(90, organisation=organisation)
    with django_assert_max_num_queries(len(at_10)):
        assert secretariat.get(url).status_code == 200


# --- switching people off and on ------------------------------------------------------


def active_url(user: User) -> str:
    return reverse("governance:user_set_active", kwargs={"pk": user.pk})


def test_an_admin_switches_a_colleague_off(company_admin, company_member):
    response = client_for(company_admin).post(
        active_url(company_member), {"active": "0"}
    )
    assert response.status_code == 302
    assert response["Location"] == detail_url(company_admin.organisation)
    assert messages_of(response) == [f"{company_member} can no longer sign in."]
    company_member.refresh_from_db()
    assert company_member.is_active is False


def test_a_switched_off_person_cannot_sign_in(company_admin, company_member):
    client_for(company_admin).post(active_url(company_member), {"active": "0"})
    client = Client()
    response = client.post(
        reverse("account_login"),
        {"login": company_member.email, "password": "Correct-Horse-Battery-9"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    assert "_auth_user_id" not in client.session


def test_an_admin_cannot_switch_off_themselves_through_the_page(company_admin):
    UserFactory(
        organisation=company_admin.organisation,
        organisation_role=OrganisationRole.ADMIN,
    )
    response = client_for(company_admin).post(
        active_url(company_admin), {"active": "0"}
    )
    assert response.status_code == 302
    assert messages_of(response) == ["You cannot switch off your own account."]
    company_admin.refresh_from_db()
    assert company_admin.is_active is True


def test_a_member_cannot_switch_off_the_admin(company_admin, company_member):
    response = client_for(company_member).post(
        active_url(company_admin), {"active": "0"}
    )
    assert response.status_code == 404
    company_admin.refresh_from_db()
    assert company_admin.is_active is True
    assert AuditEntry.objects.count() == 0


def test_switching_off_ends_the_persons_session(company_admin, company_member):
    their_browser = client_for(company_member)
    assert their_browser.get(reverse("dashboard")).status_code == 200

    client_for(company_admin).post(active_url(company_member), {"active": "0"})

    response = their_browser.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
