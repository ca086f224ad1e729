"""The pages around the work: error pages in the site's layout, the language switch, and
each person's dashboard with links that all lead somewhere."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import make_person
from tests.governance.factories import KerngroepSeatFactory, UserFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard")
SITE_HEADER = '<header class="site-header">'


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Page(HTMLParser):
    """The parts of a page these tests look at: <html lang>, the <h1> and <h2> headings
    and every link's href."""

    def __init__(self, html: str):
        super().__init__()
        self.lang = None
        self.h1: list[str] = []
        self.h2: list[str] = []
        self.links: list[str] = []
        self._heading: list[str] | None = None
        self._text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag in ("h1", "h2"):
            self._heading = self.h1 if tag == "h1" else self.h2
            self._text = []
        elif tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        if tag in ("h1", "h2") and self._heading is not None:
            self._heading.append(" ".join("".join(self._text).split()))
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._text.append(data)


def page(response) -> Page:
    return Page(response.content.decode())


def client_for(role: str, **headers) -> tuple[Client, object]:
    person = make_person(role)
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **headers)
    client.force_login(person)
    return client, person


# --- error pages ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["anonymous", "company_member", "secretariat"])
def test_an_unknown_address_gives_the_404_page_in_the_layout(role):
    if role == "anonymous":
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
    else:
        client, _ = client_for(role)

    response = client.get("/this/page/does/not/exist/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert SITE_HEADER in html
    assert page(response).h1 == ["Page not found"]


def test_another_companys_organisation_gives_the_same_404_page():
    client, _ = client_for("company_admin")
    other = make_person("company_admin").organisation
    response = client.get(
        reverse("governance:organisation_detail", kwargs={"pk": other.pk})
    )
    assert response.status_code == 404
    assert SITE_HEADER in response.content.decode()
    assert page(response).h1 == ["Page not found"]
    assert other.name not in response.content.decode()


@pytest.mark.parametrize(
    "url_name", ["convenant:audit_log", "governance:organisation_list"]
)
def test_a_refusal_gives_the_403_page_in_the_layout(url_name):
    client, _ = client_for("company_admin")
    response = client.get(reverse(url_name))
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
    assert SITE_HEADER in response.content.decode()
    assert page(response).h1 == ["Not allowed"]


# --- language -------------------------------------------------------------------------


@pytest.fixture
def dutch_site(settings):
    settings.LANGUAGE_CODE = "nl"


@pytest.mark.usefixtures("dutch_site")
def test_the_site_speaks_dutch_by_default():
    response = Client().get(reverse("account_login"))
    assert page(response).lang == "nl"
    assert page(response).h1 == ["Inloggen"]


@pytest.mark.usefixtures("dutch_site")
def test_the_language_switch_changes_the_next_page():
    client = Client()
    login = reverse("account_login")
    assert page(client.get(login)).lang == "nl"

    response = client.post(reverse("set_language"), {"language": "en", "next": login})

    assert response.status_code == 302
    assert response["Location"] == login
    assert page(client.get(login)).lang == "en"

    client.post(reverse("set_language"), {"language": "nl", "next": login})
    assert page(client.get(login)).lang == "nl"


def test_the_language_switch_works_signed_in():
    client = Client()
    client.force_login(UserFactory())
    client.post(reverse("set_language"), {"language": "en", "next": DASHBOARD})
    assert page(client.get(DASHBOARD)).lang == "en"


def test_the_switch_does_not_send_people_to_another_site():
    response = Client().post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


# --- dashboards -----------------------------------------------------------------------


DASHBOARD_SECTIONS = {
    "secretariat": [
        "Your organisation",
        "Members",
        "Running the agreement",
        "Kerngroep",
        "Next Kerngroep meeting",
        "Yearly reports",
    ],
    "company_admin": [
        "Your organisation",
        "Self-assessment",
        "Plan of approach and risk analysis",
        "Production locations",
        "Next Kerngroep meeting",
        "Contributions",
        "Yearly reports",
    ],
    "company_member": [
        "Your organisation",
        "Self-assessment",
        "Plan of approach and risk analysis",
        "Production locations",
        "Next Kerngroep meeting",
        "Yearly reports",
    ],
    # Only party companies and supporters pay a contribution (art. 78-82).
    "ngo": [
        "Your organisation",
        "Insight under the confidentiality agreement",
        "Next Kerngroep meeting",
        "Yearly reports",
    ],
    "union": [
        "Your organisation",
        "Insight under the confidentiality agreement",
        "Next Kerngroep meeting",
        "Yearly reports",
    ],
    "branch": [
        "Your organisation",
        "For branch organisations",
        "Next Kerngroep meeting",
        "Yearly reports",
    ],
    "kerngroep": [
        "Your organisation",
        "For branch organisations",
        "Kerngroep",
        "Next Kerngroep meeting",
        "Yearly reports",
    ],
    "chair": [
        "Your organisation",
        "Kerngroep",
        "Next Kerngroep meeting",
        "Yearly reports",
    ],
    "government": [
        "Your organisation",
        "Next Kerngroep meeting",
        "For the government",
        "Yearly reports",
    ],
}


@pytest.mark.parametrize("role", sorted(DASHBOARD_SECTIONS))
def test_each_role_sees_its_sections(role):
    client, person = client_for(role)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    headings = page(response)
    assert headings.h1 == [f"Welcome, {person.first_name}"]
    assert headings.h2 == DASHBOARD_SECTIONS[role]


def test_the_kerngroep_sees_the_seats():
    seat = KerngroepSeatFactory()
    deputy = UserFactory(organisation=seat.organisation, first_name="Dee")
    seat.deputy_representative = deputy
    seat.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(seat.regular_representative)

    response = client.get(DASHBOARD)

    assert list(response.context["seats"]) == [seat]
    html = response.content.decode()
    assert (
        '<td class="utrecht-table__cell">Branch organisations</td>'
        f'<td class="utrecht-table__cell">{seat.organisation.name}</td>'
        f'<td class="utrecht-table__cell">{seat.regular_representative}; '
        f"deputy: {deputy}</td>"
    ) in html
    assert "Seats, representatives and the chair" in html
    assert "No meeting is planned yet." in html


def test_the_chair_is_reminded_there_is_no_vote():
    client, _ = client_for("chair")
    html = client.get(DASHBOARD).content.decode()
    assert "As chair you run the meetings; you have no vote (art. 51)." in html


def test_a_company_does_not_see_the_secretariats_sections():
    client, _ = client_for("company_admin")
    response = client.get(DASHBOARD)
    assert "counts" not in response.context
    assert "seats" not in response.context
    links = page(response).links
    assert reverse("convenant:audit_log") not in links
    assert reverse("governance:organisation_list") not in links
    assert reverse("governance:finance") not in links


def test_a_person_without_organisation_is_told_what_to_do():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(UserFactory(organisation=None))
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert page(response).h2 == []
    assert (
        "Your account has no role on the platform yet. Ask the secretariat to link it "
        "to your organisation."
    ) in response.content.decode()


def internal_links(response) -> list[str]:
    links = []
    for href in page(response).links:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:
            continue  # another site, or a fragment of this page (#main)
        links.append(href)
    return sorted(set(links))


@pytest.mark.parametrize("role", sorted(DASHBOARD_SECTIONS))
def test_every_link_on_the_dashboard_works_for_that_role(role):
    client, _ = client_for(role)
    links = internal_links(client.get(DASHBOARD))
    assert DASHBOARD in links

    broken = {}
    for href in links:
        try:
            response = client.get(href, follow=True)
        except Exception as error:  # a 500: the test client re-raises it
            broken[href] = repr(error)
            continue
        if response.status_code != 200:
            broken[href] = response.status_code
    assert broken == {}
