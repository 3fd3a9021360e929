"""Meetings in calendars: an iCalendar file per meeting, a feed per association, and the
caller's secret subscription link for calendar apps that cannot sign in."""

from __future__ import annotations

from flask import Response, request
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from app.api.meetings import meeting_for
from app.api.schemas import BaseSchema
from app.api.setup import association_for, caller
from app.extensions import db
from app.meetings import calendar, feeds, listing
from app.meetings.models import Meeting

blp = Blueprint("api_meeting_calendars", __name__, description="Meetings in calendars")


class CalendarLinkSchema(BaseSchema):
    url = fields.String(
        metadata={
            "description": "the caller's secret iCalendar feed of the meetings they may see; "
            "no sign-in needed; a password change replaces it"
        }
    )


def _ics(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


ICS = {"content": {"text/calendar": {"schema": {"type": "string"}}}}


@blp.route("/meetings/<int:meeting_id>/calendar.ics")
class MeetingCalendar(MethodView):
    @blp.doc(responses={"200": {"description": "An iCalendar file", **ICS}})
    def get(self, meeting_id):
        """Return the meeting as an iCalendar file."""
        meeting = meeting_for(meeting_id)
        association = association_for(meeting.association_id)
        return _ics(
            calendar.meeting_ics(meeting, association, request.host),
            f"meeting-{meeting.id}.ics",
        )


@blp.route("/associations/<int:aid>/meetings/calendar.ics")
class MeetingFeed(MethodView):
    @blp.doc(responses={"200": {"description": "An iCalendar feed", **ICS}})
    def get(self, aid):
        """Return the association's meetings the caller may see as an iCalendar feed."""
        association = association_for(aid)
        rows = list(
            db.session.scalars(
                listing.meetings_query(caller(), aid).order_by(Meeting.starts_at).limit(500)
            )
        )
        return _ics(calendar.feed_ics(rows, association, request.host), "meetings.ics")


@blp.route("/associations/<int:aid>/meetings/calendar-link")
class MeetingCalendarLink(MethodView):
    @blp.response(200, CalendarLinkSchema)
    def get(self, aid):
        """Return the caller's subscription link to the association's meetings."""
        association_for(aid)
        return {"url": feeds.feed_url(caller(), aid)}
