"""A decision in the browser: the secretariat puts a proposal to the Kerngroep, records
a 2-2 tie as cast in the meeting and closes the vote, which sends it to the Sector
Module Assembly; three party organisations' admins vote online (two for, one against);
once the deadline has passed the hourly close settles it, and a party's person sees it
adopted with the counts of the assembly and no organisation's vote.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from governance.models import AssemblyVote, Decision
from governance.tasks import close_assembly_votes
from tests.e2e.test_sign_in import path_is, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SECRETARIAT = "secretariaat@convenant.test"
TITLE = "Gezamenlijk project kobaltketen Congo"
PROPOSAL = "De partijen starten in 2027 een gezamenlijk project in de kobaltketen."
# How each seat's regular representative in the demo votes in the meeting: 2-2.
TIE = {
    "unions": "for",
    "ngos": "against",
    "branch": "for",
    "companies": "against",
}
# Party organisations' admins and their organisation's vote in the assembly.
BALLOTS = (
    ("bedrijf@convenant.test", "Hollandse Draadtrekkerij B.V.", "For"),
    ("vakbond@convenant.test", "FNV Metaal", "For"),
    ("branche@convenant.test", "Koninklijke Metaalunie", "Against"),
)
# A plain member of a party company: sees outcomes, never votes.
PARTY_PERSON = "collega@convenant.test"


def sign_out(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def test_a_tied_kerngroep_is_settled_by_the_assembly(page: Page):
    # The secretariat puts the proposal to the Kerngroep.
    sign_in(page, SECRETARIAT)
    page.goto("/decisions/")
    page.get_by_role("link", name="Put a decision to the Kerngroep").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Proposal").fill(PROPOSAL)
    page.get_by_role("button", name="Put to the Kerngroep").click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    decision = Decision.objects.get(title=TITLE)

    # The votes of the meeting: each seat's regular representative is named already.
    page.get_by_role("link", name="Record the votes of the meeting").click()
    for seat, vote in TIE.items():
        page.locator(f"select[name={seat}_regular_vote]").select_option(vote)
    page.get_by_role("button", name="Record the votes").click()
    expect(page).to_have_url(path_is(f"/decisions/{decision.pk}/close/"))
    expect(page.get_by_role("main")).to_contain_text(
        "Closing now gives: Tied: to the Sector Module Assembly"
    )
    page.get_by_role("button", name="Close the vote").click()
    expect(page.get_by_role("main")).to_contain_text("the Sector Module Assembly votes")
    expect(page.get_by_role("main")).to_contain_text("With the assembly")
    sign_out(page)

    # Three parties vote online.
    for email, organisation, vote in BALLOTS:
        sign_in(page, email)
        page.goto("/decisions/")
        page.get_by_role("link", name=TITLE).click()
        expect(page.get_by_role("main")).to_contain_text(PROPOSAL)
        page.get_by_role("radio", name=vote, exact=True).check()
        page.get_by_role("button", name="Cast the vote").click()
        expect(page.get_by_role("main")).to_contain_text(
            f"{organisation}'s vote was recorded."
        )
        expect(page.locator("[data-ballot]")).to_contain_text(vote)
        expect(page.get_by_role("button", name="Cast the vote")).to_have_count(0)
        sign_out(page)

    # The deadline lies fourteen days ahead and a test cannot wait for it: the vote is
    # moved back in time so that its deadline passed a minute ago, and the hourly task
    # that beat runs in production closes it.
    assembly = AssemblyVote.objects.get(decision=decision)
    shift = assembly.closes_at - timezone.now() + dt.timedelta(minutes=1)
    AssemblyVote.objects.filter(pk=assembly.pk).update(
        opens_at=assembly.opens_at - shift, closes_at=assembly.closes_at - shift
    )
    assert close_assembly_votes.delay().get() == 1

    # A party's person sees the outcome and the counts, never who voted what.
    sign_in(page, PARTY_PERSON)
    page.goto("/decisions/")
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("Adopted")
    row.get_by_role("link", name=TITLE).click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Adopted")
    expect(page.locator('[data-tally="for"]')).to_have_text("2")
    expect(page.locator('[data-tally="against"]')).to_have_text("1")
    for _email, organisation, _vote in BALLOTS[1:]:
        expect(main).not_to_contain_text(organisation)
    expect(main).not_to_contain_text(PROPOSAL)
    expect(page).to_have_title(re.compile(TITLE))
