"""The owner's home page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required
from sqlalchemy import select

from app.auth import policies
from app.auth.models import Membership, User
from app.extensions import db
from app.home import registry

bp = Blueprint("owner_home", __name__)


def is_owner_only(user, association_id: int) -> bool:
    """Tell whether the user's only role in the association is owner (they get the home)."""
    return policies.roles_in(user, association_id) == frozenset({"owner"})


def render_home(user, association):
    """Render the owner's home for an association."""
    sections = registry.build(user, association)
    open_matters = sum(s.attention for _slot, s in sections if s is not None)
    return render_template(
        "home/index.html",
        association=association,
        sections=sections,
        open_matters=open_matters,
        contact=contact_of(association),
    )


def contact_of(association) -> dict:
    """Return how owners reach the management office."""
    # The managers alone (not the association's 20,000 memberships).
    managers = list(
        db.session.scalars(
            select(User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.association_id == association.id,
                Membership.role == "manager",
                User.active.is_(True),
            )
            .order_by(Membership.id)
        )
    )
    return {
        "managers": managers,
        "phone": association.office_phone or "",
        "email": association.office_email or "",
        "portal": association.portal_url or "",
        "address": association.letterhead_address or "",
    }


@bp.route("/associations/<int:aid>/home")
@login_required
def page(aid: int):
    """The owner's home for someone who also holds another role (board members who own)."""
    from app.core.errors import NotFound
    from app.core.pages import actor, load_association

    association = load_association(aid)
    user = actor()
    if "owner" not in policies.roles_in(user, aid):
        raise NotFound("No home here.")
    return render_home(user, association)
