"""The Content-Security-Policy in a real browser: the main pages of each kind of person
load without anything refused, and what the policy forbids is refused indeed.

Every browser test also fails on a refusal (tests/e2e/conftest.py), so the journeys
cover the questionnaire with htmx, the ketenkaart map and the reports as well; this
module visits the pages each demo account opens first.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_sign_in import path_is, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PAGES = {
    "secretariaat@convenant.test": [
        "/",
        "/organisations/",
        "/monitoring/rounds/",
        "/ketenkaart/companies/",
        "/reports/",
        "/agreement/",
        "/audit-log/",
        "/accounts/password/change/",
    ],
    "bedrijf@convenant.test": [
        "/",
        "/monitoring/assessments/",
        "/monitoring/plans/",
        "/ketenkaart/",
        "/reports/",
    ],
    "ngo@convenant.test": ["/", "/reports/", "/ketenkaart/published/"],
}


def wait_until_loaded(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, path
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")
    expect(page.locator("h1").first).to_be_visible()


@pytest.mark.parametrize("email", sorted(PAGES))
def test_the_main_pages_load_without_anything_refused(
    page: Page, csp_violations: list[str], email: str
):
    sign_in(page, email)
    expect(page).to_have_url(path_is("/"))
    for path in PAGES[email]:
        wait_until_loaded(page, path)
    # htmx is loaded from the platform itself and runs.
    assert page.evaluate("typeof window.htmx") == "object"
    assert csp_violations == []


def test_an_injected_inline_script_or_style_is_refused(
    page: Page, csp_violations: list[str]
):
    sign_in(page, "secretariaat@convenant.test")
    expect(page).to_have_url(path_is("/"))

    # Added from a timer, so that the browser judges them as page content, not as
    # code run by the test (which Chromium lets through).
    page.evaluate(
        """() => setTimeout(() => {
            document.body.insertAdjacentHTML(
                "beforeend",
                '<div id="injected" style="display: none">x</div>'
                + '<style>main { display: none; }</style>'
                + '<img alt="" src="/static/missing.png" onerror="window.inlineRan = 1">'
            );
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = 2;";
            document.body.appendChild(script);
        }, 0)"""
    )

    expect(page.locator("#injected")).to_be_visible()
    expect(page.locator("main")).to_be_visible()
    assert page.evaluate("window.inlineRan === undefined")
    page.wait_for_timeout(200)  # console messages arrive asynchronously
    refused = " ".join(csp_violations).lower()
    assert "inline style" in refused
    assert "inline script" in refused
    assert "inline event handler" in refused
    # Seen: the page fixture would otherwise fail this test for it.
    csp_violations.clear()
