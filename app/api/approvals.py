"""Approvals: the board's decisions, votes and withdrawals."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import select

from app.api.schemas import BaseSchema, ListArgsSchema, envelope, list_schema
from app.api.setup import allow, association_for, caller
from app.approvals import policies as approval_policies
from app.approvals import services as approvals
from app.approvals.models import SUBJECT_TYPES, ApprovalRequest, Choice
from app.core.errors import NotFound
from app.core.listing import paginate
from app.extensions import db

blp = Blueprint("api_approvals", __name__, description="Board approvals")


class ApprovalListArgsSchema(ListArgsSchema):
    status = fields.String(
        load_default=None,
        validate=validate.OneOf(["pending", "approved", "rejected", "withdrawn"]),
    )
    subject_type = fields.String(load_default=None, validate=validate.OneOf(SUBJECT_TYPES))


class ApprovalSummarySchema(BaseSchema):
    id = fields.Integer()
    subject_type = fields.String()
    subject_id = fields.Integer()
    title = fields.String()
    status = fields.String()
    approvals = fields.Integer()
    rejections = fields.Integer()
    abstentions = fields.Integer()
    required = fields.Integer()
    submitted_at = fields.AwareDateTime(format="iso")
    decided_at = fields.AwareDateTime(format="iso", allow_none=True)


class VoteSchema(BaseSchema):
    voter_id = fields.Integer()
    voter_name = fields.Function(lambda v: v.voter.name)
    choice = fields.String()
    comment = fields.String()
    cast_at = fields.AwareDateTime(format="iso")


class ApprovalSchema(ApprovalSummarySchema):
    association_id = fields.Integer()
    eligible_voter_ids = fields.List(fields.Integer())
    threshold = fields.String(attribute="threshold_label")
    votes = fields.List(fields.Nested(VoteSchema))
    venue = fields.String(metadata={"enum": ["online", "meeting", "committee"]})
    meeting_id = fields.Integer(allow_none=True)
    agenda_item_id = fields.Integer(allow_none=True)
    emergency = fields.Boolean()


class VoteCreateSchema(BaseSchema):
    # Checked by the service, after the request's state (a decided request answers 409 first).
    choice = fields.String(required=True, metadata={"enum": [c.value for c in Choice]})
    comment = fields.String(load_default="", metadata={"maxLength": 2000})


def request_for(request_id: int) -> ApprovalRequest:
    """Return a request the caller may see; 404 otherwise."""
    request = db.session.get(ApprovalRequest, request_id)
    if request is None:
        raise NotFound("No such approval request.")
    association_for(request.association_id)
    if not approval_policies.can_view(caller(), request):
        raise NotFound("No such approval request.")
    return request


@blp.route("/associations/<int:aid>/approvals")
class Approvals(MethodView):
    @blp.arguments(ApprovalListArgsSchema, location="query")
    @blp.response(200, list_schema(ApprovalSummarySchema, "ApprovalList"))
    def get(self, args, aid):
        """List the association's approval requests (owners: decided ones about them)."""
        association_for(aid)
        user = caller()
        statement = select(ApprovalRequest).where(ApprovalRequest.association_id == aid)
        status = args.pop("status")
        if status:
            statement = statement.where(ApprovalRequest.status == status)
        subject_type = args.pop("subject_type")
        if subject_type:
            statement = statement.where(ApprovalRequest.subject_type == subject_type)
        if not approval_policies.can_see_all_requests(user, aid):
            visible = [
                r.id for r in db.session.scalars(statement) if approval_policies.can_view(user, r)
            ]
            statement = statement.where(ApprovalRequest.id.in_(visible))
        page = paginate(
            statement,
            search=[ApprovalRequest.title],
            sortable={"id": ApprovalRequest.id},
            direction="desc",
            **args,
        )
        return envelope(page, lambda r: r)


@blp.route("/approvals/<int:request_id>")
class ApprovalItem(MethodView):
    @blp.response(200, ApprovalSchema)
    def get(self, request_id):
        """Return a request with its eligible voters and votes."""
        return request_for(request_id)


@blp.route("/approvals/<int:request_id>/votes")
class Votes(MethodView):
    @blp.arguments(VoteCreateSchema)
    @blp.response(201, ApprovalSchema)
    @blp.alt_response(403, description="Not a board member, or recused")
    @blp.alt_response(409, description="Already decided, or decided at a meeting")
    def post(self, body, request_id):
        """Vote approve, reject or abstain (board); a repeated vote replaces the earlier one."""
        request = request_for(request_id)
        result = approvals.cast_vote(
            request.id, voter=caller(), choice=body["choice"], comment=body["comment"]
        )
        db.session.commit()
        return result


@blp.route("/approvals/<int:request_id>/withdraw")
class Withdraw(MethodView):
    @blp.response(200, ApprovalSchema)
    @blp.alt_response(409, description="Already decided")
    def post(self, request_id):
        """Take a pending request back from the board (manager)."""
        request = request_for(request_id)
        result = approvals.withdraw_request(request.id, actor=caller())
        db.session.commit()
        return result


class ThresholdSchema(BaseSchema):
    numerator = fields.Integer(
        allow_none=True, load_default=None, metadata={"minimum": 1, "maximum": 100}
    )
    denominator = fields.Integer(
        allow_none=True, load_default=None, metadata={"minimum": 1, "maximum": 100}
    )


@blp.route("/associations/<int:aid>/approval-thresholds/<subject_type>")
class Thresholds(MethodView):
    @blp.arguments(ThresholdSchema)
    @blp.response(200, ThresholdSchema)
    def put(self, body, aid, subject_type):
        """Set the fraction of eligible board members a subject kind needs (null: majority)."""
        association = association_for(aid)
        allow(approval_policies.can_set_thresholds(caller(), aid))
        row = approvals.set_threshold(
            association, subject_type, body["numerator"], body["denominator"], actor=caller()
        )
        db.session.commit()
        return row or {"numerator": None, "denominator": None}
