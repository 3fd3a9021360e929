"""Association pages: list, overview, settings, units, people and the audit log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.associations import invitations, services
from app.associations.forms import AssociationForm, ConfirmForm, PersonForm, UnitForm
from app.associations.models import Association, Unit
from app.auth import policies
from app.auth.models import Membership, User
from app.core import formatting
from app.core.audit import AuditEntry
from app.core.errors import DomainError
from app.core.forms import apply_errors, choices
from app.core.listing import paginate
from app.core.pages import actor, list_args, load_association, require
from app.extensions import db

bp = Blueprint("associations", __name__, url_prefix="/associations")


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
        policies.visible_associations(user).add_columns(unit_count.label("unit_count")),
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
    from app.compliance.models import Violation

    my_violations = db.session.scalars(
        select(Violation)
        .where(Violation.unit_id.in_(policies.owned_unit_ids(user, aid)))
        .order_by(Violation.id.desc())
        .limit(20)
    ).all()
    compliance_counts = {}
    if policies.is_manager(user, aid) or policies.is_board(user, aid):
        from app.compliance.services import today as association_today

        today = association_today(association)
        rows = db.session.execute(
            select(Violation.status, func.count(Violation.id))
            .where(Violation.association_id == aid)
            .group_by(Violation.status)
        ).all()
        compliance_counts = dict(rows)
        compliance_counts["due"] = db.session.scalar(
            select(func.count(Violation.id)).where(
                Violation.association_id == aid, Violation.is_overdue(today)
            )
        )
    expiring_certificates, renewal_radar, failed_mail = [], [], 0
    if policies.is_manager(user, aid):
        from app.core.outbox import failed_count

        failed_mail = failed_count(aid)
        from app.vendors import contracts as vendor_contracts
        from app.vendors import services as vendor_services

        expiring_certificates = vendor_services.expiring_certificates(association, 60)
        vendor_contracts.sync_all(aid)
        renewal_radar = vendor_contracts.expiring(association, 90)
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
        my_violations=my_violations,
        compliance_counts=compliance_counts,
        expiring_certificates=expiring_certificates,
        renewal_radar=renewal_radar,
        failed_mail=failed_mail,
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
                    k: getattr(form, k).data for k in ("office_phone", "office_email", "portal_url")
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


# --- units ------------------------------------------------------------------------------


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
            unit = services.create_unit(
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
    unit = services.get_unit(association, unit_id)
    form = UnitForm(obj=unit)
    if request.method == "GET" and unit.allocation_share is not None:
        form.allocation_share.data = f"{unit.allocation_share.normalize():f}"
    if form.validate_on_submit():
        try:
            services.update_unit(
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
    unit = services.get_unit(association, unit_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        label = unit.label
        services.delete_unit(unit, actor=user)
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


# --- people -----------------------------------------------------------------------------


@bp.route("/<int:aid>/people")
@login_required
def people(aid: int):
    """Who holds which role in the association."""
    association = load_association(aid)
    user = actor()
    require(policies.can_list_people(user, association))
    role = request.args.get("role") or ""
    statement = (
        select(Membership)
        .join(Membership.user)
        .outerjoin(Membership.unit)
        .where(Membership.association_id == aid)
        .options(selectinload(Membership.user), selectinload(Membership.unit))
    )
    if role in {"manager", "board", "owner"}:
        statement = statement.where(Membership.role == role)
    page = paginate(
        statement,
        search=[User.name, User.email, Unit.label, Unit.street_address],
        sortable={
            "name": User.name,
            "email": User.email,
            "role": Membership.role,
            "unit": Unit.label,
        },
        default_sort="name",
        tiebreak=Membership.id,
        **list_args(),
    )
    page.extra["role"] = role
    pending = invitations.pending_for(association) if policies.can_manage_members(user, aid) else []
    return render_template(
        "associations/people.html",
        association=association,
        page=page,
        confirm=ConfirmForm(),
        invitations=pending,
    )


@bp.route("/<int:aid>/people/new", methods=["GET", "POST"])
@login_required
def add_person(aid: int):
    """Give a role to a person, creating their account when they have none."""
    association = load_association(aid)
    user = actor()
    require(policies.can_manage_members(user, association))
    form = PersonForm()
    form.unit_id.choices = choices(
        [("", _("— (not an owner)"))]
        + [
            (str(u.id), f"{u.label} — {u.street_address}")
            for u in db.session.scalars(
                select(Unit).where(Unit.association_id == aid).order_by(Unit.label)
            )
        ]
    )
    if request.method == "GET" and request.args.get("unit_id", "").isdigit():
        form.unit_id.data = int(request.args["unit_id"])
    if form.validate_on_submit():
        try:
            added = invitations.add_member(
                association,
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                unit_id=form.unit_id.data,
                office=form.office.data or None,
                actor=user,
            )
        except DomainError as error:
            db.session.rollback()
            apply_errors(form, error)
        else:
            db.session.commit()
            if isinstance(added, Membership):
                flash(
                    _(
                        "%(name)s is now %(role)s.",
                        name=added.user.name,
                        role=_role_text(added),
                    ),
                    "success",
                )
            else:
                # Only what was typed: nothing tells whether the address has an account.
                flash(
                    _(
                        "An invitation is on its way to %(email)s. The role begins when they "
                        "accept it; the invitation expires on %(date)s.",
                        email=added.sent_email,
                        date=formatting.long_date(added.expires_at, association.time_zone),
                    ),
                    "success",
                )
            return redirect(url_for("associations.people", aid=aid))
    return render_template("associations/person_form.html", association=association, form=form)


def _role_text(membership: Membership) -> str:
    if membership.role == "owner":
        return _("owner of unit %(label)s", label=membership.unit.label)
    if membership.role == "board":
        return _("a board member (%(office)s)", office=membership.office.replace("_", " "))
    return _("a manager")


@bp.route("/<int:aid>/people/<int:membership_id>/remove", methods=["GET", "POST"])
@login_required
def remove_person(aid: int, membership_id: int):
    """Take a role away from a person, after confirmation."""
    association = load_association(aid)
    user = actor()
    require(policies.can_manage_members(user, association))
    membership = services.get_membership(association, membership_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = membership.user.name
        services.remove_membership(membership, actor=user)
        db.session.commit()
        flash(_("%(name)s no longer holds that role.", name=name), "success")
        return redirect(url_for("associations.people", aid=aid))
    return render_template(
        "associations/confirm.html",
        association=association,
        form=form,
        title=_("Remove this role?"),
        message=_(
            "%(name)s will no longer be %(role)s in %(association)s.",
            name=membership.user.name,
            role=_role_text(membership),
            association=association.name,
        ),
        cancel_url=url_for("associations.people", aid=aid),
    )


# --- audit log --------------------------------------------------------------------------


@bp.route("/<int:aid>/audit")
@login_required
def audit_log(aid: int):
    """The association's audit log, newest first."""
    association = load_association(aid)
    require(policies.can_read_audit(actor(), association))
    statement = select(AuditEntry).where(AuditEntry.association_id == aid)
    action = request.args.get("action") or ""
    if action:
        statement = statement.where(AuditEntry.action == action)
    args = list_args()
    args["direction"] = args["direction"] or "desc"
    page = paginate(
        statement,
        search=[AuditEntry.summary, AuditEntry.actor_name, AuditEntry.action],
        sortable={
            "time": AuditEntry.id,
            "actor": AuditEntry.actor_name,
            "action": AuditEntry.action,
        },
        default_sort="time",
        tiebreak=AuditEntry.id,
        **args,
    )
    actions = db.session.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.association_id == aid)
        .distinct()
        .order_by(AuditEntry.action)
    ).all()
    page.extra.update(action=action, actions=actions)
    return render_template("audit/log.html", association=association, page=page)


# --- invitations ----------------------------------------------------------------------------


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """Accept or decline an invitation to a role; a new account chooses its password here."""
    from flask_login import current_user, login_user

    from app.associations.forms import AcceptInvitationForm

    try:
        invite = invitations.invitation_for(token)
    except DomainError as error:
        flash(error.message, "danger")
        return redirect(url_for("auth.login"))
    signed_in = current_user.is_authenticated
    form = AcceptInvitationForm()
    if not invite.new_account or signed_in:
        del form.password, form.confirm
    if form.validate_on_submit():
        if form.decline.data:
            invitations.decline(token)
            db.session.commit()
            flash(_("You declined the invitation. Nothing has changed."), "info")
            return redirect(url_for("auth.login") if not signed_in else url_for("core.index"))
        try:
            membership = invitations.accept(
                token,
                user=actor() if signed_in else None,
                password=form.password.data if form.password is not None else None,
            )
        except DomainError as error:
            db.session.rollback()
            if error.status == 403 and not signed_in:
                return redirect(url_for("auth.login", next=request.path))
            apply_errors(form, error, {403: "submit", 409: "submit"})
        else:
            db.session.commit()
            if not signed_in:
                from app.auth.views import start_browser_session

                response = redirect(
                    url_for("associations.dashboard", aid=membership.association_id)
                )
                start_browser_session(membership.user, remember=False, response=response)
                login_user(membership.user)
                flash(_("Welcome! You are now %(role)s.", role=_role_text(membership)), "success")
                return response
            flash(_("You are now %(role)s.", role=_role_text(membership)), "success")
            return redirect(url_for("associations.dashboard", aid=membership.association_id))
    return render_template(
        "associations/invitation.html",
        invitation=invite,
        form=form,
        signed_in=signed_in,
        role=invitations._role_words(
            invite.role, invite.unit.label if invite.unit else None, invite.office
        ),
    )
