"""Roles people hold in an association: every write here, with its audit entry."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.associations.models import (
    Association,
    Unit,
)
from app.auth import policies
from app.auth.models import Membership, Office, Role, User
from app.core import audit
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.inputs import is_db_id
from app.extensions import db

ROLE_LABELS = {
    "manager": "manager",
    "board": "board member",
    "owner": "owner",
    "committee": "fining committee member",
    "arc": "architectural committee member",
}
# Florida Statutes 720.305(2)(b): the committee's members are not directors, officers or
# employees of the association (nor their spouse, parent, child, brother or sister — which
# the software cannot see, so the manager confirms it when appointing).
COMMITTEE_RULE = (
    "Florida Statutes 720.305(2)(b): the fining committee is made of at least three members "
    "who are not officers, directors or employees of the association, or the spouse, parent, "
    "child, brother or sister of one."
)
INCOMPATIBLE = {"committee": {"board", "manager"}, "board": {"committee"}, "manager": {"committee"}}


def check_role(
    association: Association, role: str, unit_id, office: str | None
) -> tuple[Unit | None, str | None]:
    """Check a role, its unit (owners) and office (board); return the unit and the office.

    Raises ValidationError naming each bad field; the answer depends only on what was sent.
    """
    errors: dict[str, list[str]] = {}
    if role not in {r.value for r in Role}:
        raise ValidationError("role", _("Choose manager, board, owner, committee or arc."))
    unit = None
    if role == Role.OWNER:
        if unit_id in (None, ""):
            errors["unit_id"] = [_("Choose the unit this person owns.")]
        else:
            unit = db.session.get(Unit, unit_id) if is_db_id(unit_id) else None
            if unit is None or unit.association_id != association.id:
                errors["unit_id"] = [_("Choose a unit of this association.")]
    elif unit_id not in (None, ""):
        errors["unit_id"] = [_("Only owners are linked to a unit.")]
    if role == Role.BOARD:
        office = office or Office.DIRECTOR.value
        if office not in {o.value for o in Office}:
            errors["office"] = [
                _("Choose president, vice_president, treasurer, secretary or director.")
            ]
    elif office:
        errors["office"] = [_("Only board members hold an office.")]
    if errors:
        raise ValidationError(errors)
    return unit, (office if role == Role.BOARD else None)


def _check_texas_arc(association: Association, user: User, role: str) -> None:
    """Texas Property Code 209.00505(c): in an association of more than 40 lots ((b)(1)), a
    current board member may not serve on the architectural review authority."""
    if role not in (Role.ARC, Role.BOARD) or association.compliance_profile != "TX":
        return
    lots = db.session.scalar(
        select(func.count(Unit.id)).where(Unit.association_id == association.id)
    )
    if (lots or 0) <= 40:
        return
    other = Role.BOARD if role == Role.ARC else Role.ARC
    held = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.association_id == association.id,
            Membership.role == other,
        )
    )
    if held is not None:
        raise ValidationError(
            "role",
            _(
                "Property Code 209.00505(c): a current board member may not serve on the "
                "architectural review authority."
            ),
        )


def add_membership(
    association: Association,
    *,
    user: User,
    role: str,
    actor: User,
    unit_id: int | None = None,
    office: str | None = None,
) -> Membership:
    """Give a person a role in the association (owner of a unit, board with an office, …)."""
    unit, office = check_role(association, role, unit_id, office)
    _check_texas_arc(association, user, role)
    duplicate = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.association_id == association.id,
            Membership.role == role,
            Membership.unit_id.is_(None) if unit is None else Membership.unit_id == unit.id,
        )
    )
    if duplicate is not None:
        raise Conflict(_("%(name)s already holds this role here.", name=user.name))
    check_compatible(association, user.id, role)
    membership = Membership(
        user_id=user.id,
        association_id=association.id,
        role=role,
        unit_id=unit.id if unit else None,
        office=office if role == Role.BOARD else None,
    )
    db.session.add(membership)
    db.session.flush()
    policies.forget_memberships()
    audit.record(
        "membership.created",
        actor=actor,
        association_id=association.id,
        subject_type="membership",
        subject_id=membership.id,
        summary=_describe(membership, user, unit, _("Gave")),
        data={"user_id": user.id, "role": role, "unit_id": membership.unit_id, "office": office},
    )
    return membership


def check_compatible(association: Association, user_id: int, role: str) -> None:
    """Refuse (422 naming ``role``) a fining committee seat for a director, officer or manager,
    and a board or manager role for a committee member (Florida Statutes 720.305(2)(b))."""
    clashing = INCOMPATIBLE.get(role)
    if not clashing:
        return
    held = set(
        db.session.scalars(
            select(Membership.role).where(
                Membership.user_id == user_id,
                Membership.association_id == association.id,
                Membership.role.in_(clashing),
            )
        )
    )
    if held:
        raise ValidationError(
            "role",
            _(
                "%(rule)s This person is already %(held)s here.",
                rule=COMMITTEE_RULE,
                held=", ".join(_(ROLE_LABELS[r]) for r in sorted(held)),
            ),
        )


def _describe(membership: Membership, user: User, unit: Unit | None, verb: str) -> str:
    if membership.role == Role.OWNER and unit is not None:
        return _(
            "%(verb)s %(name)s the role owner of unit %(label)s",
            verb=verb,
            name=user.name,
            label=unit.label,
        )
    if membership.role == Role.BOARD:
        return _(
            "%(verb)s %(name)s the role board member (%(office)s)",
            verb=verb,
            name=user.name,
            office=(membership.office or "").replace("_", " "),
        )
    return _("%(verb)s %(name)s the role %(role)s", verb=verb, name=user.name, role=membership.role)


def remove_membership(membership: Membership, *, actor: User) -> None:
    """Take a role away from a person."""
    audit.record(
        "membership.deleted",
        actor=actor,
        association_id=membership.association_id,
        subject_type="membership",
        subject_id=membership.id,
        summary=_describe(membership, membership.user, membership.unit, _("Took from")),
        data={
            "user_id": membership.user_id,
            "role": membership.role,
            "unit_id": membership.unit_id,
            "office": membership.office,
        },
    )
    db.session.delete(membership)
    db.session.flush()
    policies.forget_memberships()


def get_membership(association: Association, membership_id: int) -> Membership:
    """Return a membership of this association or raise NotFound."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.association_id != association.id:
        raise NotFound(_("No such role."))
    return membership
