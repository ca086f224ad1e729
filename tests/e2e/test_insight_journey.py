"""NGO insight in the browser: the demo NGO (Terre des Hommes, with a valid NDA and its
modules from the governance demo) finds a company it was granted insight into from its
dashboard, sees the permitted scores and advice under the confidentiality banner and
none of the company's answers, and is refused a company it was not granted. The company
then sees on its access log that the NGO looked.

The companies and their judgements are made through the ORM and the services: the
questionnaire is another part of the platform."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from governance.models import Organisation, User
from monitoring.services import insight as services
from tests.e2e.test_ketenkaart_journey import sign_out
from tests.e2e.test_sign_in import card, path_is, sign_in
from tests.governance.factories import PASSWORD
from tests.monitoring.insight_world import MARKERS, VISIBLE_ADVICE, judged_company

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NGO_PERSON = "ngo@convenant.test"


@pytest.fixture
def companies(demo_data, settings, tmp_path):
    """A granted and a refused company, both judged."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    secretariat = User.objects.get(email="secretariaat@convenant.test")
    ngo = Organisation.objects.get(name="Terre des Hommes Nederland")
    granted, owner = judged_company("Kobalt Insight B.V.")
    refused, _owner = judged_company("Geheim Metaal B.V.")
    services.insight_grant(
        organisation=ngo, company=granted.organisation, actor=secretariat
    )
    return granted, refused, owner


def test_an_ngo_sees_a_granted_company_and_is_refused_another(page: Page, companies):
    granted, refused, owner = companies

    sign_in(page, NGO_PERSON)
    expect(page).to_have_url(path_is("/"))
    card(page, "Insight under the confidentiality agreement").get_by_role(
        "link", name="Companies you may see"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Insight into companies")
    expect(page.get_by_role("link", name="Geheim Metaal B.V.")).to_have_count(0)
    page.get_by_role("link", name="Kobalt Insight B.V.").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Kobalt Insight B.V.")
    banner = page.locator(".confidential-banner")
    expect(banner).to_contain_text("Confidential: do not share.")
    expect(banner).to_contain_text("Lotte Visser")
    expect(page.get_by_role("row", name="2. Identify risks")).to_contain_text("0.0")
    expect(page.locator("main")).to_contain_text(VISIBLE_ADVICE)
    main_text = page.locator("main").inner_text()
    for name, marker in MARKERS.items():
        assert marker not in main_text, name
    expect(page.get_by_role("link", name="Download")).to_have_count(0)

    response = page.goto(f"/monitoring/insight/companies/{refused.organisation.pk}/")
    assert response is not None
    assert response.status == 404
    sign_out(page)

    # The company sees that the NGO looked, from its results page.
    sign_in(page, owner.email, password=PASSWORD)
    expect(page).to_have_url(path_is("/"))
    page.goto(f"/monitoring/assessments/{granted.pk}/result/")
    page.get_by_role("link", name="Who viewed our results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who viewed our results")
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.filter(has_text="Terre des Hommes Nederland")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("Lotte Visser")
