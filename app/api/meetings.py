"""Meetings: scheduling, the agenda, attendance, motions and votes, adjourning, cancelling,
calendars, the minutes, the meeting report and the board packet."""

from __future__ import annotations

from datetime import datetime

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields

from app.api.schemas import BaseSchema, Enum, Id, ListArgsSchema, Text, envelope, list_schema
from app.api.setup import association_for, caller
from app.core.errors import NotAllowed, NotFound, ValidationError
from app.core.listing import paginate
from app.core.pdf import pdf_response
from app.extensions import db
from app.meetings import agenda, listing, minutes_draft, policies, proceedings, report, scheduling
from app.meetings import minutes as minutes_service
from app.meetings import packet as packets
from app.meetings.board import quorum_needed, quorum_present
from app.meetings.models import (
    AddedUnder,
    ItemKind,
    Meeting,
    MeetingKind,
    MotionChoice,
)

blp = Blueprint("api_meetings", __name__, description="Meetings")


# --- schemas ----------------------------------------------------------------------------


class MeetingCreateSchema(BaseSchema):
    kind = Enum([k.value for k in MeetingKind], required=True)
    starts_at = fields.Raw(
        required=True,
        metadata={"type": "string", "format": "date-time", "description": "ISO 8601 with offset"},
    )
    location = Text(300, load_default="")
    video_url = Text(500, load_default="")
    purpose = Text(2000, load_default="")
    emergency = fields.Boolean(load_default=False)
    emergency_reason = Text(2000, load_default="")
    called_by = fields.List(Id(), load_default=None, allow_none=True)


class AgendaItemSchema(BaseSchema):
    id = fields.Integer()
    title = fields.String()
    kind = fields.String()
    approval_id = fields.Integer(allow_none=True)
    executive_topic = fields.String(allow_none=True)
    added_under = fields.String(allow_none=True)


class AgendaItemCreateSchema(BaseSchema):
    title = Text(200, required=True, blank=False)
    kind = Enum([k.value for k in ItemKind], load_default=None, allow_none=True)
    approval_id = Id(load_default=None, allow_none=True)
    executive_topic = Text(30, load_default=None, allow_none=True)
    added_under = Enum([a.value for a in AddedUnder], load_default=None, allow_none=True)


class AttendanceSchema(BaseSchema):
    user_id = fields.Integer()
    present = fields.Boolean()


class AttendanceCreateSchema(BaseSchema):
    user_id = Id(required=True)
    present = fields.Boolean(required=True)


class MotionVoteSchema(BaseSchema):
    user_id = fields.Integer()
    choice = fields.String()


class MotionSchema(BaseSchema):
    id = fields.Integer()
    meeting_id = fields.Integer()
    text = fields.String()
    agenda_item_id = fields.Integer(allow_none=True)
    moved_by = fields.Integer(attribute="moved_by_id")
    seconded_by = fields.Integer(attribute="seconded_by_id")
    result = fields.String()
    eligible_count = fields.Integer()
    votes = fields.List(fields.Nested(MotionVoteSchema))


class MotionCreateSchema(BaseSchema):
    text = Text(2000, required=True, blank=False)
    agenda_item_id = Id(load_default=None, allow_none=True)
    moved_by = Id(required=True)
    seconded_by = Id(required=True)


class MotionVoteCreateSchema(BaseSchema):
    user_id = Id(required=True)
    choice = Enum([c.value for c in MotionChoice], required=True)


class CancelSchema(BaseSchema):
    reason = Text(2000, required=True, blank=False)


class MinutesSchema(BaseSchema):
    status = fields.String(
        metadata={"description": "draft / pending_approval / approved / rejected"}
    )
    body = fields.String(allow_none=True)
    approval_id = fields.Integer(allow_none=True)
    draft = fields.Boolean(metadata={"description": "not (yet) approved: marked as a draft"})
    owners_from = fields.Date(
        allow_none=True,
        metadata={"description": "CA 4950(a): owners read the marked draft from this day"},
    )


class MinutesBodySchema(BaseSchema):
    body = Text(100_000, required=True, blank=False)


class MinutesDraftSchema(BaseSchema):
    body = fields.String()


class MinutesSubmittedSchema(BaseSchema):
    approval_id = fields.Integer()
    venue = fields.String()


class MeetingSummarySchema(BaseSchema):
    id = fields.Integer()
    association_id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    starts_at = fields.AwareDateTime(format="iso")
    location = fields.String()
    video_url = fields.String()
    emergency = fields.Boolean()
    notice_id = fields.Integer(allow_none=True)


class MeetingSchema(MeetingSummarySchema):
    purpose = fields.String()
    emergency_reason = fields.String()
    called_by = fields.List(fields.Integer())
    cancel_reason = fields.String()
    agenda = fields.List(fields.Nested(AgendaItemSchema))
    attendance = fields.List(fields.Nested(AttendanceSchema))
    quorum_present = fields.Boolean()
    quorum_needed = fields.Integer()
    motions = fields.List(fields.Nested(MotionSchema))
    minutes = fields.Nested(MinutesSchema)
    ical_url = fields.String()


class MeetingListArgsSchema(ListArgsSchema):
    upcoming = fields.Boolean(load_default=False)


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


# --- minutes and the report --------------------------------------------------------------


@blp.route("/meetings/<int:meeting_id>/minutes/draft")
class MinutesDraft(MethodView):
    @blp.response(200, MinutesDraftSchema)
    @blp.alt_response(403, description="Not a manager or board member")
    def get(self, meeting_id):
        """Return minutes drafted from the record (attendance, quorum, each agenda item and
        motion with mover, seconder, each member's vote and result) for editing."""
        meeting = meeting_for(meeting_id)
        if not policies.sees_executive(caller(), meeting.association_id):
            raise NotAllowed(_("The draft is for the manager and the board."))
        association = association_for(meeting.association_id)
        return {"body": minutes_draft.draft_from_record(meeting, association)}


@blp.route("/meetings/<int:meeting_id>/minutes")
class Minutes(MethodView):
    @blp.arguments(MinutesBodySchema)
    @blp.response(200, MinutesSchema)
    @blp.alt_response(403, description="Not the manager or the secretary")
    @blp.alt_response(409, description="Pending approval or approved, or a cancelled meeting")
    def put(self, body, meeting_id):
        """Write the minutes (Markdown; manager, secretary); rejected minutes become a
        draft again."""
        meeting = meeting_for(meeting_id)
        minutes_service.save_minutes(meeting, body=body["body"], actor=caller())
        db.session.commit()
        return minutes_service.for_reader(caller(), meeting)


@blp.route("/meetings/<int:meeting_id>/minutes/submit")
class MinutesSubmit(MethodView):
    @blp.response(200, MinutesSubmittedSchema)
    @blp.alt_response(403, description="Not the manager or the secretary")
    @blp.alt_response(409, description="Not written, already before the board, or too early")
    def post(self, meeting_id):
        """Put the minutes to the board (manager, secretary) through the approval engine;
        where the venue is a meeting (CA) a later meeting's motion approves them."""
        meeting = meeting_for(meeting_id)
        request_row = minutes_service.submit_minutes(meeting, actor=caller())
        db.session.commit()
        return {"approval_id": request_row.id, "venue": request_row.venue}


PDF = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}


@blp.route("/meetings/<int:meeting_id>/report.pdf")
class MeetingReport(MethodView):
    @blp.doc(responses={"200": {"description": "The meeting report", **PDF}})
    def get(self, meeting_id):
        """Return the meeting report PDF; owners only once they may read the minutes."""
        meeting = meeting_for(meeting_id)
        if not minutes_service.may_read(caller(), meeting):
            raise NotFound(_("No such meeting report."))
        association = association_for(meeting.association_id)
        return pdf_response(report.report_pdf(meeting, association), f"meeting-{meeting.id}.pdf")


# --- the board packet and its job ----------------------------------------------------------


class JobAcceptedSchema(BaseSchema):
    job_id = fields.Integer()


class JobSchema(BaseSchema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "queued / running / done / failed"})
    progress = fields.Integer()
    total = fields.Integer()
    result_url = fields.String(allow_none=True)
    error = fields.String()


@blp.route("/meetings/<int:meeting_id>/packet")
class Packet(MethodView):
    @blp.response(202, JobAcceptedSchema)
    @blp.alt_response(403, description="Not the manager or the secretary")
    @blp.alt_response(409, description="A cancelled meeting")
    def post(self, meeting_id):
        """Build the board packet in the background (manager, secretary); follow it with
        ``GET /jobs/{job_id}``."""
        meeting = meeting_for(meeting_id)
        row = packets.request_packet(meeting, actor=caller())
        db.session.commit()
        return {"job_id": row.job_id}


@blp.route("/meetings/<int:meeting_id>/packet.pdf")
class PacketPdf(MethodView):
    @blp.doc(responses={"200": {"description": "The latest board packet", **PDF}})
    def get(self, meeting_id):
        """Return the latest built packet (manager, board; 404 until one is built); the
        open is recorded."""
        meeting = meeting_for(meeting_id)
        data = packets.open_packet(meeting, caller())
        db.session.commit()
        return pdf_response(data, f"board-packet-{meeting.id}.pdf")


@blp.route("/jobs/<int:job_id>")
class JobItem(MethodView):
    @blp.response(200, JobSchema)
    def get(self, job_id):
        """Return a background job's progress (its association's managers and board)."""
        row = packets.for_job(job_id)
        if row is None:
            raise NotFound(_("No such job."))
        association_for(row.association_id)
        if not policies.sees_executive(caller(), row.association_id):
            raise NotFound(_("No such job."))
        return {
            "id": job_id,
            "status": row.status,
            "progress": row.progress,
            "total": row.total,
            "error": row.error,
            "result_url": f"/api/v1/meetings/{row.meeting_id}/packet.pdf"
            if row.status == "done"
            else None,
        }
