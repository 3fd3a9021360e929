"""Who may see and do what: membership is the single source of authorization.

Pages, the API and templates ask these predicates; nothing else decides access.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from flask import g, has_app_context
from sqlalchemy import select

from app.auth.models import Membership, Role, User
from app.extensions import db


class Association(Protocol):
    """An association as the predicates see it: its id (``app.associations.models``)."""

    id: int


_loader: Callable[[User], Sequence[Sequence[Any]]] | None = None


def set_membership_loader(loader: Callable[[User], Sequence[Sequence[Any]]]) -> None:
    """Say how to read a user's memberships: rows of (association_id, role, unit_id, office,
    association name), in one statement (the package that knows associations registers
    it, so that the switcher needs no statement of its own)."""
    global _loader
    _loader = loader


def _membership_rows(user: User) -> list[tuple[int, str, int | None, str | None]]:
    """Return (association_id, role, unit_id, office) for the user, once per request."""
    cache = g.setdefault("_membership_rows", {}) if has_app_context() else {}
    if user.id not in cache:
        if _loader is not None:
            rows = _loader(user)
        else:
            rows = db.session.execute(
                select(
                    Membership.association_id,
                    Membership.role,
                    Membership.unit_id,
                    Membership.office,
                ).where(Membership.user_id == user.id)
            ).all()
        cache[user.id] = [tuple(row[:4]) for row in rows]
        if has_app_context():
            names = g.setdefault("_association_names", {})
            names[user.id] = {row[0]: row[4] for row in rows if len(row) > 4}
    return cache[user.id]


def association_names(user: User) -> dict[int, str]:
    """Return {association_id: name} of the associations the user holds a role in, read
    with the memberships (no statement of its own)."""
    _membership_rows(user)
    if not has_app_context():
        return {}
    return g.get("_association_names", {}).get(user.id, {})


def forget_memberships() -> None:
    """Drop the per-request membership cache after memberships changed."""
    if has_app_context():
        g.pop("_membership_rows", None)
        g.pop("_association_names", None)


def _aid(association: Association | int) -> int:
    return association if isinstance(association, int) else association.id


def roles_in(user: User | None, association: Association | int) -> frozenset[str]:
    """Return the roles the user holds in the association."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    aid = _aid(association)
    return frozenset(role for a, role, _, _ in _membership_rows(user) if a == aid)


def owned_unit_ids(user: User, association: Association | int) -> set[int]:
    """Return the ids of the units the user owns in the association."""
    aid = _aid(association)
    return {unit for a, role, unit, _ in _membership_rows(user) if a == aid and role == "owner"}


def offices_in(user: User, association: Association | int) -> set[str]:
    """Return the board offices the user holds in the association."""
    aid = _aid(association)
    return {office for a, role, _, office in _membership_rows(user) if a == aid and office}


def is_admin(user: User | None) -> bool:
    """Tell whether the user is a global administrator."""
    return bool(user is not None and getattr(user, "is_admin", False))


def is_member(user: User | None, association: Association | int) -> bool:
    """Tell whether the user may see the association at all."""
    return is_admin(user) or bool(roles_in(user, association))


def is_manager(user: User | None, association: Association | int) -> bool:
    """Tell whether the user manages the association (admins count as managers)."""
    return is_admin(user) or Role.MANAGER in roles_in(user, association)


def is_board(user: User | None, association: Association | int) -> bool:
    """Tell whether the user sits on the association's board."""
    return Role.BOARD in roles_in(user, association)


def runs_an_association(user: User | None) -> bool:
    """Tell whether the user manages or sits on the board of any association (or is an
    administrator): they land on what needs attention across their associations."""
    if is_admin(user):
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return any(role in (Role.MANAGER, Role.BOARD) for _, role, _, _ in _membership_rows(user))


def can_create_association(user: User | None) -> bool:
    """Only admins create associations."""
    return is_admin(user)


def can_manage_users(user: User | None) -> bool:
    """Only admins create and edit people globally."""
    return is_admin(user)


def can_edit_association(user: User | None, association: Association | int) -> bool:
    """Admins and the association's managers edit its settings."""
    return is_manager(user, association)


def can_manage_units(user: User | None, association: Association | int) -> bool:
    """Admins and managers add, edit and remove units."""
    return is_manager(user, association)


def can_manage_members(user: User | None, association: Association | int) -> bool:
    """Admins and managers give and take roles in the association."""
    return is_manager(user, association)


def can_list_units(user: User | None, association: Association | int) -> bool:
    """Managers, board members and admins see the whole unit roster."""
    return is_manager(user, association) or is_board(user, association)


def can_list_people(user: User | None, association: Association | int) -> bool:
    """Managers, board members and admins see who holds which role."""
    return is_manager(user, association) or is_board(user, association)


def can_see_contact_details(user: User | None, association: Association | int) -> bool:
    """Owners see names only; staff and board see e-mail addresses."""
    return is_manager(user, association) or is_board(user, association)


def can_read_audit(user: User | None, association: Association | int) -> bool:
    """Managers, board members and admins read the association's audit log."""
    return is_manager(user, association) or is_board(user, association)


def can_add_directly(user: User | None, person: User) -> bool:
    """Tell whether the user may give a role to this person without an invitation.

    Admins may give anyone a role. Others only people they already see with their e-mail
    address: people holding a role in an association where the user is a manager or a board
    member. Anyone else is invited and must accept.
    """
    if is_admin(user):
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    mine = {a for a, role, _, _ in _membership_rows(user) if role in (Role.MANAGER, Role.BOARD)}
    if not mine:
        return False
    return (
        db.session.scalar(
            select(Membership.id)
            .where(Membership.user_id == person.id, Membership.association_id.in_(mine))
            .limit(1)
        )
        is not None
    )
