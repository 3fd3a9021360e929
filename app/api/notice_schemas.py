"""The schemas of the Notices and delivery API: what comes in (each text's maximum stated)
and what goes out."""

from __future__ import annotations

from marshmallow import fields

from app.api.schemas import BaseSchema, Enum, ListArgsSchema, Text
from app.delivery import services as delivery
from app.delivery.models import LANGUAGES
from app.notices import annual, publication, writing
from app.notices.models import Notice

BODY_DOC = {"maxLength": writing.BODY_MAX_BYTES, "description": "Markdown, at most 100 KB"}


class NoticeCreateSchema(BaseSchema):
    title = Text(200, required=True, blank=False)
    body = fields.String(required=True, metadata=BODY_DOC)
    audience = Enum(["owners", "board", "all", "units"], required=True)
    unit_ids = fields.Raw(
        load_default=None,
        metadata={
            "type": "array",
            "items": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
            "description": "for audience units: the units whose owners receive it",
        },
    )
    publish_at = fields.Raw(
        load_default=None,
        metadata={
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 with offset; in the future it schedules the notice",
        },
    )
    delivery = Enum(["general", "individual"], load_default="general")
    translations = fields.Raw(
        load_default=None,
        metadata={
            "type": "object",
            "description": "versions in other languages, {language: {title, body}}; each "
            "recipient receives the version in their language, else the notice's own text",
            "propertyNames": {"enum": list(LANGUAGES)},
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "title": {"type": "string", "maxLength": 200},
                    "body": {"type": "string", **BODY_DOC},
                },
            },
        },
    )


class NoticeSchema(BaseSchema):
    id = fields.Integer()
    association_id = fields.Integer()
    title = fields.Function(lambda n: n.title)
    body = fields.Function(lambda n: n.text().body)
    body_html = fields.Function(lambda n: n.text().body_html)
    language = fields.String(attribute="default_language")
    languages = fields.Function(
        lambda n: sorted(t.language for t in n.texts),
        metadata={"description": "the languages it has a version in"},
    )
    audience = fields.String()
    unit_ids = fields.Function(lambda n: sorted(u.unit_id for u in n.units))
    delivery = fields.String()
    meeting_id = fields.Integer(allow_none=True)
    status = fields.String(metadata={"enum": ["scheduled", "published"]})
    publish_at = fields.AwareDateTime(format="iso", allow_none=True)
    published_at = fields.AwareDateTime(format="iso", allow_none=True)
    recipients = fields.Function(lambda n: _reach(n)[0])
    read_count = fields.Function(lambda n: _reach(n)[1])
    delivery_progress = fields.Function(
        lambda n: {
            "done": n.delivered_count,
            "total": n.recipient_total,
            "finished": n.deliveries_done_at is not None,
        },
        metadata={"description": "the background job recording the deliveries"},
    )


def _reach(notice: Notice) -> tuple[int, int]:
    """(recipients, readers): counted for the whole page at once by the list (``with_reach``),
    else for this notice alone."""
    reach = getattr(notice, "_api_reach", None)
    if reach is None:
        reach = delivery.counts(publication.SUBJECT, [notice.id]).get(notice.id, (0, 0))
        notice._api_reach = reach
    return reach


def with_reach(notices: list[Notice]) -> list[Notice]:
    """Count the page's recipients and readers in two statements, whatever its length."""
    reach = delivery.counts(publication.SUBJECT, [n.id for n in notices])
    for notice in notices:
        notice._api_reach = reach.get(notice.id, (0, 0))
    return notices


class MyNoticeSchema(BaseSchema):
    id = fields.Integer()
    association_id = fields.Integer()
    title = fields.String()
    body_html = fields.String()
    published_at = fields.AwareDateTime(format="iso")
    meeting_id = fields.Integer(allow_none=True)
    read = fields.Boolean()


class DeliverySchema(BaseSchema):
    user_id = fields.Integer()
    name = fields.String()
    method = fields.String(metadata={"enum": ["portal", "email", "mail"]})
    status = fields.String(metadata={"enum": ["sent", "failed", "queued", "mailed"]})
    language = fields.String()
    sent_at = fields.AwareDateTime(format="iso", allow_none=True)
    read_at = fields.AwareDateTime(format="iso", allow_none=True)
    error = fields.String(allow_none=True)


class DeliveryArgsSchema(ListArgsSchema):
    method = Enum(["portal", "email", "mail"], load_default=None)
    status = Enum(["sent", "failed", "queued", "mailed"], load_default=None)
    unread = fields.Boolean(load_default=False)


class ReadSchema(BaseSchema):
    id = fields.Integer()
    read = fields.Boolean()


class ReminderSchema(BaseSchema):
    reminded = fields.Integer()
    without_email = fields.Integer()


class PreferencesSchema(BaseSchema):
    language = fields.String(metadata={"enum": list(LANGUAGES)})
    delivery = fields.String(metadata={"enum": ["email", "mail", "both"]})
    general_by_mail = fields.Boolean()
    secondary_address = fields.String()
    legal_representative = fields.String()
    confirmed_at = fields.AwareDateTime(format="iso", allow_none=True)


class PreferencesUpdateSchema(BaseSchema):
    language = Enum(list(LANGUAGES))
    delivery = Enum(["email", "mail", "both"])
    general_by_mail = fields.Raw(metadata={"type": "boolean"})
    secondary_address = Text(500)
    legal_representative = Text(500)


class AnnualRequestSchema(BaseSchema):
    id = fields.Integer()
    year = fields.Integer()
    notice_id = fields.Integer()
    launched_at = fields.AwareDateTime(format="iso")
    answered = fields.Function(lambda r: annual.answered_count(r))
