"""iCalendar files: one per meeting, and a feed of an association's meetings."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event

from app.associations.models import Association
from app.core import clock
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.meetings.scheduling import KIND_WORDS

DURATION = timedelta(hours=2)  # meetings have no end time; calendars need one


def _event(meeting: Meeting, association: Association, host: str) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("dtstamp", clock.now())
    event.add("dtstart", clock.as_utc(meeting.starts_at))
    event.add("dtend", clock.as_utc(meeting.starts_at) + DURATION)
    event.add("summary", f"{association.name}: {KIND_WORDS[meeting.kind]!s}")
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.video_url:
        event.add("url", meeting.video_url)
    if meeting.kind != MeetingKind.EXECUTIVE:
        items = [i.title for i in meeting.agenda if not i.executive_topic]
        description = "\n".join([meeting.purpose, *[f"- {t}" for t in items]]).strip()
        if description:
            event.add("description", description)
    event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
    return event


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//HOA Manager//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def meeting_ics(meeting: Meeting, association: Association, host: str) -> bytes:
    """Return one meeting as an iCalendar file."""
    calendar = _calendar(association.name)
    calendar.add_component(_event(meeting, association, host))
    return calendar.to_ical()


def feed_ics(meetings: list[Meeting], association: Association, host: str) -> bytes:
    """Return an association's meetings as an iCalendar feed."""
    calendar = _calendar(_("%(name)s meetings", name=association.name))
    for meeting in meetings:
        calendar.add_component(_event(meeting, association, host))
    return calendar.to_ical()
