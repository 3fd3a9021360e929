"""Notices, their deliveries and reads, and each person's delivery preferences."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import fields
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.schemas import BaseSchema, Enum, ListArgsSchema, Text, envelope, list_schema
from app.api.setup import allow, association_for, caller
from app.core.errors import NotFound, ValidationError
from app.core.listing import paginate
from app.delivery import services as delivery
from app.delivery.models import LANGUAGES, Delivery, Read
from app.extensions import db
from app.notices import annual, publication, reading, writing
from app.notices import policies as notice_policies
from app.notices.models import Notice

blp = Blueprint("api_notices", __name__, description="Notices and delivery")

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
    """(recipients, readers): counted for the whole page at once by the list (``_with_reach``),
    else for this notice alone."""
    reach = getattr(notice, "_api_reach", None)
    if reach is None:
        reach = delivery.counts(publication.SUBJECT, [notice.id]).get(notice.id, (0, 0))
        notice._api_reach = reach
    return reach


def _with_reach(notices: list[Notice]) -> list[Notice]:
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


def _parse_publish_at(raw):
    from datetime import datetime

    if raw is None:
        return None
    if isinstance(raw, str):
        try:
            value = datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        except ValueError:
            value = None
        if value is not None and value.tzinfo is not None:
            return value
    raise ValidationError(
        "publish_at", _("Give a date and time with its offset, such as 2027-03-04T09:00:00-08:00.")
    )


def notice_for(notice_id: int) -> Notice:
    """Return a notice the caller may see: managers, the board and its recipients."""
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise NotFound(_("No such notice."))
    association_for(notice.association_id)
    user = caller()
    if not notice_policies.can_see_all(user, notice.association_id) and not reading.can_read(
        user, notice
    ):
        raise NotFound(_("No such notice."))
    return notice


@blp.route("/associations/<int:aid>/notices")
class Notices(MethodView):
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, list_schema(NoticeSchema, "NoticeList"))
    def get(self, args, aid):
        """List the association's notices, newest first (managers, board)."""
        association_for(aid)
        allow(notice_policies.can_see_all(caller(), aid))
        page = paginate(
            reading.notice_list_query(aid).options(selectinload(Notice.units)),
            sortable={"created": Notice.id},
            direction="desc",
            tiebreak=Notice.id,
            **args,
        )
        _with_reach(page.items)
        return envelope(page, lambda n: n)

    @blp.arguments(NoticeCreateSchema)
    @blp.response(201, NoticeSchema)
    def post(self, body, aid):
        """Publish a notice now, or schedule it (managers)."""
        association = association_for(aid)
        allow(notice_policies.can_write(caller(), aid))
        try:
            publish_at = _parse_publish_at(body["publish_at"])
        except ValidationError as error:
            publish_at, bad_time = None, error
        else:
            bad_time = None
        try:
            values = writing.check_notice(
                association,
                title=body["title"],
                body=body["body"],
                audience=body["audience"],
                unit_ids=body["unit_ids"],
                publish_at=publish_at,
                delivery_kind=body["delivery"],
                translations=body["translations"],
            )
        except ValidationError as error:
            if bad_time is not None:
                error.errors.update(bad_time.errors)
            raise
        if bad_time is not None:
            raise bad_time
        notice = writing.create_notice(association, actor=caller(), **values)
        db.session.commit()
        return db.session.get(Notice, notice.id)


@blp.route("/associations/<int:aid>/notices/<int:notice_id>")
class NoticeItem(MethodView):
    @blp.response(200, NoticeSchema)
    def get(self, aid, notice_id):
        """Return a notice (managers, board, its recipients; 404 for anyone else)."""
        notice = notice_for(notice_id)
        if notice.association_id != aid:
            raise NotFound(_("No such notice."))
        return notice


@blp.route("/notices/<int:notice_id>/deliveries")
class NoticeDeliveries(MethodView):
    @blp.arguments(DeliveryArgsSchema, location="query")
    @blp.response(200, list_schema(DeliverySchema, "DeliveryList"))
    def get(self, args, notice_id):
        """One row per recipient and method: status, transmission time, read, error."""
        notice = notice_for(notice_id)
        allow(notice_policies.can_see_all(caller(), notice.association_id))
        from app.auth.models import User

        statement = delivery.deliveries_query(publication.SUBJECT, notice.id)
        method, status, unread = args.pop("method"), args.pop("status"), args.pop("unread")
        if method:
            statement = statement.where(Delivery.method == method)
        if status:
            statement = statement.where(Delivery.status == status)
        if unread:
            statement = statement.where(Read.id.is_(None))
        page = paginate(
            statement,
            search=[User.name],
            sortable={"id": Delivery.id},
            tiebreak=Delivery.id,
            scalars=False,
            **args,
        )
        return envelope(
            page,
            lambda row: {
                "user_id": row[0].user_id,
                "name": row[2],
                "method": row[0].method,
                "status": row[0].status,
                "language": row[0].language,
                "sent_at": row[0].sent_at,
                "read_at": row[1],
                "error": row[0].error or None,
            },
        )


@blp.route("/notices/<int:notice_id>/read")
class NoticeRead(MethodView):
    @blp.response(200, ReadSchema)
    def post(self, notice_id):
        """Mark the notice read (its recipients; 404 for anyone else)."""
        notice = db.session.get(Notice, notice_id)
        if notice is None:
            raise NotFound(_("No such notice."))
        reading.read_notice(notice, caller(), via="api")
        db.session.commit()
        return {"id": notice.id, "read": True}


@blp.route("/notices/<int:notice_id>/reminders")
class NoticeReminders(MethodView):
    @blp.response(200, ReminderSchema)
    @blp.alt_response(409, description="A scheduled notice has no readers yet")
    def post(self, notice_id):
        """E-mail a reminder to recipients who have not read it (managers)."""
        notice = notice_for(notice_id)
        allow(notice_policies.can_write(caller(), notice.association_id))
        result = reading.remind_unread(notice, actor=caller())
        db.session.commit()
        return result


@blp.route("/me/notices")
class MyNotices(MethodView):
    @blp.arguments(ListArgsSchema, location="query")
    @blp.response(200, list_schema(MyNoticeSchema, "MyNoticeList"))
    def get(self, args):
        """The caller's published notices across their associations, newest first."""
        user = caller()
        page = paginate(
            reading.my_notices_query(user),
            sortable={"published": Notice.published_at},
            direction="desc",
            tiebreak=Notice.id,
            **args,
        )
        read = delivery.read_ids(publication.SUBJECT, user.id, [n.id for n in page.items])
        return envelope(
            page,
            lambda n: {
                "id": n.id,
                "association_id": n.association_id,
                "title": n.text(user.language).title,
                "body_html": n.text(user.language).body_html,
                "published_at": n.published_at,
                "meeting_id": n.meeting_id,
                "read": n.id in read,
            },
        )


@blp.route("/me/preferences")
class MyPreferences(MethodView):
    @blp.response(200, PreferencesSchema)
    def get(self):
        """The caller's language and how notices reach them."""
        return delivery.preferences_dict(caller())

    @blp.arguments(PreferencesUpdateSchema)
    @blp.response(200, PreferencesSchema)
    def put(self, body):
        """Change the caller's preferences; another value is a 422 naming the field."""
        user = caller()
        delivery.set_preferences(user, confirm=True, **body)
        db.session.commit()
        return delivery.preferences_dict(user)


@blp.route("/associations/<int:aid>/annual-requests")
class AnnualRequests(MethodView):
    @blp.response(200, list_schema(AnnualRequestSchema, "AnnualRequestList"))
    def get(self, aid):
        """The association's annual requests (Civil Code 4041), newest first (managers, board)."""
        association_for(aid)
        allow(notice_policies.can_see_all(caller(), aid))
        from app.notices.models import AnnualRequest

        rows = db.session.scalars(
            select(AnnualRequest)
            .where(AnnualRequest.association_id == aid)
            .order_by(AnnualRequest.year.desc())
        ).all()
        return {"items": rows, "total": len(rows), "page": 1, "per_page": len(rows) or 1}

    @blp.response(201, AnnualRequestSchema)
    @blp.alt_response(409, description="This year's request was already sent")
    def post(self, aid):
        """Send this year's annual request to every owner (managers)."""
        association = association_for(aid)
        allow(notice_policies.can_write(caller(), aid))
        request_row = annual.launch(association, actor=caller())
        db.session.commit()
        return request_row
