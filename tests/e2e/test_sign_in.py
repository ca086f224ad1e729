"""Each demo account signs in through the real form and lands on its own dashboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from convenant.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [
    pytest.mark.e2e,
    # The live server reads what the test commits; the rows the migrations load (the
    # agreement and its years) are put back after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIGN_IN_PATH = "/accounts/login/"

# Card headings that only some roles see on the dashboard.
ROLE_HEADINGS = {
    "Members",
    "Running the agreement",
    "Self-assessment",
    "Production locations",
    "Insight under the confidentiality agreement",
    "For branch organisations",
    "Kerngroep",
    "For the government",
}

# email -> (first name, organisation, the role headings that person sees)
DEMO_ACCOUNTS = {
    "secretariaat@convenant.test": (
        "Eva",
        "Secretariaat IMVO Metaal",
        {"Members", "Running the agreement", "Kerngroep"},
    ),
    "bedrijf@convenant.test": (
        "Pieter",
        "Hollandse Draadtrekkerij B.V.",
        {"Self-assessment", "Production locations"},
    ),
    "ngo@convenant.test": (
        "Lotte",
        "Terre des Hommes Nederland",
        {"Insight under the confidentiality agreement"},
    ),
    "vakbond@convenant.test": (
        "Kees",
        "FNV Metaal",
        {"Insight under the confidentiality agreement"},
    ),
    "branche@convenant.test": (
        "Anouk",
        "Koninklijke Metaalunie",
        {"For branch organisations"},
    ),
    "kerngroep@convenant.test": (
        "Hans",
        "FME",
        {"For branch organisations", "Kerngroep"},
    ),
    "voorzitter@convenant.test": ("Marieke", "Sociaal-Economische Raad", {"Kerngroep"}),
    "overheid@convenant.test": (
        "Joost",
        "Ministerie van Buitenlandse Zaken",
        {"For the government"},
    ),
}

KERNGROEP_SEAT_HOLDERS = (
    "CNV Vakmensen",
    "Stichting Eerlijke Grondstoffen",
    "FME",
    "Limburgse Kabelfabriek B.V.",
)


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Fill in and send the sign-in form as a person would, in any language."""
    page.goto(SIGN_IN_PATH)
    form = page.locator("form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    form.locator("button[type=submit]").click()


def path_is(path: str) -> re.Pattern[str]:
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def card(page: Page, heading: str):
    return page.locator("section").filter(
        has=page.get_by_role("heading", level=2, name=heading, exact=True)
    )


@pytest.mark.parametrize("email", list(DEMO_ACCOUNTS))
def test_each_demo_role_signs_in_to_its_own_dashboard(page: Page, email: str):
    first_name, organisation, headings = DEMO_ACCOUNTS[email]

    sign_in(page, email)

    expect(page).to_have_url(path_is("/"))
    expect(
        page.get_by_role("heading", level=1, name=f"Welcome, {first_name}")
    ).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text(organisation)
    for heading in sorted(headings):
        expect(
            page.get_by_role("heading", level=2, name=heading, exact=True)
        ).to_be_visible()
    for heading in sorted(ROLE_HEADINGS - headings):
        expect(
            page.get_by_role("heading", level=2, name=heading, exact=True)
        ).to_have_count(0)


@pytest.mark.parametrize(
    "email", ["kerngroep@convenant.test", "voorzitter@convenant.test"]
)
def test_kerngroep_members_and_the_chair_see_the_seats(page: Page, email: str):
    sign_in(page, email)

    seats = card(page, "Kerngroep")
    expect(seats.get_by_role("row")).to_have_count(1 + len(KERNGROEP_SEAT_HOLDERS))
    for organisation in KERNGROEP_SEAT_HOLDERS:
        expect(seats.get_by_role("cell", name=organisation, exact=True)).to_be_visible()


def test_the_chair_is_told_they_have_no_vote(page: Page):
    sign_in(page, "voorzitter@convenant.test")

    expect(card(page, "Kerngroep")).to_contain_text("you have no vote")


def test_a_wrong_password_shows_an_error_and_stays_on_the_sign_in_page(page: Page):
    sign_in(page, "bedrijf@convenant.test", password="Not-the-password-2025")

    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("not correct")
    expect(page).to_have_url(path_is(SIGN_IN_PATH))
    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_the_dashboard_sends_a_visitor_to_the_sign_in_page(page: Page):
    page.goto("/")

    expect(page).to_have_url(path_is(SIGN_IN_PATH))
    expect(page.locator("input[name=password]")).to_be_visible()


@pytest.mark.parametrize("browser_locale", ["nl-NL"])
def test_the_language_switch_changes_the_page_language(page: Page):
    page.goto(SIGN_IN_PATH)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "nl")

    page.get_by_role("button", name="English", exact=True).click()

    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(path_is(SIGN_IN_PATH))
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()

    # The choice outlives signing in.
    sign_in(page, "secretariaat@convenant.test")
    expect(page).to_have_url(path_is("/"))
    expect(html).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=2, name="Members")).to_be_visible()

    page.get_by_role("button", name="Nederlands", exact=True).click()

    expect(html).to_have_attribute("lang", "nl")
    expect(page).to_have_url(path_is("/"))
    expect(page.get_by_role("button", name="English", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Nederlands", exact=True)).to_have_count(0)


def test_sign_out_ends_the_session(page: Page):
    sign_in(page, "bedrijf@convenant.test")
    expect(page).to_have_url(path_is("/"))

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(path_is(SIGN_IN_PATH))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url(path_is(SIGN_IN_PATH))
