"""The meeting pack in the browser: a Kerngroep member opens the pack page of the next
meeting, prepares the pack and downloads it; the PDF holds every agenda item and the
member's name on every page. A company's person downloads the outline pack, which holds
the shared items and no Kerngroep-only title, and is refused the full pack.

The meeting and its agenda are made through the ORM: the meeting pages are another
part of the platform. Celery runs eagerly, so the pack is ready once the page returns.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from convenant import pdf
from governance.models import AgendaVisibility, User
from tests.e2e.test_ketenkaart_journey import sign_out
from tests.e2e.test_sign_in import path_is, sign_in
from tests.governance.packs_world import (
    KERNGROEP_ONLY_TITLE,
    add_document,
    make_meeting,
    pdf_document,
    standard_agenda,
    use_pack_storage,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MEMBER = "kerngroep@convenant.test"
COMPANY_PERSON = "bedrijf@convenant.test"


@pytest.fixture
def meeting(demo_data, settings, monkeypatch, tmp_path):
    """The next meeting, with three shared items, one closed item and a document."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    use_pack_storage(monkeypatch, tmp_path)
    secretariat = User.objects.get(email="secretariaat@convenant.test")
    meeting = make_meeting(creator=secretariat, location="SER, Den Haag (e2e)")
    items = standard_agenda(meeting)
    add_document(
        items[1],
        "baseline-figures.pdf",
        pdf_document("Baseline figures in detail", pages=2),
        uploader=secretariat,
    )
    return meeting


def download_pack(page: Page, link_name: str) -> list[str]:
    with page.expect_download() as download_info:
        page.get_by_role("link", name=link_name).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    return pdf.page_texts(Path(download.path()).read_bytes())


def test_a_member_downloads_the_pack_and_a_party_the_outline(page: Page, meeting):
    member = User.objects.get(email=MEMBER)
    pack_path = f"/meetings/{meeting.pk}/pack/"

    sign_in(page, MEMBER)
    expect(page).to_have_url(path_is("/"))
    page.goto(pack_path)
    expect(page.get_by_role("heading", level=1, name="Meeting pack")).to_be_visible()
    status = page.locator("#pack-status")
    expect(status).to_contain_text("The pack has not been prepared yet.")

    page.get_by_role("button", name="Prepare the pack").click()
    expect(page).to_have_url(path_is(pack_path))
    expect(status).to_contain_text("The pack is ready")
    # The state survives a reload: the pack is kept for the meeting as it is.
    page.reload()
    expect(page.locator("#pack-status")).to_contain_text("The pack is ready")

    pages = download_pack(page, "Download the pack (PDF)")
    text = "\n".join(pages)
    for title in meeting.items.values_list("title", flat=True):
        assert title in text
    assert "Baseline figures in detail (2)" in text
    name = member.get_full_name()
    assert name
    assert all(name in page_text for page_text in pages)
    sign_out(page)

    sign_in(page, COMPANY_PERSON)
    expect(page).to_have_url(path_is("/"))
    response = page.goto(pack_path)
    assert response is not None
    assert response.status == 403
    page.goto(f"/meetings/{meeting.pk}/outline-pack/")
    expect(page.get_by_role("heading", level=1, name="Outline pack")).to_be_visible()
    page.get_by_role("button", name="Prepare the pack").click()
    expect(page.locator("#pack-status")).to_contain_text("The pack is ready")
    party = User.objects.get(email=COMPANY_PERSON)
    outline_pages = download_pack(page, "Download the pack (PDF)")
    outline = "\n".join(outline_pages)
    for title in meeting.items.filter(visibility=AgendaVisibility.OUTLINE).values_list(
        "title", flat=True
    ):
        assert title in outline
    assert KERNGROEP_ONLY_TITLE not in outline
    assert "Baseline figures in detail" not in outline
    assert all(party.get_full_name() in page_text for page_text in outline_pages)
