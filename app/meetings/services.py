"""The meetings workflow: schedule, build the agenda, record attendance, motions and votes,
adjourn and cancel. Every write goes through here; the web layer commits."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.approvals import services as approvals
from app.approvals import venues
from app.approvals.models import ApprovalRequest
from app.associations.models import Association
from app.auth.models import Membership, User
from app.compliance.profiles import EXECUTIVE_TOPICS, meeting_rules
from app.core import audit, clock
from app.core.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationError
from app.core.formatting import long_date, long_datetime
from app.core.parsing import as_id
from app.extensions import db
from app.meetings import policies, rules
from app.meetings.models import (
    BOARD_KINDS,
    AddedUnder,
    AgendaItem,
    Attendance,
    ItemKind,
    Meeting,
    MeetingKind,
    MeetingMinutes,
    MeetingStatus,
    MinutesStatus,
    Motion,
    MotionChoice,
    MotionResult,
    MotionVote,
)
from app.notices import services as notices

TITLE_MAX = 200
TEXT_MAX = 2000
# What runs when a meeting is scheduled, before its notice is written (``fn(meeting)``):
# app/meetings/consent.py lists decisions taken without a meeting.
SCHEDULE_HOOKS: list = []

KIND_WORDS = {
    "board": _l("Board meeting"),
    "special_board": _l("Special board meeting"),
    "executive": _l("Executive session of the board"),
    "annual": _l("Annual meeting of the members"),
    "special": _l("Special meeting of the members"),
}


def _record(meeting: Meeting, action: str, summary: str, *, actor: User | None, data=None):
    audit.record(
        action,
        actor=actor,
        association_id=meeting.association_id,
        subject_type="meeting",
        subject_id=meeting.id,
        summary=summary,
        data=data,
    )


def _text(value, field: str, maximum: int, *, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, _("Enter text."))
    value = value.strip()
    if required and not value:
        raise ValidationError(field, _("This field is required."))
    if len(value) > maximum:
        raise ValidationError(
            field, _("Use at most %(max)d characters (this has %(n)d).", max=maximum, n=len(value))
        )
    return value


def board_offices(association_id: int) -> dict[int, str]:
    """Return the seated board members' offices by user id."""
    return dict(
        db.session.execute(
            select(Membership.user_id, Membership.office).where(
                Membership.association_id == association_id, Membership.role == "board"
            )
        ).all()
    )


# --- scheduling ---------------------------------------------------------------------------


def _check_called_by(association: Association, emergency: bool, reason: str, called_by) -> list:
    """Return the ids who called an emergency meeting; CA 4923 needs the president, or two
    directors other than the president, and a reason (422 naming the field)."""
    if not emergency:
        return []
    if called_by is None:
        called_by = []
    if not isinstance(called_by, list) or not all(as_id(v) is not None for v in called_by):
        raise ValidationError("called_by", _("List the board members (user ids) who called it."))
    ids = sorted({as_id(v) for v in called_by})
    offices = board_offices(association.id)
    if any(uid not in offices for uid in ids):
        raise ValidationError(
            "called_by",
            _("Only seated board members call it: choose board members of this association."),
        )
    if association.compliance_profile == "CA":
        if not reason:
            raise ValidationError(
                "emergency_reason",
                _(
                    "Civil Code 4923: say which circumstances could not have been foreseen and "
                    "need the board's immediate attention."
                ),
            )
        president = any(offices[uid] == "president" for uid in ids)
        others = [uid for uid in ids if offices[uid] != "president"]
        if not president and len(others) < 2:
            raise ValidationError("called_by", meeting_rules("CA").emergency_rule)
    return ids


def schedule_meeting(
    association: Association,
    *,
    kind,
    starts_at,
    location="",
    video_url="",
    purpose="",
    emergency=False,
    emergency_reason="",
    called_by=None,
    actor: User,
) -> Meeting:
    """Schedule a meeting with the notice the profile requires, and send that notice."""
    if not policies.can_schedule(actor, association.id):
        raise NotAllowed(_("Only the manager or the secretary schedules meetings."))
    errors: dict[str, list[str]] = {}
    if kind not in {k.value for k in MeetingKind}:
        errors["kind"] = [_("Choose board, special_board, executive, annual or special.")]
    if not isinstance(starts_at, datetime) or starts_at.tzinfo is None:
        errors["starts_at"] = [
            _("Give a date and time with its offset, such as 2027-03-04T19:00:00-08:00.")
        ]
    values = {}
    for field, value, maximum in (
        ("location", location, 300),
        ("video_url", video_url, 500),
        ("purpose", purpose, TEXT_MAX),
        ("emergency_reason", emergency_reason, TEXT_MAX),
    ):
        try:
            values[field] = _text(value, field, maximum)
        except ValidationError as error:
            errors.update(error.errors)
    if not errors and not values["location"] and not values["video_url"]:
        errors["location"] = [_("Give a place, a video link, or both.")]
    if values.get("video_url") and not values["video_url"].startswith(("https://", "http://")):
        errors["video_url"] = [_("Give a web address starting with https://.")]
    emergency = bool(emergency)
    if emergency and kind not in (MeetingKind.BOARD, MeetingKind.SPECIAL_BOARD):
        errors["emergency"] = [_("Only a board meeting can be an emergency meeting.")]
    if errors:
        raise ValidationError(errors)
    ids = _check_called_by(association, emergency, values["emergency_reason"], called_by)
    rules.check_notice(
        association.compliance_profile,
        kind,
        starts_at,
        association.time_zone,
        emergency=emergency,
    )
    now = clock.now()
    meeting = Meeting(
        association_id=association.id,
        kind=kind,
        status=MeetingStatus.SCHEDULED.value,
        starts_at=clock.as_utc(starts_at),
        location=values["location"],
        video_url=values["video_url"],
        purpose=values["purpose"],
        emergency=emergency,
        emergency_reason=values["emergency_reason"] if emergency else "",
        called_by=ids,
        created_by_id=actor.id,
        created_at=now,
        cancel_reason="",
    )
    db.session.add(meeting)
    db.session.flush()
    for hook in SCHEDULE_HOOKS:
        hook(meeting)
    notice = notices.create_notice(
        association,
        title=notice_title(meeting, association),
        body=notice_body(meeting, association),
        audience="all",
        actor=actor,
        meeting_id=meeting.id,
    )
    meeting.notice_id = notice.id
    _record(
        meeting,
        "meeting.scheduled",
        _(
            "Scheduled the %(kind)s of %(when)s",
            kind=_(KIND_WORDS[kind]).lower(),
            when=long_datetime(meeting.starts_at, association.time_zone),
        ),
        actor=actor,
        data={"kind": kind, "emergency": emergency, "called_by": ids, "notice_id": notice.id},
    )
    return meeting


def notice_title(meeting: Meeting, association: Association) -> str:
    """Return the notice's title: the kind of meeting and its date."""
    return _(
        "%(kind)s on %(date)s",
        kind=_(KIND_WORDS[meeting.kind]),
        date=long_date(meeting.starts_at, association.time_zone),
    )[:200]


def notice_body(meeting: Meeting, association: Association) -> str:
    """Return the notice's Markdown: when, where, and the agenda; an executive session
    gives only the date and the general nature of its business (its topics)."""
    when = long_datetime(meeting.starts_at, association.time_zone)
    if meeting.kind == MeetingKind.EXECUTIVE:
        topics = sorted({i.executive_topic for i in meeting.agenda if i.executive_topic})
        nature = (
            ", ".join(_(EXECUTIVE_TOPICS[t]) for t in topics)
            if topics
            else _("matters the law allows in executive session")
        )
        return _(
            "The board meets in executive session on %(date)s.\n\nGeneral nature of the "
            "business: %(nature)s.",
            date=long_date(meeting.starts_at, association.time_zone),
            nature=nature,
        )
    lines = [_("**When:** %(when)s", when=when)]
    if meeting.location:
        lines.append(_("**Where:** %(place)s", place=meeting.location))
    if meeting.video_url:
        lines.append(_("**Video:** <%(url)s>", url=meeting.video_url))
    if meeting.emergency:
        lines.append(_("**Emergency meeting:** %(reason)s", reason=meeting.emergency_reason))
    if meeting.purpose:
        lines.append("")
        lines.append(meeting.purpose)
    lines.append("")
    lines.append(_("**Agenda**"))
    lines.append("")
    open_items = [i for i in meeting.agenda if not i.executive_topic]
    closed = [i for i in meeting.agenda if i.executive_topic]
    if not open_items:
        lines.append(_("The agenda follows."))
    for number, item in enumerate(open_items, start=1):
        lines.append(f"{number}. {item.title}")
    if closed:
        topics = sorted({i.executive_topic for i in closed})
        lines.append("")
        lines.append(
            _(
                "The board will also meet in executive session on: %(nature)s.",
                nature=", ".join(_(EXECUTIVE_TOPICS[t]) for t in topics),
            )
        )
    return "\n".join(lines)


def _refresh_notice(meeting: Meeting, association: Association, actor: User) -> None:
    if meeting.notice_id is None:
        return
    notice = db.session.get(notices.Notice, meeting.notice_id)
    if notice is not None:
        notices.revise_body(notice, notice_body(meeting, association), actor=actor)


# --- the agenda --------------------------------------------------------------------------


def _scheduled(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise InvalidTransition(
            _("This meeting is %(status)s; nothing more is recorded.", status=meeting.status)
        )


def _approval_for_item(meeting: Meeting, approval_id) -> ApprovalRequest:
    approval = db.session.get(ApprovalRequest, as_id(approval_id) or 0)
    if approval is None or approval.association_id != meeting.association_id:
        raise ValidationError("approval_id", _("Choose an approval request of this association."))
    if not approval.is_pending:
        raise Conflict(_("This request was already decided (%(s)s).", s=approval.status))
    if venues.venue_of(approval) != venues.MEETING:
        raise Conflict(
            _(
                "This request is decided %(venue)s, not at a board meeting.",
                venue=venues.venue_of(approval),
            )
        )
    if meeting.kind not in BOARD_KINDS:
        raise Conflict(_("A board decision goes on a board meeting's agenda."))
    if approval.subject_type == "minutes":
        minutes = db.session.get(MeetingMinutes, approval.subject_id)
        held = db.session.get(Meeting, minutes.meeting_id) if minutes else None
        if held is not None and (held.id == meeting.id or meeting.starts_at <= held.starts_at):
            raise Conflict(_("Minutes are approved at a later meeting than the one they record."))
    if approval.meeting_id is not None:
        current = db.session.get(Meeting, approval.meeting_id)
        if current is not None and current.status == MeetingStatus.SCHEDULED:
            raise Conflict(
                _(
                    "This request is already on the agenda of meeting %(id)d, which is not "
                    "adjourned.",
                    id=current.id,
                )
            )
        approvals.release_from_agenda(approval)
    return approval


def add_agenda_item(
    meeting: Meeting,
    *,
    title,
    kind=None,
    approval_id=None,
    executive_topic=None,
    added_under=None,
    actor: User,
) -> AgendaItem:
    """Add an item to the agenda while the notice period allows, else only under CA 4930(d)'s
    exceptions (recorded); an item may carry a pending approval that a motion will decide."""
    if not policies.can_run(actor, meeting):
        raise NotAllowed(_("Only the manager or the secretary builds the agenda."))
    association = db.session.get(Association, meeting.association_id)
    _scheduled(meeting)
    kind = kind or ItemKind.ACTION.value
    errors: dict[str, list[str]] = {}
    try:
        title = _text(title, "title", TITLE_MAX, required=True)
    except ValidationError as error:
        errors.update(error.errors)
    if kind not in {k.value for k in ItemKind}:
        errors["kind"] = [_("Choose action, report, special_assessment or use_rule.")]
    profile_rules = meeting_rules(association.compliance_profile)
    if meeting.kind == MeetingKind.EXECUTIVE and not executive_topic:
        errors["executive_topic"] = [
            _(
                "An executive session's item names its topic: %(t)s.",
                t=", ".join(profile_rules.executive_topics),
            )
        ]
    elif executive_topic and executive_topic not in profile_rules.executive_topics:
        errors["executive_topic"] = [
            _(
                "%(rule)s Choose one of: %(topics)s.",
                rule=profile_rules.topics_rule,
                topics=", ".join(profile_rules.executive_topics),
            )
        ]
    if added_under is not None and added_under not in {a.value for a in AddedUnder}:
        errors["added_under"] = [_("Choose emergency, arose_after_agenda or continued.")]
    if errors:
        raise ValidationError(errors)
    now = clock.now()
    if not meeting.emergency:
        base = profile_rules.notice.get(meeting.kind)
        needed = rules.period_for(profile_rules, meeting.kind, {kind})
        if needed is not base and not rules.allows(
            needed, meeting.starts_at, association.time_zone, now
        ):
            raise rules.refuse(needed, association.time_zone, now)  # FL 720.303(2)(c)2
        if rules.allows(base, meeting.starts_at, association.time_zone, now):
            added_under = None  # on the agenda in time: no exception needed
        elif not added_under:
            raise Conflict(
                _(
                    "%(rule)s The agenda is part of the notice, and the notice period has "
                    "begun: an item is added now only as an emergency, a matter that arose "
                    "after the agenda was posted, or an item continued from a meeting held "
                    "within 30 days (Civil Code 4930(d); send added_under).",
                    rule=base.rule,
                )
            )
    approval = _approval_for_item(meeting, approval_id) if approval_id is not None else None
    item = AgendaItem(
        meeting_id=meeting.id,
        position=len(meeting.agenda) + 1,
        title=title,
        kind=kind,
        approval_id=approval.id if approval else None,
        executive_topic=executive_topic or None,
        added_under=added_under,
        created_at=now,
    )
    meeting.agenda.append(item)
    db.session.flush()
    if approval is not None:
        approvals.place_on_agenda(approval, meeting_id=meeting.id, agenda_item_id=item.id)
    _refresh_notice(meeting, association, actor)
    _record(
        meeting,
        "meeting.agenda_item",
        _("Added “%(title)s” to the agenda", title=title),
        actor=actor,
        data={"item_id": item.id, "approval_id": item.approval_id, "added_under": added_under},
    )
    return item


# --- at the meeting --------------------------------------------------------------------


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


def quorum_needed(association_id: int) -> int:
    """Return how many board members make a quorum: a majority of the seated board."""
    return len(board_offices(association_id)) // 2 + 1


def quorum_present(meeting: Meeting) -> bool:
    """Tell whether a majority of the seated board is present."""
    seated = set(board_offices(meeting.association_id))
    return bool(seated) and len(meeting.present_ids & seated) >= len(seated) // 2 + 1


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


def _release_items(meeting: Meeting) -> None:
    for item in meeting.agenda:
        if item.approval_id is None:
            continue
        approval = db.session.get(ApprovalRequest, item.approval_id)
        if approval is not None and approval.is_pending and approval.meeting_id == meeting.id:
            approvals.release_from_agenda(approval)


def cancel_meeting(meeting: Meeting, *, reason, actor: User) -> Meeting:
    """Cancel a meeting before it starts and tell the owners by a notice."""
    if not policies.can_cancel(actor, meeting):
        raise NotAllowed(_("Only the manager cancels a meeting."))
    _scheduled(meeting)
    if clock.now() >= clock.as_utc(meeting.starts_at):
        raise Conflict(_("A meeting is cancelled only before it starts."))
    reason = _text(reason, "reason", TEXT_MAX, required=True)
    association = db.session.get(Association, meeting.association_id)
    meeting.status, meeting.cancelled_at = MeetingStatus.CANCELLED.value, clock.now()
    meeting.cancel_reason = reason
    db.session.flush()
    _release_items(meeting)
    notices.create_notice(
        association,
        title=_("Cancelled: %(title)s", title=notice_title(meeting, association))[:200],
        body=_(
            "The %(kind)s of %(when)s is cancelled.\n\n%(reason)s",
            kind=_(KIND_WORDS[meeting.kind]).lower(),
            when=long_datetime(meeting.starts_at, association.time_zone)
            if meeting.kind != MeetingKind.EXECUTIVE
            else long_date(meeting.starts_at, association.time_zone),
            reason=reason,
        ),
        audience="all",
        actor=actor,
        meeting_id=meeting.id,
    )
    _record(
        meeting, "meeting.cancelled", _("Cancelled the meeting: %(r)s", r=reason[:150]), actor=actor
    )
    return meeting


# --- reading ----------------------------------------------------------------------------


def meetings_query(user: User, association_id: int, *, upcoming: bool = False):
    """Return the association's meetings the user may see (owners: no executive sessions)."""
    statement = select(Meeting).where(Meeting.association_id == association_id)
    if not policies.sees_executive(user, association_id):
        statement = statement.where(Meeting.kind != MeetingKind.EXECUTIVE)
    if upcoming:
        statement = statement.where(Meeting.starts_at >= clock.now())
    return statement


def next_meetings_for(approval: ApprovalRequest) -> list[Meeting]:
    """Return the scheduled board meetings whose notice period still allows adding an item,
    soonest first (what "Submit to the board" offers)."""
    association = db.session.get(Association, approval.association_id)
    profile_rules = meeting_rules(association.compliance_profile)
    now = clock.now()
    found = []
    for meeting in db.session.scalars(
        select(Meeting)
        .where(
            Meeting.association_id == approval.association_id,
            Meeting.status == MeetingStatus.SCHEDULED,
            Meeting.kind.in_([k.value for k in BOARD_KINDS]),
            Meeting.starts_at >= now,
        )
        .order_by(Meeting.starts_at)
    ):
        period = rules.period_for(profile_rules, meeting.kind, {i.kind for i in meeting.agenda})
        if meeting.emergency or rules.allows(period, meeting.starts_at, association.time_zone, now):
            found.append(meeting)
    return found
