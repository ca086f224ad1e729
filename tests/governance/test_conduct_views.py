"""The conduct pages as people use them: giving notice in two steps, filing a complaint,
what each side sees of a complaint, the secretariat's steps, and list pages whose
number of queries does not grow with their rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from governance import rules
from governance.models import (
    Complaint,
    NewsItem,
    OrganisationStatus,
    Removal,
    RemovalReminder,
    WithdrawalNotice,
)
from governance.services import conduct as svc
from tests.conftest import make_person
from tests.governance.factories import (
    OrganisationFactory,
    UserFactory,
    kerngroep_with_all_seats,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(db):
    return UserFactory(organisation_role="admin")


def test_notice_shows_the_effective_date_before_it_is_stored(client, admin):
    company = admin.organisation
    client.force_login(admin)
    url = reverse("governance:withdrawal_create", kwargs={"pk": company.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert "contribution" in page.content.decode()

    preview = client.post(url, {"reasons": "Wij stoppen met metaal."})
    assert preview.status_code == 200
    effective = rules.withdrawal_effective_date(company.signed_on, timezone.localdate())
    assert effective.strftime("%-d %B %Y") in preview.content.decode()
    assert not WithdrawalNotice.objects.exists()
    company.refresh_from_db()
    assert company.status == OrganisationStatus.ACTIVE

    done = client.post(url, {"reasons": "Wij stoppen met metaal.", "confirm": "1"})
    notice = WithdrawalNotice.objects.get()
    assert done.status_code == 302
    assert done["Location"] == reverse(
        "governance:withdrawal_detail", kwargs={"pk": notice.pk}
    )
    assert notice.effective_on == effective
    company.refresh_from_db()
    assert company.status == OrganisationStatus.WITHDRAWING

    detail = client.get(done["Location"])
    assert "Take the notice back" in detail.content.decode()
    back = client.post(
        reverse("governance:withdrawal_take_back", kwargs={"pk": notice.pk})
    )
    assert back.status_code == 302
    company.refresh_from_db()
    assert company.status == OrganisationStatus.ACTIVE


def test_too_early_notice_names_the_first_possible_date(client):
    signed = timezone.localdate() - dt.timedelta(days=30)
    company = OrganisationFactory(signed_on=signed)
    admin = UserFactory(organisation=company, organisation_role="admin")
    client.force_login(admin)
    response = client.post(
        reverse("governance:withdrawal_create", kwargs={"pk": company.pk}),
        {"reasons": "Te duur.", "confirm": "1"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    earliest = rules.first_anniversary(signed).strftime("%-d %B %Y")
    assert f"Notice can be given from {earliest}" in html
    assert "Te duur." in html
    assert not WithdrawalNotice.objects.exists()
    company.refresh_from_db()
    assert company.status == OrganisationStatus.ACTIVE


def test_a_complaint_without_the_confirmation_is_refused(client):
    person = make_person("union")
    company = OrganisationFactory()
    client.force_login(person)
    response = client.post(
        reverse("governance:complaint_create"),
        {
            "respondent": company.pk,
            "description": "Geen plan van aanpak.",
            "already_tried": "Gesprek.",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "lack of progress in due diligence" in html
    assert "Geen plan van aanpak." in html
    assert not Complaint.objects.exists()


def test_own_organisation_is_not_offered(client, admin):
    client.force_login(admin)
    page = client.get(reverse("governance:complaint_create"))
    assert f'value="{admin.organisation.pk}"' not in page.content.decode()


@pytest.mark.parametrize("share", [False, True])
def test_the_company_sees_who_filed_only_when_allowed(client, share):
    complainant = make_person("ngo")
    company_person = UserFactory()
    complaint = svc.complaint_file(
        respondent=company_person.organisation,
        about_lack_of_progress=True,
        description="Geen voortgang.",
        already_tried="Gesprek.",
        share_identity=share,
        actor=complainant,
    )
    url = reverse("governance:complaint_detail", kwargs={"pk": complaint.pk})
    name = complainant.organisation.name
    client.force_login(company_person)
    assert (name in client.get(url).content.decode()) is share
    assert (
        name in client.get(reverse("governance:complaint_list")).content.decode()
    ) is share
    client.force_login(complainant)
    assert name in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("secretariat", True),
        ("kerngroep", True),
        ("chair", True),
        ("company_admin", False),
        ("company_member", False),
        ("ngo", False),
        ("union", False),
        ("branch", False),
        ("government", False),
    ],
)
def test_who_sees_a_complaint_between_others(client, role, sees):
    complaint = svc.complaint_file(
        respondent=OrganisationFactory(),
        about_lack_of_progress=True,
        description="Geen voortgang.",
        already_tried="Gesprek.",
        share_identity=False,
        actor=make_person("ngo"),
    )
    client.force_login(make_person(role))
    response = client.get(
        reverse("governance:complaint_detail", kwargs={"pk": complaint.pk})
    )
    assert response.status_code == (200 if sees else 404)


def test_a_replacement_on_the_panel_sees_the_complaint(client, secretariat_client):
    seat_company = OrganisationFactory(name="Zetel B.V.")
    kerngroep_with_all_seats(companies=seat_company)
    replacement = OrganisationFactory(name="AAA Vervanger B.V.")
    complaint = svc.complaint_file(
        respondent=seat_company,
        about_lack_of_progress=True,
        description="Geen voortgang.",
        already_tried="Gesprek.",
        share_identity=False,
        actor=make_person("union"),
    )
    response = secretariat_client.post(
        reverse("governance:complaint_judge", kwargs={"pk": complaint.pk}),
        {"admissible": "yes", "reasons": "Ontvankelijk."},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.panel["companies"] == replacement.pk
    page = secretariat_client.get(response["Location"]).content.decode()
    assert "in place of Zetel B.V." in page
    client.force_login(UserFactory(organisation=replacement))
    assert (
        client.get(
            reverse("governance:complaint_detail", kwargs={"pk": complaint.pk})
        ).status_code
        == 200
    )


def test_no_replacement_is_explained_to_the_secretariat(secretariat_client):
    union = OrganisationFactory(union=True, name="Enige Bond")
    kerngroep_with_all_seats(unions=union)
    complaint = svc.complaint_file(
        respondent=OrganisationFactory(),
        about_lack_of_progress=True,
        description="Geen voortgang.",
        already_tried="Gesprek.",
        share_identity=False,
        actor=UserFactory(organisation=union),
    )
    response = secretariat_client.post(
        reverse("governance:complaint_judge", kwargs={"pk": complaint.pk}),
        {"admissible": "yes", "reasons": "Ontvankelijk."},
    )
    assert response.status_code == 422
    assert "No organisation of the constituency “Trade unions”" in (
        response.content.decode()
    )
    complaint.refresh_from_db()
    assert complaint.status == "filed"


def test_the_removal_waits_for_a_reminder(secretariat_client, secretariat_user):
    removal = svc.removal_open(
        organisation=OrganisationFactory(),
        ruling="Besluit van 12 maart 2026.",
        actor=secretariat_user,
    )
    url = reverse("governance:removal_submit", kwargs={"pk": removal.pk})
    response = secretariat_client.post(url, {"proposal": "Verwijderen."})
    assert response.status_code == 422
    assert "only after a reminder" in response.content.decode()
    removal.refresh_from_db()
    assert removal.status == "reminding"

    reminder = secretariat_client.post(
        reverse("governance:removal_reminder", kwargs={"pk": removal.pk}),
        {"sent_on": "2026-11-01", "text": "Herinnering."},
    )
    assert reminder.status_code == 302
    assert RemovalReminder.objects.filter(removal=removal).count() == 1
    assert secretariat_client.post(url, {"proposal": "Verwijderen."}).status_code == 302
    removal.refresh_from_db()
    assert removal.status == "kerngroep"


def test_publishing_before_agreement_says_why(secretariat_client, secretariat_user):
    removal = Removal.objects.create(
        organisation=OrganisationFactory(),
        ruling="Besluit.",
        status="decided",
        decided_on=dt.date(2026, 11, 20),
        effective_on=dt.date(2027, 2, 20),
        notice_text="Tekst.",
        created_by=secretariat_user,
    )
    response = secretariat_client.post(
        reverse("governance:removal_publish", kwargs={"pk": removal.pk}), follow=True
    )
    assert "only once the party has agreed" in response.content.decode()
    assert not NewsItem.objects.exists()


# --- constant queries on list pages -------------------------------------------------------


def _fill(n: int, secretariat) -> None:
    for i in range(n):
        company = OrganisationFactory(status="withdrawing")
        WithdrawalNotice.objects.create(
            organisation=company,
            notice_on=dt.date(2026, 10, 20),
            reasons="Reden.",
            effective_on=dt.date(2028, 1, 1),
            given_by=secretariat,
        )
        removal = Removal.objects.create(
            organisation=company, ruling="Besluit.", created_by=secretariat
        )
        RemovalReminder.objects.create(
            removal=removal,
            sent_on=dt.date(2026, 11, 1),
            text="x",
            created_by=secretariat,
        )
        Complaint.objects.create(
            complainant=OrganisationFactory(ngo=True),
            respondent=company,
            filed_by=secretariat,
            about_lack_of_progress=True,
            description="x",
            already_tried="y",
        )
        NewsItem.objects.create(
            title=f"Bericht {i}", body="Tekst.", published_by=secretariat
        )


@pytest.mark.parametrize("role", ["secretariat", "kerngroep"])
@pytest.mark.parametrize(
    "name",
    [
        "governance:withdrawal_list",
        "governance:removal_list",
        "governance:complaint_list",
        "governance:news_list",
    ],
)
def test_list_pages_keep_their_number_of_queries(
    client, django_assert_max_num_queries, name, role
):
    person = make_person(role)
    client.force_login(person)
    _fill(10, person)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name)).status_code == 200
    # A fresh request object: the roles are computed again, as in real use.
    _fill(90, person)
    with django_assert_max_num_queries(len(queries)):
        response = client.get(reverse(name))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("participation", "status", "expected"),
    [
        ("party", "active", 200),
        ("supporter", "active", 200),
        ("party", "withdrawing", 200),
        ("party", "withdrawn", 403),
        ("party", "removed", 403),
        ("party", "applicant", 403),
    ],
)
def test_who_reads_the_news(client, participation, status, expected):
    organisation = OrganisationFactory(
        participation=participation,
        status=status,
        in_metal_supply_chain=participation == "party",
    )
    client.force_login(UserFactory(organisation=organisation))
    assert client.get(reverse("governance:news_list")).status_code == expected


def test_a_published_notice_reaches_the_news_page(
    client, secretariat_client, secretariat_user
):
    removal = Removal.objects.create(
        organisation=OrganisationFactory(name="Weg B.V."),
        ruling="Besluit.",
        status="decided",
        decided_on=dt.date(2026, 11, 20),
        effective_on=dt.date(2027, 2, 20),
        notice_text="De Kerngroep heeft Weg B.V. verwijderd.",
        notice_agreed_with="J. de Vries",
        notice_agreed_on=dt.date(2026, 11, 21),
        created_by=secretariat_user,
    )
    response = secretariat_client.post(
        reverse("governance:removal_publish", kwargs={"pk": removal.pk})
    )
    assert response.status_code == 302
    client.force_login(make_person("government"))
    page = client.get(reverse("governance:news_list")).content.decode()
    assert "De Kerngroep heeft Weg B.V. verwijderd." in page
