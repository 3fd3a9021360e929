"""Decisions taken without a meeting, reported at the next board meeting.

- CA emergency consent (Civil Code 4910(b)(2), 4923): the president, or two directors other
  than the president, let a request the board decides at a meeting be decided online by the
  unanimous written consent of the eligible directors; the engine's venue rule
  (``venues.emergency_consent``) answers its votes online.
- Every such consent, and in Texas every request decided online (Property Code
  209.0051(h)), becomes a ``report`` item carrying its ``approval_id`` on the agenda of the
  next board meeting: added when it is decided if that meeting is scheduled, else when the
  next board meeting is scheduled.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.approvals import services as approvals
from app.approvals import venues
from app.approvals.models import ApprovalRequest, ApprovalStatus
from app.associations.models import Association
from app.auth.models import User
from app.core import audit, clock
from app.core.errors import Conflict, ValidationError
from app.core.parsing import as_id
from app.extensions import db
from app.meetings import scheduling
from app.meetings.board import board_offices
from app.meetings.models import AgendaItem, ItemKind, Meeting, MeetingKind, MeetingStatus
from app.meetings.profiles import meeting_rules
from app.notices.models import Notice
from app.notices.writing import revise_body

REASON_MAX = 2000
# The meetings at which what was decided without a meeting is reported: CA, the next board
# meeting (open to members: the consents are filed with its minutes); TX, the next regular one.
REPORTED_AT = {"TX": (MeetingKind.BOARD,)}
DEFAULT_REPORTED_AT = (MeetingKind.BOARD, MeetingKind.SPECIAL_BOARD)


def declare_emergency(request: ApprovalRequest, *, reason, called_by, actor: User):
    """Declare a pending meeting request an emergency decided by unanimous written consent,
    called by the president or two other directors (422 naming ``called_by``)."""
    association = db.session.get(Association, request.association_id)
    rules = meeting_rules(association.compliance_profile)
    if not rules.emergency_consent_rule:
        raise Conflict(
            _(
                "Emergency consent by electronic transmission is a rule of California (Civil "
                "Code 4910(b)(2), 4923); this association's profile (%(profile)s) has none. "
                "Call an emergency board meeting instead.",
                profile=association.compliance_profile or "default",
            )
        )
    if not request.is_pending:
        raise Conflict(_("This request was already decided (%(s)s).", s=request.status))
    errors: dict[str, list[str]] = {}
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        errors["reason"] = [
            _(
                "Civil Code 4923: say which circumstances could not have been foreseen and need "
                "the board's immediate attention."
            )
        ]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [
            _("Use at most %(max)d characters (this has %(n)d).", max=REASON_MAX, n=len(reason))
        ]
    ids: list[int] = []
    if not isinstance(called_by, list) or not all(as_id(v) is not None for v in called_by):
        errors["called_by"] = [_("List the board members (user ids) who called it.")]
    else:
        ids = sorted({as_id(v) for v in called_by})
        offices = board_offices(association.id)
        if any(uid not in offices for uid in ids):
            errors["called_by"] = [
                _("Only seated board members call it: choose board members of this association.")
            ]
        else:
            president = any(offices[uid] == "president" for uid in ids)
            others = [uid for uid in ids if offices[uid] != "president"]
            if not president and len(others) < 2:
                errors["called_by"] = [rules.emergency_rule]
    if errors:
        raise ValidationError(errors)
    _detach_from_agenda(request, actor)
    return approvals.declare_emergency(request, reason=reason, called_by=ids, actor=actor)


def _detach_from_agenda(request: ApprovalRequest, actor: User) -> None:
    """An emergency is decided online: take it off the agenda it waited on."""
    for item in db.session.scalars(select(AgendaItem).where(AgendaItem.approval_id == request.id)):
        if item.meeting.status == MeetingStatus.SCHEDULED:
            item.approval_id = None
    db.session.flush()


def _reported(request: ApprovalRequest, association: Association) -> bool:
    """Tell whether a decided request is reported at the next board meeting: an emergency
    consent, or (where the profile says so) any decision taken online."""
    if request.status not in (ApprovalStatus.APPROVED, ApprovalStatus.REJECTED):
        return False
    if request.emergency:
        return True
    rules = meeting_rules(association.compliance_profile)
    return (
        bool(rules.online_actions_rule)
        and request.meeting_id is None
        and (venues.venue_of(request) == venues.ONLINE)
    )


def item_title(request: ApprovalRequest) -> str:
    """Return the report item's title."""
    if request.emergency:
        return _(
            "Emergency consent: %(title)s (%(status)s) — %(reason)s",
            title=request.title,
            status=request.status,
            reason=request.emergency_reason,
        )[:200]
    return _(
        "Actions taken without a meeting: %(title)s (%(status)s)",
        title=request.title,
        status=request.status,
    )[:200]


def _on_an_agenda(request_id: int) -> bool:
    return (
        db.session.scalar(select(AgendaItem.id).where(AgendaItem.approval_id == request_id))
        is not None
    )


def _report_on(meeting: Meeting, request: ApprovalRequest) -> AgendaItem:
    item = AgendaItem(
        meeting_id=meeting.id,
        position=len(meeting.agenda) + 1,
        title=item_title(request),
        kind=ItemKind.REPORT.value,
        approval_id=request.id,
        created_at=clock.now(),
    )
    meeting.agenda.append(item)
    db.session.flush()
    audit.record(
        "meeting.agenda_item",
        actor=None,
        association_id=meeting.association_id,
        subject_type="meeting",
        subject_id=meeting.id,
        summary=_("Added “%(title)s” to the agenda", title=item.title),
        data={"item_id": item.id, "approval_id": request.id, "report": True},
    )
    return item


def reported_kinds(association: Association) -> tuple[str, ...]:
    """Return the kinds of board meeting at which decisions without a meeting are reported."""
    return tuple(
        k.value for k in REPORTED_AT.get(association.compliance_profile or "", DEFAULT_REPORTED_AT)
    )


@venues.register_decided
def report_when_decided(request: ApprovalRequest) -> None:
    """List a consent or an online decision on the next scheduled board meeting's agenda."""
    association = db.session.get(Association, request.association_id)
    if not _reported(request, association):
        return
    meeting = db.session.scalar(
        select(Meeting)
        .where(
            Meeting.association_id == association.id,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.kind.in_(reported_kinds(association)),
            Meeting.starts_at > clock.now(),
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    if meeting is None:
        return  # listed when the next board meeting is scheduled
    _report_on(meeting, request)
    if meeting.notice_id is not None:
        notice = db.session.get(Notice, meeting.notice_id)
        if notice is not None:
            revise_body(notice, scheduling.notice_body(meeting, association), actor=None)


def report_on_new_meeting(meeting: Meeting) -> None:
    """A new board meeting lists what was decided without a meeting and is not yet reported
    (before its notice is written, so that the notice carries them)."""
    association = db.session.get(Association, meeting.association_id)
    if meeting.kind not in reported_kinds(association):
        return
    decided = db.session.scalars(
        select(ApprovalRequest)
        .where(
            ApprovalRequest.association_id == association.id,
            ApprovalRequest.status.in_([ApprovalStatus.APPROVED, ApprovalStatus.REJECTED]),
        )
        .order_by(ApprovalRequest.decided_at, ApprovalRequest.id)
    )
    for request in decided:
        if _reported(request, association) and not _on_an_agenda(request.id):
            _report_on(meeting, request)


scheduling.SCHEDULE_HOOKS.append(report_on_new_meeting)


def reports_at(meeting: Meeting) -> list[tuple[AgendaItem, ApprovalRequest]]:
    """Return the meeting's report items on decisions taken without a meeting, with their
    requests (for its minutes and report)."""
    found = []
    for item in meeting.agenda:
        if item.kind == ItemKind.REPORT and item.approval_id is not None:
            request = db.session.get(ApprovalRequest, item.approval_id)
            if request is not None and not request.is_pending:
                found.append((item, request))
    return found
