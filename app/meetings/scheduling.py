"""Scheduling and cancelling meetings: who may call an emergency meeting, the notice that
is sent (its title and Markdown), and the owners told when a meeting is cancelled. Every
write goes through here; the web layer commits."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.approvals import services as approvals
from app.approvals.models import ApprovalRequest
from app.associations.models import Association
from app.auth.models import User
from app.core import clock, i18n
from app.core.errors import Conflict, NotAllowed, ValidationError
from app.core.formatting import long_date, long_datetime
from app.core.parsing import as_id
from app.extensions import db
from app.meetings import policies, rules
from app.meetings.board import board_offices
from app.meetings.checks import TEXT_MAX, _record, _scheduled, _text
from app.meetings.models import Meeting, MeetingKind, MeetingStatus
from app.meetings.profiles import EXECUTIVE_TOPICS, meeting_rules
from app.notices.writing import create_notice

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
    title, body, versions = _in_every_language(
        association, lambda: (notice_title(meeting, association), notice_body(meeting, association))
    )
    notice = create_notice(
        association,
        title=title,
        body=body,
        translations=versions,
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
            kind=str(KIND_WORDS[kind]).lower(),
            when=long_datetime(meeting.starts_at, association.time_zone),
        ),
        actor=actor,
        data={"kind": kind, "emergency": emergency, "called_by": ids, "notice_id": notice.id},
    )
    return meeting


def _in_every_language(association: Association, write) -> tuple[str, str, dict]:
    """Write a meeting's notice (``write()`` returns its title and body) in the notice's own
    language, and a version in every other language the application speaks: an owner reads
    it in theirs, whoever scheduled the meeting in whatever language. What people typed (the
    purpose, the agenda's titles, a reason) stays as typed in every version."""
    own = getattr(association, "default_language", None) or "en"
    with i18n.in_language(own):
        title, body = write()
    versions = {}
    for language in i18n.available():
        if language != own:
            with i18n.in_language(language):
                other_title, other_body = write()
            versions[language] = {"title": other_title, "body": other_body}
    return title, body, versions


def notice_title(meeting: Meeting, association: Association) -> str:
    """Return the notice's title: the kind of meeting and its date."""
    return _(
        "%(kind)s on %(date)s",
        kind=str(KIND_WORDS[meeting.kind]),
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

    def cancellation() -> tuple[str, str]:
        return (
            _("Cancelled: %(title)s", title=notice_title(meeting, association))[:200],
            _(
                "The %(kind)s of %(when)s is cancelled.\n\n%(reason)s",
                kind=str(KIND_WORDS[meeting.kind]).lower(),
                when=long_datetime(meeting.starts_at, association.time_zone)
                if meeting.kind != MeetingKind.EXECUTIVE
                else long_date(meeting.starts_at, association.time_zone),
                reason=reason,
            ),
        )

    title, body, versions = _in_every_language(association, cancellation)
    create_notice(
        association,
        title=title,
        body=body,
        translations=versions,
        audience="all",
        actor=actor,
        meeting_id=meeting.id,
    )
    _record(
        meeting, "meeting.cancelled", _("Cancelled the meeting: %(r)s", r=reason[:150]), actor=actor
    )
    return meeting
