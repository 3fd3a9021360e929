"""Which associations a person may see: every other question of access is asked of
``app.auth.policies`` with the association's id."""

from __future__ import annotations

from sqlalchemy import Select, select

from app.associations.models import Association
from app.auth import policies
from app.auth.models import Membership, User
from app.core.errors import NotFound
from app.extensions import db


def visible_associations(user: User) -> Select:
    """Return a query of the associations the user may see."""
    statement = select(Association)
    if not policies.is_admin(user):
        member_of = select(Membership.association_id).where(Membership.user_id == user.id)
        statement = statement.where(Association.id.in_(member_of))
    return statement


def get_association(user: User, association_id: int) -> Association:
    """Return the association if the user may see it; else NotFound (never 403)."""
    association = db.session.get(Association, association_id)
    if association is None or not policies.is_member(user, association):
        raise NotFound("No such association.")
    return association
