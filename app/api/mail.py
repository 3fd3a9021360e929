"""The association's outgoing mail (managers): what was sent, what failed, send again."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import fields

from app.api.schemas import BaseSchema, Enum, ListArgsSchema, envelope, list_schema
from app.api.setup import allow, association_for, caller
from app.auth import policies
from app.core import outbox
from app.core.listing import paginate
from app.extensions import db

blp = Blueprint("api_mail", __name__, description="Outgoing mail")


class MessageSchema(BaseSchema):
    id = fields.Integer()
    to = fields.String(attribute="to_address")
    subject = fields.String()
    topic = fields.String()
    status = fields.String(metadata={"enum": ["queued", "sent", "failed"]})
    attempts = fields.Integer()
    last_error = fields.String()
    created_at = fields.AwareDateTime(format="iso")
    sent_at = fields.AwareDateTime(format="iso", allow_none=True)
    failed_at = fields.AwareDateTime(format="iso", allow_none=True)


class MessageListArgsSchema(ListArgsSchema):
    status = Enum(["queued", "sent", "failed"], load_default=None)


@blp.route("/associations/<int:aid>/mail")
class Mail(MethodView):
    @blp.arguments(MessageListArgsSchema, location="query")
    @blp.response(200, list_schema(MessageSchema, "MessageList"))
    def get(self, args, aid):
        """List the association's outgoing mail, newest first (managers)."""
        association_for(aid)
        allow(policies.is_manager(caller(), aid))
        status = args.pop("status")
        if status not in (None, "queued", "sent", "failed"):
            from app.core.errors import ValidationError

            raise ValidationError("status", "Choose queued, sent or failed.")
        page = paginate(
            outbox.messages_of(aid, status),
            search=[outbox.OutgoingMessage.to_address, outbox.OutgoingMessage.subject],
            sortable={"queued": outbox.OutgoingMessage.id},
            direction="desc",
            tiebreak=outbox.OutgoingMessage.id,
            **args,
        )
        return envelope(page, lambda m: m)


class RetriedSchema(BaseSchema):
    queued = fields.Integer()


@blp.route("/associations/<int:aid>/mail/retry-failed")
class MailRetryFailed(MethodView):
    @blp.response(200, RetriedSchema)
    def post(self, aid):
        """Send again every failed message of the association (managers)."""
        association_for(aid)
        allow(policies.is_manager(caller(), aid))
        count = outbox.retry_failed(aid, actor=caller())
        db.session.commit()
        return {"queued": count}


@blp.route("/associations/<int:aid>/mail/<int:message_id>/retry")
class MailRetry(MethodView):
    @blp.response(200, MessageSchema)
    @blp.alt_response(409, description="Only a failed message is sent again")
    def post(self, aid, message_id):
        """Send a failed message again (managers)."""
        association_for(aid)
        allow(policies.is_manager(caller(), aid))
        message = outbox.get_message(aid, message_id)
        outbox.retry_message(message, actor=caller())
        db.session.commit()
        return message
