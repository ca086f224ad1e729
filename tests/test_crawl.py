"""The crawl: every demo account follows every link and GET form it can reach, then
requests every address the secretariat reached.

World: the demo (`seed_demo`), loaded once for the module inside a transaction that is
rolled back at the end, so the database is left as the migrations made it. Each test
runs in a savepoint of that transaction.

1. `test_crawl`: signed in as each demo account (and anonymously), breadth first from
   the dashboard (the sign-in page and the accession form for nobody signed in), at
   most PER_NAME addresses per URL name. Every answer is 200, a redirect, 304 or a
   deliberate refusal (403, 404, 405); never a server error; no page links to a page
   that refuses its reader (403). Every link resolves to a view, and so does every
   form sent by POST (recorded, never sent: they change data).
2. `test_replay`: every address the secretariat reached, requested by each other
   account. The permission matrix (tests/test_permission_matrix.py, with its
   extensions) decides per URL name and role; what is asserted is written at
   `expected_for` and `test_replay`.
3. On every page (and CSV or calendar download) shown to a company's people (admin and
   member) in the crawl and the replay: no other company's name or KvK number, and no
   supplier name or address from another company's production-location list that is
   not on the company's own list. The published list shows no names at all, only
   areas, activities and bands (README, "The aggregated list"), so it needs no
   exception. Other companies' names are allowed on the pages in PARTIES_PAGES only.

`pytest -s` prints per account the pages visited, the forms seen and the refusals.
"""

from __future__ import annotations

import functools
import io
import re
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, TestCase, override_settings
from django.utils import translation
from django_countries import countries

from convenant.celery import app as celery_app
from governance.models import Organisation, OrganisationKind, User
from ketenkaart.demo import TOWNS
from ketenkaart.m49 import AREA_NAMES
from ketenkaart.models import Location
from tests.crawler import REDIRECTS, Crawl, Secrets, close, crawl, text_of, url_name
from tests.matrix import Expected, Redirect
from tests.test_permission_matrix import MATRIX, covered_by_admin_rule

pytestmark = [
    pytest.mark.django_db,
    # With `make test` (xdist, --dist loadgroup) on one process, which loads the demo
    # once.
    pytest.mark.xdist_group("crawl"),
]

FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
# Addresses per URL name: enough to meet objects of several organisations, few enough
# to keep a crawl to seconds.
PER_NAME = 4

ANONYMOUS = "anonymous"
SECRETARIAT = "secretariat"
SUPPORTER = "supporter"
# README, "Demo accounts".
ACCOUNTS = {
    SECRETARIAT: "secretariaat@convenant.test",
    "company_admin": "bedrijf@convenant.test",
    "company_member": "collega@convenant.test",
    "ngo": "ngo@convenant.test",
    "union": "vakbond@convenant.test",
    "branch": "branche@convenant.test",
    "kerngroep": "kerngroep@convenant.test",
    "chair": "voorzitter@convenant.test",
    "government": "overheid@convenant.test",
    SUPPORTER: "steunbetuiger@convenant.test",
}
ROLES = (*ACCOUNTS, ANONYMOUS)
# People of a company: the confidentiality check applies to every page they see.
COMPANY_PEOPLE = frozenset({"company_admin", "company_member"})

# The matrix columns that decide for a demo account. The demo's Kerngroep member is
# also the administrator of his branch organisation (FME), so what either column
# allows is allowed. The supporter (an NGO that supports the agreement without being a
# party) has no column of its own: see `expected_for`.
MATRIX_COLUMNS = {"kerngroep": ("kerngroep", "branch"), SUPPORTER: ("ngo",)}

STARTS = {ANONYMOUS: ("/", "/accounts/login/", "/accession/apply/")}
OK = frozenset({200, 304, *REDIRECTS})
REFUSED = frozenset({403, 404, 405})
SIGN_IN_PAGES = frozenset({"account_login", "admin:login"})

# Pages that show other companies by name on purpose, as parties to the agreement
# (../shared/DOMAIN.md); every other page shown to a company is checked for their names
# and KvK numbers too. Supplier names and addresses are checked on these pages as well:
# they are never public (art. 20). Scores, plans and locations appear on none of them.
PARTIES_PAGES = {
    # The dashboard shows the latest news and the open votes of the assembly (below).
    "dashboard": "the latest news and votes",
    # A removal is made public with a short explanation (art. 77); decisions' outcomes
    # are shared with every party.
    "governance:news_list": "news for the parties, such as a removal",
    "governance:decision_list": "outcomes of the Kerngroep's decisions",
    "governance:decision_detail": "the outcome of one decision",
    # The secretariat informs every party of an application to accede, and a party
    # may ask to hear the applicant first (art. 69-72): its name and KvK number.
    "governance:accession_list": "applications to accede, shown to every party",
    "governance:accession_detail": "one application to accede",
    # The outline agenda shared with the parties (art. 48) names an applicant on it.
    "governance:meeting_detail": "the outline agenda, with accessions on it",
    # The seats of the Kerngroep and the organisations that hold them (art. 46-47).
    "governance:seat_list": "the organisation holding the companies' seat",
    # Modules are run with the parties that take part in them (art. 29-30); the list of
    # participants is shared with every party.
    "governance:module_list": "the organisations taking part in each module",
    "governance:module_detail": "the organisations taking part in one module",
    # A complaint is about a participating company's progress (art. 83): the form
    # lists the participating companies to choose from.
    "governance:complaint_create": "the companies a complaint may concern",
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once, in a transaction rolled back after the module. Tasks the
    demo starts after its commit (building the published lists and the yearly
    reports) run in this process when it loads, with Redis configured or not."""
    celery_app.conf.task_always_eager = True
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with (
                override_settings(PASSWORD_HASHERS=[FAST_HASHER]),
                TestCase.captureOnCommitCallbacks(execute=True),
            ):
                call_command("seed_demo", stdout=io.StringIO())
            yield {
                role: User.objects.get(email=email) for role, email in ACCOUNTS.items()
            }
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def crawls() -> dict[str, Crawl]:
    """The crawls made so far in this module, by role: the replay reuses the
    secretariat's."""
    return {}


@pytest.fixture(autouse=True)
def _without_two_factor_set_up(settings):
    """The pages each role may use once signed in; the two-factor set-up that stands
    in front of them is tested in tests/convenant/test_auth.py."""
    settings.CONVENANT_REQUIRE_MFA = False


def client_for(demo, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != ANONYMOUS:
        client.force_login(demo[role])
    return client


def crawl_of(demo, crawls, role: str) -> Crawl:
    if role not in crawls:
        starts = STARTS.get(role, ("/",))
        crawls[role] = crawl(client_for(demo, role), starts, PER_NAME)
    return crawls[role]


@functools.cache
def public_words() -> frozenset[str]:
    """The words of the names of countries (as country lists show them, in English and
    Dutch), of the UN M49 areas of the published list and of the demo's towns."""
    names = [str(name) for _code, name in countries]
    with translation.override("nl"):
        names += [str(name) for _code, name in countries]
    names += [name for area in AREA_NAMES.values() for name in area.values()]
    names += [town for towns in TOWNS.values() for town, _region in towns]
    return frozenset(
        word.casefold() for name in names for word in re.findall(r"\w+", name)
    )


def secrets_for(person: User) -> Secrets:
    """Other companies' names and KvK numbers, and the supplier names and addresses of
    their location lists that are not on the person's own company's list."""
    own = person.organisation
    others = Organisation.objects.filter(kind=OrganisationKind.COMPANY).exclude(
        pk=own.pk
    )
    names = [name for org in others for name in (org.name, org.kvk_number) if name]
    own_locations = Location.objects.filter(location_list__company=own)
    own_words = {
        word.casefold()
        for word in own_locations.values_list("supplier_name", flat=True)
    } | {word.casefold() for word in own_locations.values_list("address", flat=True)}
    theirs = Location.objects.exclude(location_list__company=own)
    suppliers = {
        word
        for pair in theirs.values_list("supplier_name", "address")
        for word in pair
        if word.casefold() not in own_words
    }
    return Secrets.build(names=names, suppliers=suppliers, public_words=public_words())


def leaks(secrets: Secrets, texts: dict[str, str]) -> list[str]:
    found = []
    for path, text in texts.items():
        parties_public = url_name(path) in PARTIES_PAGES
        found += [
            f"{path}: {hit}"
            for hit in secrets.found(text, parties_public=parties_public)
        ]
    return found


# --- what the matrix expects -----------------------------------------------------------

ADMIN_LOGIN = Redirect("admin:login", with_next=True)


def expected_for(name: str, role: str) -> set[Expected] | None:
    """Every result the matrix gives `role` for a GET of `name`, over the objects its
    rows use (the person's own organisation's and another's). None when the matrix
    has no GET row for the name. The rest of the admin (one rule in the matrix): the
    admin's login page for everybody who is not staff."""
    if covered_by_admin_rule(name) and not any(row.name == name for row in MATRIX):
        return {ADMIN_LOGIN}
    columns = MATRIX_COLUMNS.get(role, (role,))
    results = {
        row.expect[column]
        for row in MATRIX
        if row.name == name and row.method == "GET"
        for column in columns
    }
    if role == SUPPORTER and not all(is_refusal(result) for result in results):
        # A supporter has no say and receives less than a party NGO (no yearly
        # reports, for one): refused wherever the NGO is, and either where the NGO
        # is allowed.
        results |= REFUSED
    return results or None


def is_refusal(expected: Expected) -> bool:
    if isinstance(expected, int):
        return expected in REFUSED
    return expected.to in SIGN_IN_PAGES


def answers(response, expected: Expected, path: str) -> bool:
    """Whether `response` is the result `expected` for a request of `path`: the same
    status, or a redirect to the named page (with ?next= the path where the matrix
    says so)."""
    if isinstance(expected, int):
        return response.status_code == expected
    if response.status_code != 302:
        return False
    location = urlsplit(response["Location"])
    if url_name(location.path) != expected.to:
        return False
    return not expected.with_next or parse_qs(location.query).get("next") == [path]


def refused(response) -> bool:
    if response.status_code in REFUSED:
        return True
    return response.status_code == 302 and (
        url_name(urlsplit(response["Location"]).path) in SIGN_IN_PAGES
    )


# --- the tests -------------------------------------------------------------------------


def _summary(role: str, result: Crawl) -> None:
    names = Counter(visit.url_name for visit in result.visits)
    print(
        f"\n{role}: {len(result.visits)} requests, {len(names)} URL names, "
        f"{result.get_forms} GET forms sent, {len(result.post_forms)} POST forms seen, "
        f"{len(result.refused())} refused"
    )
    for visit in result.refused():
        print(f"  refused {visit.status}: {visit.path}")


@pytest.mark.parametrize("role", ROLES)
def test_crawl(demo, crawls, role):
    result = crawl_of(demo, crawls, role)
    _summary(role, result)

    errors = [
        f"{visit.status} {visit.path}" for visit in result.visits if visit.status >= 500
    ]
    unexpected = [
        f"{visit.status} {visit.path}"
        for visit in result.visits
        if visit.status < 500 and visit.status not in OK | REFUSED
    ]
    # A page never offers its reader a link that refuses them.
    dead_ends = [
        f"{visit.path} (linked from {visit.source})"
        for visit in result.visits
        if visit.status == 403
    ]
    unresolved_posts = [
        f"{form.action} (on {form.page})"
        for form in result.post_forms
        if url_name(form.action) is None
    ]

    assert result.visits
    assert not errors, "\n".join(errors)
    assert not unexpected, "\n".join(unexpected)
    assert not dead_ends, "\n".join(dead_ends)
    assert not result.broken, "\n".join(f"{b} (on {a})" for a, b in result.broken)
    assert not unresolved_posts, "\n".join(unresolved_posts)
    if role in COMPANY_PEOPLE:
        found = leaks(secrets_for(demo[role]), result.texts)
        assert not found, "\n".join(found)


@pytest.mark.parametrize("role", [role for role in ROLES if role != SECRETARIAT])
def test_replay(demo, crawls, role):
    """Every address the secretariat reached, as `role`:

    - never a server error;
    - where the matrix refuses the role for every object of the URL name: a refusal
      as the matrix states it (the same status, or the redirect to the sign-in page);
    - where the matrix gives the role one result for every object: that result;
    - where the result depends on whose object it is (e.g. 200 for the own company's,
      404 for another's): one of those results, since the demo's object may be
      anybody's;
    - for a company's people, every page they are shown passes the confidentiality
      check.
    """
    visited = crawl_of(demo, crawls, SECRETARIAT).visits
    client = client_for(demo, role)
    wrong, errors, undecided, texts = [], [], [], {}
    refusals = 0
    for visit in visited:
        response = client.get(visit.path)
        if response.status_code >= 500:
            errors.append(f"{response.status_code} {visit.path}")
        refusals += refused(response)
        expected = expected_for(visit.url_name, role)
        if expected is None:
            undecided.append(visit.url_name)
        elif not any(answers(response, one, visit.path) for one in expected):
            got = response.status_code
            if got in REDIRECTS:
                got = f"{got} to {response['Location']}"
            wrong.append(f"{visit.path} ({visit.url_name}): {got}, matrix {expected}")
        text = text_of(response)
        close(response)
        if text is not None:
            texts[visit.path] = text
    print(
        f"\n{role}: {len(visited)} of the secretariat's addresses, {refusals} refused, "
        f"not in the matrix: {sorted(set(undecided))}"
    )

    assert not errors, "\n".join(errors)
    assert not wrong, "\n".join(wrong)
    if role in COMPANY_PEOPLE:
        found = leaks(secrets_for(demo[role]), texts)
        assert not found, "\n".join(found)


def test_the_secretariat_reaches_every_area(demo, crawls):
    """The replay is only as good as the secretariat's crawl: it reaches the pages of
    every app."""
    names = {visit.url_name for visit in crawl_of(demo, crawls, SECRETARIAT).visits}
    namespaces = {name.split(":")[0] for name in names if ":" in name}
    assert {"governance", "monitoring", "ketenkaart", "reports", "convenant"} <= (
        namespaces
    )


def test_the_check_finds_what_the_secretariat_sees(demo, crawls):
    """The confidentiality check can fail: the secretariat's pages, which show every
    company's list, hold what a company's people must not see."""
    texts = crawl_of(demo, crawls, SECRETARIAT).texts

    found = leaks(secrets_for(demo["company_admin"]), texts)

    assert any(": company: " in hit for hit in found)
    assert any(": supplier: " in hit for hit in found)


def test_secrets_are_found_as_whole_words():
    secrets = Secrets.build(
        names=["Westlandse Zinkerij B.V.", "27236990", "FME"],
        suppliers=["Mina Ministro Hales", "Union", "Mariana", "Industrieweg 23"],
        public_words=frozenset({"mariana"}),
    )
    text = (
        "<p>MINA MINISTRO HALES, Industrieweg 231, Union Mine; a trade union; "
        "Northern Mariana Islands; Westlandse Zinkerij B.V. (KvK 27236990); FME; "
        "Westlandse Zinkerij BV</p>"
    )

    assert secrets.found(text, parties_public=False) == [
        "company: 27236990",
        "company: Westlandse Zinkerij B.V.",
        "supplier: MINA MINISTRO HALES",
        "supplier: Union",
    ]
    assert secrets.found(text, parties_public=True) == [
        "supplier: MINA MINISTRO HALES",
        "supplier: Union",
    ]
