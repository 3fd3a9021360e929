"""Notice pages: write with a live preview, review, publish or schedule; see who received
it by which method and who has not read it, remind them; the communications page; the
owner's notices and the annual request."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.associations.models import Unit
from app.core import charts, clock
from app.core.errors import DomainError, NotFound
from app.core.forms import ConfirmForm, apply_errors
from app.core.listing import paginate
from app.core.markdown import to_html
from app.core.pages import actor, list_args, load_association, require
from app.delivery import services as delivery
from app.delivery.forms import DELIVERY_CHOICES, LANGUAGE_NAMES
from app.delivery.models import Delivery, Read
from app.extensions import db
from app.notices import annual, services
from app.notices import policies as notice_policies
from app.notices.forms import NoticeForm, translation_field
from app.notices.models import Notice, NoticeStatus, NoticeText

bp = Blueprint("notices", __name__, url_prefix="/associations/<int:aid>")


def _notice_in(aid: int, notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.association_id != aid:
        raise NotFound(_("No such notice."))
    return notice


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
        services.notice_list_query(aid)
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
    reach = delivery.counts(services.SUBJECT, [n.id for n in page.items])
    return render_template("notices/index.html", association=association, page=page, reach=reach)


def _my_notices(association, user):
    args = list_args()
    read = select(Read.subject_id).where(
        Read.subject_type == services.SUBJECT, Read.user_id == user.id
    )
    statement = services.my_notices_query(user, association.id)
    # Unread first, then newest first.
    statement = statement.order_by(Notice.id.in_(read), Notice.published_at.desc())
    page = paginate(statement, tiebreak=Notice.id, **{**args, "sort": None})
    read_set = delivery.read_ids(services.SUBJECT, user.id, [n.id for n in page.items])
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
                    notice = services.create_notice(association, actor=user, **values)
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
    cleaned = services.check_notice(association, **values)
    ids = services.audience_ids(association.id, cleaned["audience"], cleaned["unit_ids"])
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
        "languages": services.recipient_languages(association, ids, cleaned["translations"]),
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
        services.check_body(body)
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
    recipient = services.can_read(user, notice)
    if not staff and not recipient:
        raise NotFound(_("No such notice."))
    if recipient:
        services.read_notice(notice, user, via="portal")
        db.session.commit()
    reach = delivery.counts(services.SUBJECT, [notice.id]).get(notice.id, (0, 0))
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


def _method_summary(notice_id: int) -> dict:
    from sqlalchemy import func

    rows = db.session.execute(
        select(Delivery.method, Delivery.status, func.count(Delivery.id))
        .where(Delivery.subject_type == services.SUBJECT, Delivery.subject_id == notice_id)
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
        services.SUBJECT, notice.id, by_name=(arguments.get("sort") or "name") == "name"
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
        by_language=services.read_by_language(notice),
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
            result = services.remind_unread(notice, actor=user)
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


# --- communications ------------------------------------------------------------------------


def _percent_items(pairs: dict[str, list[int]], labels: dict[str, str] | None = None):
    from decimal import Decimal

    items = []
    for key, (sent, read) in pairs.items():
        rate = Decimal(read * 100) / Decimal(sent) if sent else Decimal(0)
        items.append(((labels or {}).get(key, key), rate.quantize(Decimal("0.1"))))
    return items


@bp.route("/communications")
@login_required
def communications(aid: int):
    """Read rates over time, by method and by language; owners the association misses;
    the annual request."""
    association = load_association(aid)
    user = actor()
    require(notice_policies.can_see_all(user, aid))
    rates = services.read_rates(association)
    method_labels = {"portal": _("Portal"), "email": _("E-mail"), "mail": _("Paper")}
    language_labels = dict(LANGUAGE_NAMES)
    percent = charts.percent
    months = _percent_items(rates["by_month"])
    chart_month = charts.bar_chart(
        months,
        title=_("Read rate by month of publication"),
        fmt=percent,
        sort=False,
        max_bars=12,
    )
    chart_method = charts.bar_chart(
        _percent_items(rates["by_method"], method_labels),
        title=_("Read rate by method"),
        fmt=percent,
    )
    chart_language = charts.bar_chart(
        _percent_items(rates["by_language"], language_labels),
        title=_("Read rate by language"),
        fmt=percent,
    )
    from app.auth.models import User

    unreached = db.session.scalars(
        select(User).where(User.id.in_(rates["unreached"][:500])).order_by(User.name)
    ).all()
    request_row = annual.request_of(association)
    return render_template(
        "notices/communications.html",
        association=association,
        rates=rates,
        charts=(chart_month, chart_method, chart_language),
        method_labels=method_labels,
        language_labels=language_labels,
        unreached=unreached,
        annual_request=request_row,
        annual_answered=annual.answered_count(request_row) if request_row else 0,
        year=annual.current_year(association),
        confirm=ConfirmForm(),
    )


@bp.route("/communications/annual-request", methods=["POST"])
@login_required
def launch_annual(aid: int):
    """Send this year's annual request to every owner (Civil Code 4041)."""
    association = load_association(aid)
    user = actor()
    require(notice_policies.can_write(user, aid))
    if ConfirmForm().validate_on_submit():
        try:
            annual.launch(association, actor=user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "danger")
        else:
            db.session.commit()
            flash(_("The annual request is on its way to every owner."), "success")
    return redirect(url_for("notices.communications", aid=aid))


@bp.route("/my/annual-request", methods=["GET", "POST"])
@login_required
def annual_answer(aid: int):
    """An owner answers the annual request: delivery method, addresses, each home's use."""
    association = load_association(aid)
    user = actor()
    request_row = annual.request_of(association)
    units = annual.owned_units(user, association)
    if request_row is None or not units:
        raise NotFound(_("There is no open request for you."))
    current = delivery.preferences_dict(user)
    answers = annual.answers_of(request_row, user)
    errors: dict[str, list[str]] = {}
    values = {
        "delivery": current["delivery"],
        "general_by_mail": current["general_by_mail"],
        "secondary_address": current["secondary_address"],
        "legal_representative": current["legal_representative"],
        "occupancy": answers,
    }
    if request.method == "POST":
        form = ConfirmForm()
        occupancy = {u.id: request.form.get(f"occupancy_{u.id}", "") for u in units}
        values = {
            "delivery": request.form.get("delivery", ""),
            "general_by_mail": request.form.get("general_by_mail") == "y",
            "secondary_address": request.form.get("secondary_address", ""),
            "legal_representative": request.form.get("legal_representative", ""),
            "occupancy": occupancy,
        }
        if form.validate_on_submit():
            try:
                annual.answer(
                    association,
                    user,
                    delivery_choice=values["delivery"],
                    general_by_mail=values["general_by_mail"],
                    secondary_address=values["secondary_address"],
                    legal_representative=values["legal_representative"],
                    occupancy=occupancy,
                )
            except DomainError as error:
                db.session.rollback()
                errors = getattr(error, "errors", None) or {"_": [error.message]}
            else:
                db.session.commit()
                flash(_("Thank you. Your answer is on file."), "success")
                return redirect(url_for("associations.dashboard", aid=aid))
    return render_template(
        "notices/annual_answer.html",
        association=association,
        request_row=request_row,
        units=units,
        values=values,
        errors=errors,
        occupancy_choices=annual.OCCUPANCY,
        delivery_choices=DELIVERY_CHOICES,
        form=ConfirmForm(),
    )
