"""Voting on a request and deciding it: a member's vote, the decision once the outcome is
certain, and what a decision does to its subject, its venue and the audit log."""

from __future__ import annotations

from flask_babel import gettext as _

from app.approvals import venues
from app.approvals.models import ApprovalRequest, ApprovalStatus, Choice, Vote
from app.approvals.notifications import _notify
from app.approvals.subjects import kind_of, load_subject
from app.approvals.submission import get_request
from app.associations.models import Association
from app.auth.models import User
from app.core import audit, clock
from app.core.errors import InvalidTransition, NotAllowed, ValidationError
from app.extensions import db


def cast_vote(request_id: int, *, voter: User, choice: str, comment: str = "") -> ApprovalRequest:
    """Record a board member's vote and decide the request once the outcome is certain.

    The request's row is locked while deciding, so that two members voting at the same
    moment neither lose a vote nor decide twice.
    """
    request = get_request(request_id, for_update=True)
    if not kind_of(request.subject_type).may_vote(voter, request) and (
        voter.id not in request.eligible_voter_ids
    ):
        raise NotAllowed(_("Only board members vote."))
    if voter.id not in request.eligible_voter_ids:
        raise NotAllowed(
            _("You are recused from this decision, or were not on the board when it was submitted.")
        )
    if not request.is_pending:
        raise InvalidTransition(
            _(
                "This request was already decided (%(status)s); votes are closed.",
                status=request.status,
            )
        )
    venues.refuse_online_vote(request, db.session.get(Association, request.association_id))
    if choice not in {c.value for c in Choice}:
        raise ValidationError("choice", _("Choose approve, reject or abstain."))
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationError("comment", _("Keep the comment under 2,000 characters."))
    vote = request.vote_of(voter.id)
    changed_from = vote.choice if vote is not None else None
    if vote is None:
        vote = Vote(request=request, voter_id=voter.id)
        db.session.add(vote)
    vote.choice, vote.comment, vote.cast_at = choice, comment, clock.now()
    db.session.flush()
    audit.record(
        "approval.vote",
        actor=voter,
        association_id=request.association_id,
        subject_type=request.subject_type,
        subject_id=request.subject_id,
        summary=(
            _(
                "%(name)s changed their vote on “%(title)s” from %(old)s to %(new)s",
                name=voter.name,
                title=request.title,
                old=changed_from,
                new=choice,
            )
            if changed_from
            else _(
                "%(name)s voted %(choice)s on “%(title)s”",
                name=voter.name,
                choice=choice,
                title=request.title,
            )
        ),
        data={
            "approval_id": request.id,
            "choice": choice,
            "comment": comment,
            "previous": changed_from,
        },
    )
    _notify(
        request,
        lambda: (
            _("Vote on %(title)s", title=request.title),
            _(
                "%(name)s voted %(choice)s. Approvals so far: %(a)d of %(required)d needed.",
                name=voter.name,
                choice=choice,
                a=request.approvals,
                required=request.required,
            ),
        ),
    )
    _decide_if_certain(request, voter)
    return request


def _decide_if_certain(request: ApprovalRequest, actor: User) -> None:
    approvals = request.approvals
    not_voted = len(set(request.eligible_voter_ids) - {v.voter_id for v in request.votes})
    if approvals >= request.required:
        _decide(request, ApprovalStatus.APPROVED, actor)
    elif approvals + not_voted < request.required:
        _decide(request, ApprovalStatus.REJECTED, actor)


def _decide(request: ApprovalRequest, status: ApprovalStatus, actor: User) -> None:
    kind = kind_of(request.subject_type)
    subject = load_subject(request.subject_type, request.subject_id)
    request.status = status.value
    request.decided_at = clock.now()
    request.decided_by_id = actor.id
    db.session.flush()
    if status == ApprovalStatus.APPROVED:
        kind.on_approved(subject, request)
    else:
        kind.on_rejected(subject, request)
    venues.decided(request)
    audit.record(
        f"approval.{status.value}",
        actor=actor,
        association_id=request.association_id,
        subject_type=request.subject_type,
        subject_id=request.subject_id,
        summary=_(
            "The board %(outcome)s “%(title)s”: %(a)d approve, %(r)d reject, %(s)d abstain",
            outcome=status.value,
            title=request.title,
            a=request.approvals,
            r=request.rejections,
            s=request.abstentions,
        ),
        data={
            "approval_id": request.id,
            "approvals": request.approvals,
            "rejections": request.rejections,
            "abstentions": request.abstentions,
        },
    )
    _notify(
        request,
        lambda: (
            _("Board decision: %(title)s %(outcome)s", title=request.title, outcome=status.value),
            _(
                "The board %(outcome)s “%(title)s” with %(a)d approvals (%(required)d needed), "
                "%(r)d rejections and %(s)d abstentions.",
                outcome=status.value,
                title=request.title,
                a=request.approvals,
                required=request.required,
                r=request.rejections,
                s=request.abstentions,
            ),
        ),
    )
