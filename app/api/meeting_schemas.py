"""The schemas of the Meetings API: meetings with their agenda, attendance, motions and votes,
the minutes, and the board packet's job."""

from __future__ import annotations

from marshmallow import fields

from app.api.schemas import BaseSchema, Enum, Id, ListArgsSchema, Text
from app.meetings.models import AddedUnder, ItemKind, MeetingKind, MotionChoice


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


# The 200 answer of an operation that returns a PDF.
PDF = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}


class JobAcceptedSchema(BaseSchema):
    job_id = fields.Integer()


class JobSchema(BaseSchema):
    id = fields.Integer()
    status = fields.String(metadata={"description": "queued / running / done / failed"})
    progress = fields.Integer()
    total = fields.Integer()
    result_url = fields.String(allow_none=True)
    error = fields.String()
