"""The communications page (read rates over time, by method and by language; the owners
the association misses) and the annual request: launching it, and an owner's answer."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from app.core import charts
from app.core.errors import DomainError, NotFound
from app.core.forms import ConfirmForm
from app.core.pages import actor, load_association, require
from app.delivery import services as delivery
from app.delivery.forms import DELIVERY_CHOICES, LANGUAGE_NAMES
from app.extensions import db
from app.notices import annual, readership
from app.notices import policies as notice_policies
from app.notices.blueprint import bp


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
    rates = readership.read_rates(association)
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
