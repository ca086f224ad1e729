"""The meetings pages: who sees the full meeting and who the outline, the secretariat's
forms with bad input, downloads and the chair's decision on guests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from convenant.models import AuditEntry
from governance.models import AgendaItem, Meeting, MeetingGuest, MeetingStatus
from governance.services import meetings as services
from tests.conftest import make_person
from tests.governance.factories import (
    AgendaItemFactory,
    MeetingFactory,
    MeetingGuestFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.monitoring.company_factories import pdf_bytes, upload

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Klacht tegen Staalgieterij Oost"
SECRET_DESCRIPTION = "Vertrouwelijke toelichting over de locaties."
SECRET_MINUTES = "Volledig verslag met de score van Bedrijf Y."
OUTLINE_MINUTES = "Verslag in hoofdlijnen."


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def secretariat():
    return make_person("secretariat")


@pytest.fixture
def meeting(secretariat):
    meeting = MeetingFactory(
        starts_at=timezone.now() - dt.timedelta(days=50),
        status=MeetingStatus.HELD,
        minutes_full=SECRET_MINUTES,
        minutes_outline=OUTLINE_MINUTES,
        created_by=secretariat,
    )
    AgendaItemFactory(
        meeting=meeting, position=1, title="Opening", outline="Opening en agenda."
    )
    item = AgendaItemFactory(
        meeting=meeting,
        position=2,
        title=SECRET_TITLE,
        description=SECRET_DESCRIPTION,
        visibility="kerngroep",
        outline="",
    )
    services.agenda_document_add(
        item=item, file=upload("dossier.pdf", pdf_bytes()), actor=secretariat
    )
    MeetingGuestFactory(meeting=meeting, name="Mr. Gast")
    return meeting


def _approve(meeting, secretariat):
    later = MeetingFactory(
        starts_at=timezone.now() - dt.timedelta(days=2),
        status=MeetingStatus.HELD,
        created_by=secretariat,
    )
    services.minutes_approve(meeting=meeting, approved_in=later, actor=secretariat)
    return later


@pytest.mark.parametrize(
    "role", ["company_admin", "company_member", "ngo", "union", "branch", "government"]
)
def test_parties_see_the_outline_only(client, meeting, secretariat, role):
    _approve(meeting, secretariat)
    client.force_login(make_person(role))
    response = client.get(reverse("governance:meeting_detail", args=[meeting.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Opening en agenda." in body
    assert "1 closed item" in body
    assert OUTLINE_MINUTES in body
    for secret in (SECRET_TITLE, SECRET_DESCRIPTION, SECRET_MINUTES, "dossier.pdf"):
        assert secret not in body
    assert "Mr. Gast" not in body


def test_outline_minutes_are_shown_once_approved(client, meeting):
    client.force_login(make_person("ngo"))
    body = client.get(
        reverse("governance:meeting_detail", args=[meeting.pk])
    ).content.decode()
    assert OUTLINE_MINUTES not in body
    assert "once the next meeting has approved them" in body


@pytest.mark.parametrize("role", ["secretariat", "kerngroep", "chair"])
def test_the_kerngroep_sees_the_full_meeting(client, meeting, role):
    client.force_login(make_person(role))
    body = client.get(
        reverse("governance:meeting_detail", args=[meeting.pk])
    ).content.decode()
    for text in (SECRET_TITLE, SECRET_DESCRIPTION, SECRET_MINUTES, "dossier.pdf"):
        assert text in body
    assert "Mr. Gast" in body


def test_a_person_of_no_party_sees_no_meetings(client, meeting):
    applicant = OrganisationFactory(status="applicant", signed_on=None)
    client.force_login(UserFactory(organisation=applicant))
    assert client.get(reverse("governance:meeting_list")).status_code == 403
    assert (
        client.get(reverse("governance:meeting_detail", args=[meeting.pk])).status_code
        == 403
    )


def test_the_locked_minutes_read_approved_in_the_later_meeting(
    client, meeting, secretariat
):
    later = _approve(meeting, secretariat)
    client.force_login(secretariat)
    body = client.get(
        reverse("governance:meeting_detail", args=[meeting.pk])
    ).content.decode()
    day = timezone.localtime(later.starts_at)
    assert f"Approved in the meeting of {day.day} " in body
    assert reverse("governance:meeting_minutes", args=[meeting.pk]) not in body
    assert reverse("governance:agenda_item_create", args=[meeting.pk]) not in body
    response = client.post(
        reverse("governance:meeting_minutes", args=[meeting.pk]),
        {"minutes_full": "Anders", "minutes_outline": "Anders"},
    )
    assert response.status_code == 422
    meeting.refresh_from_db()
    assert meeting.minutes_full == SECRET_MINUTES


def test_the_secretariat_records_the_approval_on_the_later_meeting(
    client, meeting, secretariat
):
    later = MeetingFactory(
        starts_at=timezone.now() - dt.timedelta(days=2),
        status=MeetingStatus.HELD,
        created_by=secretariat,
    )
    client.force_login(secretariat)
    page = client.get(reverse("governance:meeting_detail", args=[later.pk]))
    assert "Minutes to approve" in page.content.decode()
    response = client.post(
        reverse("governance:meeting_minutes_approve", args=[later.pk])
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_approved_in == later


def test_approving_with_nothing_to_approve_says_so(client, secretariat):
    lonely = MeetingFactory(
        starts_at=timezone.now() - dt.timedelta(days=2), created_by=secretariat
    )
    client.force_login(secretariat)
    response = client.post(
        reverse("governance:meeting_minutes_approve", args=[lonely.pk]), follow=True
    )
    assert "no minutes for this meeting to approve" in response.content.decode()


def test_planning_outside_the_agreement_keeps_the_input(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("governance:meeting_create"),
        {"date": "2031-02-03", "time": "10:30", "location": "Utrecht"},
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "outside the agreement" in body
    assert 'value="2031-02-03"' in body
    assert 'value="Utrecht"' in body
    assert not Meeting.objects.exists()


def test_planning_a_meeting(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("governance:meeting_create"),
        {"date": "2027-03-11", "time": "13:30", "location": "Den Haag"},
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse(
        "governance:meeting_detail", args=[meeting.pk]
    )
    assert timezone.localtime(meeting.starts_at).hour == 13


def test_an_item_shared_without_outline_keeps_the_input(client, secretariat):
    planned = MeetingFactory(
        starts_at=timezone.now() + dt.timedelta(days=9), created_by=secretariat
    )
    client.force_login(secretariat)
    response = client.post(
        reverse("governance:agenda_item_create", args=[planned.pk]),
        {
            "title": "Toetredingsverzoek",
            "description": "Intern",
            "visibility": "outline",
        },
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "Write the outline" in body
    assert 'value="Toetredingsverzoek"' in body
    assert not AgendaItem.objects.exists()


def test_a_wrong_document_keeps_the_page(client, meeting, secretariat):
    planned = MeetingFactory(
        starts_at=timezone.now() + dt.timedelta(days=9), created_by=secretariat
    )
    item = AgendaItemFactory(meeting=planned)
    client.force_login(secretariat)
    response = client.post(
        reverse("governance:agenda_document_upload", args=[item.pk]),
        {"file": upload("notulen.pdf", b"just text, not a pdf")},
    )
    assert response.status_code == 422
    assert "judged by its content" in response.content.decode()
    assert not item.documents.exists()


def test_downloading_a_document_is_audited(client, meeting):
    document = meeting.items.get(position=2).documents.get()
    member = make_person("kerngroep")
    client.force_login(member)
    response = client.get(
        reverse("governance:agenda_document_download", args=[document.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    entry = AuditEntry.objects.get(action="agenda_document.download")
    assert entry.actor == member


def test_the_chair_admits_a_guest(client, secretariat):
    planned = MeetingFactory(
        starts_at=timezone.now() + dt.timedelta(days=9), created_by=secretariat
    )
    guest = MeetingGuestFactory(meeting=planned)
    chair = make_person("chair")
    client.force_login(chair)
    page = client.get(reverse("governance:meeting_detail", args=[planned.pk]))
    assert "Admit" in page.content.decode()
    client.post(
        reverse("governance:meeting_guest_decide", args=[guest.pk]),
        {"decision": "admit"},
    )
    guest.refresh_from_db()
    assert guest.admitted_by == chair


def test_a_guest_decision_needs_a_choice(client, secretariat):
    planned = MeetingFactory(
        starts_at=timezone.now() + dt.timedelta(days=9), created_by=secretariat
    )
    guest = MeetingGuestFactory(meeting=planned)
    client.force_login(make_person("chair"))
    response = client.post(
        reverse("governance:meeting_guest_decide", args=[guest.pk]),
        {"decision": "maybe"},
        follow=True,
    )
    assert "Choose to admit or to refuse" in response.content.decode()
    assert not MeetingGuest.objects.filter(admitted_at__isnull=False).exists()


def test_the_list_counts_the_meetings_of_the_year(client, secretariat):
    first = MeetingFactory(created_by=secretariat)
    MeetingFactory(
        starts_at=first.starts_at + dt.timedelta(days=90), created_by=secretariat
    )
    client.force_login(secretariat)
    body = client.get(
        reverse("governance:meeting_list"), {"year": first.agreement_year.number}
    ).content.decode()
    assert "2 of 4 meetings planned" in body
    assert "plan the missing ones" in body


@pytest.mark.parametrize("count", [5, 50])
def test_the_meeting_page_reads_in_fixed_queries(
    client, secretariat, count, django_assert_max_num_queries
):
    meeting = MeetingFactory(created_by=secretariat)
    for n in range(count):
        AgendaItemFactory(meeting=meeting, position=n + 1)
    client.force_login(secretariat)
    with django_assert_max_num_queries(16):
        client.get(reverse("governance:meeting_detail", args=[meeting.pk]))
    client.force_login(make_person("ngo"))
    with django_assert_max_num_queries(16):
        client.get(reverse("governance:meeting_detail", args=[meeting.pk]))


@pytest.mark.parametrize("count", [4, 40])
def test_the_meeting_list_reads_in_fixed_queries(
    client, secretariat, count, django_assert_max_num_queries
):
    first = MeetingFactory(created_by=secretariat)
    for n in range(1, count):
        meeting = MeetingFactory(
            starts_at=first.starts_at + dt.timedelta(days=n), created_by=secretariat
        )
        AgendaItemFactory(meeting=meeting, position=1)
    client.force_login(make_person("union"))
    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("governance:meeting_list"), {"year": first.agreement_year.number}
        )
    assert f"{count} of 4 meetings planned" in response.content.decode()


def test_marking_a_meeting_held_opens_its_minutes(client, secretariat):
    past = MeetingFactory(
        starts_at=timezone.now() - dt.timedelta(hours=3), created_by=secretariat
    )
    client.force_login(secretariat)
    client.post(reverse("governance:meeting_held", args=[past.pk]))
    past.refresh_from_db()
    assert past.status == MeetingStatus.HELD
    body = client.get(
        reverse("governance:meeting_detail", args=[past.pk])
    ).content.decode()
    assert reverse("governance:meeting_minutes", args=[past.pk]) in body


def test_a_meeting_not_yet_begun_is_not_marked_held(client, secretariat):
    planned = MeetingFactory(
        starts_at=timezone.now() + dt.timedelta(days=3), created_by=secretariat
    )
    client.force_login(secretariat)
    response = client.post(
        reverse("governance:meeting_held", args=[planned.pk]), follow=True
    )
    assert "has not begun yet" in response.content.decode()
    planned.refresh_from_db()
    assert planned.status == MeetingStatus.PLANNED
