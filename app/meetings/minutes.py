"""Minutes: drafted from the record, written by the secretary or the manager, approved by the
board through the engine (subject kind ``minutes``; the venue rules apply, so in California
they are approved by a motion at a later meeting), and shown to owners once approved or, in
California, as a marked draft from the 30th day after a board meeting (Civil Code 4950(a))."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app.approvals import services as approvals
from app.approvals.models import ApprovalRequest
from app.approvals.subjects import SubjectKind, register
from app.associations.models import Association
from app.auth.models import User
from app.core import audit, clock, markdown
from app.core.errors import Conflict, NotAllowed, ValidationError
from app.core.formatting import long_date, long_datetime
from app.extensions import db
from app.meetings import policies
from app.meetings.minutes_draft import draft_from_record
from app.meetings.minutes_record import meeting_title
from app.meetings.models import Meeting, MeetingKind, MeetingMinutes, MeetingStatus, MinutesStatus

BODY_MAX = 100_000
# CA Civil Code 4950(a): the minutes, or minutes proposed for adoption marked as a draft, of a
# board meeting other than an executive session, are available to members within 30 days.
CA_DRAFT_DAYS = 30
CA_DRAFT_RULE = (
    "Civil Code 4950(a): the minutes, or minutes proposed for adoption that are marked to "
    "indicate draft status, of a board meeting other than an executive session are available "
    "to members within 30 days of the meeting."
)


def minutes_of(meeting: Meeting) -> MeetingMinutes | None:
    """Return the meeting's minutes row, if any were written."""
    return db.session.scalar(select(MeetingMinutes).where(MeetingMinutes.meeting_id == meeting.id))


def status_of(meeting: Meeting) -> str:
    """Return the minutes' status (``draft`` until written)."""
    row = minutes_of(meeting)
    return row.status if row is not None else MinutesStatus.DRAFT.value


def _audit(meeting: Meeting, action: str, summary: str, *, actor: User, data=None) -> None:
    audit.record(
        action,
        actor=actor,
        association_id=meeting.association_id,
        subject_type="meeting",
        subject_id=meeting.id,
        summary=summary,
        data=data,
    )


def _locked(row: MeetingMinutes | None) -> None:
    if row is not None and row.status in (MinutesStatus.PENDING_APPROVAL, MinutesStatus.APPROVED):
        raise Conflict(
            _(
                "The minutes are %(status)s; they are not changed any more.",
                status=_("pending approval")
                if row.status == MinutesStatus.PENDING_APPROVAL
                else _("approved"),
            )
        )


def save_minutes(meeting: Meeting, *, body, actor: User) -> MeetingMinutes:
    """Write the minutes (Markdown); rejected minutes become a draft again."""
    if not policies.can_run(actor, meeting):
        raise NotAllowed(_("Only the manager or the secretary writes the minutes."))
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("A cancelled meeting has no minutes."))
    if not isinstance(body, str):
        raise ValidationError("body", _("Enter the minutes as text (Markdown)."))
    body = body.strip()
    if not body:
        raise ValidationError("body", _("This field is required."))
    if len(body) > BODY_MAX:
        raise ValidationError(
            "body", _("Use at most %(max)d characters (this has %(n)d).", max=BODY_MAX, n=len(body))
        )
    row = minutes_of(meeting)
    _locked(row)
    now = clock.now()
    if row is None:
        row = MeetingMinutes(meeting_id=meeting.id, association_id=meeting.association_id)
        db.session.add(row)
    previous = row.status
    row.body, row.status = body, MinutesStatus.DRAFT.value
    row.updated_by_id, row.updated_at = actor.id, now
    db.session.flush()
    _audit(
        meeting,
        "meeting.minutes_saved",
        _("Wrote the minutes") if previous != MinutesStatus.REJECTED else _("Revised the minutes"),
        actor=actor,
        data={"minutes_id": row.id, "characters": len(body), "was": previous},
    )
    return row


def submit_minutes(meeting: Meeting, *, actor: User) -> ApprovalRequest:
    """Put the written minutes to the board through the engine (its venue applies)."""
    if not policies.can_run(actor, meeting):
        raise NotAllowed(_("Only the manager or the secretary submits the minutes."))
    association = db.session.get(Association, meeting.association_id)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict(_("A cancelled meeting has no minutes."))
    day = meeting.starts_at.astimezone(clock.zone(association.time_zone)).date()
    if clock.today(association.time_zone) < day:
        raise Conflict(
            _(
                "Minutes record a meeting that was held. It becomes possible on %(date)s.",
                date=long_date(day),
            )
        )
    row = minutes_of(meeting)
    if row is None or not row.body.strip():
        raise Conflict(
            _("Write the minutes first (start from the draft the record gives), then submit.")
        )
    _locked(row)
    request = approvals.open_request("minutes", row, actor=actor)
    return request


def may_read(user: User | None, meeting: Meeting) -> bool:
    """Tell whether the user reads the minutes' body: managers and the board always; owners
    once approved, or in California as a marked draft from the 30th day after a board
    meeting (4950(a); executive sessions never)."""
    if policies.sees_executive(user, meeting.association_id):
        return True
    if not policies.can_view(user, meeting) or meeting.status == MeetingStatus.CANCELLED:
        return False
    if status_of(meeting) == MinutesStatus.APPROVED:
        return True
    association = db.session.get(Association, meeting.association_id)
    return ca_draft_open(meeting, association)


def ca_draft_from(meeting: Meeting, association: Association):
    """Return the local date from which CA owners read the draft, or None elsewhere."""
    if association.compliance_profile != "CA" or meeting.kind not in (
        MeetingKind.BOARD,
        MeetingKind.SPECIAL_BOARD,
    ):
        return None
    day = meeting.starts_at.astimezone(clock.zone(association.time_zone)).date()
    return day + timedelta(days=CA_DRAFT_DAYS)


def ca_draft_open(meeting: Meeting, association: Association) -> bool:
    """Tell whether Civil Code 4950(a) makes the draft available to owners today."""
    start = ca_draft_from(meeting, association)
    return start is not None and clock.today(association.time_zone) >= start


def for_reader(user: User | None, meeting: Meeting) -> dict:
    """Return the minutes as the user may read them: ``{status, body, approval_id, draft,
    owners_from}``. ``body`` is None until written (owners: until they may read them; a CA
    draft owners read is the written draft, or the record's draft when none was written)."""
    association = db.session.get(Association, meeting.association_id)
    row = minutes_of(meeting)
    status = row.status if row is not None else MinutesStatus.DRAFT.value
    body = row.body if row is not None and row.body else None
    insider = policies.sees_executive(user, meeting.association_id)
    if not insider:
        if not may_read(user, meeting):
            body = None
        elif body is None and meeting.status == MeetingStatus.ADJOURNED:
            body = draft_from_record(meeting, association)
    owners_from = ca_draft_from(meeting, association)
    return {
        "status": status,
        "body": body,
        "approval_id": row.approval_id if row is not None else None,
        "draft": status != MinutesStatus.APPROVED,
        "owners_from": owners_from,
        "html": markdown.to_html(body) if body else "",
    }


class MinutesSubject(SubjectKind):
    """Approving a meeting's minutes; the secretary may submit them as the manager may."""

    kind = "minutes"
    label = "Minutes"
    evidence_template = "meetings/_minutes_evidence.html"
    packet_template = "meetings/_minutes_packet.html"

    def load(self, subject_id: int) -> MeetingMinutes | None:
        """Return the minutes."""
        return db.session.get(MeetingMinutes, subject_id)

    def may_submit(self, user, subject: MeetingMinutes) -> bool:
        """The manager or the secretary."""
        return policies.can_run(user, subject.meeting)

    def title(self, subject: MeetingMinutes) -> str:
        """Return e.g. "Minutes: Board meeting of March 14, 2027"."""
        association = db.session.get(Association, subject.association_id)
        return _("Minutes: %(title)s", title=meeting_title(subject.meeting, association))

    def summary(self, subject: MeetingMinutes) -> list[tuple[str, str]]:
        """The meeting the minutes record."""
        association = db.session.get(Association, subject.association_id)
        meeting = subject.meeting
        return [
            (_("Meeting"), meeting_title(meeting, association)),
            (_("Held"), long_datetime(meeting.starts_at, association.time_zone)),
            (_("Last written"), long_datetime(subject.updated_at, association.time_zone)),
        ]

    def evidence(self, subject: MeetingMinutes) -> dict:
        """The minutes as written, rendered safely."""
        return {"html": markdown.to_html(subject.body), "meeting_id": subject.meeting_id}

    def url(self, subject: MeetingMinutes) -> str:
        """Return the meeting's page."""
        return url_for("meetings.show", aid=subject.association_id, meeting_id=subject.meeting_id)

    def briefs(self, subject_ids: list[int]) -> dict[int, list[str]]:
        """Each minutes' meeting date, in one query."""
        rows = db.session.execute(
            select(MeetingMinutes.id, Meeting.starts_at, Association.time_zone)
            .join(Meeting, Meeting.id == MeetingMinutes.meeting_id)
            .join(Association, Association.id == Meeting.association_id)
            .where(MeetingMinutes.id.in_(subject_ids))
        ).all()
        return {mid: [long_date(starts, zone)] for mid, starts, zone in rows}

    def on_submit(self, subject: MeetingMinutes, request) -> None:
        """Locked while the board decides."""
        subject.status = MinutesStatus.PENDING_APPROVAL.value
        subject.approval_id = request.id

    def on_approved(self, subject: MeetingMinutes, request) -> None:
        """Approved: owners read them."""
        subject.status = MinutesStatus.APPROVED.value
        subject.approved_at = clock.now()

    def on_rejected(self, subject: MeetingMinutes, request) -> None:
        """Rejected: the secretary revises them (a PUT makes them a draft again)."""
        subject.status = MinutesStatus.REJECTED.value

    def on_withdrawn(self, subject: MeetingMinutes, request) -> None:
        """Back to draft."""
        subject.status = MinutesStatus.DRAFT.value


register(MinutesSubject())
