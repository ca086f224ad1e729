"""Accession in the browser (art. 69-72): an anonymous visitor applies for a company with
a PDF motivation letter; the secretariat checks and announces the application; an NGO
raises a question and the secretariat answers it; once the period for responses has
ended the secretariat puts the application to the Kerngroep and records its decision by
consensus; the secretariat then finds the company active with its signing date and an
invitation sent to its contact person."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from governance.models import (
    AccessionApplication,
    AccessionStatus,
    Invitation,
    Organisation,
    OrganisationStatus,
)
from governance.services.decisions import decision_for
from tests.e2e.test_ketenkaart_journey import sign_out
from tests.e2e.test_sign_in import path_is, sign_in
from tests.governance.factories import LETTER_PDF

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SECRETARIAT = "secretariaat@convenant.test"
NGO = "ngo@convenant.test"
COMPANY = "Zeeuwse Staalbouw B.V."
CONTACT = "sanne@zeeuwse-staalbouw.test"
QUESTION = (
    "Uit welke landen betrekt u uw staal, en hoe brengt u de risico's daar in kaart?"
)
ANSWER = "Vooral uit Duitsland en Turkije; de risicoanalyse volgt in het eerste jaar."


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    """The motivation letter is stored in a folder of the test."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def detail(page: Page, application: AccessionApplication) -> None:
    page.goto(f"/accession/{application.pk}/")


def test_an_applicant_accedes_after_announcement_questions_and_the_kerngroep(
    page: Page,
):
    # An anonymous visitor applies.
    page.goto("/accession/apply/")
    page.get_by_label("Name of the organisation").fill(COMPANY)
    page.get_by_label("Company", exact=True).check()
    page.get_by_label("KvK number").fill("87654321")
    page.get_by_label("Size in FTE (companies)").fill("85")
    page.get_by_label("The organisation has a position in metal supply chains").check()
    page.get_by_label("Party: signs, contributes and takes part in decisions").check()
    page.get_by_label("Contact person", exact=True).fill("Sanne de Vries")
    page.get_by_label("Contact person's email address").fill(CONTACT)
    page.get_by_label("Motivation letter", exact=True).set_input_files(
        files=[
            {
                "name": "motivatiebrief.pdf",
                "mimeType": "application/pdf",
                "buffer": LETTER_PDF,
            }
        ]
    )
    page.get_by_label("The organisation endorses the OECD Guidelines").check()
    page.get_by_role("button", name="Send the application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Application received")
    application = AccessionApplication.objects.get(organisation__name=COMPANY)
    assert application.organisation.status == OrganisationStatus.APPLICANT

    # The secretariat checks it and announces it with the default period.
    sign_in(page, SECRETARIAT)
    page.goto("/accession/")
    page.get_by_role("link", name=COMPANY).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Accession of {COMPANY}")
    page.get_by_role("button", name="Checked and announced").click()
    expect(page.get_by_text("The application was announced")).to_be_visible()
    application.refresh_from_db()
    assert application.status == AccessionStatus.ANNOUNCED
    assert application.response_deadline == timezone.localdate() + dt.timedelta(weeks=4)
    sign_out(page)

    # An NGO raises a question.
    sign_in(page, NGO)
    detail(page, application)
    page.get_by_label("Question", exact=True).check()
    page.get_by_label("Your question, or why the applicant should be heard").fill(
        QUESTION
    )
    page.get_by_role("button", name="Send", exact=True).click()
    expect(
        page.get_by_text("Your response was sent to the secretariat.")
    ).to_be_visible()
    expect(page.get_by_text(QUESTION)).to_be_visible()
    sign_out(page)

    # The secretariat answers it.
    sign_in(page, SECRETARIAT)
    detail(page, application)
    page.get_by_label("Answer to Terre des Hommes Nederland").fill(ANSWER)
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("The answer was sent.")).to_be_visible()
    expect(page.get_by_text(ANSWER)).to_be_visible()

    # The period for responses is four weeks; waiting for it is no option in a test,
    # so the deadline is moved into the past directly.
    AccessionApplication.objects.filter(pk=application.pk).update(
        response_deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    detail(page, application)
    page.get_by_role("button", name="Put to the Kerngroep").click()
    expect(
        page.get_by_text("The application is with the Kerngroep now.")
    ).to_be_visible()
    application.refresh_from_db()
    assert application.status == AccessionStatus.WITH_KERNGROEP

    # The Kerngroep decides by consensus in its meeting; the secretariat records it.
    decision = decision_for(application)
    page.goto(f"/decisions/{decision.pk}/")
    page.get_by_role("link", name="Record the votes of the meeting").click()
    page.get_by_label(
        "Decided by consensus: every seat's regular representative voted for"
    ).check()
    page.get_by_role("button", name="Record the votes").click()
    expect(page.get_by_role("main")).to_contain_text("Closing now gives: Consensus")
    page.get_by_role("button", name="Close the vote").click()
    expect(page.get_by_role("main")).to_contain_text("Adopted")
    today = timezone.localdate()

    detail(page, application)
    expect(page.get_by_text("Approved", exact=True)).to_be_visible()
    page.get_by_role("link", name=f"Go to {COMPANY}").click()
    organisation = Organisation.objects.get(name=COMPANY)
    expect(page).to_have_url(path_is(f"/organisations/{organisation.pk}/"))
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("Active")
    expect(facts).to_contain_text(f"{today.day} {today:%B %Y}")
    expect(page.get_by_role("cell", name=CONTACT, exact=True)).to_be_visible()
    invitation = Invitation.objects.get(organisation=organisation)
    assert (invitation.email, invitation.role) == (CONTACT, "admin")
    assert organisation.signed_on == today
