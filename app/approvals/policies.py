"""Who may see, vote on and withdraw approval requests."""

from __future__ import annotations

from app.approvals import venues
from app.approvals.models import ApprovalRequest, ApprovalStatus
from app.approvals.subjects import kind_of
from app.auth import policies
from app.auth.models import User


def can_see_all_requests(user: User, association_id: int) -> bool:
    """Managers, board members and admins follow every request of the association."""
    return policies.is_manager(user, association_id) or policies.is_board(user, association_id)


def can_view(user: User, request: ApprovalRequest, subject=None) -> bool:
    """Board, managers and admins see every request; a committee's members the requests
    they decide; owners see decided ones about them."""
    if can_see_all_requests(user, request.association_id):
        return True
    if not policies.is_member(user, request.association_id):
        return False
    if user.id in request.eligible_voter_ids:  # a committee member deciding it
        return True
    if request.status not in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED):
        return False
    kind = kind_of(request.subject_type)
    if subject is None:
        subject = kind.load(request.subject_id)
    return subject is not None and kind.concerns(user, subject)


def can_vote(user: User, request: ApprovalRequest) -> bool:
    """A seated, eligible board member votes online while the request is pending and its
    venue is online (the kind says who sits: the board, or its committee); a fining
    committee's eligible member votes on its requests."""
    if not request.is_pending or user.id not in request.eligible_voter_ids:
        return False
    venue = venues.venue_of(request)
    if venue == venues.COMMITTEE:
        return policies.is_member(user, request.association_id)
    return venue == venues.ONLINE and kind_of(request.subject_type).may_vote(user, request)


def can_withdraw(user: User, request: ApprovalRequest) -> bool:
    """Managers and admins take a pending request back."""
    return request.is_pending and policies.is_manager(user, request.association_id)


def can_set_thresholds(user: User, association_id: int) -> bool:
    """Managers and admins record the thresholds the governing documents set."""
    return policies.is_manager(user, association_id)
