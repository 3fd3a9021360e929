"""Who may see and do what with architectural requests."""

from __future__ import annotations

from app.arc.models import ArcRequest, ArcStatus
from app.auth import policies
from app.auth.models import User


def is_arc_member(user: User | None, association_id: int) -> bool:
    """Tell whether the user sits on the association's architectural committee."""
    return "arc" in policies.roles_in(user, association_id)


def can_see_all(user: User | None, association_id: int) -> bool:
    """Managers, the board and the architectural committee see every request."""
    return (
        policies.is_manager(user, association_id)
        or policies.is_board(user, association_id)
        or is_arc_member(user, association_id)
    )


def can_view(user: User | None, request: ArcRequest) -> bool:
    """Staff see every request; an owner sees their own units' requests."""
    return can_see_all(user, request.association_id) or owns(user, request)


def owns(user: User | None, request: ArcRequest) -> bool:
    """Tell whether the user owns the request's unit."""
    return user is not None and request.unit_id in policies.owned_unit_ids(
        user, request.association_id
    )


def can_submit(user: User | None, association_id: int, unit_id: int | None = None) -> bool:
    """Managers submit for any unit; owners for their own."""
    if policies.is_manager(user, association_id):
        return True
    owned = policies.owned_unit_ids(user, association_id) if user else set()
    return bool(owned) if unit_id is None else unit_id in owned


def can_review(user: User | None, association_id: int) -> bool:
    """The manager and the committee ask questions and propose the decision."""
    return policies.is_manager(user, association_id) or is_arc_member(user, association_id)


def can_answer(user: User | None, request: ArcRequest) -> bool:
    """The unit's owners answer while the request is undecided."""
    return owns(user, request) and request.status == ArcStatus.SUBMITTED


def can_withdraw(user: User | None, request: ArcRequest) -> bool:
    """The owner or the manager withdraws an undecided request not before its deciders."""
    return (
        request.status == ArcStatus.SUBMITTED
        and request.proposed is None
        and (owns(user, request) or policies.is_manager(user, request.association_id))
    )


def can_appeal(user: User | None, request: ArcRequest) -> bool:
    """The unit's owner appeals a denial, once."""
    return owns(user, request) and request.status == ArcStatus.DENIED and request.appeal is None
