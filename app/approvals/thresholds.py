"""Who decides and how many votes carry a request: the seated board, an association's own
threshold for a subject kind, the votes it requires, and setting that threshold."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.approvals.models import Threshold
from app.approvals.subjects import registered_types
from app.associations.models import Association
from app.auth.models import Membership, User
from app.core import audit
from app.core.errors import ValidationError
from app.extensions import db


def seated_board_ids(association_id: int) -> set[int]:
    """Return the ids of the association's board members now."""
    return set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.association_id == association_id, Membership.role == "board"
            )
        )
    )


def threshold_for(association_id: int, subject_type: str) -> Threshold | None:
    """Return the association's own threshold for a subject kind, if it set one."""
    return db.session.scalar(
        select(Threshold).where(
            Threshold.association_id == association_id, Threshold.subject_type == subject_type
        )
    )


def required_votes(eligible: int, threshold: Threshold | None) -> tuple[int, str]:
    """Return how many approvals carry a request, and how to describe the rule."""
    if threshold is None:
        return eligible // 2 + 1, _("majority")
    # The smallest whole number of votes that reaches the fraction.
    needed = -(-eligible * threshold.numerator // threshold.denominator)
    return max(1, needed), f"{threshold.numerator}/{threshold.denominator}"


def set_threshold(
    association: Association,
    subject_type: str,
    numerator: int | None,
    denominator: int | None,
    *,
    actor: User,
) -> Threshold | None:
    """Set (or, with no fraction, clear) the association's threshold for a subject kind."""
    if subject_type not in registered_types():
        raise ValidationError(
            "subject_type",
            _("Choose one of: %(kinds)s.", kinds=", ".join(registered_types())),
        )
    existing = threshold_for(association.id, subject_type)
    if numerator is None and denominator is None:
        if existing is not None:
            db.session.delete(existing)
        row = None
    else:
        if not (
            isinstance(numerator, int)
            and isinstance(denominator, int)
            and 1 <= numerator <= denominator <= 100
        ):
            raise ValidationError(
                "numerator", _("Enter a fraction such as 2/3 (at most 100ths, at most 1).")
            )
        if 2 * numerator <= denominator:
            raise ValidationError("numerator", _("A threshold must be more than half."))
        row = existing or Threshold(association_id=association.id, subject_type=subject_type)
        row.numerator, row.denominator = numerator, denominator
        db.session.add(row)
    db.session.flush()
    audit.record(
        "approval.threshold_set",
        actor=actor,
        association_id=association.id,
        subject_type="association",
        subject_id=association.id,
        summary=_(
            "Set the board threshold for %(kind)s to %(rule)s",
            kind=subject_type,
            rule=f"{numerator}/{denominator}" if row else _("majority"),
        ),
        data={"subject_type": subject_type, "numerator": numerator, "denominator": denominator},
    )
    return row
