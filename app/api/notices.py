"""Notices, their deliveries and reads, and each person's delivery preferences."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.api.notice_schemas import (
    AnnualRequestSchema,
    DeliveryArgsSchema,
    DeliverySchema,
    MyNoticeSchema,
    NoticeCreateSchema,
    NoticeSchema,
    PreferencesSchema,
    PreferencesUpdateSchema,
    ReadSchema,
    ReminderSchema,
    with_reach,
)
from app.api.schemas import ListArgsSchema, envelope, list_schema
from app.api.setup import allow, association_for, caller
from app.core.errors import NotFound, ValidationError
from app.core.listing import paginate
from app.delivery import services as delivery
from app.delivery.models import Delivery, Read
from app.extensions import db
from app.notices import annual, publication, reading, writing
from app.notices import policies as notice_policies
from app.notices.models import Notice

blp = Blueprint("api_notices", __name__, description="Notices and delivery")


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
        with_reach(page.items)
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
