"""Architectural review: owners' requests, the reviewing body's decisions, appeals."""

from __future__ import annotations

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy.orm import immediateload, selectinload

from app.api.schemas import BaseSchema, Enum, ListArgsSchema, Text, envelope, list_schema
from app.api.setup import allow, association_for, caller
from app.arc import appeals, decisions, policies, services
from app.arc.models import ArcLetter, ArcRequest
from app.core.errors import NotFound
from app.core.listing import paginate
from app.extensions import db

blp = Blueprint("api_arc", __name__, description="Architectural review")

STATUSES = ["submitted", "approved", "approved_with_conditions", "denied", "appealed", "withdrawn"]
DECISIONS = ["approved", "approved_with_conditions", "denied"]
_FIELDS = {
    "unit_id": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    "title": {"type": "string", "maxLength": services.TITLE_MAX},
    "description": {"type": "string", "maxLength": services.TEXT_MAX},
}
SUBMIT = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    **_FIELDS,
                    "files": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "plans and photos: PDF, JPEG or PNG, checked by content",
                    },
                },
                "required": ["unit_id", "title", "description"],
            }
        },
        "application/json": {
            "schema": {
                "type": "object",
                "properties": _FIELDS,
                "required": ["unit_id", "title", "description"],
            }
        },
    }
}


class AppealSchema(BaseSchema):
    id = fields.Integer()
    status = fields.String(metadata={"enum": ["pending", "granted", "refused"]})
    message = fields.String()
    approval_id = fields.Integer(allow_none=True)


class ArcFileSchema(BaseSchema):
    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    sha256 = fields.String()


class ArcMessageSchema(BaseSchema):
    id = fields.Integer()
    user_id = fields.Integer(allow_none=True)
    from_office = fields.Boolean()
    message = fields.String()
    created_at = fields.AwareDateTime(format="iso")


class ArcRequestSchema(BaseSchema):
    id = fields.Integer()
    association_id = fields.Integer()
    unit_id = fields.Integer()
    title = fields.String()
    description = fields.String()
    status = fields.String(metadata={"enum": STATUSES})
    submitted_on = fields.Date()
    decide_by = fields.Date()
    decision = fields.String(allow_none=True)
    reasons = fields.String()
    conditions = fields.String()
    deemed = fields.Boolean(metadata={"description": "approved because not decided in time"})
    proposed = fields.String(allow_none=True, metadata={"description": "before the deciders"})
    approval_id = fields.Integer(allow_none=True)
    letter_id = fields.Function(
        lambda r: r.decision_letter.id if r.decision_letter else None,
        metadata={"type": "integer", "nullable": True},
    )
    letter_url = fields.Function(
        lambda r: f"/api/v1/letters/{r.decision_letter.id}/pdf" if r.decision_letter else None,
        metadata={"type": "string", "nullable": True},
    )
    appeal_by = fields.Function(
        lambda r: _appeal_by(r),
        metadata={
            "type": "string",
            "format": "date",
            "nullable": True,
            "description": "a denial: the last day to appeal where the law sets one (TX "
            "209.00505(d)(2): the 30th day after the notice was mailed); null until mailed",
        },
    )
    files = fields.List(fields.Nested(ArcFileSchema))
    messages = fields.List(fields.Nested(ArcMessageSchema))
    appeal = fields.Nested(AppealSchema, allow_none=True)


def _appeal_by(request: ArcRequest) -> str | None:
    if request.status != "denied":
        return None
    # A list page reads every row's window at once (``appeals.windows``); one request alone.
    time = getattr(request, "_api_window", None) or appeals.window(request)
    return time.last_day.isoformat() if time.last_day else None


# What a listed request's JSON carries, loaded for the whole page: one statement per
# collection, whatever the number of rows. The association is attached as the rows load:
# the page is dumped after the view returned, when nothing else holds it.
_LIST_LOADS = (
    selectinload(ArcRequest.files),
    selectinload(ArcRequest.messages),
    selectinload(ArcRequest.letters),
    selectinload(ArcRequest.appeal),
    immediateload(ArcRequest.association),
)


class ArcListArgs(ListArgsSchema):
    status = Enum(STATUSES, load_default=None, validate=validate.OneOf(STATUSES))


class DecisionSchema(BaseSchema):
    decision = Enum(DECISIONS, required=True)
    reasons = Text(services.TEXT_MAX, load_default=None, allow_none=True)
    conditions = Text(services.TEXT_MAX, load_default=None, allow_none=True)


class ArcMessageBodySchema(BaseSchema):
    message = Text(services.MESSAGE_MAX, required=True)


class ApprovalIdSchema(BaseSchema):
    approval_id = fields.Integer()


def _visible(request_id: int) -> ArcRequest:
    found = db.session.get(ArcRequest, request_id)
    if found is None:
        raise NotFound(_("No such architectural request."))
    association_for(found.association_id)
    return services.get_visible(caller(), request_id)


@blp.route("/associations/<int:aid>/arc-requests")
class ArcRequests(MethodView):
    @blp.arguments(ArcListArgs, location="query")
    @blp.response(200, list_schema(ArcRequestSchema, "ArcRequestList"))
    def get(self, args, aid):
        """Staff and the committee: every request; owners: their own units'."""
        association_for(aid)
        statement = services.visible_query(caller(), aid).options(*_LIST_LOADS)
        status = args.pop("status")
        if status:
            statement = statement.where(ArcRequest.status == status)
        page = paginate(
            statement,
            search=[ArcRequest.title],
            sortable={"decide_by": ArcRequest.decide_by, "id": ArcRequest.id},
            default_sort="id",
            tiebreak=ArcRequest.id,
            **args,
        )
        times = appeals.windows([r for r in page.items if r.status == "denied"])
        for listed in page.items:
            listed._api_window = times.get(listed.id)
        return envelope(page, lambda r: r)

    @blp.doc(requestBody=SUBMIT)
    @blp.response(201, ArcRequestSchema)
    @blp.alt_response(403, description="Not the owner of the unit nor the manager")
    @blp.alt_response(413, description="A file is too large")
    @blp.alt_response(415, description="A file is not a PDF, JPEG or PNG, with the reason")
    def post(self, aid):
        """Submit a request for a unit (its owner, or the manager)."""
        association = association_for(aid)
        allow(policies.can_submit(caller(), aid))
        if request.is_json:
            body = request.get_json()
            body = body if isinstance(body, dict) else {}
            files = []
        else:
            body = request.form
            files = [(f.filename, f.read()) for f in request.files.getlist("files") if f]
        created = services.submit_request(
            association,
            unit_id=body.get("unit_id"),
            title=body.get("title"),
            description=body.get("description"),
            files=files,
            actor=caller(),
        )
        db.session.commit()
        return created


@blp.route("/arc-requests/<int:request_id>")
class ArcRequestItem(MethodView):
    @blp.response(200, ArcRequestSchema)
    def get(self, request_id):
        """One request with its files, conversation, decision, letter and appeal."""
        return _visible(request_id)


@blp.route("/arc-requests/<int:request_id>/messages")
class ArcMessages(MethodView):
    @blp.arguments(ArcMessageBodySchema)
    @blp.response(201, ArcMessageSchema)
    @blp.alt_response(403, description="Neither the office, the committee nor the owner")
    @blp.alt_response(409, description="The request is decided")
    def post(self, body, request_id):
        """The office asks (manager, committee) or the unit's owner answers."""
        found = _visible(request_id)
        message = services.add_message(found, message=body["message"], actor=caller())
        db.session.commit()
        return message


@blp.route("/arc-requests/<int:request_id>/decision")
class ArcDecision(MethodView):
    @blp.arguments(DecisionSchema)
    @blp.response(201, ApprovalIdSchema)
    @blp.alt_response(403, description="Neither the manager nor a committee member")
    @blp.alt_response(409, description="Decided already, or a decision is before the deciders")
    def post(self, body, request_id):
        """Propose the decision to the committee (or the board) through the approval engine."""
        found = _visible(request_id)
        allow(policies.can_review(caller(), found.association_id))
        approval = decisions.propose_decision(found, actor=caller(), **body)
        db.session.commit()
        return {"approval_id": approval.id}


@blp.route("/arc-requests/<int:request_id>/withdraw")
class ArcWithdraw(MethodView):
    @blp.response(200, ArcRequestSchema)
    @blp.alt_response(403, description="Neither the owner nor the manager")
    @blp.alt_response(409, description="Decided, or a decision is before the deciders")
    def post(self, request_id):
        """Withdraw an undecided request (the unit's owner or the manager)."""
        found = _visible(request_id)
        services.withdraw(found, actor=caller())
        db.session.commit()
        return found


@blp.route("/arc-requests/<int:request_id>/appeal")
class ArcAppealView(MethodView):
    @blp.arguments(ArcMessageBodySchema)
    @blp.response(201, ArcRequestSchema)
    @blp.alt_response(403, description="Not the owner of the unit")
    @blp.alt_response(409, description="Not denied, or appealed already")
    def post(self, body, request_id):
        """Appeal a denial to the board (the unit's owner)."""
        found = _visible(request_id)
        appeals.appeal(found, message=body["message"], actor=caller())
        db.session.commit()
        return found


def arc_letter_for(letter_id: int) -> ArcLetter:
    """Return a decision letter the caller may open (served by ``GET /letters/{id}/pdf``)."""
    letter = db.session.get(ArcLetter, letter_id)
    if letter is None:
        raise NotFound(_("No such letter."))
    _visible(letter.request_id)
    return letter


@blp.route("/arc-requests/<int:request_id>/files/<int:file_id>")
class ArcFileItem(MethodView):
    @blp.response(200, content_type="application/octet-stream")
    def get(self, request_id, file_id):
        """A plan or photo of the request."""
        from flask import Response

        found = _visible(request_id)
        row = next((f for f in found.files if f.id == file_id), None)
        if row is None:
            raise NotFound(_("No such file."))
        return Response(services.file_bytes(row), mimetype=row.content_type)
