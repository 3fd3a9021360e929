"""Notice pages: the list (every notice with its reach, or the owner's own notices), write
with a live preview, review, publish or schedule, and one notice."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.associations.models import Unit
from app.core import clock
from app.core.errors import DomainError, NotFound
from app.core.forms import ConfirmForm, apply_errors
from app.core.listing import paginate
from app.core.markdown import to_html
from app.core.pages import actor, list_args, load_association, require
from app.delivery import services as delivery
from app.delivery.forms import LANGUAGE_NAMES
from app.delivery.models import Read
from app.extensions import db
from app.notices import policies as notice_policies
from app.notices import publication, reading, writing
from app.notices.blueprint import _notice_in, bp
from app.notices.delivery_views import _method_summary
from app.notices.forms import NoticeForm, translation_field
from app.notices.models import Notice, NoticeStatus, NoticeText


@bp.route("/notices")
@login_required
def index(aid: int):
    """Managers and the board: every notice with its reach; others: their own notices."""
    association = load_association(aid)
    user = actor()
    if not notice_policies.can_see_all(user, aid):
        return _my_notices(association, user)
    status = request.args.get("status") or ""
    statement = (
        reading.notice_list_query(aid)
        .join(NoticeText, NoticeText.notice_id == Notice.id)
        .where(NoticeText.language == Notice.default_language)
    )
    if status in ("scheduled", "published"):
        statement = statement.where(Notice.status == status)
    args = list_args()
    args["direction"] = args["direction"] or "desc"
    page = paginate(
        statement,
        search=[NoticeText.title],
        sortable={
            "created": Notice.id,
            "title": NoticeText.title,
            "published": Notice.published_at,
        },
        default_sort="created",
        tiebreak=Notice.id,
        **args,
    )
    page.extra["status"] = status
    reach = delivery.counts(publication.SUBJECT, [n.id for n in page.items])
    return render_template("notices/index.html", association=association, page=page, reach=reach)


def _my_notices(association, user):
    args = list_args()
    read = select(Read.subject_id).where(
        Read.subject_type == publication.SUBJECT, Read.user_id == user.id
    )
    statement = reading.my_notices_query(user, association.id)
    # Unread first, then newest first.
    statement = statement.order_by(Notice.id.in_(read), Notice.published_at.desc())
    page = paginate(statement, tiebreak=Notice.id, **{**args, "sort": None})
    read_set = delivery.read_ids(publication.SUBJECT, user.id, [n.id for n in page.items])
    return render_template(
        "notices/mine.html", association=association, page=page, read_set=read_set
    )


def _unit_choices(aid: int):
    return [
        (u.id, f"{u.label} — {u.street_address}")
        for u in db.session.scalars(
            select(Unit).where(Unit.association_id == aid).order_by(Unit.label)
        )
    ]


def _publish_at(form: NoticeForm, association) -> datetime | None:
    if form.when.data != "later":
        return None
    if form.publish_at.data is None:
        raise DomainError("")  # placed next to the field by the caller
    return form.publish_at.data.replace(tzinfo=clock.zone(association.time_zone))


@bp.route("/notices/new", methods=["GET", "POST"])
@login_required
def new(aid: int):
    """Write a notice, review it, then publish or schedule it."""
    association = load_association(aid)
    user = actor()
    require(notice_policies.can_write(user, aid))
    form = NoticeForm()
    form.unit_ids.choices = _unit_choices(aid)
    reviewing = False
    if request.method == "POST" and not form.edit.data and form.validate():
        if form.when.data == "later" and form.publish_at.data is None:
            form.publish_at.errors = [_("Choose the date and time to publish.")]
        else:
            publish_at = _publish_at(form, association)
            values = {
                "title": form.title.data,
                "body": form.body.data,
                "translations": form.translations(_own_language(association)),
                "audience": form.audience.data,
                "unit_ids": form.unit_ids.data or [],
                "publish_at": publish_at,
                "delivery_kind": form.delivery.data,
            }
            if form.publish.data:
                try:
                    notice = writing.create_notice(association, actor=user, **values)
                except DomainError as error:
                    db.session.rollback()
                    apply_errors(form, _on_version_fields(error), {422: "body"})
                else:
                    db.session.commit()
                    if notice.status == NoticeStatus.SCHEDULED:
                        flash(_("The notice is scheduled."), "success")
                    else:
                        flash(
                            _("The notice is published; its deliveries are being recorded."),
                            "success",
                        )
                    return redirect(url_for("notices.show", aid=aid, notice_id=notice.id))
            else:
                try:
                    preview = _review(association, values)
                except DomainError as error:
                    db.session.rollback()
                    apply_errors(form, _on_version_fields(error), {422: "body"})
                else:
                    reviewing = True
                    return render_template(
                        "notices/review.html",
                        association=association,
                        form=form,
                        preview=preview,
                        own_language=_own_language(association),
                        language_names=dict(LANGUAGE_NAMES),
                    )
    return render_template(
        "notices/form.html",
        association=association,
        form=form,
        reviewing=reviewing,
        own_language=_own_language(association),
    )


def _own_language(association) -> str:
    return getattr(association, "default_language", None) or "en"


def _on_version_fields(error: DomainError) -> DomainError:
    """Name the version fields of the form in a service's errors (translations.es.title)."""
    errors = getattr(error, "errors", None)
    if errors:
        error.errors = {translation_field(key) or key: value for key, value in errors.items()}
    return error


def _review(association, values: dict) -> dict:
    """Check the notice as the service would and say whom it reaches, creating nothing."""
    cleaned = writing.check_notice(association, **values)
    ids = publication.audience_ids(association.id, cleaned["audience"], cleaned["unit_ids"])
    people = delivery.recipients(ids)
    general = cleaned["delivery_kind"] == "general"
    methods = {"portal": 0, "email": 0, "mail": 0}
    for person in people:
        for method in delivery.methods_for(person, general=general):
            methods[method] += 1
    return {
        "title": cleaned["title"],
        "body_html": to_html(cleaned["body"]),
        "versions": [
            (language, title, to_html(body))
            for language, (title, body) in sorted(cleaned["translations"].items())
        ],
        "languages": writing.recipient_languages(association, ids, cleaned["translations"]),
        "recipients": len(people),
        "methods": methods,
        "publish_at": cleaned["publish_at"],
    }


@bp.route("/notices/preview", methods=["POST"])
@login_required
def preview(aid: int):
    """Render Markdown as the notice will show it (the live preview of the form)."""
    load_association(aid)
    require(notice_policies.can_write(actor(), aid))
    body = request.form.get("body", "")
    try:
        writing.check_body(body)
    except DomainError as error:
        if body.strip():
            return render_template("notices/_preview.html", html=None, error=error.message), 200
        return render_template("notices/_preview.html", html="", error=None)
    return render_template("notices/_preview.html", html=to_html(body), error=None)


@bp.route("/notices/<int:notice_id>")
@login_required
def show(aid: int, notice_id: int):
    """A notice: for recipients the notice itself (opening it counts as read); for
    managers and the board its reach as well."""
    association = load_association(aid)
    user = actor()
    notice = _notice_in(aid, notice_id)
    staff = notice_policies.can_see_all(user, aid)
    recipient = reading.can_read(user, notice)
    if not staff and not recipient:
        raise NotFound(_("No such notice."))
    if recipient:
        reading.read_notice(notice, user, via="portal")
        db.session.commit()
    reach = delivery.counts(publication.SUBJECT, [notice.id]).get(notice.id, (0, 0))
    summary = _method_summary(notice.id) if staff else {}
    return render_template(
        "notices/show.html",
        association=association,
        notice=notice,
        text=notice.text(user.language),
        staff=staff,
        reach=reach,
        summary=summary,
        confirm=ConfirmForm(),
    )
