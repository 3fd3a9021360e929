"""Requests the board decides at a meeting: placed on and released from an agenda item,
decided by the motion on it, or declared an emergency and decided online by unanimous
written consent (CA Civil Code 4910(b)(2), 4923)."""

from __future__ import annotations

from flask_babel import gettext as _

from app.approvals import venues
from app.approvals.models import ApprovalRequest, ApprovalStatus, Choice, Vote
from app.approvals.notifications import _notify
from app.approvals.submission import get_request
from app.approvals.voting import _decide
from app.auth.models import User
from app.core import audit, clock
from app.core.errors import Conflict, InvalidTransition
from app.extensions import db


def place_on_agenda(request: ApprovalRequest, *, meeting_id: int, agenda_item_id: int) -> None:
    """Put a pending request whose venue is a meeting on a meeting's agenda item."""
    if not request.is_pending:
        raise InvalidTransition(
            _("This request was already decided (%(status)s).", status=request.status)
        )
    if venues.venue_of(request) != venues.MEETING:
        raise Conflict(
            _("This request is decided %(venue)s, not at a meeting.", venue=request.venue)
        )
    request.meeting_id, request.agenda_item_id = meeting_id, agenda_item_id
    db.session.flush()


def release_from_agenda(request: ApprovalRequest) -> None:
    """Free a request its meeting left undecided, for another meeting's agenda."""
    if request.is_pending:
        request.meeting_id = request.agenda_item_id = None
        db.session.flush()


def decide_by_motion(
    request: ApprovalRequest,
    *,
    carried: bool,
    votes: list[tuple[int, str]],
    actor: User,
) -> ApprovalRequest:
    """Decide a request by the motion on its agenda item: carried → approved, failed →
    rejected; the motion's votes (yes/no/abstain) become the request's votes."""
    request = get_request(request.id, for_update=True)
    if not request.is_pending:
        raise InvalidTransition(
            _("This request was already decided (%(status)s).", status=request.status)
        )
    as_choice = {"yes": Choice.APPROVE, "no": Choice.REJECT, "abstain": Choice.ABSTAIN}
    now = clock.now()
    for vote in list(request.votes):
        request.votes.remove(vote)
    db.session.flush()
    for user_id, choice in votes:
        request.votes.append(
            Vote(
                voter_id=user_id,
                choice=as_choice[choice].value,
                comment=_("Vote on the motion at the meeting"),
                cast_at=now,
            )
        )
    db.session.flush()
    _decide(request, ApprovalStatus.APPROVED if carried else ApprovalStatus.REJECTED, actor)
    return request


def declare_emergency(
    request: ApprovalRequest, *, reason: str, called_by: list[int], actor: User
) -> ApprovalRequest:
    """Let a meeting request be decided online by unanimous written consent (CA Civil Code
    4910(b)(2), 4923): every eligible member must approve; the first rejection or
    abstention rejects it. The callers and the reason are checked by the caller of this."""
    request = get_request(request.id, for_update=True)
    if not request.is_pending:
        raise InvalidTransition(
            _("This request was already decided (%(status)s).", status=request.status)
        )
    if request.emergency:
        raise Conflict(_("This request is already decided by emergency consent."))
    if venues.venue_of(request) == venues.ONLINE:
        raise Conflict(_("This request is decided online already; no emergency consent is needed."))
    if venues.venue_of(request) != venues.MEETING:
        raise Conflict(
            _(
                "This request is decided by the %(venue)s; emergency consent is for decisions "
                "of the board at a meeting.",
                venue=venues.venue_of(request),
            )
        )
    request.meeting_id = request.agenda_item_id = None
    request.emergency, request.emergency_reason = True, reason
    request.emergency_called_by = list(called_by)
    request.required, request.threshold_label = len(request.eligible_voter_ids), _("unanimous")
    for vote in list(request.votes):
        request.votes.remove(vote)
    db.session.flush()
    audit.record(
        "approval.emergency",
        actor=actor,
        association_id=request.association_id,
        subject_type=request.subject_type,
        subject_id=request.subject_id,
        summary=_(
            "Declared “%(title)s” an emergency, decided online by the unanimous written "
            "consent of the %(n)d eligible members: %(reason)s",
            title=request.title,
            n=request.required,
            reason=reason[:200],
        ),
        data={"approval_id": request.id, "reason": reason, "called_by": list(called_by)},
    )
    _notify(
        request,
        lambda: (
            _("Emergency consent: %(title)s", title=request.title),
            _(
                "“%(title)s” is decided online by unanimous written consent (%(reason)s). "
                "Every one of the %(n)d eligible members must approve; one rejection or "
                "abstention rejects it.",
                title=request.title,
                reason=reason,
                n=request.required,
            ),
        ),
    )
    return request
