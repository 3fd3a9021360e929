"""Reading requests: those waiting for a person's vote (and their count, for the
navigation), and the associations and brief facts of many requests at once."""

from __future__ import annotations

from sqlalchemy import select

from app.approvals.models import ApprovalRequest, ApprovalStatus, EligibleVoter, Vote
from app.approvals.subjects import kind_of
from app.associations.models import Association
from app.auth.models import User
from app.extensions import db


def _awaiting(user: User):
    voted = select(Vote.request_id).where(Vote.voter_id == user.id)
    return (
        select(ApprovalRequest)
        .join(EligibleVoter, EligibleVoter.request_id == ApprovalRequest.id)
        .where(
            EligibleVoter.user_id == user.id,
            ApprovalRequest.status == ApprovalStatus.PENDING,
            ApprovalRequest.id.not_in(voted),
            # A request decided by a motion at a meeting waits for the meeting, not for votes.
            (ApprovalRequest.venue != "meeting") | ApprovalRequest.emergency.is_(True),
        )
    )


def awaiting_count_query(user: User):
    """Return the SELECT that counts the pending requests waiting for the user's vote (the
    navigation counts it with the user's memberships)."""
    from sqlalchemy import func

    return _awaiting(user).with_only_columns(func.count(ApprovalRequest.id)).order_by(None)


def awaiting_count(user: User) -> int:
    """Return how many pending requests wait for the user's vote."""
    return db.session.scalar(awaiting_count_query(user))


def awaiting_vote(user: User) -> list[ApprovalRequest]:
    """Return the pending requests the user may vote on and has not voted on yet, oldest
    first, with their votes (one query for all of them)."""
    from sqlalchemy.orm import selectinload

    return list(
        db.session.scalars(
            _awaiting(user)
            .options(
                selectinload(ApprovalRequest.votes), selectinload(ApprovalRequest.submitted_by)
            )
            .order_by(ApprovalRequest.submitted_at, ApprovalRequest.id)
        )
    )


def associations_of(requests: list[ApprovalRequest]) -> dict[int, Association]:
    """Return the associations of many requests, by id, in one query."""
    ids = {r.association_id for r in requests}
    if not ids:
        return {}
    return {a.id: a for a in db.session.scalars(select(Association).where(Association.id.in_(ids)))}


def briefs_of(requests: list[ApprovalRequest]) -> dict[int, list[str]]:
    """Return each request's facts beside its title (amounts, dates), by request id: one
    call per subject kind, whatever the number of requests."""
    by_kind: dict[str, list[ApprovalRequest]] = {}
    for request in requests:
        by_kind.setdefault(request.subject_type, []).append(request)
    result: dict[int, list[str]] = {}
    for subject_type, group in by_kind.items():
        facts = kind_of(subject_type).briefs([r.subject_id for r in group])
        for request in group:
            result[request.id] = facts.get(request.subject_id, [])
    return result
