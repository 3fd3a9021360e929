"""What is recorded at a meeting: attendance, motions moved and seconded, votes and the
motion's result (deciding the approval its agenda item carries), and adjournment. Every
write goes through here; the web layer commits."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.approvals import services as approvals
from app.approvals.models import ApprovalRequest
from app.associations.models import Association
from app.auth.models import User
from app.core import clock
from app.core.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationError
from app.core.formatting import long_date
from app.core.parsing import as_id
from app.extensions import db
from app.meetings import policies
from app.meetings.board import board_offices, quorum_needed, quorum_present
from app.meetings.checks import TEXT_MAX, _record, _scheduled, _text
from app.meetings.models import (
    AgendaItem,
    Attendance,
    Meeting,
    MeetingMinutes,
    MeetingStatus,
    MinutesStatus,
    Motion,
    MotionChoice,
    MotionResult,
    MotionVote,
)
from app.meetings.profiles import meeting_rules
from app.meetings.scheduling import _release_items


def _record_open(meeting: Meeting) -> None:
    """Refuse (409) recording while the minutes are pending approval or approved."""
    minutes = db.session.scalar(
        select(MeetingMinutes.status).where(MeetingMinutes.meeting_id == meeting.id)
    )
    if minutes in (MinutesStatus.PENDING_APPROVAL, MinutesStatus.APPROVED):
        raise Conflict(
            _(
                "The minutes of this meeting are %(status)s: the record they rest on is closed.",
                status=_("pending approval")
                if minutes == MinutesStatus.PENDING_APPROVAL
                else _("approved"),
            )
        )


def _in_session(meeting: Meeting, association: Association) -> None:
    _scheduled(meeting)
    today = clock.today(association.time_zone)
    day = meeting.starts_at.astimezone(clock.zone(association.time_zone)).date()
    if today < day:
        raise Conflict(
            _(
                "The meeting is recorded from its own date. It becomes possible on %(date)s.",
                date=long_date(day),
            )
        )


def _board_member(association_id: int, user_id, field: str) -> int:
    uid = as_id(user_id)
    if uid is None or uid not in board_offices(association_id):
        raise ValidationError(field, _("Choose a seated board member of this association."))
    return uid


def record_attendance(meeting: Meeting, *, user_id, present, actor: User) -> Attendance:
    """Record whether a board member is present; a repeat replaces the earlier entry."""
    if not policies.can_run(actor, meeting):
        raise NotAllowed(_("Only the manager or the secretary records attendance."))
    association = db.session.get(Association, meeting.association_id)
    _in_session(meeting, association)
    _record_open(meeting)
    uid = _board_member(meeting.association_id, user_id, "user_id")
    if not isinstance(present, bool):
        raise ValidationError("present", _("Say true or false."))
    row = next((a for a in meeting.attendance if a.user_id == uid), None)
    if row is None:
        row = Attendance(meeting_id=meeting.id, user_id=uid)
        meeting.attendance.append(row)
    row.present, row.recorded_at = present, clock.now()
    db.session.flush()
    _record(
        meeting,
        "meeting.attendance",
        _(
            "Recorded %(name)s as %(state)s",
            name=db.session.get(User, uid).name,
            state=_("present") if present else _("absent"),
        ),
        actor=actor,
        data={"user_id": uid, "present": present},
    )
    return row


def _recused(item: AgendaItem | None) -> tuple[ApprovalRequest | None, set[int] | None]:
    """Return the item's approval and its eligible voters (None: everyone may act)."""
    if item is None or item.approval_id is None:
        return None, None
    approval = db.session.get(ApprovalRequest, item.approval_id)
    if approval is None:
        return None, None
    return approval, set(approval.eligible_voter_ids)


def move_motion(
    meeting: Meeting, *, text, agenda_item_id=None, moved_by, seconded_by, actor: User
) -> Motion:
    """Record a motion moved and seconded by two present board members, with quorum."""
    if not policies.can_run(actor, meeting):
        raise NotAllowed(_("Only the manager or the secretary records motions."))
    association = db.session.get(Association, meeting.association_id)
    _in_session(meeting, association)
    _record_open(meeting)
    if not quorum_present(meeting):
        raise Conflict(
            _(
                "No quorum: a majority of the seated board (%(n)d) must be present before the "
                "board acts.",
                n=quorum_needed(meeting.association_id),
            )
        )
    profile_rules = meeting_rules(association.compliance_profile)
    item = None
    if agenda_item_id is not None:
        item = next((i for i in meeting.agenda if i.id == as_id(agenda_item_id)), None)
        if item is None:
            raise ValidationError("agenda_item_id", _("Choose an item of this meeting's agenda."))
    elif profile_rules.agenda_only:
        raise Conflict(
            _(
                "Civil Code 4930(a): the board takes no action on an item that is not on the "
                "agenda. Add the item first (an emergency or a matter that arose after the "
                "agenda was posted, 4930(d))."
            )
        )
    errors: dict[str, list[str]] = {}
    try:
        text = _text(text, "text", TEXT_MAX, required=True)
    except ValidationError as error:
        errors.update(error.errors)
    ids = {}
    for field, value in (("moved_by", moved_by), ("seconded_by", seconded_by)):
        try:
            ids[field] = _board_member(meeting.association_id, value, field)
            if ids[field] not in meeting.present_ids:
                raise ValidationError(field, _("This board member is not recorded present."))
        except ValidationError as error:
            errors.update(error.errors)
    if not errors and ids["moved_by"] == ids["seconded_by"]:
        errors["seconded_by"] = [_("The seconder is another board member than the mover.")]
    approval, eligible = _recused(item)
    if approval is not None and approval.is_pending:
        for field in ("moved_by", "seconded_by"):
            if field in ids and ids[field] not in eligible:
                errors.setdefault(field, []).append(
                    _("This member is recused from “%(title)s”.", title=approval.title)
                )
    if errors:
        raise ValidationError(errors)
    present = meeting.present_ids & set(board_offices(meeting.association_id))
    voters = sorted(present if eligible is None else present & eligible)
    motion = Motion(
        meeting_id=meeting.id,
        agenda_item_id=item.id if item else None,
        text=text,
        moved_by_id=ids["moved_by"],
        seconded_by_id=ids["seconded_by"],
        result=MotionResult.OPEN.value,
        eligible_count=len(voters),
        eligible_ids=voters,
        moved_at=clock.now(),
    )
    meeting.motions.append(motion)
    db.session.flush()
    _record(
        meeting,
        "meeting.motion",
        _("Motion moved: %(text)s", text=text[:150]),
        actor=actor,
        data={"motion_id": motion.id, "agenda_item_id": motion.agenda_item_id},
    )
    return motion


def get_motion(motion_id: int) -> Motion:
    """Return a motion by id."""
    motion = db.session.get(Motion, motion_id)
    if motion is None:
        raise NotFound(_("No such motion."))
    return motion


def vote_on_motion(motion: Motion, *, user_id, choice, actor: User) -> Motion:
    """Record a present member's vote; decide the motion once its outcome is certain, and
    with it the approval its agenda item carries."""
    meeting = motion.meeting
    if not policies.can_run(actor, meeting):
        raise NotAllowed(_("Only the manager or the secretary records votes."))
    association = db.session.get(Association, meeting.association_id)
    _in_session(meeting, association)
    _record_open(meeting)
    if motion.result != MotionResult.OPEN:
        raise InvalidTransition(
            _("This motion was already decided (%(result)s).", result=motion.result)
        )
    uid = _board_member(meeting.association_id, user_id, "user_id")
    if uid not in meeting.present_ids:
        raise ValidationError("user_id", _("This board member is not recorded present."))
    if uid not in motion.eligible_ids:
        raise ValidationError(
            "user_id", _("This member is recused from this item, or arrived after the motion.")
        )
    if choice not in {c.value for c in MotionChoice}:
        raise ValidationError("choice", _("Choose yes, no or abstain."))
    vote = next((v for v in motion.votes if v.user_id == uid), None)
    if vote is None:
        vote = MotionVote(user_id=uid)
        motion.votes.append(vote)
    vote.choice, vote.cast_at = choice, clock.now()
    db.session.flush()
    _record(
        meeting,
        "meeting.motion_vote",
        _(
            "%(name)s voted %(choice)s on the motion “%(text)s”",
            name=db.session.get(User, uid).name,
            choice=choice,
            text=motion.text[:100],
        ),
        actor=actor,
        data={"motion_id": motion.id, "user_id": uid, "choice": choice},
    )
    _decide_if_certain(motion, actor)
    return motion


def _decide_if_certain(motion: Motion, actor: User) -> None:
    """Carried once yes votes exceed half of the eligible present; failed once yes votes plus
    those not yet voted are no more than that half."""
    half = motion.eligible_count / 2
    voted = {v.user_id for v in motion.votes}
    not_voted = len(set(motion.eligible_ids) - voted)
    if motion.yes > half:
        result = MotionResult.CARRIED
    elif motion.yes + not_voted <= half:
        result = MotionResult.FAILED
    else:
        return
    motion.result, motion.decided_at = result.value, clock.now()
    db.session.flush()
    _record(
        motion.meeting,
        f"meeting.motion_{result.value}",
        _(
            "The motion “%(text)s” %(result)s (%(yes)d yes of %(n)d eligible present)",
            text=motion.text[:100],
            result=result.value,
            yes=motion.yes,
            n=motion.eligible_count,
        ),
        actor=actor,
        data={"motion_id": motion.id},
    )
    approval, _eligible = _recused(motion.agenda_item)
    if approval is not None and approval.is_pending:
        approvals.decide_by_motion(
            approval,
            carried=result == MotionResult.CARRIED,
            votes=[(v.user_id, v.choice) for v in motion.votes],
            actor=actor,
        )


def adjourn_meeting(meeting: Meeting, *, actor: User) -> Meeting:
    """Adjourn: nothing more is recorded; approvals left undecided go back for another
    meeting's agenda."""
    if not policies.can_run(actor, meeting):
        raise NotAllowed(_("Only the manager or the secretary adjourns the meeting."))
    association = db.session.get(Association, meeting.association_id)
    _in_session(meeting, association)
    meeting.status, meeting.adjourned_at = MeetingStatus.ADJOURNED.value, clock.now()
    db.session.flush()
    _release_items(meeting)
    _record(meeting, "meeting.adjourned", _("Adjourned the meeting"), actor=actor)
    return meeting
