"""Meetings: scheduling, the agenda, attendance, motions and votes, adjourning, cancelling.
The minutes and the meeting report are in meeting_minutes, the board packet in meeting_packets,
the schemas in meeting_schemas: their routes are on this module's blueprint. Calendars have a
blueprint of their own (meeting_calendars)."""

from __future__ import annotations

from datetime import datetime

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint

from app.api.meeting_schemas import (
    AgendaItemCreateSchema,
    AgendaItemSchema,
    AttendanceCreateSchema,
    AttendanceSchema,
    CancelSchema,
    MeetingCreateSchema,
    MeetingListArgsSchema,
    MeetingSchema,
    MeetingSummarySchema,
    MotionCreateSchema,
    MotionSchema,
    MotionVoteCreateSchema,
)
from app.api.schemas import envelope, list_schema
from app.api.setup import association_for, caller
from app.core.errors import NotFound, ValidationError
from app.core.listing import paginate
from app.extensions import db
from app.meetings import agenda, listing, policies, proceedings, scheduling
from app.meetings import minutes as minutes_service
from app.meetings.board import quorum_needed, quorum_present
from app.meetings.models import Meeting

blp = Blueprint("api_meetings", __name__, description="Meetings")


# --- helpers ----------------------------------------------------------------------------


def meeting_for(meeting_id: int) -> Meeting:
    """Return a meeting the caller may see; 404 otherwise (owners: executive sessions)."""
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("No such meeting."))
    association_for(meeting.association_id)
    if not policies.can_view(caller(), meeting):
        raise NotFound(_("No such meeting."))
    return meeting


def _parse_starts_at(raw):
    if isinstance(raw, str):
        try:
            value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        except ValueError:
            value = None
        if value is not None and value.tzinfo is not None:
            return value
    raise ValidationError(
        "starts_at", _("Give a date and time with its offset, such as 2027-03-04T19:00:00-08:00.")
    )


def dump_meeting(meeting: Meeting) -> dict:
    """Return the meeting's values for MeetingSchema."""
    values = {
        name: getattr(meeting, name)
        for name in (
            "id",
            "association_id",
            "kind",
            "status",
            "starts_at",
            "location",
            "video_url",
            "emergency",
            "notice_id",
            "purpose",
            "emergency_reason",
            "cancel_reason",
            "agenda",
            "attendance",
            "motions",
        )
    }
    return {
        **values,
        "called_by": list(meeting.called_by or []),
        "quorum_present": quorum_present(meeting),
        "quorum_needed": quorum_needed(meeting.association_id),
        "minutes": minutes_service.for_reader(caller(), meeting),
        "ical_url": f"/api/v1/meetings/{meeting.id}/calendar.ics",
    }


# --- endpoints --------------------------------------------------------------------------


@blp.route("/associations/<int:aid>/meetings")
class Meetings(MethodView):
    @blp.arguments(MeetingListArgsSchema, location="query")
    @blp.response(200, list_schema(MeetingSummarySchema, "MeetingList"))
    def get(self, args, aid):
        """List the association's meetings (``upcoming=true``: from now, soonest first);
        owners do not see executive sessions."""
        association_for(aid)
        upcoming = args.pop("upcoming")
        page = paginate(
            listing.meetings_query(caller(), aid, upcoming=upcoming),
            sortable={"starts_at": Meeting.starts_at},
            direction="asc" if upcoming else "desc",
            tiebreak=Meeting.id,
            **args,
        )
        return envelope(page, lambda m: m)

    @blp.arguments(MeetingCreateSchema)
    @blp.response(201, MeetingSchema)
    @blp.alt_response(403, description="Not the manager or the secretary")
    @blp.alt_response(409, description="Less notice than the profile requires")
    def post(self, body, aid):
        """Schedule a meeting (manager, secretary) and send its notice to owners and board."""
        association = association_for(aid)
        body["starts_at"] = _parse_starts_at(body["starts_at"])
        meeting = scheduling.schedule_meeting(association, actor=caller(), **body)
        db.session.commit()
        return dump_meeting(meeting)


@blp.route("/meetings/<int:meeting_id>")
class MeetingItem(MethodView):
    @blp.response(200, MeetingSchema)
    def get(self, meeting_id):
        """Return a meeting with its agenda, attendance, quorum and motions."""
        return dump_meeting(meeting_for(meeting_id))


@blp.route("/meetings/<int:meeting_id>/agenda-items")
class AgendaItems(MethodView):
    @blp.arguments(AgendaItemCreateSchema)
    @blp.response(201, AgendaItemSchema)
    @blp.alt_response(403, description="Not the manager or the secretary")
    @blp.alt_response(409, description="The notice period has begun, or the request is taken")
    def post(self, body, meeting_id):
        """Add an agenda item (manager, secretary); ``approval_id`` puts a request whose venue
        is a meeting on this agenda, to be decided by the motion on the item."""
        meeting = meeting_for(meeting_id)
        item = agenda.add_agenda_item(meeting, actor=caller(), **body)
        db.session.commit()
        return item


@blp.route("/meetings/<int:meeting_id>/attendance")
class AttendanceView(MethodView):
    @blp.arguments(AttendanceCreateSchema)
    @blp.response(201, AttendanceSchema)
    @blp.alt_response(403, description="Not the manager or the secretary")
    @blp.alt_response(409, description="Before the meeting's date, or adjourned")
    def post(self, body, meeting_id):
        """Record whether a board member is present (manager, secretary)."""
        meeting = meeting_for(meeting_id)
        row = proceedings.record_attendance(meeting, actor=caller(), **body)
        db.session.commit()
        return row


@blp.route("/meetings/<int:meeting_id>/motions")
class Motions(MethodView):
    @blp.arguments(MotionCreateSchema)
    @blp.response(201, MotionSchema)
    @blp.alt_response(403, description="Not the manager or the secretary")
    @blp.alt_response(409, description="No quorum, no agenda item (CA), or adjourned")
    def post(self, body, meeting_id):
        """Record a motion with its mover and seconder (manager, secretary)."""
        meeting = meeting_for(meeting_id)
        motion = proceedings.move_motion(meeting, actor=caller(), **body)
        db.session.commit()
        return motion


@blp.route("/motions/<int:motion_id>/votes")
class MotionVotes(MethodView):
    @blp.arguments(MotionVoteCreateSchema)
    @blp.response(201, MotionSchema)
    @blp.alt_response(403, description="Not the manager or the secretary")
    @blp.alt_response(409, description="The motion is decided, or the meeting adjourned")
    def post(self, body, motion_id):
        """Record a present board member's vote (manager, secretary); a repeat replaces it."""
        motion = proceedings.get_motion(motion_id)
        meeting_for(motion.meeting_id)
        motion = proceedings.vote_on_motion(motion, actor=caller(), **body)
        db.session.commit()
        return motion


@blp.route("/meetings/<int:meeting_id>/adjourn")
class Adjourn(MethodView):
    @blp.response(200, MeetingSchema)
    @blp.alt_response(403, description="Not the manager or the secretary")
    @blp.alt_response(409, description="Before the meeting's date, or not scheduled")
    def post(self, meeting_id):
        """Adjourn the meeting (manager, secretary)."""
        meeting = proceedings.adjourn_meeting(meeting_for(meeting_id), actor=caller())
        db.session.commit()
        return dump_meeting(meeting)


@blp.route("/meetings/<int:meeting_id>/cancel")
class Cancel(MethodView):
    @blp.arguments(CancelSchema)
    @blp.response(200, MeetingSchema)
    @blp.alt_response(403, description="Not the manager")
    @blp.alt_response(409, description="Started already, or not scheduled")
    def post(self, body, meeting_id):
        """Cancel a meeting before it starts (manager); owners get a notice."""
        meeting = scheduling.cancel_meeting(
            meeting_for(meeting_id), reason=body["reason"], actor=caller()
        )
        db.session.commit()
        return dump_meeting(meeting)
