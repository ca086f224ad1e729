"""The calendar invitation of an improvement talk: exact text, folding and escaping."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from monitoring import ics

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def event(**changes) -> ics.CalendarEvent:
    values = {
        "uid": "5f1c2d3e-0000-4000-8000-000000000001",
        "sequence": 2,
        "start": dt.datetime(2026, 4, 15, 10, 0, tzinfo=AMSTERDAM),
        "end": dt.datetime(2026, 4, 15, 11, 30, tzinfo=AMSTERDAM),
        "stamp": dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC),
        "summary": "Verbetergesprek met Staal, Buis & Co; B.V.",
        "organizer": ics.Person(
            email="secretariaat@convenant.test", name="Secretariaat"
        ),
        "attendees": [ics.Person(email="admin@staal.test")],
        "description": "Regel één\nRegel twee\\slot",
        "location": "Utrecht, zaal 3",
    }
    values.update(changes)
    return ics.CalendarEvent(**values)


def test_golden_request():
    assert ics.build_calendar(event()) == (
        "BEGIN:VCALENDAR\r\n"
        "PRODID:-//Convenant IMVO Metaal//Improvement talks//EN\r\n"
        "VERSION:2.0\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "METHOD:REQUEST\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:5f1c2d3e-0000-4000-8000-000000000001\r\n"
        "SEQUENCE:2\r\n"
        "DTSTAMP:20260401T090000Z\r\n"
        "DTSTART:20260415T080000Z\r\n"
        "DTEND:20260415T093000Z\r\n"
        "SUMMARY:Verbetergesprek met Staal\\, Buis & Co\\; B.V.\r\n"
        "DESCRIPTION:Regel één\\nRegel twee\\\\slot\r\n"
        "LOCATION:Utrecht\\, zaal 3\r\n"
        "STATUS:CONFIRMED\r\n"
        'ORGANIZER;CN="Secretariaat":mailto:secretariaat@convenant.test\r\n'
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=\r\n"
        " TRUE:mailto:admin@staal.test\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )


def test_cancel_says_so_and_asks_no_reply():
    text = ics.build_calendar(event(method="CANCEL", attendees=[]))
    assert "METHOD:CANCEL\r\n" in text
    assert "STATUS:CANCELLED\r\n" in text
    assert "RSVP" not in text


def test_a_long_description_is_folded_at_75_octets_without_splitting_characters():
    description = "é" * 100
    text = ics.build_calendar(event(description=description))
    lines = text.split("\r\n")
    start = lines.index(next(line for line in lines if line.startswith("DESCRIPTION:")))
    folded = lines[start : start + 3]
    # "DESCRIPTION:" is 12 octets, each é two: 31 of them fit (74 octets).
    assert folded == [
        "DESCRIPTION:" + "é" * 31,
        " " + "é" * 37,
        " " + "é" * 32,
    ]
    assert all(len(line.encode()) <= 75 for line in lines)
    # Unfolding (remove CRLF + space) gives the value back.
    assert text.replace("\r\n ", "").count("é" * 100) == 1


def test_fold_of_ascii_exactly():
    assert ics.fold("X" * 75) == "X" * 75
    assert ics.fold("X" * 76) == "X" * 75 + "\r\n X"
    assert ics.fold("X" * 150) == "X" * 75 + "\r\n " + "X" * 74 + "\r\n X"


def test_escaping():
    assert ics.escape_text("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"


def test_naive_times_and_unknown_methods_are_refused():
    with pytest.raises(ValueError, match="aware"):
        ics.build_calendar(event(start=dt.datetime(2026, 4, 15, 10, 0)))
    with pytest.raises(ValueError, match="PUBLISH"):
        ics.build_calendar(event(method="PUBLISH"))
