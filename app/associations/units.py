"""Units: every write here, with its audit entry."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select

from app.associations.models import (
    Association,
    Unit,
)
from app.associations.services import _apply
from app.auth import policies
from app.auth.models import User
from app.core import audit
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.inputs import length_errors
from app.extensions import db


def parse_share(value) -> Decimal | None:
    """Return an allocation share as Decimal, None when empty; refuse zero or negatives."""
    if value in (None, ""):
        return None
    try:
        share = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError("allocation_share", _("Enter a number, such as 1.25.")) from exc
    if not share.is_finite() or share <= 0:
        raise ValidationError("allocation_share", _("Enter a number greater than zero."))
    if share.as_tuple().exponent < -6 or share >= 1_000_000:
        raise ValidationError(
            "allocation_share", _("Use at most six decimals and a value below 1,000,000.")
        )
    return share


# The most each field holds, on the form, in the API and here (never cut).
UNIT_MAXIMA = {"label": 100, "street_address": 300, "mailing_address": 1000, "unit_type": 40}


def unit_values(label, street_address, mailing_address, unit_type, allocation_share) -> dict:
    """Return a unit's cleaned values, or raise ValidationError naming each bad field."""
    values = {
        "label": (label or "").strip(),
        "street_address": (street_address or "").strip(),
        "mailing_address": (mailing_address or "").strip() or None,
        "unit_type": (unit_type or "").strip().lower() or "standard",
    }
    errors = length_errors(values, UNIT_MAXIMA)
    if not values["label"]:
        errors["label"] = [_("Enter the unit's label, such as 12B.")]
    if not values["street_address"]:
        errors["street_address"] = [_("Enter the street address.")]
    try:
        values["allocation_share"] = parse_share(allocation_share)
    except ValidationError as exc:
        errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    return values


def _label_taken(association: Association, label: str, exclude_id: int | None = None) -> bool:
    statement = select(Unit.id).where(Unit.association_id == association.id, Unit.label == label)
    if exclude_id is not None:
        statement = statement.where(Unit.id != exclude_id)
    return db.session.scalar(statement) is not None


def create_unit(
    association: Association,
    *,
    label: str,
    street_address: str,
    actor: User,
    mailing_address: str | None = None,
    unit_type: str | None = None,
    allocation_share=None,
) -> Unit:
    """Add a unit to the association."""
    values = unit_values(label, street_address, mailing_address, unit_type, allocation_share)
    if _label_taken(association, values["label"]):
        raise Conflict(
            _("Unit %(label)s already exists in this association.", label=values["label"])
        )
    unit = Unit(association_id=association.id, **values)
    db.session.add(unit)
    db.session.flush()
    audit.record(
        "unit.created",
        actor=actor,
        association_id=association.id,
        subject_type="unit",
        subject_id=unit.id,
        summary=_(
            "Added unit %(label)s, %(address)s", label=unit.label, address=unit.street_address
        ),
        data={k: str(v) if v is not None else None for k, v in values.items()},
    )
    return unit


def update_unit(
    unit: Unit,
    *,
    label: str,
    street_address: str,
    mailing_address: str | None,
    unit_type: str | None,
    allocation_share,
    actor: User,
) -> Unit:
    """Change a unit's label, addresses, type or allocation share."""
    values = unit_values(label, street_address, mailing_address, unit_type, allocation_share)
    if _label_taken(unit.association, values["label"], exclude_id=unit.id):
        raise ValidationError("label", _("Another unit already has this label."))
    changes = _apply(unit, values)
    if changes:
        audit.record(
            "unit.updated",
            actor=actor,
            association_id=unit.association_id,
            subject_type="unit",
            subject_id=unit.id,
            summary=_("Changed unit %(label)s", label=unit.label),
            data={
                k: [str(a) if a is not None else None, str(b) if b is not None else None]
                for k, (a, b) in changes.items()
            },
        )
    return unit


def delete_unit(unit: Unit, *, actor: User) -> None:
    """Remove a unit and its owners' memberships of it."""
    owners = [m.user.name for m in unit.memberships]
    audit.record(
        "unit.deleted",
        actor=actor,
        association_id=unit.association_id,
        subject_type="unit",
        subject_id=unit.id,
        summary=_(
            "Removed unit %(label)s, %(address)s", label=unit.label, address=unit.street_address
        ),
        data={"owners": owners},
    )
    db.session.delete(unit)
    db.session.flush()
    policies.forget_memberships()


def get_unit(association: Association, unit_id: int) -> Unit:
    """Return a unit of this association or raise NotFound."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.association_id != association.id:
        raise NotFound(_("No such unit."))
    return unit
