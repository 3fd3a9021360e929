"""Compliance: rules, inspections, violations, letters, hearings, fines, responses, batches."""

from __future__ import annotations

from datetime import datetime

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api import dumping
from app.api.schemas import (
    MONEY_INPUT,
    BaseSchema,
    Day,
    Id,
    ListArgsSchema,
    Money,
    Number,
    Text,
    envelope,
    list_schema,
)
from app.api.setup import allow, association_for, caller
from app.compliance import conversation, outcomes
from app.compliance import fines as compliance_fines
from app.compliance import hearings as compliance_hearings
from app.compliance import inspections as compliance_inspections
from app.compliance import packet as evidence
from app.compliance import policies as compliance_policies
from app.compliance import rules as compliance_rules
from app.compliance import services as compliance
from app.compliance.models import Inspection, Rule, Violation, ViolationStatus
from app.core.errors import NotFound
from app.core.inputs import DB_INT_MAX, LONG_TEXT_MAX
from app.core.listing import paginate
from app.core.parsing import as_id
from app.extensions import db
from app.meetings import hearings as meeting_hearings

blp = Blueprint("api_compliance", __name__, description="Compliance")

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


# --- schemas --------------------------------------------------------------------------------


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


# --- lookups --------------------------------------------------------------------------------


def violation_for(violation_id: int, *, write: bool = False) -> Violation:
    """Return a violation the caller may see (owners: their units'), else 404."""
    violation = db.session.get(Violation, violation_id)
    if violation is None:
        raise NotFound(_("No such violation."))
    association_for(violation.association_id)
    if not compliance_policies.can_view_violation(caller(), violation):
        raise NotFound(_("No such violation."))
    if write:
        allow(compliance_policies.can_manage(caller(), violation.association_id))
    return violation


def _parse_moment(raw):
    if isinstance(raw, str):
        try:
            return datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            return raw
    return raw


# --- rules, inspections, findings --------------------------------------------------------


@blp.route("/associations/<int:aid>/rules")
class Rules(MethodView):
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, list_schema(RuleSchema, "RuleList"))
    def get(self, args, aid):
        """List the association's rules."""
        association_for(aid)
        page = paginate(
            select(Rule).where(Rule.association_id == aid),
            search=[Rule.code, Rule.title],
            sortable={"code": Rule.code},
            tiebreak=Rule.id,
            **args,
        )
        return envelope(page, lambda r: r)

    @blp.arguments(RuleCreateSchema)
    @blp.response(201, RuleSchema)
    @blp.alt_response(409, description="The code is taken")
    def post(self, body, aid):
        """Add a rule with its cure days and fine schedule (fine_amount: first offence)."""
        association = association_for(aid)
        allow(compliance_policies.can_manage(caller(), aid))
        rule = compliance_rules.create_rule(association, body, actor=caller())
        db.session.commit()
        return rule


@blp.route("/associations/<int:aid>/inspections")
class Inspections(MethodView):
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, list_schema(InspectionSchema, "InspectionList"))
    def get(self, args, aid):
        """List inspections, newest first."""
        association_for(aid)
        allow(compliance_policies.can_see_all(caller(), aid))
        page = paginate(
            select(Inspection)
            .where(Inspection.association_id == aid)
            .options(selectinload(Inspection.findings)),
            sortable={"date": Inspection.scheduled_for},
            direction="desc",
            tiebreak=Inspection.id,
            **args,
        )
        return envelope(page, lambda i: i)

    @blp.arguments(InspectionCreateSchema)
    @blp.response(201, InspectionSchema)
    def post(self, body, aid):
        """Open an inspection."""
        association = association_for(aid)
        allow(compliance_policies.can_manage(caller(), aid))
        inspection = compliance_inspections.create_inspection(
            association, scheduled_for=body["scheduled_for"], actor=caller()
        )
        db.session.commit()
        return inspection


@blp.route("/inspections/<int:inspection_id>/findings")
class Findings(MethodView):
    @blp.doc(requestBody=MULTIPART_OR_JSON)
    @blp.response(201, FindingResultSchema)
    @blp.alt_response(413, description="A photo is too large")
    @blp.alt_response(415, description="A photo is not JPEG or PNG")
    def post(self, inspection_id):
        """Record a finding (JSON, or multipart with photos): opens or re-inspects a violation."""
        inspection = db.session.get(Inspection, inspection_id)
        if inspection is None:
            raise NotFound(_("No such inspection."))
        association_for(inspection.association_id)
        allow(compliance_policies.can_manage(caller(), inspection.association_id))
        if request.mimetype == "multipart/form-data":
            values = request.form
            photos = [f.read() for f in request.files.getlist("photos") if f.filename]
        else:
            values = request.get_json(silent=True)
            if not isinstance(values, dict):
                from werkzeug.exceptions import BadRequest

                raise BadRequest(_("Send a JSON object or a multipart form."))
            photos = []
        finding = compliance_inspections.record_finding(
            inspection,
            unit_id=as_id(values.get("unit_id")),
            rule_id=as_id(values.get("rule_id")),
            notes=values.get("notes"),
            photos=photos,
            actor=caller(),
        )
        db.session.commit()
        return finding


# --- violations -----------------------------------------------------------------------------


@blp.route("/associations/<int:aid>/violations")
class Violations(MethodView):
    @blp.arguments(ViolationListArgsSchema, location="query")
    @blp.response(200, list_schema(ViolationSchema, "ViolationList"))
    def get(self, args, aid):
        """List violations with filters (managers and board)."""
        association = association_for(aid)
        allow(compliance_policies.can_see_all(caller(), aid))
        statement = compliance.violation_query(
            aid,
            status=args.pop("status"),
            rule_id=args.pop("rule_id"),
            unit_id=args.pop("unit_id"),
            overdue=args.pop("overdue"),
            today=compliance.today(association),
        )
        page = paginate(
            statement,
            sortable={"opened": Violation.opened_on},
            direction="desc",
            tiebreak=Violation.id,
            **args,
        )
        return envelope(page, lambda v: v)


@blp.route("/violations/<int:violation_id>")
class ViolationItem(MethodView):
    @blp.response(200, ViolationSchema)
    def get(self, violation_id):
        """Return a violation with its letters, fines and hearing."""
        return violation_for(violation_id)


@blp.route("/me/violations")
class MyViolations(MethodView):
    @blp.response(200, list_schema(ViolationSchema, "MyViolationList"))
    def get(self):
        """The violations of the caller's own units, across their associations."""
        from app.auth.models import Membership

        owned = select(Membership.unit_id).where(
            Membership.user_id == caller().id, Membership.role == "owner"
        )
        items = db.session.scalars(
            select(Violation).where(Violation.unit_id.in_(owned)).order_by(Violation.id.desc())
        ).all()
        return {"items": items, "total": len(items)}


@blp.route("/violations/<int:violation_id>/hearing")
class HearingEndpoint(MethodView):
    @blp.arguments(HearingCreateSchema)
    @blp.response(201, ViolationSchema)
    @blp.alt_response(409, description="Too short a notice for the profile")
    def post(self, body, violation_id):
        """Schedule (or move) the hearing; issues the notice of hearing."""
        violation = violation_for(violation_id, write=True)
        meeting_hearings.schedule_hearing(
            violation,
            scheduled_at=_parse_moment(body["scheduled_at"]),
            location=body["location"],
            meeting_id=body["meeting_id"],
            actor=caller(),
        )
        db.session.commit()
        return violation


@blp.route("/violations/<int:violation_id>/hearing/record")
class HearingRecord(MethodView):
    @blp.arguments(HearingRecordSchema)
    @blp.response(200, ViolationSchema)
    @blp.alt_response(409, description="Before the hearing's date, or already recorded")
    def post(self, body, violation_id):
        """Record the hearing as held (manager, secretary): only this makes it held."""
        violation = violation_for(violation_id)
        allow(compliance_policies.can_record_hearing(caller(), violation.association_id))
        compliance_hearings.record_hearing(
            violation,
            owner_attended=body["owner_attended"],
            summary=body["summary"],
            actor=caller(),
        )
        db.session.commit()
        return violation


@blp.route("/violations/<int:violation_id>/hearing/packet")
class HearingPacket(MethodView):
    @blp.response(200, ViolationSchema)
    @blp.alt_response(409, description="No hearing, or the hearing was held")
    def post(self, violation_id):
        """Assemble the evidence packet (letters, findings with photos, the owner's answers)
        and deliver it to the unit's owners through the notices delivery (TX 209.007)."""
        violation = violation_for(violation_id, write=True)
        evidence.send_packet(violation, actor=caller())
        db.session.commit()
        return violation


@blp.route("/violations/<int:violation_id>/hearing/packet.pdf")
class HearingPacketPdf(MethodView):
    @blp.response(200, content_type="application/pdf")
    @blp.alt_response(409, description="No hearing scheduled")
    def get(self, violation_id):
        """The evidence packet as it stands today (staff and the unit's owners)."""
        from app.compliance.profiles import refuse
        from app.core.pdf import pdf_response

        violation = violation_for(violation_id)
        if violation.hearing is None:
            raise refuse(_("No hearing is scheduled; the evidence packet goes with a hearing."))
        return pdf_response(evidence.packet_pdf(violation), f"evidence-V{violation.id}.pdf")


@blp.route("/violations/<int:violation_id>/fines")
class Fines(MethodView):
    @blp.arguments(FineCreateSchema)
    @blp.response(201, FineCreatedSchema)
    @blp.alt_response(409, description="Due process missing")
    @blp.alt_response(422, description="Over the cap")
    def post(self, body, violation_id):
        """Propose a fine to the board."""
        violation = violation_for(violation_id, write=True)
        fine = compliance_fines.propose_fine(
            violation,
            amount=body["amount"],
            reason=body["reason"],
            health_safety_finding=body["health_safety_finding"],
            actor=caller(),
        )
        db.session.commit()
        return fine


@blp.route("/fines/<int:fine_id>/settle")
class Settle(MethodView):
    @blp.arguments(SettleSchema)
    @blp.response(200, FineSchema)
    def post(self, body, fine_id):
        """Record an approved fine as paid or waived."""
        from app.compliance.models import Fine

        fine = db.session.get(Fine, fine_id)
        if fine is None:
            raise NotFound(_("No such fine."))
        violation_for(fine.violation_id, write=True)
        compliance_fines.settle_fine(fine, body["status"], actor=caller())
        db.session.commit()
        return fine


@blp.route("/violations/<int:violation_id>/cure")
class Cure(MethodView):
    @blp.arguments(NotesSchema)
    @blp.response(200, ViolationSchema)
    def post(self, body, violation_id):
        """Record the cure; pending fines are withdrawn where the profile forbids them."""
        violation = violation_for(violation_id, write=True)
        outcomes.cure_violation(violation, notes=body["notes"], actor=caller())
        db.session.commit()
        return violation


@blp.route("/violations/<int:violation_id>/close")
class Close(MethodView):
    @blp.arguments(NotesSchema)
    @blp.response(200, ViolationSchema)
    def post(self, body, violation_id):
        """Close after a cure, a paid or waived fine, or as a dismissal (notes required)."""
        violation = violation_for(violation_id, write=True)
        outcomes.close_violation(violation, notes=body["notes"], actor=caller())
        db.session.commit()
        return violation


class ReasonSchema(BaseSchema):
    reason = Text(load_default="", metadata={"description": "why (required)"})


class ReplySchema(BaseSchema):
    message = Text(load_default="")


@blp.route("/violations/<int:violation_id>/reopen")
class Reopen(MethodView):
    @blp.arguments(ReasonSchema)
    @blp.response(200, ViolationSchema)
    @blp.alt_response(409, description="Neither cured nor closed")
    def post(self, body, violation_id):
        """Reopen a cured or closed violation (a reason is required; audited)."""
        violation = violation_for(violation_id, write=True)
        outcomes.reopen_violation(violation, reason=body["reason"], actor=caller())
        db.session.commit()
        return violation


@blp.route("/violations/<int:violation_id>/replies")
class Replies(MethodView):
    @blp.arguments(ReplySchema)
    @blp.response(201, ResponseSchema)
    @blp.alt_response(409, description="The violation is closed")
    def post(self, body, violation_id):
        """The office replies to the owner (portal at once, and e-mail)."""
        violation = violation_for(violation_id, write=True)
        response = conversation.reply(violation, message=body["message"], actor=caller())
        db.session.commit()
        return response


@blp.route("/violations/<int:violation_id>/responses")
class Responses(MethodView):
    @blp.arguments(ResponseCreateSchema)
    @blp.response(201, ResponseSchema)
    def post(self, body, violation_id):
        """Answer a violation of one's own unit (owner)."""
        violation = violation_for(violation_id)
        allow(compliance_policies.owns_unit_of(caller(), violation))
        response = conversation.add_response(
            violation,
            user=caller(),
            message=body["message"],
            request_hearing=body["request_hearing"],
        )
        db.session.commit()
        return response
