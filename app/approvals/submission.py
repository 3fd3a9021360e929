"""Putting a subject to the board and taking it back: open a request (freezing its eligible
voters and locking the subject), find one (locking its row to decide it), and withdraw it,
by the manager or because a rule of its subject made it moot."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.approvals import venues
from app.approvals.models import ApprovalRequest, ApprovalStatus, EligibleVoter
from app.approvals.notifications import _notify
from app.approvals.subjects import kind_of, load_subject
from app.approvals.thresholds import required_votes, seated_board_ids, threshold_for
from app.associations.models import Association
from app.auth import policies
from app.auth.models import User
from app.core import audit, clock
from app.core.errors import Conflict, InvalidTransition, NotAllowed, NotFound
from app.extensions import db


def open_request(subject_type: str, subject: Any, *, actor: User) -> ApprovalRequest:
    """Put a subject to the board: freeze the eligible voters and lock the subject."""
    kind = kind_of(subject_type)
    association_id = kind.association_id(subject)
    if not kind.may_submit(actor, subject):
        raise NotAllowed(_("Only the manager submits to the board."))
    pending = db.session.scalar(
        select(ApprovalRequest.id).where(
            ApprovalRequest.subject_type == subject_type,
            ApprovalRequest.subject_id == subject.id,
            ApprovalRequest.status == ApprovalStatus.PENDING,
        )
    )
    if pending is not None:
        raise Conflict(_("This is already before the board (request %(id)d).", id=pending))
    association = db.session.get(Association, association_id)
    # Who decides: the kind's own committee (architectural review), voting online; else
    # the venue's deciders (a fining committee); else the seated board.
    deciders = kind.voters(subject)
    if deciders is None:
        venue = venues.venue_for_new(association, subject_type)
        deciders = venues.venue_voters(venue, association_id)
    else:
        venue = venues.ONLINE
    if deciders is None:
        deciders = seated_board_ids(association_id)
    eligible = sorted(deciders - kind.recused_user_ids(subject))
    if not eligible:
        raise Conflict(
            _(
                "No board member may vote on this: the board is empty or every "
                "member is recused. Seat board members first."
            )
        )
    required, label = required_votes(len(eligible), threshold_for(association_id, subject_type))
    request = ApprovalRequest(
        venue=venue,
        association_id=association_id,
        subject_type=subject_type,
        subject_id=subject.id,
        title=_fit(kind.title(subject), 300),
        status=ApprovalStatus.PENDING.value,
        required=required,
        threshold_label=label,
        submitted_by_id=actor.id,
        submitted_at=clock.now(),
        voters=[EligibleVoter(user_id=uid) for uid in eligible],
    )
    db.session.add(request)
    db.session.flush()
    kind.on_submit(subject, request)
    audit.record(
        "approval.opened",
        actor=actor,
        association_id=association_id,
        subject_type=subject_type,
        subject_id=subject.id,
        summary=_(
            "Submitted “%(title)s” to the board (%(n)d eligible, %(required)d needed)",
            title=request.title,
            n=len(eligible),
            required=required,
        ),
        data={"approval_id": request.id, "eligible_voter_ids": eligible, "required": required},
    )
    _notify(
        request,
        lambda: (
            _("For the board's vote: %(title)s", title=request.title),
            _(
                "%(name)s submitted “%(title)s” for the board's decision. %(required)d of "
                "%(n)d eligible members must approve.",
                name=actor.name,
                title=request.title,
                required=required,
                n=len(eligible),
            ),
        ),
    )
    return request


def get_request(request_id: int, *, for_update: bool = False) -> ApprovalRequest:
    """Return a request by id; with ``for_update`` lock its row until the transaction ends."""
    statement = select(ApprovalRequest).where(ApprovalRequest.id == request_id)
    if for_update:
        statement = statement.with_for_update().execution_options(populate_existing=True)
    request = db.session.scalar(statement)
    if request is None:
        raise NotFound(_("No such approval request."))
    if for_update:
        db.session.refresh(request, attribute_names=["votes"])
    return request


def withdraw_request(request_id: int, *, actor: User) -> ApprovalRequest:
    """Take a pending request back from the board; the subject is unlocked."""
    request = get_request(request_id, for_update=True)
    if not policies.is_manager(actor, request.association_id):
        raise NotAllowed(_("Only the manager may withdraw a request."))
    if not request.is_pending:
        raise InvalidTransition(
            _(
                "Only a pending request can be withdrawn; this one is %(status)s.",
                status=request.status,
            )
        )
    kind = kind_of(request.subject_type)
    subject = load_subject(request.subject_type, request.subject_id)
    request.status = ApprovalStatus.WITHDRAWN.value
    request.decided_at = clock.now()
    request.decided_by_id = actor.id
    db.session.flush()
    kind.on_withdrawn(subject, request)
    audit.record(
        "approval.withdrawn",
        actor=actor,
        association_id=request.association_id,
        subject_type=request.subject_type,
        subject_id=request.subject_id,
        summary=_("Withdrew “%(title)s” from the board", title=request.title),
        data={"approval_id": request.id},
    )
    _notify(
        request,
        lambda: (
            _("Withdrawn: %(title)s", title=request.title),
            _(
                "%(name)s withdrew “%(title)s” from the board's vote.",
                name=actor.name,
                title=request.title,
            ),
        ),
    )
    return request


def withdraw_by_rule(request_id: int, *, reason: str) -> ApprovalRequest:
    """Close a pending request that a rule of its subject made moot (an architectural
    request deemed approved when not decided in time); the subject is unlocked."""
    request = get_request(request_id, for_update=True)
    if not request.is_pending:
        return request
    subject = load_subject(request.subject_type, request.subject_id)
    request.status = ApprovalStatus.WITHDRAWN.value
    request.decided_at = clock.now()
    db.session.flush()
    kind_of(request.subject_type).on_withdrawn(subject, request)
    audit.record(
        "approval.withdrawn",
        actor=None,
        association_id=request.association_id,
        subject_type=request.subject_type,
        subject_id=request.subject_id,
        summary=_("Withdrew “%(title)s”: %(reason)s", title=request.title, reason=reason),
        data={"approval_id": request.id, "reason": reason},
    )
    return request


def _fit(text: str, limit: int) -> str:
    """A request's title is derived from its subject (whose own fields are whole); one that
    would not fit its column ends in an ellipsis, visibly, instead of being cut mid-word."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,:;—-") + "…"
