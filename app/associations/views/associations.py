"""Association pages: the list, a new association, the overview and the settings."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.associations import attention, services
from app.associations.forms import AssociationForm
from app.associations.models import Association, Unit
from app.associations.policies import visible_associations
from app.associations.views import bp
from app.auth import policies
from app.auth.models import Membership
from app.core.audit import AuditEntry
from app.core.errors import DomainError
from app.core.forms import apply_errors
from app.core.listing import paginate
from app.core.pages import actor, list_args, load_association, require
from app.extensions import db


@bp.route("/")
@login_required
def index():
    """List the associations the user belongs to (all of them for admins)."""
    user = actor()
    unit_count = (
        select(func.count(Unit.id))
        .where(Unit.association_id == Association.id)
        .correlate(Association)
        .scalar_subquery()
    )
    page = paginate(
        visible_associations(user).add_columns(unit_count.label("unit_count")),
        search=[Association.name, Association.state],
        sortable={
            "name": Association.name,
            "state": Association.state,
            "units": unit_count,
            "created": Association.created_at,
        },
        default_sort="name",
        tiebreak=Association.id,
        scalars=False,
        **list_args(),
    )
    return render_template("associations/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Create an association (administrators)."""
    user = actor()
    require(policies.can_create_association(user))
    form = AssociationForm()
    if form.validate_on_submit():
        try:
            association = services.create_association(
                name=form.name.data,
                state=form.state.data,
                fiscal_year_start_month=form.fiscal_year_start_month.data,
                compliance_profile=form.compliance_profile.data or None,
                letterhead_address=form.letterhead_address.data,
                time_zone=form.time_zone.data,
                actor=user,
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error, {409: "name"})
        else:
            db.session.commit()
            flash(_("Created %(name)s.", name=association.name), "success")
            return redirect(url_for("associations.dashboard", aid=association.id))
    return render_template("associations/form.html", form=form, association=None)


@bp.route("/<int:aid>/")
@login_required
def dashboard(aid: int):
    """The association's overview, shaped by the user's role there."""
    association = load_association(aid)
    user = actor()
    from app.home.views import is_owner_only, render_home

    if is_owner_only(user, aid):  # the owner's home, in plain words
        return render_home(user, association)
    counts = {
        "units": db.session.scalar(select(func.count(Unit.id)).where(Unit.association_id == aid)),
        "owners": db.session.scalar(
            select(func.count(func.distinct(Membership.user_id))).where(
                Membership.association_id == aid, Membership.role == "owner"
            )
        ),
    }
    board = db.session.scalars(
        select(Membership)
        .where(Membership.association_id == aid, Membership.role == "board")
        .options(selectinload(Membership.user))
    ).all()
    managers = db.session.scalars(
        select(Membership)
        .where(Membership.association_id == aid, Membership.role == "manager")
        .options(selectinload(Membership.user))
    ).all()
    my_units = db.session.scalars(
        select(Unit).where(Unit.id.in_(policies.owned_unit_ids(user, aid))).order_by(Unit.label)
    ).all()
    recent = []
    if policies.can_read_audit(user, aid):
        recent = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.association_id == aid)
            .order_by(AuditEntry.id.desc())
            .limit(5)
        ).all()
    return render_template(
        "associations/dashboard.html",
        association=association,
        counts=counts,
        board=sorted(board, key=lambda m: _office_order(m.office)),
        managers=managers,
        my_units=my_units,
        recent=recent,
        needs_attention=attention.for_associations([association], user)[aid],
        panels=attention.panels_for(association, user),
    )


def _office_order(office: str | None) -> int:
    order = ["president", "vice_president", "treasurer", "secretary", "director"]
    return order.index(office) if office in order else len(order)


@bp.route("/<int:aid>/edit", methods=["GET", "POST"])
@login_required
def edit(aid: int):
    """Change the association's settings (managers, admins)."""
    association = load_association(aid)
    user = actor()
    require(policies.can_edit_association(user, association))
    form = AssociationForm(obj=association)
    if form.validate_on_submit():
        try:
            services.update_association(
                association,
                name=form.name.data,
                state=form.state.data,
                fiscal_year_start_month=form.fiscal_year_start_month.data,
                compliance_profile=form.compliance_profile.data or association.compliance_profile,
                letterhead_address=form.letterhead_address.data,
                time_zone=form.time_zone.data,
                actor=user,
                contact={
                    k: getattr(form, k).data
                    if getattr(form, k).data is not None
                    else getattr(association, k)
                    for k in services.CONTACT_FIELDS
                },
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for("associations.dashboard", aid=aid))
    return render_template("associations/form.html", form=form, association=association)
