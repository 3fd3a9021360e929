"""People pages: who holds which role, adding and removing roles, invitations."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.associations import invitations, memberships
from app.associations.forms import ConfirmForm, PersonForm
from app.associations.models import Unit
from app.associations.views import bp
from app.auth import policies
from app.auth.models import Membership, User, office_words
from app.core import formatting
from app.core.errors import DomainError
from app.core.forms import apply_errors, choices
from app.core.listing import paginate
from app.core.pages import actor, list_args, load_association, require
from app.extensions import db


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
    if role in {"manager", "board", "owner", "committee"}:
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
        return _("a board member (%(office)s)", office=office_words(membership.office))
    return _("a manager")


@bp.route("/<int:aid>/people/<int:membership_id>/remove", methods=["GET", "POST"])
@login_required
def remove_person(aid: int, membership_id: int):
    """Take a role away from a person, after confirmation."""
    association = load_association(aid)
    user = actor()
    require(policies.can_manage_members(user, association))
    membership = memberships.get_membership(association, membership_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = membership.user.name
        memberships.remove_membership(membership, actor=user)
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
            return redirect(url_for("auth.login") if not signed_in else url_for("home.index"))
        try:
            membership = invitations.accept(
                token,
                user=actor() if signed_in else None,
                password=form.password.data if form.password is not None else None,
                language=formatting.language(),
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
