"""Building a meeting's agenda: items added while the notice period allows (or under
CA 4930(d)'s exceptions), an item carrying a pending approval, and the notice revised
with it. Every write goes through here; the web layer commits."""

from __future__ import annotations

from flask_babel import gettext as _

from app.approvals import services as approvals
from app.approvals import venues
from app.approvals.models import ApprovalRequest
from app.associations.models import Association
from app.auth.models import User
from app.core import clock
from app.core.errors import Conflict, NotAllowed, ValidationError
from app.core.parsing import as_id
from app.extensions import db
from app.meetings import policies, rules
from app.meetings.checks import TITLE_MAX, _record, _scheduled, _text
from app.meetings.models import (
    BOARD_KINDS,
    AddedUnder,
    AgendaItem,
    ItemKind,
    Meeting,
    MeetingKind,
    MeetingMinutes,
    MeetingStatus,
)
from app.meetings.profiles import meeting_rules
from app.meetings.scheduling import notice_body
from app.notices.models import Notice
from app.notices.writing import revise_body


def _refresh_notice(meeting: Meeting, association: Association, actor: User) -> None:
    if meeting.notice_id is None:
        return
    notice = db.session.get(Notice, meeting.notice_id)
    if notice is not None:
        revise_body(notice, notice_body(meeting, association), actor=actor)


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
