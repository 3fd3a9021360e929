"""Who may see and act on compliance records."""

from __future__ import annotations

from app.auth import policies
from app.auth.models import User
from app.compliance.models import Violation


def can_manage(user: User, association_id: int) -> bool:
    """Managers and admins run inspections, letters, hearings, fines and batches."""
    return policies.is_manager(user, association_id)


def can_see_all(user: User, association_id: int) -> bool:
    """Managers, board members and admins see every violation of the association."""
    return policies.is_manager(user, association_id) or policies.is_board(user, association_id)


def owns_unit_of(user: User, violation: Violation) -> bool:
    """Tell whether the user owns the violation's unit."""
    return violation.unit_id in policies.owned_unit_ids(user, violation.association_id)


def can_view_violation(user: User, violation: Violation) -> bool:
    """Staff and board see all; an owner sees the violations of their own units."""
    return can_see_all(user, violation.association_id) or owns_unit_of(user, violation)


def can_respond(user: User, violation: Violation) -> bool:
    """The unit's owners answer a violation that is not closed."""
    return owns_unit_of(user, violation) and violation.status != "closed"


def can_record_hearing(user: User, association_id: int) -> bool:
    """The manager or the secretary (the board member holding that office) records a
    hearing as held."""
    return policies.is_manager(user, association_id) or (
        policies.is_board(user, association_id)
        and "secretary" in policies.offices_in(user, association_id)
    )
