"""The approval engine's workflow: open, vote, decide, withdraw, thresholds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from app.approvals import venues
from app.approvals.models import (
    ApprovalRequest,
    ApprovalStatus,
    Choice,
    EligibleVoter,
    Threshold,
    Vote,
)
from app.approvals.subjects import kind_of, load_subject, registered_types
from app.associations.models import Association
from app.auth import policies
from app.auth.models import Membership, User
from app.core import audit, clock, i18n
from app.core.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationError
from app.core.outbox import queue_mail
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


def _notify(request: ApprovalRequest, compose: Callable[[], tuple[str, str]]) -> None:
    """Mail the board, the managers and the eligible voters (a committee deciding it, too)
    once the transaction commits, each in their own language (``compose`` returns the
    subject and body, and runs once per language)."""
    voters = [v.user_id for v in request.voters]
    recipients = db.session.execute(
        select(User.email, User.language)
        .outerjoin(Membership, Membership.user_id == User.id)
        .where(
            (
                (Membership.association_id == request.association_id)
                & Membership.role.in_(("board", "manager"))
            )
            | User.id.in_(voters),
            User.active.is_(True),
        )
        .distinct()
    ).all()
    composed: dict[str, tuple[str, str]] = {}
    for email, language in recipients:
        with i18n.in_language(language) as used:
            if used not in composed:
                composed[used] = compose()
        subject, body = composed[used]
        queue_mail(email, subject, body, association_id=request.association_id, topic="approvals")


def _fit(text: str, limit: int) -> str:
    """A request's title is derived from its subject (whose own fields are whole); one that
    would not fit its column ends in an ellipsis, visibly, instead of being cut mid-word."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,:;—-") + "…"
