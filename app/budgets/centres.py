"""Cost centres: the sets of units that share some costs (General: all units)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.associations.models import Association
from app.auth.models import User
from app.budgets.models import (
    CostCenter,
)
from app.core import audit
from app.core.errors import Conflict, ValidationError
from app.core.inputs import too_long
from app.extensions import db


def general_cost_center(association: Association) -> CostCenter:
    """Return the association's General centre (all units), creating it on first use."""
    centre = db.session.scalar(
        select(CostCenter).where(
            CostCenter.association_id == association.id, CostCenter.is_general.is_(True)
        )
    )
    if centre is None:
        centre = CostCenter(
            association_id=association.id, name="General", unit_types=None, is_general=True
        )
        db.session.add(centre)
        db.session.flush()
    return centre


def cost_centers(association: Association) -> list[CostCenter]:
    """Return the association's cost centres, General first."""
    general_cost_center(association)
    return list(
        db.session.scalars(
            select(CostCenter)
            .where(CostCenter.association_id == association.id)
            .order_by(CostCenter.is_general.desc(), CostCenter.name)
        )
    )


def _normalize_types(unit_types) -> list[str] | None:
    if unit_types is None:
        return None
    if isinstance(unit_types, str):
        unit_types = unit_types.split(",")
    cleaned = sorted({str(t).strip().lower() for t in unit_types if str(t).strip()})
    return cleaned or None


NAME_MAX = 100
UNIT_TYPE_MAX = 40


def create_cost_center(
    association: Association, *, name: str, unit_types=None, actor: User
) -> CostCenter:
    """Add a cost centre covering all units or only the given unit types."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("name", _("Name: enter the cost centre's name."))
    if message := too_long(name, NAME_MAX):
        raise ValidationError("name", f"{_('Name')}: {message[:1].lower()}{message[1:]}")
    types = _normalize_types(unit_types)
    longest = max((len(t) for t in types or []), default=0)
    if longest > UNIT_TYPE_MAX:
        raise ValidationError(
            "unit_types",
            _(
                "Unit types: each has at most %(max)d characters (one has %(n)d).",
                max=UNIT_TYPE_MAX,
                n=longest,
            ),
        )
    general_cost_center(association)
    exists = db.session.scalar(
        select(CostCenter.id).where(
            CostCenter.association_id == association.id, func.lower(CostCenter.name) == name.lower()
        )
    )
    if exists is not None:
        raise Conflict(_("A cost centre named %(name)s already exists.", name=name))
    centre = CostCenter(association_id=association.id, name=name, unit_types=types)
    db.session.add(centre)
    db.session.flush()
    audit.record(
        "cost_center.created",
        actor=actor,
        association_id=association.id,
        subject_type="cost_center",
        subject_id=centre.id,
        summary=_(
            "Added cost centre %(name)s covering %(types)s",
            name=name,
            types=", ".join(types) if types else _("all units"),
        ),
        data={"unit_types": types},
    )
    return centre


def get_cost_center(association: Association, centre_id) -> CostCenter:
    """Return a cost centre of this association, or raise ValidationError."""
    centre = db.session.get(CostCenter, centre_id) if isinstance(centre_id, int) else None
    if centre is None or centre.association_id != association.id:
        raise ValidationError("cost_center_id", _("Choose a cost centre of this association."))
    return centre
