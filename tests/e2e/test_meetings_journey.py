"""A Kerngroep meeting in the browser: the secretariat adds a closed item to the December
meeting of the demo (after being told an item shared in outline needs its outline), the
chair admits a proposed guest, and an NGO reads the meeting in outline: the shared items,
the number of closed items, and nothing of the closed items or the guests."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from governance.models import Meeting, MeetingStatus
from tests.e2e.test_sign_in import path_is, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SECRETARIAT = "secretariaat@convenant.test"
CHAIR = "voorzitter@convenant.test"
NGO = "ngo@convenant.test"
NEW_ITEM = "Evaluatie van de klachtenprocedure"


def _sign_out(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name="Sign out").click()


def test_the_secretariat_prepares_the_chair_admits_and_parties_read_the_outline(
    page: Page,
):
    december = Meeting.objects.get(status=MeetingStatus.PLANNED)
    meeting_path = reverse("governance:meeting_detail", args=[december.pk])

    sign_in(page, SECRETARIAT)
    page.goto(f"{reverse('governance:meeting_list')}?year=2")
    page.get_by_role("link", name="Thursday 3 December 2026, 13:30").click()
    expect(page).to_have_url(path_is(meeting_path))
    page.get_by_role("link", name="Add an agenda item").click()
    page.get_by_label("Title").fill(NEW_ITEM)
    page.get_by_label("Description (Kerngroep)").fill(
        "Hoe lang duurde de behandeling van de klachten in 2026?"
    )
    page.get_by_label("Shared in outline").check()
    page.get_by_role("button", name="Add the item").click()
    expect(page.get_by_role("alert")).to_contain_text("Write the outline")
    expect(page.get_by_label("Title")).to_have_value(NEW_ITEM)
    page.get_by_label("Kerngroep only").check()
    page.get_by_role("button", name="Add the item").click()
    expect(page).to_have_url(path_is(meeting_path))
    expect(page.get_by_role("heading", level=3, name=NEW_ITEM)).to_be_visible()
    _sign_out(page)

    sign_in(page, CHAIR)
    page.goto(meeting_path)
    guests = page.get_by_role("table")
    expect(guests).to_contain_text("Mark Verhoeven")
    page.get_by_role("button", name="Admit Mark Verhoeven").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Mark Verhoeven is admitted to the meeting."
    )
    _sign_out(page)

    sign_in(page, NGO)
    page.goto(meeting_path)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Voortgangsrapportage due diligence")
    expect(main).to_contain_text("And 3 closed items, for the Kerngroep only.")
    for hidden in (NEW_ITEM, "Klacht over", "Klachtdossier", "Mark Verhoeven"):
        expect(main).not_to_contain_text(hidden)
