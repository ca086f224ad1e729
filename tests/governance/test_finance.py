"""The secretariat's finance page: contributions by FTE band, their status, the bands
themselves, and who may see or change any of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, resolve, reverse
from django.utils import timezone, translation

from convenant.models import AgreementYear, AuditEntry
from governance import services
from governance.models import (
    Contribution,
    ContributionStatus,
    OrganisationStatus,
    Participation,
)
from governance.services import FteBandData
from tests.conftest import ROLES, make_person
from tests.governance.factories import OrganisationFactory

# The bands migration 0002 ships, as (min, max, amount).
DEFAULT_BANDS = [
    (0, 9, Decimal("500.00")),
    (10, 49, Decimal("1250.00")),
    (50, 249, Decimal("2500.00")),
    (250, 999, Decimal("5000.00")),
    (1000, 4999, Decimal("7500.00")),
    (5000, None, Decimal("10000.00")),
]


@pytest.fixture(autouse=True)
def _english(settings):
    # Exact messages are asserted in English, the source language.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def year1(agreement) -> AgreementYear:
    return agreement.years.get(number=1)


def _bands(agreement) -> list[tuple[int, int | None, Decimal]]:
    return list(
        agreement.fte_bands.order_by("min_fte").values_list(
            "min_fte", "max_fte", "amount"
        )
    )


def _owed(year: AgreementYear) -> dict[str, Decimal]:
    return dict(
        Contribution.objects.filter(agreement_year=year).values_list(
            "organisation__name", "amount"
        )
    )


def _contribution(year: AgreementYear, **fields) -> Contribution:
    organisation = fields.pop("organisation", None) or OrganisationFactory()
    return Contribution.objects.create(
        organisation=organisation,
        agreement_year=year,
        fte=organisation.fte,
        amount=fields.pop("amount", Decimal("2500.00")),
        **fields,
    )


def _freeze_today(monkeypatch, day: dt.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


# --- contributions_generate -------------------------------------------------------------


@pytest.mark.django_db
def test_generate_charges_each_party_company_its_band(
    agreement, year1, secretariat_user
):
    for name, fte in [
        ("Small", 0),
        ("Nine", 9),
        ("Ten", 10),
        ("Mid", 249),
        ("Large", 250),
        ("Huge", 4999),
        ("Giant", 5000),
        ("Colossal", 120000),
    ]:
        OrganisationFactory(name=name, fte=fte)

    created = services.contributions_generate(
        agreement_year=year1, actor=secretariat_user
    )

    assert created == 8
    assert _owed(year1) == {
        "Small": Decimal("500.00"),
        "Nine": Decimal("500.00"),
        "Ten": Decimal("1250.00"),
        "Mid": Decimal("2500.00"),
        "Large": Decimal("5000.00"),
        "Huge": Decimal("7500.00"),
        "Giant": Decimal("10000.00"),
        "Colossal": Decimal("10000.00"),
    }
    contribution = Contribution.objects.get(organisation__name="Mid")
    assert (contribution.fte, contribution.status) == (249, ContributionStatus.DUE)
    assert (contribution.invoiced_on, contribution.paid_on) == (None, None)


@pytest.mark.django_db
def test_generate_charges_supporters_the_supporter_contribution(
    agreement, year1, secretariat_user
):
    agreement.supporter_contribution = Decimal("750.00")
    agreement.save()
    OrganisationFactory(
        name="Advisory firm",
        participation=Participation.SUPPORTER,
        in_metal_supply_chain=False,
        fte=4,
    )
    OrganisationFactory(name="Foundation", ngo=True, participation="supporter")

    assert (
        services.contributions_generate(agreement_year=year1, actor=secretariat_user)
        == 2
    )
    assert _owed(year1) == {
        "Advisory firm": Decimal("750.00"),
        "Foundation": Decimal("750.00"),
    }


@pytest.mark.django_db
def test_generate_charges_no_ngo_union_branch_or_non_party(year1, secretariat_user):
    OrganisationFactory(name="NGO", ngo=True)
    OrganisationFactory(name="Union", union=True)
    OrganisationFactory(name="Branch", branch=True)
    OrganisationFactory(name="SER", ser=True)
    OrganisationFactory(name="Ministry", government=True)
    OrganisationFactory(name="Company", fte=20)
    # secretariat_user brings the secretariat organisation itself.

    assert (
        services.contributions_generate(agreement_year=year1, actor=secretariat_user)
        == 1
    )
    assert _owed(year1) == {"Company": Decimal("1250.00")}


@pytest.mark.django_db
def test_generate_follows_the_status_of_membership(year1, secretariat_user):
    OrganisationFactory(name="Active")
    OrganisationFactory(name="Withdrawing", status=OrganisationStatus.WITHDRAWING)
    OrganisationFactory(name="Applicant", status=OrganisationStatus.APPLICANT)
    OrganisationFactory(name="Withdrawn", status=OrganisationStatus.WITHDRAWN)
    OrganisationFactory(name="Removed", status=OrganisationStatus.REMOVED)
    OrganisationFactory(
        name="Supporter applicant",
        participation=Participation.SUPPORTER,
        in_metal_supply_chain=False,
        status=OrganisationStatus.APPLICANT,
    )

    assert (
        services.contributions_generate(agreement_year=year1, actor=secretariat_user)
        == 2
    )
    assert set(_owed(year1)) == {"Active", "Withdrawing"}


@pytest.mark.django_db
def test_generate_skips_who_signed_after_the_year_ended(
    agreement, year1, secretariat_user
):
    year2 = agreement.years.get(number=2)
    OrganisationFactory(name="Early")
    OrganisationFactory(name="Late", signed_on=year1.ends_on + dt.timedelta(days=1))
    OrganisationFactory(name="Last day", signed_on=year1.ends_on)

    services.contributions_generate(agreement_year=year1, actor=secretariat_user)
    services.contributions_generate(agreement_year=year2, actor=secretariat_user)

    assert set(_owed(year1)) == {"Early", "Last day"}
    assert set(_owed(year2)) == {"Early", "Last day", "Late"}


@pytest.mark.django_db
def test_generate_twice_creates_nothing_new_and_changes_nothing(
    agreement, year1, secretariat_user
):
    OrganisationFactory(name="First", fte=120)
    assert (
        services.contributions_generate(agreement_year=year1, actor=secretariat_user)
        == 1
    )
    agreement.fte_bands.filter(min_fte=50).update(amount=Decimal("9999"))

    assert (
        services.contributions_generate(agreement_year=year1, actor=secretariat_user)
        == 0
    )
    assert _owed(year1) == {"First": Decimal("2500.00")}

    OrganisationFactory(name="Joined later", fte=120)
    assert (
        services.contributions_generate(agreement_year=year1, actor=secretariat_user)
        == 1
    )
    assert _owed(year1) == {
        "First": Decimal("2500.00"),
        "Joined later": Decimal("9999.00"),
    }
    assert AuditEntry.objects.filter(action="contribution.generate").count() == 2


@pytest.mark.django_db
def test_generate_names_every_company_without_a_band_and_creates_nothing(
    agreement, year1, secretariat_user
):
    agreement.fte_bands.filter(max_fte__isnull=True).delete()
    OrganisationFactory(name="Fits", fte=10)
    OrganisationFactory(name="Too big", fte=6000)
    OrganisationFactory(name="Also too big", fte=5000)
    OrganisationFactory(name="Unknown size", fte=None)

    with pytest.raises(ValidationError) as caught:
        services.contributions_generate(agreement_year=year1, actor=secretariat_user)

    assert caught.value.messages == [
        "These companies have no FTE recorded: Unknown size. Fill in their size; no "
        "contribution was created.",
        "No FTE band fits these companies: Also too big (5000 FTE), Too big (6000 FTE). "
        "Check their FTE or the bands; no contribution was created.",
    ]
    assert Contribution.objects.count() == 0
    assert not AuditEntry.objects.filter(action="contribution.generate").exists()


@pytest.mark.django_db
def test_generate_records_an_audit_entry(year1, secretariat_user):
    OrganisationFactory.create_batch(3)

    services.contributions_generate(agreement_year=year1, actor=secretariat_user)

    entry = AuditEntry.objects.get(action="contribution.generate")
    assert (entry.actor, entry.object_id, entry.details) == (
        secretariat_user,
        str(year1.pk),
        {"year": 1, "created": 3},
    )


@pytest.mark.django_db
def test_generate_refuses_anybody_but_the_secretariat(year1, company_admin):
    OrganisationFactory()

    with pytest.raises(PermissionDenied):
        services.contributions_generate(agreement_year=year1, actor=company_admin)
    assert Contribution.objects.count() == 0


# --- contribution_set_status ------------------------------------------------------------


@pytest.mark.django_db
def test_invoiced_records_the_date_given(year1, secretariat_user):
    contribution = _contribution(year1)

    result = services.contribution_set_status(
        contribution=contribution,
        status=ContributionStatus.INVOICED,
        on=dt.date(2025, 11, 3),
        actor=secretariat_user,
    )

    contribution.refresh_from_db()
    assert result == contribution
    assert (contribution.status, contribution.invoiced_on, contribution.paid_on) == (
        "invoiced",
        dt.date(2025, 11, 3),
        None,
    )


@pytest.mark.django_db
def test_status_without_a_date_means_today(monkeypatch, year1, secretariat_user):
    _freeze_today(monkeypatch, dt.date(2026, 1, 15))
    contribution = _contribution(year1)

    services.contribution_set_status(
        contribution=contribution, status="invoiced", actor=secretariat_user
    )
    contribution.refresh_from_db()
    assert (contribution.invoiced_on, contribution.paid_on) == (
        dt.date(2026, 1, 15),
        None,
    )

    _freeze_today(monkeypatch, dt.date(2026, 2, 2))
    services.contribution_set_status(
        contribution=contribution, status="paid", actor=secretariat_user
    )
    contribution.refresh_from_db()
    assert (contribution.status, contribution.invoiced_on, contribution.paid_on) == (
        "paid",
        dt.date(2026, 1, 15),
        dt.date(2026, 2, 2),
    )


@pytest.mark.django_db
def test_paid_without_an_invoice_counts_as_invoiced_that_day(year1, secretariat_user):
    contribution = _contribution(year1)

    services.contribution_set_status(
        contribution=contribution,
        status="paid",
        on=dt.date(2025, 12, 1),
        actor=secretariat_user,
    )

    contribution.refresh_from_db()
    assert (contribution.invoiced_on, contribution.paid_on) == (
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 1),
    )


@pytest.mark.django_db
def test_back_to_invoiced_clears_the_payment_and_due_clears_both(
    year1, secretariat_user
):
    contribution = _contribution(
        year1,
        status="paid",
        invoiced_on=dt.date(2025, 11, 3),
        paid_on=dt.date(2025, 12, 1),
    )

    services.contribution_set_status(
        contribution=contribution, status="invoiced", actor=secretariat_user
    )
    contribution.refresh_from_db()
    assert (contribution.status, contribution.invoiced_on, contribution.paid_on) == (
        "invoiced",
        dt.date(2025, 11, 3),
        None,
    )

    services.contribution_set_status(
        contribution=contribution, status="due", actor=secretariat_user
    )
    contribution.refresh_from_db()
    assert (contribution.status, contribution.invoiced_on, contribution.paid_on) == (
        "due",
        None,
        None,
    )


@pytest.mark.django_db
def test_status_audit_entry_lists_the_changes(year1, secretariat_user):
    contribution = _contribution(year1)

    services.contribution_set_status(
        contribution=contribution,
        status="invoiced",
        on=dt.date(2025, 11, 3),
        actor=secretariat_user,
    )

    entry = AuditEntry.objects.get(action="contribution.status")
    assert (entry.organisation_id, entry.details) == (
        contribution.organisation_id,
        {
            "changes": {
                "status": ["due", "invoiced"],
                "invoiced_on": ["None", "2025-11-03"],
            }
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "on", "expected"),
    [
        (
            "paid",
            dt.date(2025, 11, 2),
            {"on": ["The payment date lies before the invoice date (2025-11-03)."]},
        ),
        (
            "invoiced",
            dt.date(2099, 1, 1),
            {"on": ["The date cannot lie in the future."]},
        ),
        ("cancelled", None, {"status": ["Choose due, invoiced or paid."]}),
    ],
)
def test_status_refuses_impossible_dates_and_changes_nothing(
    year1, secretariat_user, status, on, expected
):
    contribution = _contribution(
        year1, status="invoiced", invoiced_on=dt.date(2025, 11, 3)
    )

    with pytest.raises(ValidationError) as caught:
        services.contribution_set_status(
            contribution=contribution, status=status, on=on, actor=secretariat_user
        )

    assert caught.value.message_dict == expected
    contribution.refresh_from_db()
    assert (contribution.status, contribution.invoiced_on, contribution.paid_on) == (
        "invoiced",
        dt.date(2025, 11, 3),
        None,
    )
    assert not AuditEntry.objects.filter(action="contribution.status").exists()


@pytest.mark.django_db
def test_status_refuses_anybody_but_the_secretariat(year1, company_admin):
    contribution = _contribution(year1)

    with pytest.raises(PermissionDenied):
        services.contribution_set_status(
            contribution=contribution, status="paid", actor=company_admin
        )
    contribution.refresh_from_db()
    assert contribution.status == "due"


# --- fte_bands_replace --------------------------------------------------------------------


GOOD_BANDS = [
    FteBandData(0, 19, Decimal("400")),
    FteBandData(20, 199, Decimal("2000")),
    FteBandData(200, None, Decimal("8000.50")),
]


@pytest.mark.django_db
def test_replace_bands_saves_a_good_set(agreement, year1, secretariat_user):
    contribution = _contribution(year1, amount=Decimal("2500.00"))

    result = services.fte_bands_replace(
        agreement=agreement, bands=GOOD_BANDS, actor=secretariat_user
    )

    expected = [
        (0, 19, Decimal("400.00")),
        (20, 199, Decimal("2000.00")),
        (200, None, Decimal("8000.50")),
    ]
    assert _bands(agreement) == expected
    assert [(b.min_fte, b.max_fte, b.amount) for b in result] == [
        (0, 19, Decimal("400")),
        (20, 199, Decimal("2000")),
        (200, None, Decimal("8000.50")),
    ]
    contribution.refresh_from_db()
    assert contribution.amount == Decimal("2500.00")
    entry = AuditEntry.objects.get(action="fte_bands.replace")
    assert entry.details == {
        "before": [
            [str(lo), "" if hi is None else str(hi), f"{amount:.2f}"]
            for lo, hi, amount in DEFAULT_BANDS
        ],
        "after": [
            ["0", "19", "400.00"],
            ["20", "199", "2000.00"],
            ["200", "", "8000.50"],
        ],
    }


@pytest.mark.django_db
def test_replace_bands_with_the_same_set_writes_nothing(agreement, secretariat_user):
    same = [FteBandData(lo, hi, amount) for lo, hi, amount in DEFAULT_BANDS]
    ids = set(agreement.fte_bands.values_list("id", flat=True))

    services.fte_bands_replace(agreement=agreement, bands=same, actor=secretariat_user)

    assert set(agreement.fte_bands.values_list("id", flat=True)) == ids
    assert not AuditEntry.objects.filter(action="fte_bands.replace").exists()


@pytest.mark.django_db
def test_replace_bands_may_leave_the_last_band_closed(agreement, secretariat_user):
    services.fte_bands_replace(
        agreement=agreement,
        bands=[FteBandData(0, 9, Decimal("0")), FteBandData(10, 99, Decimal("100"))],
        actor=secretariat_user,
    )

    assert _bands(agreement) == [(0, 9, Decimal("0.00")), (10, 99, Decimal("100.00"))]


BAD_SETS = {
    "empty": ([], ["Give at least one band, starting at 0 FTE."]),
    "not from zero": (
        [FteBandData(1, None, Decimal("5"))],
        [
            "Band 1: the first band starts at 0 FTE, not at 1, so that the smallest "
            "companies have a band too."
        ],
    ),
    "gap": (
        [FteBandData(0, 9, Decimal("5")), FteBandData(12, None, Decimal("9"))],
        [
            "Band 2 starts at 12 FTE, which leaves 10 to 11 FTE without a band. Let it "
            "start at 10 FTE."
        ],
    ),
    "overlap": (
        [FteBandData(0, 9, Decimal("5")), FteBandData(9, None, Decimal("9"))],
        [
            "Band 2 starts at 9 FTE, which band 1 already covers (up to 9 FTE). Let it "
            "start at 10 FTE."
        ],
    ),
    "not sorted": (
        [
            FteBandData(0, 9, Decimal("5")),
            FteBandData(50, 99, Decimal("9")),
            FteBandData(10, 49, Decimal("7")),
        ],
        [
            "Band 2 starts at 50 FTE, which leaves 10 to 49 FTE without a band. Let it "
            "start at 10 FTE.",
            "Band 3 starts at 10 FTE, below band 2. List the bands from small to large.",
        ],
    ),
    "open-ended in the middle": (
        [FteBandData(0, None, Decimal("5")), FteBandData(10, None, Decimal("9"))],
        [
            "Band 1 has no upper bound, but only the last band may be open-ended. Give "
            "it an upper bound."
        ],
    ),
    "upper below lower": (
        [FteBandData(0, 9, Decimal("5")), FteBandData(10, 5, Decimal("9"))],
        ["Band 2: the upper bound (5 FTE) lies below the lower bound (10 FTE)."],
    ),
    "negative amount": (
        [FteBandData(0, 9, Decimal("5")), FteBandData(10, None, Decimal("-1"))],
        ["Band 2: the amount cannot be negative."],
    ),
    "negative lower bound": (
        [FteBandData(-5, None, Decimal("5"))],
        [
            "Band 1: the lower bound cannot be negative.",
            "Band 1: the first band starts at 0 FTE, not at -5, so that the smallest "
            "companies have a band too.",
        ],
    ),
    "too many decimals": (
        [FteBandData(0, None, Decimal("5.125"))],
        ["Band 1: Ensure that there are no more than 2 decimal places."],
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD_SETS))
def test_replace_bands_refuses_a_bad_set_and_changes_nothing(
    agreement, secretariat_user, case
):
    bands, expected = BAD_SETS[case]

    with pytest.raises(ValidationError) as caught:
        services.fte_bands_replace(
            agreement=agreement, bands=bands, actor=secretariat_user
        )

    assert caught.value.messages == expected
    assert _bands(agreement) == DEFAULT_BANDS
    assert not AuditEntry.objects.filter(action="fte_bands.replace").exists()


@pytest.mark.django_db
def test_replace_bands_names_rows_as_the_caller_numbers_them(
    agreement, secretariat_user
):
    bands = [
        FteBandData(0, 9, Decimal("5"), row=1),
        FteBandData(10, None, Decimal("-1"), row=3),
    ]

    with pytest.raises(ValidationError) as caught:
        services.fte_bands_replace(
            agreement=agreement, bands=bands, actor=secretariat_user
        )

    (error,) = caught.value.error_list
    assert error.messages == ["Band 3: the amount cannot be negative."]
    assert (error.params["row"], error.params["field"]) == (3, "amount")


@pytest.mark.django_db
def test_replace_bands_refuses_anybody_but_the_secretariat(agreement, company_admin):
    with pytest.raises(PermissionDenied):
        services.fte_bands_replace(
            agreement=agreement, bands=GOOD_BANDS, actor=company_admin
        )
    assert _bands(agreement) == DEFAULT_BANDS


# --- Who may do what ----------------------------------------------------------------------

FINANCE_URL_NAMES = {
    "finance",
    "contribution_generate",
    "contribution_status",
    "contribution_export",
    "fte_bands",
}


def _finance_requests(contribution: Contribution) -> list[tuple[str, str, dict]]:
    """(method, url, data) for every finance URL; POSTs carry data that would change
    something if they were let through."""
    status_url = reverse("governance:contribution_status", args=[contribution.pk])
    bands_post = _bands_post([("0", "", "1")])
    return [
        ("get", reverse("governance:finance"), {}),
        ("get", reverse("governance:finance") + "?year=1", {}),
        ("get", reverse("governance:contribution_export") + "?year=1", {}),
        ("get", reverse("governance:fte_bands"), {}),
        ("post", reverse("governance:contribution_generate"), {"year": "1"}),
        ("post", status_url, {"status": "paid", "on": "2025-12-01"}),
        ("post", reverse("governance:fte_bands"), bands_post),
    ]


@pytest.mark.django_db
def test_every_finance_url_is_in_the_permission_matrix(year1):
    from governance import urls

    named = {
        pattern.name
        for pattern in urls.urlpatterns
        if isinstance(pattern, URLPattern)
        and str(pattern.pattern).startswith("finance/")
    }
    covered = {
        resolve(url.split("?")[0]).url_name
        for _method, url, _data in _finance_requests(_contribution(year1))
    }
    assert named == covered == FINANCE_URL_NAMES


def _state(agreement) -> tuple:
    return (
        list(
            Contribution.objects.order_by("pk").values_list("pk", "status", "paid_on")
        ),
        _bands(agreement),
        AuditEntry.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [r for r in ROLES if r not in {"secretariat", "anonymous"}]
)
def test_nobody_but_the_secretariat_reaches_finance(client, agreement, year1, role):
    contribution = _contribution(year1)
    OrganisationFactory(name="Not yet charged")
    client.force_login(make_person(role))
    before = _state(agreement)

    for method, url, data in _finance_requests(contribution):
        response = getattr(client, method)(url, data)
        assert (method, url, response.status_code) == (method, url, 403)

    assert _state(agreement) == before


@pytest.mark.django_db
def test_anonymous_people_are_sent_to_sign_in(client, agreement, year1):
    contribution = _contribution(year1)
    before = _state(agreement)

    for method, url, data in _finance_requests(contribution):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    assert _state(agreement) == before


@pytest.mark.django_db
def test_the_secretariat_reaches_every_finance_page(secretariat_client, year1):
    _contribution(year1)

    for url in [
        reverse("governance:finance"),
        reverse("governance:finance") + "?year=1",
        reverse("governance:contribution_export") + "?year=1",
        reverse("governance:fte_bands"),
    ]:
        assert secretariat_client.get(url).status_code == 200


# --- The finance page ---------------------------------------------------------------------


@pytest.mark.django_db
def test_finance_page_shows_shares_bands_totals_and_rows(secretariat_client, year1):
    paid = _contribution(
        year1,
        organisation=OrganisationFactory(name="Alpha Metals"),
        amount=Decimal("2500"),
        status="paid",
        invoiced_on=dt.date(2025, 11, 3),
        paid_on=dt.date(2025, 12, 1),
    )
    _contribution(
        year1,
        organisation=OrganisationFactory(name="Beta Steel"),
        amount=Decimal("1250"),
        status="invoiced",
        invoiced_on=dt.date(2025, 11, 3),
    )
    _contribution(
        year1,
        organisation=OrganisationFactory(name="Gamma Cast"),
        amount=Decimal("500"),
    )

    response = secretariat_client.get(reverse("governance:finance") + "?year=1")

    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary.year, summary.total, summary.invoiced, summary.paid) == (
        year1,
        Decimal("4250.00"),
        Decimal("3750.00"),
        Decimal("2500.00"),
    )
    assert (summary.count_due, summary.outstanding) == (1, Decimal("1750.00"))
    assert [c.organisation.name for c in summary.contributions] == [
        "Alpha Metals",
        "Beta Steel",
        "Gamma Cast",
    ]
    html = response.content.decode()
    assert "The government pays 47 % of it, the sector 33 % and the SER 20 %" in html
    assert "5000 FTE and more" in html
    assert "Supporters pay € 1,000.00 a year" in html
    assert "<dt>Total owed</dt><dd>€&nbsp;4,250.00</dd>" in html
    assert "<dt>Paid</dt><dd>€&nbsp;2,500.00</dd>" in html
    assert "<dt>Contributions still due (not invoiced)</dt><dd>1 of 3</dd>" in html
    detail = reverse("governance:organisation_detail", args=[paid.organisation_id])
    assert f'<a href="{detail}">Alpha Metals</a>' in html
    assert f'href="{reverse("governance:fte_bands")}"' in html


@pytest.mark.django_db
def test_finance_page_defaults_to_the_current_year(monkeypatch, secretariat_client):
    _freeze_today(monkeypatch, dt.date(2027, 3, 1))

    response = secretariat_client.get(reverse("governance:finance"))

    assert response.context["year"].number == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "number"), [(dt.date(2025, 1, 1), 1), (dt.date(2031, 1, 1), 5)]
)
def test_finance_page_outside_the_term_shows_the_nearest_year(
    monkeypatch, secretariat_client, today, number
):
    _freeze_today(monkeypatch, today)

    response = secretariat_client.get(reverse("governance:finance"))

    assert response.context["year"].number == number


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["9", "two", ""])
def test_finance_page_unknown_year_is_not_found(secretariat_client, year):
    response = secretariat_client.get(reverse("governance:finance"), {"year": year})

    assert response.status_code == 404


@pytest.mark.django_db
def test_finance_page_without_contributions_says_what_to_do(secretariat_client, year1):
    response = secretariat_client.get(reverse("governance:finance") + "?year=1")

    html = response.content.decode()
    assert (
        "No contributions have been created for Year 1 yet. Press “Create this year's "
        "contributions” above" in html
    )
    assert "Create this year's contributions</button>" in html


@pytest.mark.django_db
def test_finance_page_without_years_points_to_the_calendar(
    secretariat_client, agreement
):
    agreement.years.all().delete()

    response = secretariat_client.get(reverse("governance:finance"))

    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "no years have been set yet. Set them in the "
        f'<a href="{reverse("convenant:calendar")}">agreement calendar</a> first.'
    ) in html
    assert "contribution_generate" not in html
    assert reverse("governance:contribution_generate") not in html


@pytest.mark.django_db
def test_finance_page_queries_do_not_grow_with_contributions(
    secretariat_client, year1, django_assert_max_num_queries
):
    url = reverse("governance:finance") + "?year=1"
    counts = []
    for total in (10, 100):
        Contribution.objects.all().delete()
        for _ in range(total):
            _contribution(year1)
        with (
            CaptureQueriesContext(connection) as queries,
            django_assert_max_num_queries(10),
        ):
            response = secretariat_client.get(url)
        assert len(response.context["summary"].contributions) == total
        counts.append(len(queries))

    assert counts[0] == counts[1]


# --- Creating the year's contributions ----------------------------------------------------


@pytest.mark.django_db
def test_generate_button_creates_and_reports_how_many(secretariat_client, year1):
    OrganisationFactory.create_batch(2)
    url = reverse("governance:contribution_generate")

    response = secretariat_client.post(url, {"year": "1"}, follow=True)

    assert response.redirect_chain == [(reverse("governance:finance") + "?year=1", 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "2 contributions were created for Year 1."
    ]
    assert Contribution.objects.filter(agreement_year=year1).count() == 2

    response = secretariat_client.post(url, {"year": "1"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Every organisation that owes a contribution for Year 1 has one already; "
        "nothing new was created."
    ]
    assert Contribution.objects.filter(agreement_year=year1).count() == 2


@pytest.mark.django_db
def test_generate_button_names_companies_without_a_band(secretariat_client, year1):
    OrganisationFactory(name="Fine")
    OrganisationFactory(name="Sizeless", fte=None)

    response = secretariat_client.post(
        reverse("governance:contribution_generate"), {"year": "1"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "These companies have no FTE recorded: Sizeless. Fill in their size; no "
        "contribution was created."
    ]
    assert Contribution.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("data", [{}, {"year": "42"}])
def test_generate_button_needs_an_existing_year(secretariat_client, data):
    OrganisationFactory()

    response = secretariat_client.post(
        reverse("governance:contribution_generate"), data
    )

    assert response.status_code == 404
    assert Contribution.objects.count() == 0


# --- Setting a contribution's status ------------------------------------------------------


@pytest.mark.django_db
def test_status_without_javascript_redirects_back_with_a_message(
    secretariat_client, year1
):
    contribution = _contribution(year1, organisation=OrganisationFactory(name="Alpha"))
    url = reverse("governance:contribution_status", args=[contribution.pk])

    response = secretariat_client.post(url, {"status": "paid", "on": "2025-12-01"})

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("governance:finance") + f"?year=1#contribution-{contribution.pk}"
    )
    contribution.refresh_from_db()
    assert (contribution.status, contribution.invoiced_on, contribution.paid_on) == (
        "paid",
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 1),
    )
    page = secretariat_client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        "The contribution of Alpha is now “Paid”."
    ]


@pytest.mark.django_db
def test_status_without_javascript_reports_a_refusal(secretariat_client, year1):
    contribution = _contribution(year1, organisation=OrganisationFactory(name="Alpha"))
    url = reverse("governance:contribution_status", args=[contribution.pk])

    response = secretariat_client.post(
        url, {"status": "paid", "on": "2099-01-01"}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "The contribution of Alpha was not changed: Date: The date cannot lie in the "
        "future."
    ]
    contribution.refresh_from_db()
    assert contribution.status == "due"


@pytest.mark.django_db
def test_status_from_htmx_answers_with_the_row_only(secretariat_client, year1):
    contribution = _contribution(year1, organisation=OrganisationFactory(name="Alpha"))
    url = reverse("governance:contribution_status", args=[contribution.pk])

    response = secretariat_client.post(
        url, {"status": "invoiced", "on": "2025-11-03"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert [t.name for t in response.templates] == [
        "governance/partials/contribution_row.html"
    ]
    html = response.content.decode().strip()
    assert html.startswith(
        f'<tr class="utrecht-table__row" id="contribution-{contribution.pk}">'
    )
    assert html.endswith("</tr>")
    assert "<html" not in html
    assert (
        '<td class="utrecht-table__cell">Invoiced <span role="status">(saved)</span></td>'
        in html
    )
    assert '<time datetime="2025-11-03">3 Nov 2025</time>' in html
    assert response["HX-Trigger"] == "contribution-changed"
    assert "HX-Request" in response["Vary"]
    contribution.refresh_from_db()
    assert (contribution.status, contribution.invoiced_on) == (
        "invoiced",
        dt.date(2025, 11, 3),
    )


@pytest.mark.django_db
def test_status_from_htmx_shows_the_problem_in_the_row(secretariat_client, year1):
    contribution = _contribution(year1)
    url = reverse("governance:contribution_status", args=[contribution.pk])

    response = secretariat_client.post(
        url, {"status": "paid", "on": "not a date"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "HX-Trigger" not in response
    html = response.content.decode()
    assert "<p>Date: Enter a valid date.</p>" in html
    assert 'value="not a date"' in html
    assert '<option value="paid" selected>' in html
    contribution.refresh_from_db()
    assert contribution.status == "due"


@pytest.mark.django_db
def test_status_of_an_unknown_contribution_is_not_found(secretariat_client):
    url = reverse("governance:contribution_status", args=[999])

    response = secretariat_client.post(url, {"status": "paid"})

    assert response.status_code == 404


# --- Editing the bands --------------------------------------------------------------------


def _bands_post(rows: list[tuple[str, str, str]], **extra) -> dict[str, str]:
    data = {
        "bands-TOTAL_FORMS": str(len(rows)),
        "bands-INITIAL_FORMS": str(len(rows)),
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "1000",
    }
    for index, (lo, hi, amount) in enumerate(rows):
        data[f"bands-{index}-min_fte"] = lo
        data[f"bands-{index}-max_fte"] = hi
        data[f"bands-{index}-amount"] = amount
    data.update(extra)
    return data


@pytest.mark.django_db
def test_bands_page_lists_the_bands_in_force(secretariat_client):
    response = secretariat_client.get(reverse("governance:fte_bands"))

    formset = response.context["formset"]
    assert [form.initial for form in formset.forms] == [
        {"min_fte": lo, "max_fte": hi, "amount": amount}
        for lo, hi, amount in DEFAULT_BANDS
    ]
    assert "Changing the bands does not change contributions already created" in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_bands_page_saves_a_good_set(secretariat_client, agreement):
    data = _bands_post([("0", "49", "800"), ("50", "", "3000"), ("", "", "")])

    response = secretariat_client.post(
        reverse("governance:fte_bands"), data, follow=True
    )

    assert response.redirect_chain == [(reverse("governance:finance"), 302)]
    assert _bands(agreement) == [
        (0, 49, Decimal("800.00")),
        (50, None, Decimal("3000.00")),
    ]
    assert [str(m) for m in response.context["messages"]] == [
        "The bands were saved. They apply to contributions created from now on; "
        "contributions created before keep their amounts."
    ]


@pytest.mark.django_db
def test_bands_page_removes_a_ticked_row(secretariat_client, agreement):
    data = _bands_post(
        [("0", "49", "800"), ("50", "99", "1000"), ("50", "", "3000")],
        **{"bands-1-DELETE": "on"},
    )

    response = secretariat_client.post(reverse("governance:fte_bands"), data)

    assert response.status_code == 302
    assert _bands(agreement) == [
        (0, 49, Decimal("800.00")),
        (50, None, Decimal("3000.00")),
    ]


@pytest.mark.django_db
def test_bands_page_refuses_a_bad_set_keeping_what_was_typed(
    secretariat_client, agreement
):
    data = _bands_post([("0", "", "800"), ("60", "99", "1000"), ("100", "", "-5")])

    response = secretariat_client.post(reverse("governance:fte_bands"), data)

    assert response.status_code == 200
    assert [p["text"] for p in response.context["problems"]] == [
        "Band 1 has no upper bound, but only the last band may be open-ended. Give it "
        "an upper bound.",
        "Band 3: the amount cannot be negative.",
    ]
    forms = response.context["formset"].forms
    assert forms[0].errors == {
        "max_fte": [
            "Band 1 has no upper bound, but only the last band may be open-ended. Give "
            "it an upper bound."
        ]
    }
    assert forms[2].errors == {"amount": ["Band 3: the amount cannot be negative."]}
    html = response.content.decode()
    assert 'name="bands-1-min_fte" value="60"' in html
    assert 'name="bands-2-amount" value="-5"' in html
    assert (
        '<a href="#id_bands-2-amount">Band 3: the amount cannot be negative.</a>'
        in html
    )
    assert _bands(agreement) == DEFAULT_BANDS


@pytest.mark.django_db
def test_bands_page_names_the_row_of_a_value_it_cannot_read(
    secretariat_client, agreement
):
    data = _bands_post([("0", "9", "800"), ("ten", "", "1000")])

    response = secretariat_client.post(reverse("governance:fte_bands"), data)

    assert [p["text"] for p in response.context["problems"]] == [
        "Band 2, From FTE: Enter a whole number."
    ]
    assert _bands(agreement) == DEFAULT_BANDS


@pytest.mark.django_db
def test_bands_page_with_no_rows_left_asks_for_one(secretariat_client, agreement):
    data = _bands_post([("0", "", "800")], **{"bands-0-DELETE": "on"})

    response = secretariat_client.post(reverse("governance:fte_bands"), data)

    assert [p["text"] for p in response.context["problems"]] == [
        "Give at least one band, starting at 0 FTE."
    ]
    assert _bands(agreement) == DEFAULT_BANDS


@pytest.mark.django_db
def test_bands_page_adds_an_empty_row_and_saves_nothing(secretariat_client, agreement):
    data = _bands_post([("0", "9", "800"), ("10", "", "oops")], add="1")

    response = secretariat_client.post(reverse("governance:fte_bands"), data)

    assert response.status_code == 200
    formset = response.context["formset"]
    assert len(formset.forms) == 3
    html = response.content.decode()
    assert 'name="bands-1-amount" value="oops"' in html
    assert (
        '<input type="number" name="bands-2-min_fte" class="utrecht-textbox" autofocus'
        in html
    )
    assert "Enter a number." not in html
    assert response.context["problems"] == []
    assert _bands(agreement) == DEFAULT_BANDS
    assert not AuditEntry.objects.exists()


# --- Export -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_lists_the_years_contributions(
    secretariat_client, secretariat_user, year1
):
    _contribution(
        year1,
        organisation=OrganisationFactory(name="=Formula B.V.", kvk_number="12345678"),
        amount=Decimal("1250"),
        status="paid",
        invoiced_on=dt.date(2025, 11, 3),
        paid_on=dt.date(2025, 12, 1),
    )
    _contribution(
        year1,
        organisation=OrganisationFactory(
            name="Supporter",
            participation="supporter",
            in_metal_supply_chain=False,
            fte=None,
            kvk_number=None,
        ),
        amount=Decimal("1000"),
    )

    response = secretariat_client.get(
        reverse("governance:contribution_export") + "?year=1"
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="contributions-year-1.csv"'
    )
    assert response.content.decode("utf-8").split("\r\n") == [
        "\ufeffOrganisation,KvK number,Participation,FTE at the time,Amount (EUR),"
        "Status,Invoiced on,Paid on",
        "'=Formula B.V.,12345678,Party,120,1250.00,Paid,2025-11-03,2025-12-01",
        "Supporter,,Supporter,,1000.00,Due,,",
        "",
    ]
    entry = AuditEntry.objects.get(action="contribution.export")
    assert (entry.actor, entry.details) == (secretariat_user, {"rows": 2})
