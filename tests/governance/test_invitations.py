"""Joining by invitation, end to end with the test client: the secretariat or an admin
invites, the mail carries a link, the invited person chooses a password and is in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from convenant.models import AuditEntry
from governance import services
from governance.models import Invitation, OrganisationRole, User
from governance.tasks import expire_invitations
from tests.governance.conftest import (
    InvitationFactory,
    invitation_with_token,
    token_hash,
)
from tests.governance.factories import OrganisationFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fast_password_hashing"),
]

LINK = re.compile(r"http://127\.0\.0\.1:8000(/invitations/accept/([^/\s]+)/)")
GOOD_PASSWORD = "Zilver-Erts-Smelt-42"
NO_LONGER_WORKS = "This invitation link no longer works"


def english_client() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def anonymous():
    return english_client()


@pytest.fixture
def signed_in():
    def sign_in(user: User) -> Client:
        client = english_client()
        client.force_login(user)
        return client

    return sign_in


def invite(client, organisation, django_capture_on_commit_callbacks, **data):
    """Post the invitation form; the mail goes out once the transaction commits."""
    fields = {"first_name": "", "last_name": "", "role": "member", **data}
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("governance:organisation_invite", kwargs={"pk": organisation.pk}),
            fields,
        )


def accept_data(**changes) -> dict:
    data = {
        "first_name": "Robin",
        "last_name": "Jansen",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(changes)
    return data


def invalid_page(response) -> None:
    assert response.status_code == 404
    assert response.templates[0].name == "governance/invitation_invalid.html"
    assert NO_LONGER_WORKS in response.content.decode()


# --- the whole flow -------------------------------------------------------------------


def test_the_secretariat_invites_a_first_admin_who_joins(
    secretariat_user, signed_in, anonymous, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name="Gieterij Oost B.V.")

    response = invite(
        signed_in(secretariat_user),
        organisation,
        django_capture_on_commit_callbacks,
        email="Eerste.Beheerder@Gieterij.test",
        first_name="Eerste",
        last_name="Beheerder",
        role="admin",
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "governance:organisation_detail", kwargs={"pk": organisation.pk}
    )
    # One mail, to the invited address, with the link.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["eerste.beheerder@gieterij.test"]
    assert message.subject == "Invitation to Convenant for Gieterij Oost B.V."
    [(path, token)] = LINK.findall(message.body)
    # Only the hash of the token is kept.
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.organisation) == (
        "eerste.beheerder@gieterij.test",
        "admin",
        organisation,
    )
    assert invitation.token_hash == token_hash(token)
    stored = Invitation.objects.values().get()
    assert all(token not in str(value) for value in stored.values())
    assert all(token not in str(entry.details) for entry in AuditEntry.objects.all())
    entry = AuditEntry.objects.get(action="invitation.create")
    assert entry.details == {
        "email": "eerste.beheerder@gieterij.test",
        "role": "admin",
        "replaces": [],
    }
    assert entry.organisation == organisation

    # The link shows the page to choose a password.
    response = anonymous.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Join Gieterij Oost B.V. on Convenant" in page
    assert "eerste.beheerder@gieterij.test" in page
    assert response.context["form"].initial == {
        "first_name": "Eerste",
        "last_name": "Beheerder",
    }

    # Accepting creates the account and signs the person in.
    response = anonymous.post(path, accept_data(first_name="Eef", last_name="Smit"))
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    user = User.objects.get(email="eerste.beheerder@gieterij.test")
    assert (
        user.first_name,
        user.last_name,
        user.organisation,
        user.organisation_role,
        user.is_active,
    ) == ("Eef", "Smit", organisation, OrganisationRole.ADMIN, True)
    assert user.check_password(GOOD_PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == (
        "eerste.beheerder@gieterij.test",
        True,
        True,
    )
    invitation.refresh_from_db()
    assert invitation.user == user
    assert invitation.accepted_at is not None
    assert (
        AuditEntry.objects.filter(
            action="invitation.accept", actor=user, organisation=organisation
        ).count()
        == 1
    )
    assert anonymous.session["_auth_user_id"] == str(user.pk)

    response = anonymous.get(reverse("dashboard"))
    assert response.status_code == 200
    assert "Welcome, Eef" in response.content.decode()
    assert "Your account for Gieterij Oost B.V. is ready." in response.content.decode()

    # The link works once.
    invalid_page(english_client().get(path))


def test_the_new_person_can_sign_in_with_the_chosen_password(anonymous):
    invitation, token = invitation_with_token()
    anonymous.post(
        reverse("governance:invitation_accept", kwargs={"token": token}),
        accept_data(),
    )
    client = english_client()
    response = client.post(
        reverse("account_login"),
        {"login": invitation.email, "password": GOOD_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(
        User.objects.get(email=invitation.email).pk
    )


def test_bad_password_input_keeps_the_names_and_shows_field_errors(anonymous):
    invitation, token = invitation_with_token()
    path = reverse("governance:invitation_accept", kwargs={"token": token})

    response = anonymous.post(
        path,
        accept_data(
            first_name="Getypte",
            last_name="Achternaam",
            password1="metaal",
            password2="metaal",
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password1": [
            "This password is too short. It must contain at least 10 characters."
        ]
    }
    page = response.content.decode()
    assert 'value="Getypte"' in page
    assert 'value="Achternaam"' in page
    assert 'id="id_password1_error"' in page
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.is_open


def test_the_two_passwords_must_match(anonymous):
    invitation, token = invitation_with_token()
    response = anonymous.post(
        reverse("governance:invitation_accept", kwargs={"token": token}),
        accept_data(password2="Zilver-Erts-Smelt-43"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password2": ["The two passwords differ."]
    }
    assert not User.objects.filter(email=invitation.email).exists()


def test_the_password_may_not_resemble_the_email_address(anonymous):
    invitation, token = invitation_with_token(email="kobaltmijn@convenant.test")
    response = anonymous.post(
        reverse("governance:invitation_accept", kwargs={"token": token}),
        accept_data(password1="kobaltmijn1", password2="kobaltmijn1"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "password1": ["The password is too similar to the email address."]
    }
    assert not User.objects.filter(email=invitation.email).exists()


def test_names_are_required(anonymous):
    invitation, token = invitation_with_token()
    response = anonymous.post(
        reverse("governance:invitation_accept", kwargs={"token": token}),
        accept_data(first_name="", last_name=""),
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "first_name": ["This field is required."],
        "last_name": ["This field is required."],
    }
    assert not User.objects.filter(email=invitation.email).exists()


# --- links that no longer work --------------------------------------------------------


@pytest.mark.parametrize("state", ["accepted", "revoked", "expired"])
def test_a_closed_invitation_gives_the_no_longer_works_page(anonymous, state):
    fields = {
        "accepted": {"accepted_at": timezone.now()},
        "revoked": {"revoked": True},
        "expired": {"expired": True},
    }[state]
    invitation, token = invitation_with_token(**fields)
    path = reverse("governance:invitation_accept", kwargs={"token": token})

    invalid_page(anonymous.get(path))
    invalid_page(anonymous.post(path, accept_data()))

    assert not User.objects.filter(email=invitation.email).exists()


def test_an_unknown_token_gives_the_no_longer_works_page(anonymous):
    invitation_with_token()
    path = reverse("governance:invitation_accept", kwargs={"token": "made-up-token"})
    invalid_page(anonymous.get(path))
    invalid_page(anonymous.post(path, accept_data()))
    assert User.objects.count() == 1  # the one who invited


def test_a_signed_in_person_is_asked_to_sign_out_first(signed_in):
    invitation, token = invitation_with_token()
    client = signed_in(UserFactory())
    response = client.get(
        reverse("governance:invitation_accept", kwargs={"token": token}), follow=True
    )
    assert response.redirect_chain == [(reverse("dashboard"), 302)]
    assert "Sign out first to accept an invitation." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.is_open


def test_an_account_made_meanwhile_for_the_address_stops_the_acceptance(anonymous):
    invitation, token = invitation_with_token()
    UserFactory(email=invitation.email)
    response = anonymous.post(
        reverse("governance:invitation_accept", kwargs={"token": token}),
        accept_data(),
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "A person with this email address exists."
    ]
    invitation.refresh_from_db()
    assert invitation.is_open
    assert User.objects.filter(email=invitation.email).count() == 1


# --- who invites ----------------------------------------------------------------------


def test_an_admin_invites_a_colleague(
    company_admin, signed_in, django_capture_on_commit_callbacks
):
    organisation = company_admin.organisation
    response = invite(
        signed_in(company_admin),
        organisation,
        django_capture_on_commit_callbacks,
        email="collega@metaal.test",
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (
        invitation.organisation,
        invitation.role,
        invitation.invited_by,
        invitation.is_open,
    ) == (organisation, "member", company_admin, True)
    assert [m.to for m in mail.outbox] == [["collega@metaal.test"]]
    assert f"{company_admin} invites you" in mail.outbox[0].body


def test_a_member_cannot_invite(
    company_member, signed_in, django_capture_on_commit_callbacks
):
    client = signed_in(company_member)
    organisation = company_member.organisation
    path = reverse("governance:organisation_invite", kwargs={"pk": organisation.pk})

    assert client.get(path).status_code == 404
    response = invite(
        client,
        organisation,
        django_capture_on_commit_callbacks,
        email="collega@metaal.test",
    )

    assert response.status_code == 404
    assert Invitation.objects.count() == 0
    assert mail.outbox == []
    assert AuditEntry.objects.count() == 0


def test_an_admin_cannot_invite_to_another_organisation(
    company_admin, signed_in, django_capture_on_commit_callbacks
):
    response = invite(
        signed_in(company_admin),
        OrganisationFactory(),
        django_capture_on_commit_callbacks,
        email="indringer@metaal.test",
    )
    assert response.status_code == 404
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_inviting_an_existing_persons_address_gives_a_field_error(
    secretariat_user, signed_in, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="bestaat@metaal.test")
    response = invite(
        signed_in(secretariat_user),
        existing.organisation,
        django_capture_on_commit_callbacks,
        email="Bestaat@Metaal.test",
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["A person with this email address exists."]
    }
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_nobody_is_invited_to_an_organisation_that_left(
    secretariat_user, signed_in, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(status="withdrawn")
    response = invite(
        signed_in(secretariat_user),
        organisation,
        django_capture_on_commit_callbacks,
        email="te.laat@metaal.test",
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This organisation no longer takes part; nobody can be invited to it."
    ]
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_a_second_invitation_to_the_same_address_revokes_the_first(
    secretariat_user, signed_in, anonymous, django_capture_on_commit_callbacks
):
    client = signed_in(secretariat_user)
    organisation = OrganisationFactory()
    for _ in range(2):
        invite(
            client,
            organisation,
            django_capture_on_commit_callbacks,
            email="twee.keer@metaal.test",
        )

    first, second = Invitation.objects.order_by("id")
    assert first.revoked_at is not None
    assert second.is_open
    [(first_path, _)] = LINK.findall(mail.outbox[0].body)
    [(second_path, _)] = LINK.findall(mail.outbox[1].body)
    invalid_page(anonymous.get(first_path))
    assert anonymous.get(second_path).status_code == 200


def test_an_admin_revokes_an_invitation(company_admin, signed_in, anonymous):
    invitation, token = invitation_with_token(organisation=company_admin.organisation)
    response = signed_in(company_admin).post(
        reverse("governance:invitation_revoke", kwargs={"pk": invitation.pk})
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEntry.objects.filter(action="invitation.revoke").count() == 1
    invalid_page(
        anonymous.get(reverse("governance:invitation_accept", kwargs={"token": token}))
    )


def test_revoking_twice_is_refused_with_a_message(company_admin, signed_in):
    invitation = InvitationFactory(
        organisation=company_admin.organisation, revoked=True
    )
    revoked_at = invitation.revoked_at
    response = signed_in(company_admin).post(
        reverse("governance:invitation_revoke", kwargs={"pk": invitation.pk}),
        follow=True,
    )
    assert "This invitation is no longer open." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at == revoked_at
    assert AuditEntry.objects.count() == 0


# --- the service and the task ---------------------------------------------------------


def test_invitation_create_stores_the_hash_of_the_token_it_returns(secretariat_user):
    issued = services.invitation_create(
        organisation=OrganisationFactory(),
        email="  Iemand@Metaal.TEST ",
        role="admin",
        actor=secretariat_user,
    )
    assert issued.invitation.email == "iemand@metaal.test"
    assert issued.invitation.token_hash == token_hash(issued.token)
    assert services.invitation_get_open(issued.token) == issued.invitation
    assert services.invitation_get_open("not-" + issued.token) is None


def test_the_mail_is_not_sent_before_the_transaction_commits(
    secretariat_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_create(
            organisation=OrganisationFactory(),
            email="later@metaal.test",
            role="member",
            actor=secretariat_user,
        )
        assert mail.outbox == []
    assert len(callbacks) == 1


def test_expire_invitations_closes_only_expired_open_invitations():
    expired = InvitationFactory(expired=True)
    still_open = InvitationFactory()
    accepted = InvitationFactory(
        expires_at=timezone.now() - dt.timedelta(days=1),
        accepted_at=timezone.now() - dt.timedelta(days=3),
    )

    assert expire_invitations.delay().get() == 1

    expired.refresh_from_db()
    still_open.refresh_from_db()
    accepted.refresh_from_db()
    assert expired.revoked_at is not None
    assert still_open.revoked_at is None
    assert accepted.revoked_at is None
    # Running it again does no harm.
    assert expire_invitations.delay().get() == 0


def test_after_expiry_the_address_can_be_invited_again(secretariat_user):
    old = InvitationFactory(expired=True, email="opnieuw@metaal.test")
    expire_invitations.delay()
    issued = services.invitation_create(
        organisation=old.organisation,
        email="opnieuw@metaal.test",
        role="member",
        actor=secretariat_user,
    )
    assert issued.invitation.is_open
    assert Invitation.objects.filter(email="opnieuw@metaal.test").count() == 2


def test_an_invitation_closed_by_the_task_still_reads_expired():
    """The organisation page shows each invitation's state; one nobody revoked should
    not read "revoked" once the hourly task has closed it."""
    invitation = InvitationFactory(expired=True)
    expire_invitations.delay()
    invitation.refresh_from_db()
    assert invitation.is_open is False
    assert invitation.state == "expired"


@pytest.mark.parametrize("status", ["withdrawn", "removed"])
def test_an_invitation_to_an_organisation_that_has_left_no_longer_works(
    anonymous, secretariat_user, status
):
    """Nobody can be invited to an organisation that withdrew or was removed
    (invitation_create refuses it); a link sent before it left must not let anybody in
    either."""
    organisation = OrganisationFactory(status="active")
    invitation, token = invitation_with_token(organisation=organisation)
    services.organisation_change_status(
        organisation=organisation,
        status="withdrawing" if status == "withdrawn" else "removed",
        actor=secretariat_user,
    )
    if status == "withdrawn":
        services.organisation_change_status(
            organisation=organisation, status="withdrawn", actor=secretariat_user
        )
    path = reverse("governance:invitation_accept", kwargs={"token": token})

    invalid_page(anonymous.get(path))
    invalid_page(anonymous.post(path, accept_data()))

    assert not User.objects.filter(email=invitation.email).exists()
