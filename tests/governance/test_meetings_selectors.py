"""The two shapes of a meeting: the outline holds nothing of the full meeting, and both
read in a fixed number of queries."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from governance.models import AgendaDocument, MeetingStatus
from governance.selectors import meetings as selectors
from tests.conftest import make_person
from tests.governance.factories import (
    AgendaItemFactory,
    MeetingFactory,
    MeetingGuestFactory,
)
from tests.monitoring.company_factories import pdf_bytes

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Klacht tegen Staalgieterij Oost"
SECRET_DESCRIPTION = "Vertrouwelijke toelichting over locaties in Kolwezi."
SECRET_MINUTES = "Volledig verslag: de Kerngroep bespreekt de score van Bedrijf Y."
SECRET_DOCUMENT = "klachtdossier.pdf"
SECRET_GUEST = "Mr. Geheime Gast"
OUTLINE_MINUTES = "Verslag in hoofdlijnen: de Kerngroep besprak een klacht."


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def _meeting(*, items: int = 2, approved: bool = True):
    secretariat = make_person("secretariat")
    meeting = MeetingFactory(
        starts_at=timezone.now() - dt.timedelta(days=60),
        status=MeetingStatus.HELD,
        minutes_full=SECRET_MINUTES,
        minutes_outline=OUTLINE_MINUTES,
        created_by=secretariat,
    )
    shared = AgendaItemFactory(
        meeting=meeting,
        position=1,
        title="Voortgangsrapportage",
        description="Kerngroep-toelichting bij de voortgang.",
        outline="De voortgang van due diligence in hoofdlijnen.",
    )
    closed = AgendaItemFactory(
        meeting=meeting,
        position=2,
        title=SECRET_TITLE,
        description=SECRET_DESCRIPTION,
        visibility="kerngroep",
        outline="",
    )
    for n in range(3, items + 1):
        AgendaItemFactory(meeting=meeting, position=n, visibility="kerngroep")
    for item in (shared, closed):
        document = AgendaDocument(
            item=item,
            original_name=SECRET_DOCUMENT,
            content_type="application/pdf",
            size=10,
            uploaded_by=secretariat,
        )
        document.file.save("upload", ContentFile(pdf_bytes()), save=False)
        document.save()
    MeetingGuestFactory(meeting=meeting, name=SECRET_GUEST)
    if approved:
        later = MeetingFactory(
            starts_at=timezone.now() - dt.timedelta(days=5),
            status=MeetingStatus.HELD,
            created_by=secretariat,
        )
        meeting.minutes_approved_in = later
        meeting.minutes_approved_at = timezone.now()
        meeting.save()
    return meeting


def _all_text(value) -> str:
    """Every string and number reachable from a dataclass, as one text."""
    if dataclasses.is_dataclass(value):
        return " ".join(
            _all_text(getattr(value, f.name)) for f in dataclasses.fields(value)
        )
    if isinstance(value, (tuple, list)):
        return " ".join(_all_text(v) for v in value)
    return str(value)


def test_the_outline_holds_nothing_of_the_full_meeting():
    meeting = _meeting()
    outline = selectors.meeting_outline(meeting)
    text = _all_text(outline)
    for secret in (
        SECRET_TITLE,
        SECRET_DESCRIPTION,
        SECRET_MINUTES,
        SECRET_DOCUMENT,
        SECRET_GUEST,
        "Kerngroep-toelichting",
    ):
        assert secret not in text
    assert [item.title for item in outline.items] == ["Voortgangsrapportage"]
    assert outline.closed_items == 1
    assert outline.minutes_outline == OUTLINE_MINUTES
    # Nothing in it is a model instance a template could follow to other data.
    assert not any(
        hasattr(value, "_meta")
        for value in (outline.meeting, *outline.items)
        for value in dataclasses.astuple(value)
    )


def test_the_outline_minutes_wait_for_approval():
    meeting = _meeting(approved=False)
    assert selectors.meeting_outline(meeting).minutes_outline == ""
    assert selectors.meeting_full(meeting).minutes_full == SECRET_MINUTES


def test_the_full_meeting_has_everything():
    full = selectors.meeting_full(_meeting())
    assert [item.title for item in full.items] == ["Voortgangsrapportage", SECRET_TITLE]
    assert full.items[1].description == SECRET_DESCRIPTION
    assert [d.name for d in full.items[1].documents] == [SECRET_DOCUMENT]
    assert [(g.name, g.state) for g in full.guests] == [(SECRET_GUEST, "proposed")]
    assert full.meeting.minutes_locked


@pytest.mark.parametrize("items", [10, 100])
def test_both_shapes_read_in_fixed_queries(items, django_assert_max_num_queries):
    meeting = _meeting(items=items)
    with django_assert_max_num_queries(4):
        selectors.meeting_full(meeting)
    with django_assert_max_num_queries(4):
        selectors.meeting_outline(meeting)


@pytest.mark.parametrize("meetings", [3, 30])
def test_the_year_list_reads_in_one_query(meetings, django_assert_max_num_queries):
    person = make_person("ngo")
    first = MeetingFactory()
    for n in range(1, meetings):
        AgendaItemFactory(
            meeting=MeetingFactory(
                starts_at=first.starts_at + dt.timedelta(days=n),
                created_by=first.created_by,
            )
        )
    with django_assert_max_num_queries(3):
        year = selectors.meeting_year(user=person, agreement_year=first.agreement_year)
    assert year.counted == meetings


def test_minutes_to_approve_are_the_previous_held_meetings():
    secretariat = make_person("secretariat")
    now = timezone.now()
    first = MeetingFactory(
        starts_at=now - dt.timedelta(days=90),
        status=MeetingStatus.HELD,
        created_by=secretariat,
    )
    MeetingFactory(
        starts_at=now - dt.timedelta(days=60),
        status=MeetingStatus.CANCELLED,
        created_by=secretariat,
    )
    second = MeetingFactory(
        starts_at=now - dt.timedelta(days=30),
        status=MeetingStatus.HELD,
        created_by=secretariat,
    )
    upcoming = MeetingFactory(
        starts_at=now + dt.timedelta(days=10), created_by=secretariat
    )
    assert selectors.minutes_to_approve(first) is None
    assert selectors.minutes_to_approve(second) == first
    assert selectors.minutes_to_approve(upcoming) == second
    second.minutes_approved_in = upcoming
    second.minutes_approved_at = now
    second.save()
    assert selectors.minutes_to_approve(upcoming) is None


def test_too_few_meetings_in_a_year():
    person = make_person("secretariat")
    meeting = MeetingFactory(created_by=person)
    MeetingFactory(
        starts_at=meeting.starts_at + dt.timedelta(days=1),
        status=MeetingStatus.CANCELLED,
        created_by=person,
    )
    year = selectors.meeting_year(user=person, agreement_year=meeting.agreement_year)
    assert (year.counted, year.too_few) == (1, True)
