"""The owner's home: upcoming meetings, and the minutes owners may read (approved, or in
California the marked draft from the 30th day, Civil Code 4950(a))."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.core import clock, formatting
from app.extensions import db
from app.home.registry import Item, Section, section
from app.meetings import listing, minutes, minutes_record, scheduling
from app.meetings.models import Meeting, MeetingKind, MeetingStatus, MinutesStatus


@section("meetings")
def upcoming_meetings(user, association) -> Section | None:
    """The next meetings the person may see, soonest first."""
    rows = db.session.scalars(
        listing.meetings_query(user, association.id, upcoming=True)
        .where(Meeting.status == MeetingStatus.SCHEDULED)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(5)
    ).all()
    if not rows:
        return None
    return Section(
        items=[
            Item(
                _(scheduling.KIND_WORDS[m.kind]),
                url=url_for("meetings.show", aid=association.id, meeting_id=m.id),
                detail=formatting.long_datetime(m.starts_at, association.time_zone),
            )
            for m in rows
        ],
        more_url=url_for("meetings.index", aid=association.id),
        more_label=_("All meetings"),
    )


@section("records")
def readable_minutes(user, association) -> Section | None:
    """The latest minutes the person may read, a draft marked as one."""
    held = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.association_id == association.id,
            Meeting.kind != MeetingKind.EXECUTIVE,
            Meeting.status == MeetingStatus.ADJOURNED,
            Meeting.starts_at <= clock.now(),
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(20)
    ).all()
    items = []
    for meeting in held:
        if len(items) == 5 or not minutes.may_read(user, meeting):
            continue
        approved = minutes.status_of(meeting) == MinutesStatus.APPROVED
        items.append(
            Item(
                _("Minutes: %(title)s", title=minutes_record.meeting_title(meeting, association)),
                url=url_for("meetings.show", aid=association.id, meeting_id=meeting.id)
                + "#minutes",
                detail=_("approved") if approved else _("DRAFT, not yet approved"),
            )
        )
    return Section(items=items) if items else None
