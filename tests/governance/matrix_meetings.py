"""Permission-matrix rows of the Kerngroep seats, chair and meetings pages (see
tests/matrix.py).

Everybody signed in reads the seats; every role of the matrix belongs to a party, the
government, the Kerngroep or the secretariat and so reads the meetings (in full or in
outline). The secretariat keeps seats, meetings, agenda, documents and minutes; the
Kerngroep and the secretariat propose guests; only the chair admits them; only those who
see meetings in full download documents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from governance.models import (
    AgendaDocument,
    AgendaItem,
    ChairTerm,
    KerngroepSeat,
    Meeting,
    MeetingGuest,
    MeetingStatus,
)
from tests.governance.factories import (
    AgendaItemFactory,
    KerngroepSeatFactory,
    MeetingFactory,
    MeetingGuestFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.matrix import Redirect, Row, World, only, secretariat_only, signed_in
from tests.monitoring.company_factories import pdf_bytes

FULL = frozenset({"secretariat", "kerngroep", "chair"})
PROPOSERS = frozenset({"secretariat", "kerngroep"})

TO_SEATS = Redirect("governance:seat_list")
TO_MEETING = Redirect("governance:meeting_detail", "meetings_planned")


def _same() -> Redirect:
    return Redirect("governance:meeting_detail", "same")


def _secretariat_post(to: Redirect) -> dict:
    return secretariat_only(to)


ROWS: tuple[Row, ...] = (
    # Seats and the chair
    Row("governance:seat_list", "GET", signed_in(200)),
    Row("governance:seat_assign", "GET", secretariat_only(200)),
    Row(
        "governance:seat_assign",
        "POST",
        _secretariat_post(TO_SEATS),
        data="meetings_seat_assign",
    ),
    Row(
        "governance:seat_representatives",
        "GET",
        secretariat_only(200),
        target="meetings_seat",
    ),
    Row(
        "governance:seat_representatives",
        "POST",
        _secretariat_post(TO_SEATS),
        target="meetings_seat",
        data="meetings_seat_representatives",
    ),
    Row("governance:chair_term_create", "GET", secretariat_only(200)),
    Row(
        "governance:chair_term_create",
        "POST",
        _secretariat_post(TO_SEATS),
        data="meetings_chair_term",
    ),
    # Meetings
    Row("governance:meeting_list", "GET", signed_in(200)),
    Row("governance:meeting_detail", "GET", signed_in(200), target="meetings_planned"),
    Row("governance:meeting_create", "GET", secretariat_only(200)),
    Row(
        "governance:meeting_create",
        "POST",
        _secretariat_post(Redirect("governance:meeting_detail", "created")),
        data="meetings_meeting",
    ),
    Row(
        "governance:meeting_update",
        "GET",
        secretariat_only(200),
        target="meetings_planned",
    ),
    Row(
        "governance:meeting_update",
        "POST",
        _secretariat_post(_same()),
        target="meetings_planned",
        data="meetings_meeting",
    ),
    Row(
        "governance:meeting_cancel",
        "POST",
        _secretariat_post(_same()),
        target="meetings_planned",
    ),
    Row(
        "governance:meeting_held",
        "POST",
        _secretariat_post(_same()),
        target="meetings_past_planned",
    ),
    Row(
        "governance:meeting_minutes",
        "GET",
        secretariat_only(200),
        target="meetings_held",
    ),
    Row(
        "governance:meeting_minutes",
        "POST",
        _secretariat_post(_same()),
        target="meetings_held",
        data="meetings_minutes",
    ),
    Row(
        "governance:meeting_minutes_approve",
        "POST",
        _secretariat_post(_same()),
        target="meetings_approving",
    ),
    # Agenda items and documents
    Row(
        "governance:agenda_item_create",
        "GET",
        secretariat_only(200),
        target="meetings_planned",
    ),
    Row(
        "governance:agenda_item_create",
        "POST",
        _secretariat_post(TO_MEETING),
        target="meetings_planned",
        data="meetings_item",
    ),
    Row(
        "governance:agenda_item_update",
        "GET",
        secretariat_only(200),
        target="meetings_agenda_item",
    ),
    Row(
        "governance:agenda_item_update",
        "POST",
        _secretariat_post(TO_MEETING),
        target="meetings_agenda_item",
        data="meetings_item",
    ),
    Row(
        "governance:agenda_item_delete",
        "POST",
        _secretariat_post(TO_MEETING),
        target="meetings_agenda_item",
    ),
    Row(
        "governance:agenda_item_move",
        "POST",
        _secretariat_post(TO_MEETING),
        target="meetings_agenda_item",
        data="meetings_move",
    ),
    Row(
        "governance:agenda_document_upload",
        "GET",
        secretariat_only(200),
        target="meetings_agenda_item",
    ),
    Row(
        "governance:agenda_document_upload",
        "POST",
        _secretariat_post(TO_MEETING),
        target="meetings_agenda_item",
        data="meetings_document",
    ),
    Row(
        "governance:agenda_document_download",
        "GET",
        only(FULL, 200, 403),
        target="meetings_agenda_document",
    ),
    Row(
        "governance:agenda_document_delete",
        "POST",
        _secretariat_post(TO_MEETING),
        target="meetings_agenda_document",
    ),
    # Guests
    Row(
        "governance:meeting_guest_propose",
        "GET",
        only(PROPOSERS, 200, 403),
        target="meetings_planned",
    ),
    Row(
        "governance:meeting_guest_propose",
        "POST",
        only(PROPOSERS, _same(), 403),
        target="meetings_planned",
        data="meetings_guest",
    ),
    Row(
        "governance:meeting_guest_decide",
        "POST",
        only({"chair"}, TO_MEETING, 403),
        target="meetings_open_guest",
        data="meetings_guest_decide",
    ),
)


def _today() -> str:
    return timezone.localdate().isoformat()


DATA: dict[str, Callable[[World], dict]] = {
    "meetings_seat_assign": lambda world: {
        "constituency": "unions",
        "organisation": world.context["meetings_union"].pk,
        "regular_representative": world.context["meetings_union_people"][1].pk,
        "deputy_representative": world.context["meetings_union_people"][0].pk,
        "starts_on": _today(),
    },
    "meetings_seat_representatives": lambda world: {
        "regular_representative": world.context["meetings_union_people"][1].pk,
        "deputy_representative": world.context["meetings_union_people"][0].pk,
    },
    "meetings_chair_term": lambda world: {
        "person": world.context["meetings_chair_candidate"].pk,
        "proposed_on": "2026-05-01",
        "confirmed_on": "2026-05-20",
        "starts_on": _today(),
    },
    "meetings_meeting": lambda world: {
        "date": "2027-06-10",
        "time": "10:00",
        "location": "Den Haag, SER-gebouw",
    },
    "meetings_minutes": lambda world: {
        "minutes_full": "Volledig verslag.",
        "minutes_outline": "Verslag in hoofdlijnen.",
    },
    "meetings_item": lambda world: {
        "title": "Rondvraag",
        "description": "",
        "visibility": "outline",
        "outline": "Rondvraag en sluiting.",
    },
    "meetings_move": lambda world: {"direction": "up"},
    "meetings_document": lambda world: {
        "file": SimpleUploadedFile("stuk.pdf", pdf_bytes(), "application/pdf")
    },
    "meetings_guest": lambda world: {
        "name": "Dr. Eva Kobalt",
        "affiliation": "OESO",
        "reason": "Toelichting op de OESO-richtlijnen voor mineralen.",
    },
    "meetings_guest_decide": lambda world: {"decision": "admit"},
}

WATCHED: tuple = (
    AgendaDocument,
    AgendaItem,
    ChairTerm,
    KerngroepSeat,
    Meeting,
    MeetingGuest,
)
CREATED: dict = {"governance:meeting_detail": Meeting}


def build(world: World) -> None:
    """Adds this area's objects to the world and their kwargs to world.targets."""
    secretariat = world.context["secretariat_person"]
    now = timezone.now()
    union = OrganisationFactory(union=True, name="Vakbond Metaal Matrix")
    people = (UserFactory(organisation=union), UserFactory(organisation=union))
    seat = KerngroepSeatFactory(
        constituency="unions",
        organisation=union,
        regular_representative=people[0],
        starts_on=dt.date(2025, 10, 16),
    )
    candidate = UserFactory(organisation=OrganisationFactory(ser=True))

    held = MeetingFactory(
        starts_at=now - dt.timedelta(days=40),
        status=MeetingStatus.HELD,
        minutes_full="Volledig verslag.",
        minutes_outline="Verslag in hoofdlijnen.",
        created_by=secretariat,
    )
    approving = MeetingFactory(
        starts_at=now - dt.timedelta(days=5),
        status=MeetingStatus.HELD,
        created_by=secretariat,
    )
    past_planned = MeetingFactory(
        starts_at=now - dt.timedelta(days=1), created_by=secretariat
    )
    meeting = MeetingFactory(
        starts_at=now + dt.timedelta(days=20), created_by=secretariat
    )
    AgendaItemFactory(meeting=meeting, position=1, title="Opening")
    item = AgendaItemFactory(
        meeting=meeting,
        position=2,
        title="Klacht",
        visibility="kerngroep",
        outline="",
    )
    document = AgendaDocument(
        item=item,
        original_name="klacht.pdf",
        content_type="application/pdf",
        size=len(pdf_bytes()),
        uploaded_by=secretariat,
    )
    document.file.save("upload", ContentFile(pdf_bytes()), save=False)
    document.save()
    guest = MeetingGuestFactory(meeting=meeting, proposed_by=secretariat)

    world.context.update(
        {
            "meetings_union": union,
            "meetings_union_people": people,
            "meetings_chair_candidate": candidate,
        }
    )
    world.targets.update(
        {
            "meetings_seat": {"pk": seat.pk},
            "meetings_planned": {"pk": meeting.pk},
            "meetings_held": {"pk": held.pk},
            "meetings_approving": {"pk": approving.pk},
            "meetings_past_planned": {"pk": past_planned.pk},
            "meetings_agenda_item": {"pk": item.pk},
            "meetings_agenda_document": {"pk": document.pk},
            "meetings_open_guest": {"pk": guest.pk},
        }
    )
