"""Rules and inspections: the rule book and walking the community."""

from __future__ import annotations

from flask import (
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.associations.forms import ConfirmForm
from app.associations.models import Unit
from app.compliance import inspections as compliance_inspections
from app.compliance import policies as compliance_policies
from app.compliance import rules as compliance_rules
from app.compliance import services as compliance
from app.compliance.forms import (
    FindingForm,
    InspectionForm,
    RuleForm,
)
from app.compliance.models import (
    Inspection,
    Rule,
)
from app.compliance.profiles import profile_of
from app.compliance.views.base import _fail, _manage, _see_all, bp
from app.core.errors import DomainError
from app.core.forms import apply_errors, choices
from app.core.listing import paginate
from app.core.pages import actor, list_args, record_in, require
from app.extensions import db

# --- rules ----------------------------------------------------------------------------------


@bp.route("/rules", methods=["GET", "POST"])
@login_required
def rules(aid: int):
    """The rule library and its fine schedule; managers add rules here."""
    association = _see_all(aid)
    form = RuleForm()
    if request.method == "POST":
        require(compliance_policies.can_manage(actor(), aid))
        if form.validate_on_submit():
            try:
                rule = compliance_rules.create_rule(association, form.data, actor=actor())
            except DomainError as error:
                db.session.rollback()
                apply_errors(form, error, {409: "code"})
            else:
                db.session.commit()
                flash(_("Added rule %(code)s.", code=rule.code), "success")
                return redirect(url_for("compliance.rules", aid=aid))
    page = paginate(
        select(Rule).where(Rule.association_id == aid),
        search=[Rule.code, Rule.title, Rule.description],
        sortable={
            "code": Rule.code,
            "title": Rule.title,
            "cure": Rule.cure_days,
            "fine": Rule.fine_amount,
        },
        default_sort="code",
        tiebreak=Rule.id,
        **list_args(),
    )
    return render_template(
        "compliance/rules.html",
        association=association,
        page=page,
        form=form,
        profile=profile_of(association.compliance_profile),
    )


@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@login_required
def edit_rule(aid: int, rule_id: int):
    """Change a rule."""
    association = _manage(aid)
    rule = record_in(Rule, rule_id, aid, _("No such rule."))
    form = RuleForm(obj=rule)
    if request.method == "GET":
        form.fill_translations(rule)
    if form.validate_on_submit():
        try:
            compliance_rules.update_rule(rule, form.data, actor=actor())
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Saved rule %(code)s.", code=rule.code), "success")
            return redirect(url_for("compliance.rules", aid=aid))
    return render_template(
        "compliance/rule_form.html", association=association, form=form, rule=rule
    )


# --- inspections ----------------------------------------------------------------------------


@bp.route("/inspections", methods=["GET", "POST"])
@login_required
def inspections(aid: int):
    """Inspections, newest first; managers open a new one here."""
    association = _see_all(aid)
    form = InspectionForm(data={"scheduled_for": compliance.today(association)})
    if request.method == "POST":
        require(compliance_policies.can_manage(actor(), aid))
        if form.validate_on_submit():
            inspection = compliance_inspections.create_inspection(
                association, scheduled_for=form.scheduled_for.data, actor=actor()
            )
            db.session.commit()
            return redirect(url_for("compliance.inspection", aid=aid, inspection_id=inspection.id))
    page = paginate(
        select(Inspection)
        .where(Inspection.association_id == aid)
        .options(selectinload(Inspection.findings)),
        sortable={"date": Inspection.scheduled_for},
        default_sort="date",
        direction=request.args.get("dir") or "desc",
        tiebreak=Inspection.id,
        page=request.args.get("page", 1),
        per_page=request.args.get("per_page"),
    )
    return render_template(
        "compliance/inspections.html", association=association, page=page, form=form
    ), (422 if form.errors else 200)


def _find_unit(aid: int, text: str) -> Unit | None:
    """Resolve the unit picker's text: "12B — 12 Oak Lane", a label or an address."""
    text = (text or "").strip()
    label = text.split(" — ", 1)[0].strip()
    unit = db.session.scalar(select(Unit).where(Unit.association_id == aid, Unit.label == label))
    if unit is None and text:
        matches = db.session.scalars(
            select(Unit).where(
                Unit.association_id == aid,
                or_(
                    func.lower(Unit.street_address) == text.lower(),
                    func.lower(Unit.street_address).like(f"{text.lower()}%"),
                ),
            )
        ).all()
        unit = matches[0] if len(matches) == 1 else None
    return unit


@bp.route("/inspections/<int:inspection_id>", methods=["GET", "POST"])
@login_required
def inspection(aid: int, inspection_id: int):
    """Walk the community: record findings (phone friendly) and see what was found."""
    association = _see_all(aid)
    inspection = record_in(Inspection, inspection_id, aid, _("No such inspection."))
    form = FindingForm()
    active_rules = db.session.scalars(
        select(Rule).where(Rule.association_id == aid, Rule.active.is_(True)).order_by(Rule.code)
    ).all()
    form.rule_id.choices = choices((r.id, f"{r.code} — {r.title}") for r in active_rules)
    units = db.session.scalars(
        select(Unit).where(Unit.association_id == aid).order_by(Unit.label)
    ).all()
    if request.method == "POST":
        require(compliance_policies.can_manage(actor(), aid))
        if form.validate_on_submit():
            unit = _find_unit(aid, form.unit.data)
            if unit is None:
                form.unit.errors.append(_("Pick a unit from the list (type its label or address)."))
            else:
                photos = [f.read() for f in (form.photos.data or []) if f and f.filename]
                try:
                    finding = compliance_inspections.record_finding(
                        inspection,
                        unit_id=unit.id,
                        rule_id=form.rule_id.data,
                        notes=form.notes.data,
                        photos=photos,
                        actor=actor(),
                    )
                except DomainError as error:
                    db.session.rollback()
                    apply_errors(form, error, {413: "photos", 415: "photos"})
                else:
                    db.session.commit()
                    flash(
                        _(
                            "Recorded: %(what)s at unit %(label)s.",
                            what=_("re-inspection") if finding.reinspection else _("new violation"),
                            label=unit.label,
                        ),
                        "success",
                    )
                    return redirect(
                        url_for("compliance.inspection", aid=aid, inspection_id=inspection_id)
                    )
    return render_template(
        "compliance/inspection.html",
        association=association,
        inspection=inspection,
        form=form,
        units=units,
        has_rules=bool(active_rules),
        confirm=ConfirmForm(),
    )


@bp.route("/inspections/<int:inspection_id>/close", methods=["POST"])
@login_required
def close_inspection(aid: int, inspection_id: int):
    """Close an inspection."""
    _manage(aid)
    inspection = record_in(Inspection, inspection_id, aid, _("No such inspection."))
    if ConfirmForm().validate_on_submit():
        try:
            compliance_inspections.close_inspection(inspection, actor=actor())
        except DomainError as error:
            return _fail(
                error, url_for("compliance.inspection", aid=aid, inspection_id=inspection_id)
            )
        db.session.commit()
        flash(_("Inspection closed."), "success")
    return redirect(url_for("compliance.inspections", aid=aid))
