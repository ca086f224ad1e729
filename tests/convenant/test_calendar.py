"""The agreement calendar: the term, the budget shares and the agreement years, which the
secretariat sets as data."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from convenant import selectors, services
from convenant.models import Agreement, AgreementYear, AuditEntry
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

D = dt.date
TERM_YEARS = [
    (1, D(2025, 10, 16), D(2026, 10, 15)),
    (2, D(2026, 10, 16), D(2027, 10, 15)),
    (3, D(2027, 10, 16), D(2028, 10, 15)),
    (4, D(2028, 10, 16), D(2029, 10, 15)),
    (5, D(2029, 10, 16), D(2029, 12, 31)),
]
OTHER_ROLES = [
    "company_admin",
    "company_member",
    "ngo",
    "union",
    "branch",
    "kerngroep",
    "chair",
    "government",
]


@pytest.fixture(autouse=True)
def _english_and_fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


def years() -> list[tuple[int, dt.date, dt.date]]:
    return list(
        AgreementYear.objects.order_by("number").values_list(
            "number", "starts_on", "ends_on"
        )
    )


def agreement_row(agreement: Agreement) -> dict:
    return Agreement.objects.values().get(pk=agreement.pk)


def year(number: int) -> AgreementYear:
    return AgreementYear.objects.get(agreement__code="metaal-2025-2029", number=number)


# --- the data migration ---------------------------------------------------------------


def test_the_metals_agreement_ships_with_the_platform(agreement):
    assert Agreement.objects.count() == 1
    assert agreement_row(agreement) == {
        "id": agreement.pk,
        "code": "metaal-2025-2029",
        "name": "Internationale MVO Sectorovereenkomst voor de Metaalsector 2025-2029",
        "short_name": "IMVO Metaal",
        "starts_on": D(2025, 10, 16),
        "ends_on": D(2029, 12, 31),
        "government_share": Decimal("47.00"),
        "sector_share": Decimal("33.00"),
        "ser_share": Decimal("20.00"),
        "supporter_contribution": Decimal("1000.00"),
    }
    assert selectors.agreement_current() == agreement


def test_the_five_years_fill_the_term_without_gaps(agreement):
    assert years() == TERM_YEARS
    for (_, _, end), (_, next_start, _) in itertools.pairwise(TERM_YEARS):
        assert next_start == end + dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("day", "number"),
    [
        (D(2025, 10, 15), None),
        (D(2025, 10, 16), 1),
        (D(2026, 10, 15), 1),
        (D(2026, 10, 16), 2),
        (D(2029, 12, 31), 5),
        (D(2030, 1, 1), None),
    ],
)
def test_the_year_on_a_day(agreement, day, number):
    found = selectors.agreement_year_on(agreement=agreement, day=day)
    assert (found.number if found else None) == number


# --- agreement_year_update ------------------------------------------------------------


def test_the_secretariat_moves_a_year(secretariat_user):
    services.agreement_year_update(
        agreement_year=year(5),
        starts_on=D(2029, 10, 16),
        ends_on=D(2029, 12, 30),
        actor=secretariat_user,
    )
    assert years()[-1] == (5, D(2029, 10, 16), D(2029, 12, 30))
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_repr) == (
        "agreement_year.update",
        secretariat_user,
        "Year 5",
    )
    assert entry.details == {
        "before": ["2029-10-16", "2029-12-31"],
        "after": ["2029-10-16", "2029-12-30"],
    }


@pytest.mark.parametrize(
    ("number", "starts_on", "ends_on", "errors"),
    [
        (
            5,
            D(2029, 12, 1),
            D(2029, 11, 1),
            {"ends_on": ["The end lies before the start."]},
        ),
        (
            1,
            D(2025, 10, 1),
            D(2026, 10, 15),
            {"starts_on": ["The year cannot start before the agreement (2025-10-16)."]},
        ),
        (
            5,
            D(2029, 10, 16),
            D(2030, 1, 31),
            {"ends_on": ["The year cannot end after the agreement (2029-12-31)."]},
        ),
        (
            2,
            D(2026, 10, 1),
            D(2027, 10, 15),
            {"starts_on": ["These dates overlap year 1 (2025-10-16 to 2026-10-15)."]},
        ),
        (
            3,
            D(2027, 10, 16),
            D(2028, 11, 1),
            {"starts_on": ["These dates overlap year 4 (2028-10-16 to 2029-10-15)."]},
        ),
    ],
    ids=["end-before-start", "before-term", "after-term", "overlap-1", "overlap-4"],
)
def test_a_refused_year_changes_nothing(
    secretariat_user, number, starts_on, ends_on, errors
):
    with pytest.raises(ValidationError) as caught:
        services.agreement_year_update(
            agreement_year=year(number),
            starts_on=starts_on,
            ends_on=ends_on,
            actor=secretariat_user,
        )
    assert caught.value.message_dict == errors
    assert years() == TERM_YEARS
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_the_secretariat_moves_years(role):
    with pytest.raises(PermissionDenied):
        services.agreement_year_update(
            agreement_year=year(5),
            starts_on=D(2029, 10, 16),
            ends_on=D(2029, 12, 30),
            actor=make_person(role),
        )
    assert years() == TERM_YEARS
    assert AuditEntry.objects.count() == 0


# --- agreement_update -----------------------------------------------------------------


def test_the_secretariat_changes_the_supporter_contribution(
    agreement, secretariat_user
):
    services.agreement_update(
        agreement=agreement,
        supporter_contribution=Decimal("1500.00"),
        actor=secretariat_user,
    )
    agreement.refresh_from_db()
    assert agreement.supporter_contribution == Decimal("1500.00")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == ("agreement.update", secretariat_user)
    assert entry.details == {
        "changes": {"supporter_contribution": ["1000.00", "1500.00"]}
    }


def test_the_shares_add_up_to_100(agreement, secretariat_user):
    before = agreement_row(agreement)
    with pytest.raises(ValidationError) as caught:
        services.agreement_update(
            agreement=agreement,
            government_share=Decimal("50"),
            sector_share=Decimal("33"),
            ser_share=Decimal("20"),
            actor=secretariat_user,
        )
    assert caught.value.messages == [
        "The budget shares must add up to 100 %, not 103 %."
    ]
    assert agreement_row(agreement) == before
    assert AuditEntry.objects.count() == 0


def test_other_shares_that_add_up_to_100_are_fine(agreement, secretariat_user):
    services.agreement_update(
        agreement=agreement,
        government_share=Decimal("50"),
        sector_share=Decimal("30"),
        ser_share=Decimal("20"),
        actor=secretariat_user,
    )
    agreement.refresh_from_db()
    assert (agreement.government_share, agreement.sector_share) == (
        Decimal("50.00"),
        Decimal("30.00"),
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"ends_on": D(2029, 9, 30)},
            "Year 4 would fall outside the term; change the years first.",
        ),
        (
            {"starts_on": D(2025, 11, 1)},
            "Year 1 would fall outside the term; change the years first.",
        ),
    ],
)
def test_the_term_keeps_every_year_inside(agreement, secretariat_user, fields, message):
    before = agreement_row(agreement)
    with pytest.raises(ValidationError) as caught:
        services.agreement_update(agreement=agreement, actor=secretariat_user, **fields)
    assert caught.value.messages == [message]
    assert agreement_row(agreement) == before
    assert years() == TERM_YEARS
    assert AuditEntry.objects.count() == 0


def test_the_term_ends_after_it_starts(agreement, secretariat_user):
    before = agreement_row(agreement)
    with pytest.raises(ValidationError) as caught:
        services.agreement_update(
            agreement=agreement, ends_on=D(2025, 10, 1), actor=secretariat_user
        )
    assert caught.value.message_dict == {
        "ends_on": ["The end date must lie after the start."]
    }
    assert agreement_row(agreement) == before


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_the_secretariat_changes_the_agreement(agreement, role):
    before = agreement_row(agreement)
    with pytest.raises(PermissionDenied):
        services.agreement_update(
            agreement=agreement,
            supporter_contribution=Decimal("1"),
            actor=make_person(role),
        )
    assert agreement_row(agreement) == before


# --- the pages ------------------------------------------------------------------------


def client_for(role: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make_person(role))
    return client


@pytest.mark.parametrize("role", ["secretariat", *OTHER_ROLES])
def test_everybody_signed_in_reads_the_calendar(agreement, role):
    response = client_for(role).get(reverse("convenant:calendar"))
    assert response.status_code == 200
    assert list(response.context["years"].values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]
    today = timezone.localdate()
    assert response.context["current_year"] == (
        AgreementYear.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
    )
    page = response.content.decode()
    assert "16 October 2025 \N{EN DASH} 31 December 2029" in page
    assert "government 47 %, sector 33 %, SER 20 %" in page
    assert response.context["can_manage"] is (role == "secretariat")
    edit_link = reverse("convenant:year_update", kwargs={"pk": year(1).pk})
    assert (edit_link in page) is (role == "secretariat")
    assert (reverse("convenant:agreement_update") in page) is (role == "secretariat")


def test_anonymous_people_are_sent_to_sign_in():
    response = Client().get(reverse("convenant:calendar"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


YEAR_5_SHORTER = {"starts_on": "2029-10-16", "ends_on": "2029-12-30"}
AGREEMENT_FORM = {
    "name": "Internationale MVO Sectorovereenkomst voor de Metaalsector 2025-2029",
    "short_name": "IMVO Metaal",
    "starts_on": "2025-10-16",
    "ends_on": "2029-12-31",
    "government_share": "47",
    "sector_share": "33",
    "ser_share": "20",
    "supporter_contribution": "1250",
}


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_the_secretariat_edits_through_the_pages(agreement, role):
    client = client_for(role)
    before = agreement_row(agreement)
    year_url = reverse("convenant:year_update", kwargs={"pk": year(5).pk})
    agreement_url = reverse("convenant:agreement_update")

    assert client.get(year_url).status_code == 403
    assert client.post(year_url, YEAR_5_SHORTER).status_code == 403
    assert client.get(agreement_url).status_code == 403
    assert client.post(agreement_url, AGREEMENT_FORM).status_code == 403

    assert years() == TERM_YEARS
    assert agreement_row(agreement) == before
    assert AuditEntry.objects.count() == 0


def test_the_secretariat_moves_a_year_through_the_page(agreement):
    response = client_for("secretariat").post(
        reverse("convenant:year_update", kwargs={"pk": year(5).pk}), YEAR_5_SHORTER
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("convenant:calendar")
    assert years()[-1] == (5, D(2029, 10, 16), D(2029, 12, 30))


def test_a_refused_year_shows_the_reason_beside_the_field(agreement):
    response = client_for("secretariat").post(
        reverse("convenant:year_update", kwargs={"pk": year(2).pk}),
        {"starts_on": "2026-10-01", "ends_on": "2027-10-15"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "starts_on": ["These dates overlap year 1 (2025-10-16 to 2026-10-15)."]
    }
    assert 'id="id_starts_on_error"' in response.content.decode()
    assert years() == TERM_YEARS


def test_the_secretariat_changes_the_agreement_through_the_page(agreement):
    response = client_for("secretariat").post(
        reverse("convenant:agreement_update"), AGREEMENT_FORM
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("convenant:calendar")
    agreement.refresh_from_db()
    assert agreement.supporter_contribution == Decimal("1250.00")


def test_refused_shares_show_at_the_top_and_change_nothing(agreement):
    before = agreement_row(agreement)
    response = client_for("secretariat").post(
        reverse("convenant:agreement_update"),
        {**AGREEMENT_FORM, "sector_share": "40"},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "The budget shares must add up to 100 %, not 107 %."
    ]
    assert agreement_row(agreement) == before


def test_an_unknown_year_is_not_found(agreement):
    response = client_for("secretariat").get(
        reverse("convenant:year_update", kwargs={"pk": 999_999})
    )
    assert response.status_code == 404
