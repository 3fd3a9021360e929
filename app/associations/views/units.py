"""Unit pages: the roster, adding, changing and removing a unit."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.associations import attention, invitations, onboarding
from app.associations import units as unit_services
from app.associations.forms import (
    ConfirmForm,
    ConfirmUnitsImportForm,
    UnitForm,
    UnitsFileForm,
)
from app.associations.models import Unit
from app.associations.views import bp
from app.auth import policies
from app.auth.models import Membership
from app.core.errors import DomainError
from app.core.forms import apply_errors
from app.core.listing import paginate
from app.core.pages import actor, list_args, load_association, require
from app.core.storage import read_csv_text
from app.extensions import db


@bp.route("/<int:aid>/units")
@login_required
def units(aid: int):
    """The unit roster with owners, searchable and sortable."""
    association = load_association(aid)
    require(policies.can_list_units(actor(), association))
    page = paginate(
        select(Unit)
        .where(Unit.association_id == aid)
        .options(selectinload(Unit.memberships).selectinload(Membership.user)),
        search=[Unit.label, Unit.street_address, Unit.unit_type],
        sortable={
            "label": Unit.label,
            "address": Unit.street_address,
            "type": Unit.unit_type,
            "share": Unit.allocation_share,
        },
        default_sort="label",
        tiebreak=Unit.id,
        **list_args(),
    )
    return render_template("associations/units.html", association=association, page=page)


@bp.route("/<int:aid>/units/new", methods=["GET", "POST"])
@login_required
def new_unit(aid: int):
    """Add a unit."""
    association = load_association(aid)
    user = actor()
    require(policies.can_manage_units(user, association))
    form = UnitForm()
    if form.validate_on_submit():
        try:
            unit = unit_services.create_unit(
                association,
                label=form.label.data,
                street_address=form.street_address.data,
                mailing_address=form.mailing_address.data,
                unit_type=form.unit_type.data,
                allocation_share=form.allocation_share.data,
                actor=user,
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error, {409: "label"})
        else:
            db.session.commit()
            flash(_("Added unit %(label)s.", label=unit.label), "success")
            return redirect(url_for("associations.units", aid=aid))
    return render_template(
        "associations/unit_form.html", association=association, form=form, unit=None
    )


@bp.route("/<int:aid>/units/<int:unit_id>/edit", methods=["GET", "POST"])
@login_required
def edit_unit(aid: int, unit_id: int):
    """Change a unit."""
    association = load_association(aid)
    user = actor()
    require(policies.can_manage_units(user, association))
    unit = unit_services.get_unit(association, unit_id)
    form = UnitForm(obj=unit)
    if request.method == "GET" and unit.allocation_share is not None:
        form.allocation_share.data = f"{unit.allocation_share.normalize():f}"
    if form.validate_on_submit():
        try:
            unit_services.update_unit(
                unit,
                label=form.label.data,
                street_address=form.street_address.data,
                mailing_address=form.mailing_address.data,
                unit_type=form.unit_type.data,
                allocation_share=form.allocation_share.data,
                actor=user,
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            flash(_("Saved unit %(label)s.", label=unit.label), "success")
            return redirect(url_for("associations.units", aid=aid))
    return render_template(
        "associations/unit_form.html",
        association=association,
        form=form,
        unit=unit,
        confirm=ConfirmForm(),
    )


@bp.route("/<int:aid>/units/<int:unit_id>/delete", methods=["GET", "POST"])
@login_required
def delete_unit(aid: int, unit_id: int):
    """Remove a unit, after confirmation."""
    association = load_association(aid)
    user = actor()
    require(policies.can_manage_units(user, association))
    unit = unit_services.get_unit(association, unit_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        label = unit.label
        unit_services.delete_unit(unit, actor=user)
        db.session.commit()
        flash(_("Removed unit %(label)s.", label=label), "success")
        return redirect(url_for("associations.units", aid=aid))
    return render_template(
        "associations/confirm.html",
        association=association,
        form=form,
        title=_("Remove unit %(label)s?", label=unit.label),
        message=_(
            "The unit %(label)s at %(address)s and its owners' links to it will be "
            "removed. The audit log keeps a record.",
            label=unit.label,
            address=unit.street_address,
        ),
        cancel_url=url_for("associations.units", aid=aid),
    )


@bp.route("/<int:aid>/units/import", methods=["GET", "POST"])
@login_required
def import_units(aid: int):
    """Import units and owners from a CSV file: a preview with every error by line first,
    then the import, all or nothing."""
    association = load_association(aid)
    user = actor()
    require(policies.can_manage_units(user, association))
    upload, confirm = UnitsFileForm(), ConfirmUnitsImportForm()
    plan = None
    if confirm.confirm.data and confirm.validate_on_submit():
        try:
            result = onboarding.import_units(association, confirm.csv_text.data, actor=user)
        except DomainError as error:
            db.session.rollback()
            plan = onboarding.plan(association, confirm.csv_text.data)
            if not plan.errors:
                plan.errors = getattr(error, "errors", {}).get("file") or [error.message]
        else:
            db.session.commit()
            flash(
                _(
                    "Imported %(units)d units. %(added)d owners hold their role now; "
                    "%(invited)d were invited and become owners when they accept.",
                    units=result.units,
                    added=result.owners_added,
                    invited=result.invited,
                ),
                "success",
            )
            return redirect(url_for("associations.units", aid=aid))
    elif upload.preview.data and upload.validate_on_submit():
        try:
            text = read_csv_text(upload.file.data)
            plan = onboarding.plan(association, text)
        except DomainError as error:
            apply_errors(upload, error, {413: "file", 415: "file"})
        else:
            confirm.csv_text.data = text
    return render_template(
        "associations/units_import.html",
        association=association,
        upload=upload,
        confirm=confirm,
        plan=plan,
        sample=onboarding.SAMPLE,
        columns=onboarding.COLUMNS,
    )


@bp.route("/<int:aid>/units/import/sample.csv")
@login_required
def import_sample(aid: int):
    """A sample file with the header and two units."""
    association = load_association(aid)
    require(policies.can_manage_units(actor(), association))
    return Response(
        onboarding.SAMPLE,
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=units-and-owners.csv"},
    )


@bp.route("/<int:aid>/units/<int:unit_id>")
@login_required
def unit(aid: int, unit_id: int):
    """One unit: its owners, violations, letters and answers."""
    association = load_association(aid)
    require(policies.can_list_units(actor(), association))
    user = actor()
    record = unit_services.get_unit(association, unit_id)
    owners = db.session.scalars(
        select(Membership)
        .where(Membership.unit_id == record.id, Membership.role == "owner")
        .options(selectinload(Membership.user))
    ).all()
    return render_template(
        "associations/unit.html",
        association=association,
        unit=record,
        owners=owners,
        panels=attention.panels_for(record, user, page="unit"),
        invitations=[i for i in invitations.pending_for(association) if i.unit_id == record.id]
        if policies.can_manage_members(user, association)
        else [],
    )
