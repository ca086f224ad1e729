"""The calendar invitation of an improvement talk: one iCalendar (RFC 5545) object with
one VEVENT, as text.

Written by hand rather than with a library (icalendar, ics): one event with a dozen
properties needs only escaping, UTC times and line folding, all below, and each rule can
be read and tested here; a dependency would bring parsing, time zone databases and
recurrence for nothing. Pure Python: no Django import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

PRODID = "-//Convenant IMVO Metaal//Improvement talks//EN"
MAX_LINE_OCTETS = 75
CRLF = "\r\n"


@dataclass(frozen=True)
class Person:
    email: str
    name: str = ""


@dataclass(frozen=True)
class CalendarEvent:
    """What the invitation says. `start`, `end` and `stamp` must be aware datetimes;
    `method` is "REQUEST" (new or changed) or "CANCEL"."""

    uid: str
    sequence: int
    start: dt.datetime
    end: dt.datetime
    stamp: dt.datetime
    summary: str
    organizer: Person
    attendees: Sequence[Person] = ()
    description: str = ""
    location: str = ""
    url: str = ""
    method: str = "REQUEST"


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash first, then ; and , and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def _param(value: str) -> str:
    # A parameter value may not hold a double quote; quoted, it may hold ; : and ,.
    return '"' + value.replace('"', "'").replace("\r", " ").replace("\n", " ") + '"'


def utc(moment: dt.datetime) -> str:
    """DATE-TIME in UTC form (3.3.5): 20260415T080000Z."""
    if moment.tzinfo is None:
        raise ValueError("An aware datetime is needed for a calendar time.")
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Fold a content line (3.1): no line longer than 75 octets, the continuation lines
    starting with one space (which counts), never splitting a UTF-8 character."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = MAX_LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            pieces.append(current)
            current, size = " ", 1
        current += char
        size += octets
    pieces.append(current)
    return CRLF.join(pieces)


def _person_line(name: str, person: Person, extra: str = "") -> str:
    cn = f";CN={_param(person.name)}" if person.name else ""
    return f"{name}{extra}{cn}:mailto:{person.email}"


def build_calendar(event: CalendarEvent) -> str:
    """The whole VCALENDAR text, CRLF line ends, folded."""
    if event.method not in {"REQUEST", "CANCEL"}:
        raise ValueError(f"Unknown iTIP method {event.method!r}.")
    cancelled = event.method == "CANCEL"
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{event.method}",
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTAMP:{utc(event.stamp)}",
        f"DTSTART:{utc(event.start)}",
        f"DTEND:{utc(event.end)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append(f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}")
    lines.append(_person_line("ORGANIZER", event.organizer))
    for attendee in event.attendees:
        lines.append(
            _person_line(
                "ATTENDEE",
                attendee,
                ";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION"
                + ("" if cancelled else ";RSVP=TRUE"),
            )
        )
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + CRLF for line in lines)
