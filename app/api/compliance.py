"""Compliance: rules, inspections, violations, letters, hearings, fines, responses, batches."""

from __future__ import annotations

from datetime import datetime

from flask import request, send_file
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload

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
from app.compliance import batches, ladder
from app.compliance import policies as compliance_policies
from app.compliance import services as compliance
from app.compliance.models import Inspection, Letter, Rule, Violation, ViolationStatus
from app.core import storage
from app.core.errors import NotFound
from app.core.inputs import DB_INT_MAX, LONG_TEXT_MAX
from app.core.listing import paginate
from app.core.parsing import as_id
from app.core.pdf import pdf_response
from app.delivery.services import count_in_batch
from app.extensions import db

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


class FineSchema(BaseSchema):
    id = fields.Integer()
    amount = Money()
    reason = fields.String()
    health_safety_finding = fields.Boolean()
    status = fields.String()
    approval_id = fields.Integer(allow_none=True)
    decided_at = fields.AwareDateTime(format="iso", allow_none=True)


class HearingSchema(BaseSchema):
    scheduled_at = fields.AwareDateTime(format="iso")
    location = fields.String()
    held = fields.Function(lambda h: ladder.hearing_held(h.violation))


class ResponseSchema(BaseSchema):
    id = fields.Integer()
    user_id = fields.Integer()
    message = fields.String()
    request_hearing = fields.Boolean()
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
    letters = fields.List(fields.Nested(LetterSchema))
    fines = fields.List(fields.Nested(FineSchema))
    hearing = fields.Nested(HearingSchema, allow_none=True)
    responses = fields.List(fields.Nested(ResponseSchema))
    proposed_fine = fields.Function(lambda v: f"{compliance.proposed_fine(v):.2f}")


class ViolationListArgsSchema(ListArgsSchema):
    status = fields.String(
        load_default=None, validate=validate.OneOf([s.value for s in ViolationStatus])
    )
    rule_id = Id(load_default=None)
    unit_id = Id(load_default=None)
    overdue = fields.Boolean(
        load_default=None, metadata={"description": "cure date passed, not cured"}
    )


class LetterCreateSchema(BaseSchema):
    # Checked by the ladder after the violation's state (409 before 422).
    kind = fields.String(
        required=True, metadata={"enum": ["courtesy", "violation", "hearing", "fine", "closure"]}
    )


class HearingCreateSchema(BaseSchema):
    scheduled_at = fields.Raw(required=True, metadata={"type": "string", "format": "date-time"})
    location = fields.String(load_default="", metadata={"maxLength": 300})


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


class BatchSchema(BaseSchema):
    id = fields.Integer()
    status = fields.String()
    letter_count = fields.Integer()
    progress = fields.Integer()
    error = fields.String()
    pdf_url = fields.Function(
        lambda b: f"/api/v1/letter-batches/{b.id}/pdf" if b.pdf_path else None
    )
    letter_ids = fields.Function(lambda b: [le.id for le in b.letters])
    notice_count = fields.Function(
        lambda b: count_in_batch(b.id),
        metadata={"description": "printed notice copies in the batch (one per mail delivery)"},
    )


class ConfirmSchema(BaseSchema):
    tracking_numbers = fields.Dict(
        keys=Text(20),
        values=fields.Raw(metadata={"type": ["string", "integer"], "maxLength": 60}),
        load_default=None,
        allow_none=True,
        metadata={"description": "letter id → tracking number"},
    )


class TemplateSchema(BaseSchema):
    body = Text(required=True, metadata={"description": "empty: the default wording"})


class TemplateOutSchema(BaseSchema):
    kind = fields.String()
    body = fields.String()
    placeholders = fields.List(fields.String())


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
        rule = compliance.create_rule(association, body, actor=caller())
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
        inspection = compliance.create_inspection(
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
        finding = compliance.record_finding(
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


@blp.route("/violations/<int:violation_id>/letters")
class Letters(MethodView):
    @blp.arguments(LetterCreateSchema)
    @blp.response(201, LetterSchema)
    @blp.alt_response(409, description="Out of order or too early")
    def post(self, body, violation_id):
        """Issue the next letter of the ladder."""
        violation = violation_for(violation_id, write=True)
        letter = ladder.issue_letter(violation, body["kind"], actor=caller())
        db.session.commit()
        return letter


class LetterPreviewArgsSchema(BaseSchema):
    kind = fields.String(
        required=True, metadata={"enum": ["courtesy", "violation", "hearing", "fine", "closure"]}
    )


@blp.route("/violations/<int:violation_id>/letters/preview")
class LetterPreview(MethodView):
    @blp.arguments(LetterPreviewArgsSchema, location="query")
    @blp.response(200, content_type="application/pdf")
    @blp.alt_response(409, description="The ladder does not allow this letter now")
    def get(self, args, violation_id):
        """The letter issuing ``kind`` now would produce, watermarked PREVIEW; changes nothing."""
        violation = violation_for(violation_id, write=True)
        pdf = ladder.preview_letter(violation, args["kind"])
        db.session.rollback()  # a preview never writes
        return pdf_response(pdf, f"preview-V{violation.id}-{args['kind']}.pdf")


@blp.route("/letters/<int:letter_id>/pdf")
class LetterPdf(MethodView):
    @blp.response(200, content_type="application/pdf")
    def get(self, letter_id):
        """Download an issued letter: the same bytes every time."""
        letter = db.session.get(Letter, letter_id)
        if letter is None:
            raise NotFound(_("No such letter."))
        violation_for(letter.violation_id)
        return pdf_response(letter.pdf, f"letter-{letter.id}-{letter.kind}.pdf")


@blp.route("/violations/<int:violation_id>/hearing")
class HearingEndpoint(MethodView):
    @blp.arguments(HearingCreateSchema)
    @blp.response(201, ViolationSchema)
    @blp.alt_response(409, description="Too short a notice for the profile")
    def post(self, body, violation_id):
        """Schedule (or move) the hearing; issues the notice of hearing."""
        violation = violation_for(violation_id, write=True)
        ladder.schedule_hearing(
            violation,
            scheduled_at=_parse_moment(body["scheduled_at"]),
            location=body["location"],
            actor=caller(),
        )
        db.session.commit()
        return violation


@blp.route("/violations/<int:violation_id>/fines")
class Fines(MethodView):
    @blp.arguments(FineCreateSchema)
    @blp.response(201, FineCreatedSchema)
    @blp.alt_response(409, description="Due process missing")
    @blp.alt_response(422, description="Over the cap")
    def post(self, body, violation_id):
        """Propose a fine to the board."""
        violation = violation_for(violation_id, write=True)
        fine = ladder.propose_fine(
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
        ladder.settle_fine(fine, body["status"], actor=caller())
        db.session.commit()
        return fine


@blp.route("/violations/<int:violation_id>/cure")
class Cure(MethodView):
    @blp.arguments(NotesSchema)
    @blp.response(200, ViolationSchema)
    def post(self, body, violation_id):
        """Record the cure; pending fines are withdrawn where the profile forbids them."""
        violation = violation_for(violation_id, write=True)
        compliance.cure_violation(violation, notes=body["notes"], actor=caller())
        db.session.commit()
        return violation


@blp.route("/violations/<int:violation_id>/close")
class Close(MethodView):
    @blp.arguments(NotesSchema)
    @blp.response(200, ViolationSchema)
    def post(self, body, violation_id):
        """Close after a cure, a paid or waived fine, or as a dismissal (notes required)."""
        violation = violation_for(violation_id, write=True)
        compliance.close_violation(violation, notes=body["notes"], actor=caller())
        db.session.commit()
        return violation


@blp.route("/violations/<int:violation_id>/responses")
class Responses(MethodView):
    @blp.arguments(ResponseCreateSchema)
    @blp.response(201, ResponseSchema)
    def post(self, body, violation_id):
        """Answer a violation of one's own unit (owner)."""
        violation = violation_for(violation_id)
        allow(compliance_policies.owns_unit_of(caller(), violation))
        response = compliance.add_response(
            violation,
            user=caller(),
            message=body["message"],
            request_hearing=body["request_hearing"],
        )
        db.session.commit()
        return response


# --- letter templates ----------------------------------------------------------------------


@blp.route("/associations/<int:aid>/letter-templates/<kind>")
class Templates(MethodView):
    @blp.response(200, TemplateOutSchema)
    def get(self, aid, kind):
        """Return the association's wording for a letter kind."""
        association_for(aid)
        allow(compliance_policies.can_see_all(caller(), aid))
        if kind not in ladder.letter_rendering.DEFAULT_BODIES:
            raise NotFound(_("No such letter kind."))
        return {
            "kind": kind,
            "body": ladder.template_body(aid, kind),
            "placeholders": ladder.letter_rendering.PLACEHOLDERS,
        }

    @blp.arguments(TemplateSchema)
    @blp.response(200, TemplateOutSchema)
    def put(self, body, aid, kind):
        """Change the wording of a letter kind (audited)."""
        association = association_for(aid)
        allow(compliance_policies.can_manage(caller(), aid))
        ladder.save_template(association, kind, body["body"], actor=caller())
        db.session.commit()
        return {
            "kind": kind,
            "body": ladder.template_body(aid, kind),
            "placeholders": ladder.letter_rendering.PLACEHOLDERS,
        }


# --- batches --------------------------------------------------------------------------------


def batch_for(batch_id: int, *, write: bool = False):
    """Return a batch of an association the caller manages or sits on the board of."""
    batch = db.session.get(batches.LetterBatch, batch_id)
    if batch is None:
        raise NotFound(_("No such mailing batch."))
    association_for(batch.association_id)
    allow(compliance_policies.can_see_all(caller(), batch.association_id))
    if write:
        allow(compliance_policies.can_manage(caller(), batch.association_id))
    return batch


@blp.route("/associations/<int:aid>/letter-batches")
class Batches(MethodView):
    @blp.response(202, BatchSchema)
    def post(self, aid):
        """Start a batch of every issued letter not yet mailed nor in an open batch."""
        association = association_for(aid)
        allow(compliance_policies.can_manage(caller(), aid))
        batch = batches.create_batch(association, actor=caller())
        db.session.commit()
        db.session.refresh(batch)
        return batch


@blp.route("/letter-batches/<int:batch_id>")
class BatchItem(MethodView):
    @blp.response(200, BatchSchema)
    def get(self, batch_id):
        """Return a batch and its progress."""
        return batch_for(batch_id)


@blp.route("/letter-batches/<int:batch_id>/pdf")
class BatchPdf(MethodView):
    @blp.response(200, content_type="application/pdf")
    def get(self, batch_id):
        """Download the merged PDF of a finished batch."""
        batch = batch_for(batch_id)
        if not batch.pdf_path:
            raise NotFound(_("This batch has no PDF yet."))
        return send_file(
            storage.batch_path(batch.id),
            mimetype="application/pdf",
            download_name=f"letters-batch-{batch.id}.pdf",
        )


@blp.route("/letter-batches/<int:batch_id>/confirm")
class BatchConfirm(MethodView):
    @blp.arguments(ConfirmSchema)
    @blp.response(200, BatchSchema)
    def post(self, body, batch_id):
        """Mark the letters mailed (certified letters need tracking numbers)."""
        batch = batch_for(batch_id, write=True)
        batches.confirm_batch(batch, tracking_numbers=body["tracking_numbers"], actor=caller())
        db.session.commit()
        return batch


@blp.route("/letter-batches/<int:batch_id>/cancel")
class BatchCancel(MethodView):
    @blp.response(200, BatchSchema)
    def post(self, batch_id):
        """Cancel a batch that is not mailed; its letters can go into a new batch."""
        batch = batch_for(batch_id, write=True)
        batches.cancel_batch(batch, actor=caller())
        db.session.commit()
        return batch
