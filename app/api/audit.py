"""The audit log over the API (managers, board members, admins)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy import select

from app.api.schemas import BaseSchema, ListArgsSchema, envelope, list_schema
from app.api.setup import allow, association_for, caller
from app.auth import policies
from app.core.audit import AuditEntry
from app.core.listing import paginate

blp = Blueprint("api_audit", __name__, description="Audit log")


class AuditEntrySchema(BaseSchema):
    id = fields.Integer()
    created_at = fields.AwareDateTime(format="iso")
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String()
    action = fields.String()
    subject_type = fields.String()
    subject_id = fields.Integer(allow_none=True)
    summary = fields.String()
    data = fields.Dict()
    prev_hash = fields.String()
    hash = fields.String()


@blp.route("/associations/<int:aid>/audit")
class AuditLog(MethodView):
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, list_schema(AuditEntrySchema, "AuditEntryList"))
    def get(self, args, aid):
        """Read the association's audit log, newest first."""
        association = association_for(aid)
        allow(policies.can_read_audit(caller(), association))
        page = paginate(
            select(AuditEntry).where(AuditEntry.association_id == aid),
            search=[AuditEntry.summary, AuditEntry.action],
            sortable={"id": AuditEntry.id},
            direction="desc",
            **args,
        )
        return envelope(page, lambda e: e)
