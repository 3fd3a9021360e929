"""Hearings on violations held at board meetings (CA Civil Code 5855, 4935(a)).

Registered with the compliance ladder on import (``app.models`` imports it):

- a scheduled or moved hearing is placed at a board meeting: the one named, or an executive
  session created for it, whose notice to owners names only the topic ("member
  discipline"); the meeting's agenda gets "Hearing: <rule> at <unit>";
- a fine decided at a meeting goes on the hearing's own agenda item while that meeting is
  not adjourned, else on the next board meeting still open to new items.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.approvals import services as approvals
from app.approvals import venues
from app.associations.models import Association
from app.auth.models import User
from app.compliance import hearings as compliance_hearings
from app.compliance import hooks
from app.compliance.models import Hearing, Violation
from app.core import audit, clock
from app.core.errors import ValidationError
from app.core.formatting import long_date
from app.core.parsing import as_id
from app.extensions import db
from app.meetings import agenda, listing, scheduling
from app.meetings.models import (
    BOARD_KINDS,
    AgendaItem,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from app.meetings.profiles import meeting_rules
from app.notices.models import Notice
from app.notices.writing import revise_body


def hearing_title(violation: Violation) -> str:
    """Return the agenda item's title: "Hearing: <rule> at <unit>"."""
    return _(
        "Hearing: %(code)s %(title)s at unit %(label)s",
        code=violation.rule.code,
        title=violation.rule.title,
        label=violation.unit.label,
    )[:200]


def _board_meeting(violation: Violation, meeting_id) -> Meeting:
    meeting = db.session.get(Meeting, as_id(meeting_id) or 0)
    if meeting is None or meeting.association_id != violation.association_id:
        raise ValidationError("meeting_id", _("Choose a board meeting of this association."))
    if meeting.kind not in BOARD_KINDS:
        raise ValidationError(
            "meeting_id", _("A hearing is held at a board meeting, not a members' meeting.")
        )
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(
            "meeting_id",
            _("This meeting is %(status)s; choose a scheduled one.", status=meeting.status),
        )
    return meeting


def schedule_hearing(
    violation: Violation, *, scheduled_at, location, meeting_id=None, actor: User
) -> Hearing:
    """Schedule (or move) a hearing, at ``meeting_id``'s board meeting (its time and place
    unless given; a time given falls on the meeting's date) or at an executive session
    created for it."""
    if meeting_id is None:
        return compliance_hearings.schedule_hearing(
            violation, scheduled_at=scheduled_at, location=location, actor=actor
        )
    meeting = _board_meeting(violation, meeting_id)
    tz = clock.zone(violation.association.time_zone)

    def day(moment: datetime):
        return clock.as_utc(moment).astimezone(tz).date()

    if scheduled_at is None:
        scheduled_at = clock.as_utc(meeting.starts_at)
    elif (
        isinstance(scheduled_at, datetime)
        and scheduled_at.tzinfo is not None
        and day(scheduled_at) != day(meeting.starts_at)
    ):
        raise ValidationError(
            "scheduled_at",
            _(
                "The hearing is held at the meeting of %(date)s: give a time on that date, "
                "or none.",
                date=long_date(meeting.starts_at, violation.association.time_zone),
            ),
        )
    location = (location or "").strip() or meeting.location or meeting.video_url
    return compliance_hearings.schedule_hearing(
        violation,
        scheduled_at=scheduled_at,
        location=location,
        actor=actor,
        meeting_id=meeting.id,
    )


def _leave_meeting(hearing: Hearing, keep: Meeting | None, actor: User) -> None:
    """Take a moved hearing off its former meeting: cancel an executive session held only
    for it (before it starts), else drop its item from the agenda."""
    meeting = db.session.get(Meeting, hearing.meeting_id) if hearing.meeting_id else None
    item = db.session.get(AgendaItem, hearing.agenda_item_id) if hearing.agenda_item_id else None
    hearing.meeting_id = hearing.agenda_item_id = None
    if meeting is None or meeting is keep or meeting.status != MeetingStatus.SCHEDULED:
        return
    only_this = [i.id for i in meeting.agenda] == ([item.id] if item else [])
    if (
        meeting.kind == MeetingKind.EXECUTIVE
        and only_this
        and clock.now() < clock.as_utc(meeting.starts_at)
    ):
        scheduling.cancel_meeting(meeting, reason=_("The hearing was moved."), actor=actor)
        return
    if item is not None and item.approval_id is None:
        meeting.agenda.remove(item)
        db.session.flush()
        for position, other in enumerate(meeting.agenda, start=1):
            other.position = position
        association = db.session.get(Association, meeting.association_id)
        if meeting.notice_id is not None:
            notice = db.session.get(Notice, meeting.notice_id)
            if notice is not None:
                revise_body(notice, scheduling.notice_body(meeting, association), actor=actor)


@hooks.register_hearing_venue
def place_hearing(violation: Violation, hearing: Hearing, meeting_id, actor: User) -> None:
    """Put the hearing on a board meeting's agenda (an executive session made for it when no
    meeting is named) and link the two."""
    association = violation.association
    meeting = _board_meeting(violation, meeting_id) if meeting_id is not None else None
    if meeting is not None and meeting.id == hearing.meeting_id:
        return  # moved within the same meeting: its item stays
    _leave_meeting(hearing, meeting, actor)
    if meeting is None:
        meeting = scheduling.schedule_meeting(
            association,
            kind=MeetingKind.EXECUTIVE.value,
            starts_at=clock.as_utc(hearing.scheduled_at),
            location=hearing.location,
            actor=actor,
        )
    item = agenda.add_agenda_item(
        meeting,
        title=hearing_title(violation),
        executive_topic=meeting_rules(association.compliance_profile).hearing_topic,
        actor=actor,
    )
    hearing.meeting_id, hearing.agenda_item_id = meeting.id, item.id
    db.session.flush()


@hooks.register_fine_opened
def place_fine(fine, request, actor: User) -> None:
    """A fine decided at a meeting goes on its hearing's agenda item while that meeting is
    open, else on the next board meeting still open to new items (none: the manager places
    it later)."""
    if venues.venue_of(request) != venues.MEETING:
        return
    hearing = fine.violation.hearing
    item = (
        db.session.get(AgendaItem, hearing.agenda_item_id)
        if hearing is not None and hearing.agenda_item_id
        else None
    )
    if (
        item is not None
        and item.meeting.status == MeetingStatus.SCHEDULED
        and item.approval_id is None
    ):
        item.approval_id = request.id
        db.session.flush()
        approvals.place_on_agenda(request, meeting_id=item.meeting_id, agenda_item_id=item.id)
        audit.record(
            "meeting.agenda_item",
            actor=actor,
            association_id=item.meeting.association_id,
            subject_type="meeting",
            subject_id=item.meeting_id,
            summary=_(
                "“%(title)s” is decided on the item “%(item)s”",
                title=request.title,
                item=item.title,
            ),
            data={"item_id": item.id, "approval_id": request.id},
        )
        return
    association = db.session.get(Association, request.association_id)
    for meeting in listing.next_meetings_for(request):
        agenda.add_agenda_item(
            meeting,
            title=request.title,
            approval_id=request.id,
            executive_topic=meeting_rules(association.compliance_profile).hearing_topic,
            actor=actor,
        )
        return


def hearings_at(meeting: Meeting) -> list[Hearing]:
    """Return the hearings held at (or set for) a meeting, in agenda order."""
    return list(
        db.session.scalars(
            select(Hearing)
            .where(Hearing.meeting_id == meeting.id)
            .order_by(Hearing.agenda_item_id, Hearing.id)
        )
    )
