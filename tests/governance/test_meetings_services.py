"""The meetings services: who may act, what they refuse, and that a refusal changes
nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from convenant.models import AuditEntry
from governance.models import (
    AgendaDocument,
    AgendaItem,
    Decision,
    Meeting,
    MeetingGuest,
    MeetingStatus,
)
from governance.services import meetings as services
from tests.conftest import make_person
from tests.governance.factories import (
    AgendaItemFactory,
    MeetingFactory,
    MeetingGuestFactory,
)
from tests.monitoring.company_factories import pdf_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def ahead(days: int) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


def state() -> dict:
    """Every row the meetings services write."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Meeting, AgendaItem, AgendaDocument, MeetingGuest, AuditEntry)
    }


@pytest.fixture
def secretariat():
    return make_person("secretariat")


@pytest.fixture
def held(secretariat):
    return MeetingFactory(
        starts_at=ago(40), status=MeetingStatus.HELD, created_by=secretariat
    )


@pytest.fixture
def planned(secretariat):
    return MeetingFactory(starts_at=ahead(20), created_by=secretariat)


def refused(call, error=ValidationError, match: str | None = None):
    before = state()
    with pytest.raises(error, match=match):
        call()
    assert state() == before


# --- planning ------------------------------------------------------------------------


def test_the_secretariat_plans_a_meeting_in_the_year_of_its_date(secretariat):
    starts = dt.datetime(2027, 3, 11, 13, 30, tzinfo=dt.UTC)
    meeting = services.meeting_plan(
        starts_at=starts, location=" Den Haag ", actor=secretariat
    )
    assert meeting.agreement_year.number == 2
    assert meeting.location == "Den Haag"
    assert meeting.status == MeetingStatus.PLANNED
    assert AuditEntry.objects.filter(action="meeting.plan").count() == 1


@pytest.mark.parametrize("role", ["kerngroep", "chair", "ngo", "company_admin"])
def test_only_the_secretariat_plans(role):
    person = make_person(role)
    refused(
        lambda: services.meeting_plan(starts_at=ahead(5), actor=person),
        PermissionDenied,
    )


def test_a_date_outside_the_agreement_is_refused(secretariat):
    refused(
        lambda: services.meeting_plan(
            starts_at=dt.datetime(2031, 1, 8, 10, tzinfo=dt.UTC), actor=secretariat
        ),
        match="outside the agreement",
    )


def test_moving_a_meeting_follows_its_year(planned, secretariat):
    services.meeting_update(
        meeting=planned,
        starts_at=dt.datetime(2028, 1, 20, 10, tzinfo=dt.UTC),
        location="Utrecht",
        actor=secretariat,
    )
    planned.refresh_from_db()
    assert planned.agreement_year.number == 3
    assert planned.location == "Utrecht"


def test_a_held_meeting_is_not_moved_or_cancelled(held, secretariat):
    refused(
        lambda: services.meeting_update(
            meeting=held, starts_at=ahead(3), actor=secretariat
        ),
        match="planned meeting",
    )
    refused(
        lambda: services.meeting_cancel(meeting=held, actor=secretariat),
        match="planned meeting",
    )


def test_a_meeting_is_held_only_once_it_began(planned, secretariat):
    refused(
        lambda: services.meeting_mark_held(meeting=planned, actor=secretariat),
        match="not begun",
    )
    past = MeetingFactory(starts_at=ago(1), created_by=secretariat)
    services.meeting_mark_held(meeting=past, actor=secretariat)
    past.refresh_from_db()
    assert past.status == MeetingStatus.HELD


def test_cancel(planned, secretariat):
    services.meeting_cancel(meeting=planned, actor=secretariat)
    planned.refresh_from_db()
    assert planned.status == MeetingStatus.CANCELLED


# --- agenda ----------------------------------------------------------------------------


def test_items_are_added_at_the_end_and_moved(planned, secretariat):
    first = services.agenda_item_create(
        meeting=planned,
        title="Opening",
        visibility="outline",
        outline="Opening en vaststellen agenda.",
        actor=secretariat,
    )
    second = services.agenda_item_create(
        meeting=planned,
        title="Klacht",
        description="Klacht over Bedrijf X.",
        visibility="kerngroep",
        actor=secretariat,
    )
    assert (first.position, second.position) == (1, 2)
    services.agenda_item_move(item=second, direction="up", actor=secretariat)
    assert list(planned.items.values_list("title", flat=True)) == ["Klacht", "Opening"]
    first.refresh_from_db()
    refused(
        lambda: services.agenda_item_move(
            item=first, direction="down", actor=secretariat
        ),
        match="last on the agenda",
    )


def test_an_item_shared_in_outline_needs_its_outline(planned, secretariat):
    refused(
        lambda: services.agenda_item_create(
            meeting=planned,
            title="Toetredingsverzoek",
            visibility="outline",
            outline="  ",
            actor=secretariat,
        ),
        match="outline",
    )


def test_deleting_an_item_closes_the_gap(planned, secretariat):
    items = [
        AgendaItemFactory(meeting=planned, position=n, title=f"Punt {n}")
        for n in (1, 2, 3)
    ]
    services.agenda_item_delete(item=items[0], actor=secretariat)
    assert list(planned.items.values_list("position", "title")) == [
        (1, "Punt 2"),
        (2, "Punt 3"),
    ]


def test_an_item_with_a_decision_stays(planned, secretariat):
    item = AgendaItemFactory(meeting=planned)
    Decision.objects.create(
        title="Toetreding",
        proposal="Toelaten.",
        agenda_item=item,
        created_by=secretariat,
    )
    refused(
        lambda: services.agenda_item_delete(item=item, actor=secretariat),
        match="decision",
    )


def test_documents_are_checked_by_their_content(planned, secretariat):
    item = AgendaItemFactory(meeting=planned)
    document = services.agenda_document_add(
        item=item, file=upload("stuk.pdf", pdf_bytes()), actor=secretariat
    )
    assert document.content_type == "application/pdf"
    assert document.original_name == "stuk.pdf"
    assert "stuk" not in document.file.name
    refused(
        lambda: services.agenda_document_add(
            item=item, file=upload("foto.pdf", png_bytes()), actor=secretariat
        ),
        match="not a PDF, Word or Excel",
    )
    refused(
        lambda: services.agenda_document_add(
            item=item, file=upload("prog.pdf", b"MZ\x90\x00" * 50), actor=secretariat
        ),
    )


def test_only_the_secretariat_keeps_the_agenda(planned):
    item = AgendaItemFactory(meeting=planned)
    member = make_person("kerngroep")
    refused(
        lambda: services.agenda_item_update(
            item=item, title="Anders", visibility="kerngroep", actor=member
        ),
        PermissionDenied,
    )
    refused(
        lambda: services.agenda_document_add(
            item=item, file=upload("a.pdf", pdf_bytes()), actor=member
        ),
        PermissionDenied,
    )


# --- minutes and the lock ---------------------------------------------------------------


def test_minutes_are_written_once_held(planned, held, secretariat):
    refused(
        lambda: services.minutes_write(
            meeting=planned, full="Vol", outline="Kort", actor=secretariat
        ),
        match="held",
    )
    services.minutes_write(meeting=held, full="Vol", outline="Kort", actor=secretariat)
    held.refresh_from_db()
    assert (held.minutes_full, held.minutes_outline) == ("Vol", "Kort")


def _written(meeting, secretariat):
    return services.minutes_write(
        meeting=meeting,
        full="Volledig verslag.",
        outline="Verslag in hoofdlijnen.",
        actor=secretariat,
    )


def test_a_later_meeting_approves_and_locks_the_minutes(held, secretariat):
    _written(held, secretariat)
    later = MeetingFactory(
        starts_at=ago(2), status=MeetingStatus.HELD, created_by=secretariat
    )
    item = AgendaItemFactory(meeting=held)
    document = services.agenda_document_add(
        item=item, file=upload("stuk.pdf", pdf_bytes()), actor=secretariat
    )
    services.minutes_approve(meeting=held, approved_in=later, actor=secretariat)
    held.refresh_from_db()
    assert held.minutes_locked
    assert held.minutes_approved_in == later

    for call in (
        lambda: services.minutes_write(
            meeting=held, full="Anders", outline="Anders", actor=secretariat
        ),
        lambda: services.agenda_item_update(
            item=item, title="Anders", visibility="kerngroep", actor=secretariat
        ),
        lambda: services.agenda_item_create(
            meeting=held, title="Nieuw", visibility="kerngroep", actor=secretariat
        ),
        lambda: services.agenda_item_delete(item=item, actor=secretariat),
        lambda: services.agenda_item_move(item=item, direction="up", actor=secretariat),
        lambda: services.agenda_document_add(
            item=item, file=upload("b.pdf", pdf_bytes()), actor=secretariat
        ),
        lambda: services.agenda_document_delete(document=document, actor=secretariat),
        lambda: services.minutes_approve(
            meeting=held, approved_in=later, actor=secretariat
        ),
    ):
        refused(call, match="approved")


def test_minutes_are_approved_by_a_later_meeting_only(held, secretariat):
    _written(held, secretariat)
    earlier = MeetingFactory(
        starts_at=ago(80), status=MeetingStatus.HELD, created_by=secretariat
    )
    refused(
        lambda: services.minutes_approve(
            meeting=held, approved_in=earlier, actor=secretariat
        ),
        match="later meeting",
    )
    refused(
        lambda: services.minutes_approve(
            meeting=held, approved_in=held, actor=secretariat
        ),
        match="later meeting",
    )
    future = MeetingFactory(starts_at=ahead(10), created_by=secretariat)
    refused(
        lambda: services.minutes_approve(
            meeting=held, approved_in=future, actor=secretariat
        ),
        match="not begun",
    )
    cancelled = MeetingFactory(
        starts_at=ago(3), status=MeetingStatus.CANCELLED, created_by=secretariat
    )
    refused(
        lambda: services.minutes_approve(
            meeting=held, approved_in=cancelled, actor=secretariat
        ),
        match="cancelled",
    )


def test_unwritten_minutes_are_not_approved(held, secretariat):
    later = MeetingFactory(
        starts_at=ago(2), status=MeetingStatus.HELD, created_by=secretariat
    )
    refused(
        lambda: services.minutes_approve(
            meeting=held, approved_in=later, actor=secretariat
        ),
        match="Write both",
    )


# --- guests --------------------------------------------------------------------------


def test_a_kerngroep_member_proposes_and_the_chair_admits(planned):
    member = make_person("kerngroep")
    guest = services.guest_propose(
        meeting=planned,
        name="Dr. A. Jansen",
        affiliation="OESO",
        reason="Toelichting op de OESO-richtlijnen.",
        actor=member,
    )
    chair = make_person("chair")
    services.guest_decide(guest=guest, admit=True, actor=chair)
    guest.refresh_from_db()
    assert guest.admitted_by == chair
    assert guest.refused_at is None
    refused(
        lambda: services.guest_decide(guest=guest, admit=False, actor=chair),
        match="already decided",
    )


@pytest.mark.parametrize("role", ["secretariat", "kerngroep", "ngo"])
def test_only_the_chair_admits(planned, role):
    guest = MeetingGuestFactory(meeting=planned)
    person = make_person(role)
    refused(
        lambda: services.guest_decide(guest=guest, admit=True, actor=person),
        PermissionDenied,
    )


@pytest.mark.parametrize("role", ["chair", "ngo", "company_admin", "government"])
def test_parties_and_the_chair_do_not_propose_guests(planned, role):
    person = make_person(role)
    refused(
        lambda: services.guest_propose(
            meeting=planned, name="X", reason="Y", actor=person
        ),
        PermissionDenied,
    )


def test_a_guest_needs_a_reason_and_a_planned_meeting(planned, held, secretariat):
    refused(
        lambda: services.guest_propose(
            meeting=planned, name="X", reason=" ", actor=secretariat
        ),
        match="Say why",
    )
    refused(
        lambda: services.guest_propose(
            meeting=held, name="X", reason="Y", actor=secretariat
        ),
        match="planned meeting",
    )
