"""Accessibility: axe-core checks every main page of every role, in English and Dutch.

A page fails on any violation axe rates serious or critical; the message lists each
rule, its impact, the elements (CSS selectors) and the page. Moderate and minor findings
(heading order, for one) are left to review.

Speed: the full demo data is loaded once for the whole module and served by a live
server of its own, one browser context is signed in per role, and the language is
switched with the cookie the site's language form sets. The module leaves the database
as the migrations made it. Pages whose address holds a demo object are reached by
following the first link to them from the page a person would come from, so the list
does not depend on database ids.

axe-core is vendored in tests/e2e/vendor/axe-core (`make vendor`): tests need no network
and the file is never served to users. It is evaluated in the page rather than added as
a script tag, which the Content Security Policy would refuse.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Page, expect

from tests.e2e.conftest import TIMEOUT_MS
from tests.e2e.test_sign_in import path_is, sign_in

pytestmark = [
    pytest.mark.e2e,
    # The marker makes pytest-django create the test database and keep the rows the
    # migrations load; `_django_db_helper` below keeps it from emptying the database
    # after every test.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # With `make test` (xdist, --dist loadgroup) on one process, which loads the demo
    # once.
    pytest.mark.xdist_group("accessibility"),
]

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(
    encoding="utf-8"
)
# WCAG 2.1 AA and axe's best practices, as the Dutch government's standard asks.
AXE_RUN = """axe.run(document, {
    resultTypes: ['violations'],
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                    'best-practice']},
})"""
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"
BLOCKING_IMPACTS = {"serious", "critical"}
LANGUAGES = ("en", "nl")

COMPANY = "company"
SECRETARIAT = "secretariat"
NGO = "ngo"
KERNGROEP = "kerngroep"
GOVERNMENT = "government"
ANONYMOUS = "anonymous"
ACCOUNTS = {
    COMPANY: "bedrijf@convenant.test",
    SECRETARIAT: "secretariaat@convenant.test",
    NGO: "ngo@convenant.test",
    KERNGROEP: "kerngroep@convenant.test",
    GOVERNMENT: "overheid@convenant.test",
}


def wrong_password(page: Page) -> None:
    """The sign-in form showing its error."""
    form = page.locator("form").filter(has=page.locator("input[name=password]"))
    form.locator("input[name=login]").fill(ACCOUNTS[COMPANY])
    form.locator("input[name=password]").fill("Not-the-password-2025")
    form.locator("button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()


def empty_application(page: Page) -> None:
    """The accession form sent empty: every field shows its error."""
    page.locator("main form[method=post] button[type=submit]").last.click()
    expect(page.locator(".utrecht-form-field-error-message").first).to_be_visible()


@dataclass(frozen=True)
class Screen:
    """A page one role visits: the URL name, or the URL name of the page it is linked
    from (`via`) when its address holds a demo object; `then` puts the page in a state
    worth checking (an error shown); `status` is 403 for the page that refuses."""

    role: str
    url_name: str
    via: str | None = None
    kwargs: dict = field(default_factory=dict)
    then: Callable[[Page], None] | None = None
    status: int = 200
    label: str = ""

    @property
    def id(self) -> str:
        name = self.label or self.url_name.split(":")[-1]
        return f"{self.role}-{name}"


SCREENS = [
    # A company's admin.
    Screen(COMPANY, "dashboard"),
    Screen(COMPANY, "governance:organisation_detail", via="dashboard"),
    Screen(COMPANY, "monitoring:assessment_list"),
    Screen(COMPANY, "monitoring:assessment_step", via="monitoring:assessment_list"),
    Screen(COMPANY, "monitoring:assessment_result", via="monitoring:assessment_list"),
    Screen(COMPANY, "monitoring:plan_list"),
    Screen(COMPANY, "monitoring:plan_edit", via="monitoring:plan_list"),
    Screen(COMPANY, "monitoring:risk_list", via="monitoring:plan_edit"),
    Screen(COMPANY, "monitoring:risk_create", via="monitoring:risk_list"),
    Screen(COMPANY, "ketenkaart:list_index"),
    Screen(COMPANY, "ketenkaart:list_detail", via="ketenkaart:list_index"),
    Screen(COMPANY, "ketenkaart:restriction_list"),
    Screen(COMPANY, "ketenkaart:release_index"),
    Screen(COMPANY, "monitoring:insight_access_log"),
    Screen(COMPANY, "reminders:reminder_list"),
    Screen(COMPANY, "reports:report_list"),
    Screen(COMPANY, "governance:organisation_list", status=403, label="not_allowed"),
    # The secretariat.
    Screen(SECRETARIAT, "dashboard"),
    Screen(SECRETARIAT, "governance:organisation_list"),
    Screen(SECRETARIAT, "governance:organisation_create"),
    Screen(
        SECRETARIAT,
        "governance:organisation_detail",
        via="governance:organisation_list",
    ),
    Screen(SECRETARIAT, "monitoring:overview"),
    Screen(SECRETARIAT, "monitoring:round_list"),
    Screen(SECRETARIAT, "monitoring:round_create"),
    Screen(SECRETARIAT, "monitoring:round_detail", via="monitoring:round_list"),
    Screen(
        SECRETARIAT,
        "monitoring:assessment_review_secretariat",
        via="monitoring:round_detail",
    ),
    Screen(SECRETARIAT, "monitoring:plan_overview"),
    Screen(SECRETARIAT, "monitoring:company_plan", via="monitoring:plan_overview"),
    Screen(SECRETARIAT, "monitoring:insight_grant_list"),
    Screen(SECRETARIAT, "ketenkaart:overview"),
    Screen(SECRETARIAT, "ketenkaart:company_list", via="ketenkaart:overview"),
    Screen(SECRETARIAT, "ketenkaart:release_index"),
    Screen(
        SECRETARIAT,
        "ketenkaart:release_detail",
        via="ketenkaart:release_index",
        label="release_detail_map",
    ),
    Screen(SECRETARIAT, "ketenkaart:restriction_list"),
    Screen(SECRETARIAT, "ketenkaart:area_request_list"),
    Screen(
        SECRETARIAT,
        "ketenkaart:area_request_detail",
        via="ketenkaart:area_request_list",
    ),
    Screen(SECRETARIAT, "ketenkaart:expertise_list"),
    Screen(SECRETARIAT, "governance:governance_overview"),
    Screen(SECRETARIAT, "governance:meeting_list"),
    Screen(SECRETARIAT, "governance:meeting_create"),
    Screen(SECRETARIAT, "governance:meeting_detail", via="governance:meeting_list"),
    Screen(SECRETARIAT, "governance:decision_list"),
    Screen(SECRETARIAT, "governance:decision_create"),
    Screen(SECRETARIAT, "governance:decision_detail", via="governance:decision_list"),
    Screen(SECRETARIAT, "governance:seat_list"),
    Screen(SECRETARIAT, "governance:module_list"),
    Screen(SECRETARIAT, "governance:confidentiality_list"),
    Screen(
        SECRETARIAT,
        "governance:confidentiality_detail",
        via="governance:confidentiality_list",
    ),
    Screen(SECRETARIAT, "reports:report_list"),
    Screen(SECRETARIAT, "reports:report_year", via="reports:report_list"),
    Screen(SECRETARIAT, "reminders:reminder_overview"),
    Screen(SECRETARIAT, "convenant:calendar"),
    Screen(SECRETARIAT, "convenant:audit_log"),
    # An NGO with insight into companies.
    Screen(NGO, "dashboard"),
    Screen(NGO, "monitoring:insight_list"),
    Screen(NGO, "monitoring:insight_company", via="monitoring:insight_list"),
    Screen(NGO, "governance:confidentiality_own"),
    Screen(NGO, "governance:module_list"),
    Screen(NGO, "governance:module_detail", via="governance:module_list"),
    Screen(NGO, "ketenkaart:release_index"),
    # A member of the Kerngroep.
    Screen(KERNGROEP, "dashboard"),
    Screen(KERNGROEP, "governance:seat_list"),
    Screen(KERNGROEP, "governance:meeting_list"),
    Screen(KERNGROEP, "governance:meeting_detail", via="governance:meeting_list"),
    Screen(KERNGROEP, "governance:decision_list"),
    Screen(KERNGROEP, "governance:decision_detail", via="governance:decision_list"),
    # The government observer.
    Screen(GOVERNMENT, "dashboard"),
    Screen(GOVERNMENT, "governance:governance_overview"),
    Screen(GOVERNMENT, "governance:decision_list"),
    Screen(GOVERNMENT, "reports:report_list"),
    # Nobody signed in.
    Screen(ANONYMOUS, "account_login"),
    Screen(ANONYMOUS, "account_login", then=wrong_password, label="login_error"),
    Screen(ANONYMOUS, "account_reset_password"),
    Screen(ANONYMOUS, "governance:accession_apply"),
    Screen(
        ANONYMOUS,
        "governance:accession_apply",
        then=empty_application,
        label="accession_apply_errors",
    ),
]


@pytest.fixture
def _django_db_helper() -> None:
    """No per-test database set-up: the `site` fixture loads the demo once for the
    module and cleans up after it. This overrides pytest-django's fixture of that
    name, which (asked for by the live server's helper too) would flush the database
    after every test."""


def _serialized_contents() -> dict[str, str]:
    return {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if getattr(connections[alias], "_test_serialized_contents", None)
    }


def _as_migrated(contents: dict[str, str]) -> None:
    """Empty the database and put back the rows the migrations load, as a test with
    serialized_rollback finds it."""
    for alias in connections:
        call_command(
            "flush",
            database=alias,
            interactive=False,
            inhibit_post_migrate=True,
            verbosity=0,
        )
    for alias, data in contents.items():
        connection = connections[alias]
        connection.creation.deserialize_db_from_string(data)
        # The rows keep their ids: move PostgreSQL's sequences past them.
        models = apps.get_models(include_auto_created=True)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


@pytest.fixture(scope="module")
def site(browser, live_server, django_db_blocker) -> Iterator[str]:
    """The full demo, loaded once for the module on the database as the migrations
    left it (a browser test before may have emptied it), which it is again after."""
    with django_db_blocker.unblock():
        contents = _serialized_contents()
        _as_migrated(contents)
        # The hasher every test uses (tests/conftest.py), set only per test.
        with override_settings(PASSWORD_HASHERS=[FAST_HASHER]):
            call_command("seed_demo", stdout=io.StringIO())
        try:
            yield live_server.url
        finally:
            _as_migrated(contents)


@pytest.fixture(scope="module")
def pages(browser, site) -> Iterator[Callable[[str], Page]]:
    """One page per role, signed in once."""
    opened: dict[str, Page] = {}

    def page_for(role: str) -> Page:
        if role not in opened:
            context = browser.new_context(base_url=site, locale="en-GB")
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            if role != ANONYMOUS:
                sign_in(page, ACCOUNTS[role])
                expect(page).to_have_url(path_is("/"))
            opened[role] = page
        return opened[role]

    yield page_for
    for page in opened.values():
        page.context.close()


def _is(url_name: str, href: str | None) -> bool:
    if not href or not href.startswith("/"):
        return False
    try:
        return resolve(href.split("?")[0].split("#")[0]).view_name == url_name
    except Resolver404:
        return False


def _path(page: Page, screen: Screen) -> str:
    if screen.via is None:
        return reverse(screen.url_name, kwargs=screen.kwargs)
    source = next(
        s for s in SCREENS if s.role == screen.role and s.url_name == screen.via
    )
    _open(page, _path(page, source), source.status)
    hrefs = page.locator("main a[href], header a[href]").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )
    found = [href for href in hrefs if _is(screen.url_name, href)]
    assert found, f"No link to {screen.url_name} on {page.url} for the {screen.role}."
    return found[0]


def _open(page: Page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == status, f"{path} answered {response.status}"
    expect(page).to_have_url(path_is(path.split("?")[0]))


def axe_violations(page: Page) -> list[dict]:
    page.evaluate(AXE_SOURCE)
    return page.evaluate(AXE_RUN)["violations"]


def describe(violations: list[dict], where: str) -> str:
    lines = []
    for violation in violations:
        targets = "; ".join(
            " ".join(node["target"]) if isinstance(node["target"], list) else ""
            for node in violation["nodes"][:8]
        )
        lines.append(
            f"{where}: {violation['id']} ({violation['impact']}): {violation['help']}"
            f" -> {targets}"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("screen", SCREENS, ids=[s.id for s in SCREENS])
def test_no_serious_accessibility_violations(pages, site, screen: Screen, language):
    page = pages(screen.role)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": site}]
    )
    path = _path(page, screen)
    _open(page, path, screen.status)
    expect(page.locator("html")).to_have_attribute("lang", language)
    if screen.then is not None:
        screen.then(page)

    blocking = [v for v in axe_violations(page) if v["impact"] in BLOCKING_IMPACTS]

    if blocking:
        pytest.fail(describe(blocking, f"{page.url} ({language})"), pytrace=False)
