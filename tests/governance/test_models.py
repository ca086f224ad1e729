"""Single-row rules of members: Organisation.clean, the constituency, the seats and the
contribution bands."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from governance.models import (
    ALLOWED_STATUS_CHANGES,
    Constituency,
    FteBand,
    Invitation,
    KerngroepSeat,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    Participation,
)
from tests.governance.conftest import InvitationFactory
from tests.governance.factories import (
    SIGNED,
    KerngroepSeatFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("english", "fast_password_hashing"),
]

SUPPLY_CHAIN_SUPPORTER = (
    "A company with a position in metal supply chains cannot be a supporter; it can "
    "take part as a party (art. 40b)."
)
NOT_PARTIES = "The SER, the government and the secretariat are not parties."


def company(**fields) -> Organisation:
    """An unsaved company that passes every rule, with `fields` changed."""
    values = {
        "name": "Draadtrekkerij Noord B.V.",
        "kind": OrganisationKind.COMPANY,
        "kvk_number": "12345678",
        "country": "NL",
        "fte": 250,
        "participation": Participation.PARTY,
        "status": OrganisationStatus.ACTIVE,
        "signed_on": SIGNED,
        "csrd_category": "csrd",
    }
    values.update(fields)
    return Organisation(**values)


def errors_of(organisation: Organisation) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        organisation.full_clean()
    return caught.value.message_dict


def test_a_valid_company_passes():
    organisation = company()
    organisation.full_clean()
    assert organisation.csrd_category == "csrd"


# --- KvK number -----------------------------------------------------------------------


KVK_FORMAT = "A KvK number has exactly 8 digits, for example 12345678."


@pytest.mark.parametrize(
    ("kvk", "errors"),
    [
        ("1234567", [KVK_FORMAT]),
        ("1234567a", [KVK_FORMAT]),
        ("1234 567", [KVK_FORMAT]),
        (
            "123456789",
            [KVK_FORMAT, "Ensure this value has at most 8 characters (it has 9)."],
        ),
    ],
)
def test_kvk_number_has_exactly_eight_digits(kvk, errors):
    assert errors_of(company(kvk_number=kvk)) == {"kvk_number": errors}


def test_kvk_number_is_unique_when_given():
    OrganisationFactory(kvk_number="12345678")
    assert errors_of(company(kvk_number="12345678")) == {
        "__all__": ["Another organisation already has this KvK number."]
    }


def test_several_organisations_may_have_no_kvk_number():
    OrganisationFactory(kvk_number=None, ngo=True)
    OrganisationFactory(kvk_number=None, union=True)
    organisation = company(kvk_number="")
    organisation.full_clean()
    organisation.save()
    assert Organisation.objects.filter(kvk_number__isnull=True).count() == 3


def test_an_empty_kvk_number_is_stored_as_null():
    organisation = company(kvk_number="")
    organisation.full_clean()
    assert organisation.kvk_number is None


# --- FTE, CSRD, recycler --------------------------------------------------------------


def test_a_company_needs_its_fte():
    assert errors_of(company(fte=None)) == {
        "fte": ["Give the company's size in FTE; it sets the contribution."]
    }


def test_an_ngo_needs_no_fte():
    organisation = company(kind=OrganisationKind.NGO, fte=None, kvk_number=None)
    organisation.full_clean()
    assert organisation.csrd_category == ""


def test_a_company_without_csrd_category_gets_vsme():
    organisation = company(csrd_category="")
    organisation.full_clean()
    assert organisation.csrd_category == "vsme"


def test_a_recycler_is_a_company():
    company(is_recycler=True).full_clean()


@pytest.mark.parametrize(
    "kind",
    [OrganisationKind.UNION, OrganisationKind.NGO, OrganisationKind.BRANCH],
)
def test_only_a_company_can_be_a_recycler(kind):
    assert errors_of(company(kind=kind, fte=None, is_recycler=True)) == {
        "is_recycler": ["Only a company can be a recycler."]
    }


# --- participation --------------------------------------------------------------------


def test_a_company_in_metal_supply_chains_cannot_be_a_supporter():
    organisation = company(
        participation=Participation.SUPPORTER, in_metal_supply_chain=True
    )
    assert errors_of(organisation) == {"participation": [SUPPLY_CHAIN_SUPPORTER]}


def test_a_company_outside_metal_supply_chains_can_be_a_supporter():
    company(
        participation=Participation.SUPPORTER, in_metal_supply_chain=False
    ).full_clean()


@pytest.mark.parametrize(
    "kind",
    [OrganisationKind.UNION, OrganisationKind.NGO, OrganisationKind.BRANCH],
)
@pytest.mark.parametrize(
    "participation", [Participation.PARTY, Participation.SUPPORTER]
)
def test_unions_ngos_and_branch_organisations_take_part(kind, participation):
    company(kind=kind, fte=None, participation=participation).full_clean()


@pytest.mark.parametrize(
    "kind",
    [OrganisationKind.SER, OrganisationKind.GOVERNMENT, OrganisationKind.SECRETARIAT],
)
@pytest.mark.parametrize(
    "participation", [Participation.PARTY, Participation.SUPPORTER]
)
def test_ser_government_and_secretariat_are_no_party_or_supporter(kind, participation):
    organisation = company(kind=kind, fte=None, participation=participation)
    assert errors_of(organisation) == {"participation": [NOT_PARTIES]}


@pytest.mark.parametrize(
    "kind",
    [OrganisationKind.SER, OrganisationKind.GOVERNMENT, OrganisationKind.SECRETARIAT],
)
def test_ser_government_and_secretariat_take_part_as_none(kind):
    organisation = company(
        kind=kind, fte=None, participation=Participation.NONE, signed_on=None
    )
    organisation.full_clean()
    assert organisation.csrd_category == ""


# --- status and signing date ----------------------------------------------------------


@pytest.mark.parametrize(
    "status", [OrganisationStatus.ACTIVE, OrganisationStatus.WITHDRAWING]
)
@pytest.mark.parametrize(
    "participation", [Participation.PARTY, Participation.SUPPORTER]
)
def test_an_active_party_or_supporter_has_a_signing_date(status, participation):
    organisation = company(
        status=status,
        participation=participation,
        in_metal_supply_chain=False,
        signed_on=None,
    )
    assert errors_of(organisation) == {
        "signed_on": ["An active party or supporter has a signing date."]
    }


@pytest.mark.parametrize(
    "status",
    [
        OrganisationStatus.APPLICANT,
        OrganisationStatus.WITHDRAWN,
        OrganisationStatus.REMOVED,
    ],
)
def test_other_statuses_need_no_signing_date(status):
    company(status=status, signed_on=None).full_clean()


def test_the_signing_date_may_be_today():
    company(signed_on=timezone.localdate()).full_clean()


def test_the_signing_date_cannot_lie_in_the_future():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert errors_of(company(signed_on=tomorrow)) == {
        "signed_on": ["The signing date cannot lie in the future."]
    }


def test_every_broken_rule_is_reported_at_once():
    organisation = company(
        fte=None,
        participation=Participation.SUPPORTER,
        signed_on=None,
    )
    assert errors_of(organisation) == {
        "fte": ["Give the company's size in FTE; it sets the contribution."],
        "participation": [SUPPLY_CHAIN_SUPPORTER],
        "signed_on": ["An active party or supporter has a signing date."],
    }


def test_the_status_changes_of_the_agreement():
    """Applicants accede or end their application; active parties give notice or are
    removed; notice can be taken back; withdrawn and removed are final."""
    expected = {
        "applicant": {"active", "withdrawn"},
        "active": {"withdrawing", "removed"},
        "withdrawing": {"withdrawn", "active"},
        "withdrawn": set(),
        "removed": set(),
    }
    assert expected == ALLOWED_STATUS_CHANGES


# --- constituency ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "constituency", "label"),
    [
        (OrganisationKind.COMPANY, Constituency.COMPANIES, "Companies"),
        (OrganisationKind.UNION, Constituency.UNIONS, "Trade unions"),
        (OrganisationKind.NGO, Constituency.NGOS, "NGOs"),
        (OrganisationKind.BRANCH, Constituency.BRANCH, "Branch organisations"),
        (OrganisationKind.SER, None, ""),
        (OrganisationKind.GOVERNMENT, None, ""),
        (OrganisationKind.SECRETARIAT, None, ""),
    ],
)
def test_the_constituency_follows_from_the_kind(kind, constituency, label):
    organisation = Organisation(kind=kind)
    assert organisation.constituency == constituency
    assert organisation.get_constituency_display() == label


def test_is_company():
    assert Organisation(kind=OrganisationKind.COMPANY).is_company is True
    assert Organisation(kind=OrganisationKind.BRANCH).is_company is False


# --- Kerngroep seats ------------------------------------------------------------------


def test_a_seat_is_held_by_an_organisation_of_its_constituency():
    branch = OrganisationFactory(branch=True)
    seat = KerngroepSeat(
        constituency=Constituency.NGOS,
        organisation=branch,
        regular_representative=UserFactory(organisation=branch),
        starts_on=SIGNED,
    )
    with pytest.raises(ValidationError) as caught:
        seat.full_clean()
    assert caught.value.message_dict == {
        "organisation": ["The organisation does not belong to this constituency."]
    }


def test_representatives_work_for_the_organisation_holding_the_seat():
    seat = KerngroepSeatFactory()
    seat.deputy_representative = UserFactory()  # of another organisation
    with pytest.raises(ValidationError) as caught:
        seat.full_clean()
    assert caught.value.message_dict == {
        "deputy_representative": [
            "A representative works for the organisation holding the seat."
        ]
    }


def test_a_seat_ends_after_it_starts():
    seat = KerngroepSeatFactory()
    seat.ends_on = seat.starts_on - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        seat.full_clean()
    assert caught.value.message_dict == {"ends_on": ["The end lies before the start."]}


def test_a_valid_seat_passes():
    seat = KerngroepSeatFactory()
    seat.deputy_representative = UserFactory(organisation=seat.organisation)
    seat.full_clean()
    assert str(seat) == f"Branch organisations: {seat.organisation.name}"
    assert KerngroepSeat.objects.count() == 1


# --- FTE bands ------------------------------------------------------------------------


def test_a_band_covers_its_bounds(agreement):
    band = FteBand(agreement=agreement, min_fte=50, max_fte=249, amount=Decimal("2500"))
    assert [band.covers(fte) for fte in (49, 50, 249, 250)] == [
        False,
        True,
        True,
        False,
    ]
    assert str(band) == "50 to 249 FTE"


def test_an_open_band_covers_everything_above(agreement):
    band = FteBand(agreement=agreement, min_fte=250, amount=Decimal("5000"))
    assert band.covers(100_000) is True
    assert band.covers(249) is False
    assert str(band) == "250 FTE or more"


def test_a_band_ends_after_it_starts(agreement):
    band = FteBand(agreement=agreement, min_fte=7777, max_fte=10, amount=Decimal("1"))
    with pytest.raises(ValidationError) as caught:
        band.full_clean()
    assert caught.value.message_dict == {
        "max_fte": ["The upper bound lies below the lower bound."]
    }


# --- invitations ----------------------------------------------------------------------


def test_an_invitation_is_open_until_it_expires_is_accepted_or_revoked():
    invitation = InvitationFactory()
    assert (invitation.is_open, invitation.state) == (True, "open")

    invitation.expires_at = timezone.now() - dt.timedelta(seconds=1)
    assert (invitation.is_open, invitation.state) == (False, "expired")

    invitation.expires_at = timezone.now() + dt.timedelta(days=1)
    invitation.revoked_at = timezone.now()
    assert (invitation.is_open, invitation.state) == (False, "revoked")

    invitation.revoked_at = None
    invitation.accepted_at = timezone.now()
    assert (invitation.is_open, invitation.state) == (False, "accepted")


def test_an_invitation_link_works_for_fourteen_days():
    before = timezone.now()
    invitation = InvitationFactory()
    assert (
        before + dt.timedelta(days=14)
        <= invitation.expires_at
        <= timezone.now() + dt.timedelta(days=14)
    )


def test_one_open_invitation_per_email_address():
    InvitationFactory(email="dubbel@convenant.test")
    second = InvitationFactory.build(
        email="dubbel@convenant.test",
        organisation=OrganisationFactory(),
        invited_by=UserFactory(),
    )
    with pytest.raises(ValidationError) as caught:
        second.full_clean()
    assert caught.value.messages == [
        "An open invitation for this email address exists already."
    ]
    assert Invitation.objects.filter(email="dubbel@convenant.test").count() == 1
