"""The meeting pack pages: what each state of the pack shows, preparing it, following
its progress and downloading it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from convenant import pdf
from convenant.models import AuditEntry
from governance.models import MeetingPack, PackKind, PackStatus
from tests.conftest import make_person
from tests.governance.packs_world import (
    KERNGROEP_ONLY_TITLE,
    make_meeting,
    standard_agenda,
    use_pack_storage,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _storage(monkeypatch, tmp_path, settings):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    use_pack_storage(monkeypatch, tmp_path)


@pytest.fixture
def meeting():
    meeting = make_meeting(creator=make_person("secretariat"))
    standard_agenda(meeting)
    return meeting


@pytest.fixture
def member_client(client):
    member = make_person("kerngroep")
    client.force_login(member)
    client.person = member
    return client


def url(name: str, meeting) -> str:
    return reverse(f"governance:{name}", kwargs={"pk": meeting.pk})


def test_the_page_offers_to_prepare_a_pack(member_client, meeting):
    response = member_client.get(url("meeting_pack", meeting))
    assert response.status_code == 200
    assert "The pack has not been prepared yet." in response.text
    assert url("meeting_pack_prepare", meeting) in response.text
    assert url("meeting_pack_download", meeting) not in response.text


def test_preparing_builds_the_pack_and_the_page_offers_the_download(
    member_client, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(url("meeting_pack_prepare", meeting))
    assert response.status_code == 302
    assert response["Location"] == url("meeting_pack", meeting)
    pack = MeetingPack.objects.get()
    assert (pack.kind, pack.status, pack.created_by) == (
        PackKind.FULL,
        PackStatus.DONE,
        member_client.person,
    )
    page = member_client.get(url("meeting_pack", meeting)).text
    assert "The pack is ready" in page
    assert url("meeting_pack_download", meeting) in page
    assert "hx-trigger" not in page


def test_a_pack_being_built_shows_its_progress_and_keeps_polling(
    member_client, meeting
):
    # Without running the commit hooks the build stays queued, as with a busy worker.
    member_client.post(url("meeting_pack_prepare", meeting))
    MeetingPack.objects.update(
        status=PackStatus.RUNNING, progress=42, step="Adding document 2 of 5"
    )
    page = member_client.get(url("meeting_pack", meeting)).text
    assert '<progress class="progress" max="100" value="42"' in page
    assert "Adding document 2 of 5" in page
    assert f'hx-get="{url("meeting_pack_status", meeting)}"' in page
    fragment = member_client.get(url("meeting_pack_status", meeting)).text
    assert fragment.startswith('<div id="pack-status"')
    assert 'hx-trigger="every 2s"' in fragment
    # A second click while it builds does not start another.
    member_client.post(url("meeting_pack_prepare", meeting))
    assert MeetingPack.objects.count() == 1


def test_a_failed_pack_says_why_and_offers_to_try_again(member_client, meeting):
    member_client.post(url("meeting_pack_prepare", meeting))
    MeetingPack.objects.update(
        status=PackStatus.FAILED, error_message="The document “x.pdf” is missing."
    )
    page = member_client.get(url("meeting_pack", meeting)).text
    assert "Preparing the pack failed." in page
    assert "The document “x.pdf” is missing." in page
    assert "Try again" in page


def test_the_download_is_a_stamped_pdf_and_logged(
    member_client, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(url("meeting_pack_prepare", meeting))
    response = member_client.get(url("meeting_pack_download", meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    content = b"".join(response.streaming_content)
    texts = pdf.page_texts(content)
    name = member_client.person.get_full_name()
    assert all(name in text for text in texts)
    assert KERNGROEP_ONLY_TITLE in "\n".join(texts)
    assert (
        AuditEntry.objects.filter(
            action="meeting_pack.download", actor=member_client.person
        ).count()
        == 1
    )


def test_a_download_before_the_pack_is_ready_goes_back_to_the_page(
    member_client, meeting
):
    response = member_client.get(url("meeting_pack_download", meeting))
    assert response.status_code == 302
    assert response["Location"] == url("meeting_pack", meeting)
    assert not AuditEntry.objects.filter(action="meeting_pack.download").exists()


def test_a_changed_agenda_asks_for_a_new_pack(
    member_client, meeting, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(url("meeting_pack_prepare", meeting))
    item = meeting.items.first()
    item.title = "Opening"
    item.save()
    page = member_client.get(url("meeting_pack", meeting)).text
    assert "changed since the pack was last prepared" in page
    assert url("meeting_pack_download", meeting) not in page


def test_a_party_gets_the_outline_pack_but_not_the_full_one(
    client, meeting, django_capture_on_commit_callbacks
):
    party = make_person("company_member")
    client.force_login(party)
    assert client.get(url("meeting_pack", meeting)).status_code == 403
    assert client.post(url("meeting_pack_prepare", meeting)).status_code == 403
    assert MeetingPack.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("meeting_outline_pack_prepare", meeting))
    response = client.get(url("meeting_outline_pack_download", meeting))
    assert response.status_code == 200
    text = "\n".join(pdf.page_texts(b"".join(response.streaming_content)))
    assert "Progress of the baseline measurement" in text
    assert KERNGROEP_ONLY_TITLE not in text


def test_an_unknown_meeting_is_not_found(member_client, meeting):
    response = member_client.get(
        reverse("governance:meeting_pack", kwargs={"pk": meeting.pk + 1})
    )
    assert response.status_code == 404


def test_a_stuck_pack_can_be_tried_again(
    member_client, meeting, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    member_client.post(url("meeting_pack_prepare", meeting))
    long_ago = timezone.now() - dt.timedelta(hours=2)
    MeetingPack.objects.update(status=PackStatus.RUNNING, started_at=long_ago)
    page = member_client.get(url("meeting_pack", meeting)).text
    assert "it has probably stopped" in page
    assert "hx-trigger" not in page
    assert "Try again" in page
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(url("meeting_pack_prepare", meeting))
    pack = MeetingPack.objects.get()
    assert pack.status == PackStatus.DONE


def test_a_pack_tried_again_waits_as_a_new_request(member_client, meeting):
    import datetime as dt

    from django.utils import timezone

    member_client.post(url("meeting_pack_prepare", meeting))
    MeetingPack.objects.update(
        status=PackStatus.FAILED,
        error_message="Broken.",
        created_at=timezone.now() - dt.timedelta(days=2),
    )
    # Without running the commit hooks the new build stays queued.
    member_client.post(url("meeting_pack_prepare", meeting))
    pack = MeetingPack.objects.get()
    assert (pack.status, pack.error_message, pack.is_stuck) == (
        PackStatus.QUEUED,
        "",
        False,
    )
    page = member_client.get(url("meeting_pack", meeting)).text
    assert 'hx-trigger="every 2s"' in page
