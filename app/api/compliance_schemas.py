"""The schemas of the Compliance API: rules, inspections and findings, violations with their
letters, fines, hearing and responses; what comes in and what goes out."""

from __future__ import annotations

from marshmallow import fields, validate

from app.api import dumping
from app.api.schemas import MONEY_INPUT, BaseSchema, Day, Id, ListArgsSchema, Money, Number, Text
from app.api.setup import caller
from app.compliance import fines as compliance_fines
from app.compliance import policies as compliance_policies
from app.compliance import services as compliance
from app.compliance.models import ViolationStatus
from app.core.inputs import DB_INT_MAX, LONG_TEXT_MAX

DAYS = {"minimum": 0, "maximum": 3650}
_FINDING = {
    "unit_id": {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX},
    "rule_id": {"type": "integer", "minimum": 1, "maximum": DB_INT_MAX},
    "notes": {"type": "string", "maxLength": 4000},
}
MULTIPART_OR_JSON = {
    "content": {
        "application/json": {
            "schema": {"type": "object", "properties": _FINDING, "required": ["unit_id", "rule_id"]}
        },
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    **_FINDING,
                    "photos": {"type": "array", "items": {"type": "string", "format": "binary"}},
                },
                "required": ["unit_id", "rule_id"],
            }
        },
    }
}


class RuleCreateSchema(BaseSchema):
    code = Text(30, required=True, blank=False)
    title = Text(200, required=True, blank=False)
    description = Text(required=True, blank=False)
    ccr_section = Text(60, load_default="")
    cure_days = Number(0, 3650, required=True)
    fine_amount = fields.Raw(required=True, metadata=MONEY_INPUT)
    repeat_fine_amount = fields.Raw(allow_none=True, metadata=MONEY_INPUT)
    repeat_window_days = Number(1, 3650, load_default=None, allow_none=True)
    daily_fine_amount = fields.Raw(allow_none=True, metadata=MONEY_INPUT)
    daily_fine_max_days = Number(1, 3650, load_default=None, allow_none=True)
    translations = fields.Dict(
        keys=fields.String(metadata={"enum": ["es", "it", "da", "ru"]}),
        values=fields.Dict(keys=fields.String(), values=fields.String()),
        load_default=None,
        metadata={"description": "{language: {title, description}} printed in that language"},
    )


class RuleSchema(BaseSchema):
    id = fields.Integer()
    code = fields.String()
    title = fields.String()
    description = fields.String()
    ccr_section = fields.String()
    cure_days = fields.Integer()
    fine_amount = Money()
    repeat_fine_amount = Money(allow_none=True)
    repeat_window_days = fields.Integer(allow_none=True)
    daily_fine_amount = Money(allow_none=True)
    daily_fine_max_days = fields.Integer(allow_none=True)
    translations = fields.Dict()


class InspectionCreateSchema(BaseSchema):
    scheduled_for = Day(required=True)


class InspectionSchema(BaseSchema):
    id = fields.Integer()
    scheduled_for = fields.Date()
    status = fields.String()
    finding_count = fields.Function(lambda i: len(i.findings))


class FindingResultSchema(BaseSchema):
    id = fields.Integer()
    violation_id = fields.Integer()
    violation_status = fields.Function(lambda f: f.violation.status)
    reinspection = fields.Boolean()
    photo_count = fields.Function(lambda f: len(f.photos))


class LetterSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    issued_on = fields.Date()
    sha256 = fields.String()
    mailed_at = fields.AwareDateTime(format="iso", allow_none=True)
    tracking_number = fields.String(allow_none=True)
    pdf_url = fields.Function(lambda le: f"/api/v1/letters/{le.id}/pdf")
    language = fields.String(metadata={"description": "the owner's language at issue"})
    sha256_en = fields.String(
        allow_none=True,
        metadata={"description": "sha256 of the English rendering kept beside a translated letter"},
    )
    void = fields.Boolean()
    voided_at = fields.AwareDateTime(format="iso", allow_none=True)
    voided_by_id = fields.Integer(allow_none=True)
    void_reason = fields.String()


class FineSchema(BaseSchema):
    id = fields.Integer()
    amount = Money()
    reason = fields.String()
    health_safety_finding = fields.Boolean()
    status = fields.String()
    approval_id = fields.Integer(allow_none=True)
    decided_at = fields.AwareDateTime(format="iso", allow_none=True)
    cap_note = fields.Function(
        lambda fine: compliance_fines.cap_note(fine),
        allow_none=True,
        metadata={
            "type": "string",
            "description": "set where the fine goes beyond the statute's cap because the "
            "governing documents allow more (the association's setting)",
        },
    )


class HearingSchema(BaseSchema):
    scheduled_at = fields.AwareDateTime(format="iso")
    location = fields.String()
    meeting_id = fields.Integer(
        allow_none=True, metadata={"description": "the board meeting it is held at"}
    )
    held = fields.Boolean(metadata={"description": "recorded as held (never by the clock)"})
    held_at = fields.AwareDateTime(format="iso", allow_none=True)
    owner_attended = fields.Boolean(allow_none=True)
    summary = fields.String()
    packet_sent_at = fields.AwareDateTime(
        format="iso",
        allow_none=True,
        metadata={"description": "TX: when the evidence packet went out (Property Code 209.007)"},
    )


class ResponseSchema(BaseSchema):
    id = fields.Integer()
    user_id = fields.Integer()
    message = fields.String()
    request_hearing = fields.Boolean()
    from_office = fields.Boolean(metadata={"description": "written by the management office"})
    created_at = fields.AwareDateTime(format="iso")


class ViolationSchema(BaseSchema):
    id = fields.Integer()
    association_id = fields.Integer()
    unit_id = fields.Integer()
    rule_id = fields.Integer()
    rule_code = fields.Function(lambda v: v.rule.code)
    unit_label = fields.Function(lambda v: v.unit.label)
    status = fields.String()
    opened_on = fields.Date()
    is_repeat = fields.Boolean()
    cure_by = fields.Date(allow_none=True)
    cured_on = fields.Date(allow_none=True)
    letters = fields.Method(
        "_letters",
        metadata={
            "type": "array",
            "items": {"type": "object"},
            "description": "in issue order; owners do not see voided letters",
        },
    )
    fines = fields.List(fields.Nested(FineSchema))
    hearing = fields.Nested(HearingSchema, allow_none=True)
    responses = fields.List(fields.Nested(ResponseSchema))
    proposed_fine = fields.Function(lambda v: f"{compliance.proposed_fine(v):.2f}")

    def _letters(self, violation):
        shown = (
            violation.letters
            if compliance_policies.can_see_all(caller(), violation.association_id)
            else violation.live_letters
        )
        return dumping.dump(_LETTERS, shown)


# One instance for every violation of a list (a schema is reusable; building one per row
# cost a third of a 25-row API page), dumped through its precompiled plan.
_LETTERS = LetterSchema(many=True)


class ViolationListArgsSchema(ListArgsSchema):
    status = fields.String(
        load_default=None, validate=validate.OneOf([s.value for s in ViolationStatus])
    )
    rule_id = Id(load_default=None)
    unit_id = Id(load_default=None)
    overdue = fields.Boolean(
        load_default=None, metadata={"description": "cure date passed, not cured"}
    )


class HearingCreateSchema(BaseSchema):
    scheduled_at = fields.Raw(
        load_default=None,
        metadata={
            "type": "string",
            "format": "date-time",
            "description": "required unless meeting_id is given (then the meeting's time)",
        },
    )
    location = fields.String(load_default="", metadata={"maxLength": 300})
    meeting_id = Id(
        load_default=None,
        metadata={"description": "the board meeting it is held at; else an executive session"},
    )


class HearingRecordSchema(BaseSchema):
    owner_attended = fields.Raw(required=True, metadata={"type": "boolean"})
    summary = fields.String(load_default="", metadata={"maxLength": 4000})


class FineCreateSchema(BaseSchema):
    amount = fields.Raw(required=True, metadata=MONEY_INPUT)
    reason = fields.String(load_default="", metadata={"maxLength": LONG_TEXT_MAX})
    health_safety_finding = fields.Boolean(load_default=False)


class FineCreatedSchema(BaseSchema):
    id = fields.Integer()
    status = fields.String()
    approval_id = fields.Integer()
    amount = Money()


class NotesSchema(BaseSchema):
    notes = Text(load_default="")


class ResponseCreateSchema(BaseSchema):
    message = Text(load_default="")
    request_hearing = fields.Boolean(load_default=False)


class SettleSchema(BaseSchema):
    status = fields.String(required=True, metadata={"enum": ["paid", "waived"]})


class ReasonSchema(BaseSchema):
    reason = Text(load_default="", metadata={"description": "why (required)"})


class ReplySchema(BaseSchema):
    message = Text(load_default="")
