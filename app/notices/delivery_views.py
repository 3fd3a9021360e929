"""A notice's delivery pages: who received it, by which method and when, whether it failed,
who has not read it, and the reminder to them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.core.errors import DomainError
from app.core.forms import ConfirmForm
from app.core.listing import paginate
from app.core.pages import actor, list_args, load_association, require
from app.delivery import services as delivery
from app.delivery.forms import LANGUAGE_NAMES
from app.delivery.models import Delivery, Read
from app.extensions import db
from app.notices import policies as notice_policies
from app.notices import publication, readership, reading
from app.notices.blueprint import _notice_in, bp


def _method_summary(notice_id: int) -> dict:
    from sqlalchemy import func

    rows = db.session.execute(
        select(Delivery.method, Delivery.status, func.count(Delivery.id))
        .where(Delivery.subject_type == publication.SUBJECT, Delivery.subject_id == notice_id)
        .group_by(Delivery.method, Delivery.status)
    ).all()
    summary: dict[str, dict[str, int]] = {}
    for method, status, count in rows:
        summary.setdefault(method, {})[status] = count
    return summary


@bp.route("/notices/<int:notice_id>/deliveries")
@login_required
def deliveries(aid: int, notice_id: int):
    """Who received the notice, by which method, when, whether it failed, whether read."""
    association = load_association(aid)
    user = actor()
    require(notice_policies.can_see_all(user, aid))
    notice = _notice_in(aid, notice_id)
    from app.auth.models import User

    arguments = list_args()
    statement = delivery.deliveries_query(
        publication.SUBJECT, notice.id, by_name=(arguments.get("sort") or "name") == "name"
    )
    method = request.args.get("method") or ""
    status = request.args.get("status") or ""
    unread = request.args.get("unread") == "1"
    if method in ("portal", "email", "mail"):
        statement = statement.where(Delivery.method == method)
    if status in ("sent", "failed", "queued", "mailed"):
        statement = statement.where(Delivery.status == status)
    if unread:
        statement = statement.where(Read.id.is_(None))
    page = paginate(
        statement,
        search=[User.name],
        sortable={
            "name": User.name,
            "method": Delivery.method,
            "status": Delivery.status,
            "sent": Delivery.sent_at,
            "read": Read.read_at,
        },
        default_sort="name",
        tiebreak=Delivery.id,
        scalars=False,
        **arguments,
    )
    page.extra.update(method=method, status=status, unread=unread)
    return render_template(
        "notices/deliveries.html",
        association=association,
        notice=notice,
        page=page,
        by_language=readership.read_by_language(notice),
        language_names=dict(LANGUAGE_NAMES),
        summary=_method_summary(notice.id),
        confirm=ConfirmForm(),
    )


@bp.route("/notices/<int:notice_id>/remind", methods=["POST"])
@login_required
def remind(aid: int, notice_id: int):
    """E-mail a reminder to those who have not read the notice."""
    load_association(aid)
    user = actor()
    require(notice_policies.can_write(user, aid))
    notice = _notice_in(aid, notice_id)
    if ConfirmForm().validate_on_submit():
        try:
            result = reading.remind_unread(notice, actor=user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(
                _(
                    "Reminded %(n)d people by e-mail; %(m)d who have not read it take no "
                    "e-mail (they received it on paper or in the portal only).",
                    n=result["reminded"],
                    m=result["without_email"],
                ),
                "success",
            )
    return redirect(url_for("notices.deliveries", aid=aid, notice_id=notice_id, unread=1))
