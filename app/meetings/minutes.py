"""Minutes: drafted from the record, written by the secretary or the manager, approved by the
board through the engine (subject kind ``minutes``; the venue rules apply, so in California
they are approved by a motion at a later meeting), and shown to owners once approved or, in
California, as a marked draft from the 30th day after a board meeting (Civil Code 4950(a))."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.approvals import services as approvals
from app.approvals.models import ApprovalRequest
from app.approvals.subjects import SubjectKind, register
from app.associations.models import Association
from app.auth.models import User
from app.compliance.profiles import EXECUTIVE_TOPICS
from app.core import audit, clock, markdown
from app.core.errors import Conflict, NotAllowed, ValidationError
from app.core.formatting import long_date, long_datetime
from app.extensions import db
from app.meetings import policies, services
from app.meetings.models import (
    AddedUnder,
    Meeting,
    MeetingKind,
    MeetingMinutes,
    MeetingStatus,
    MinutesStatus,
    MotionChoice,
)

BODY_MAX = 100_000
# CA Civil Code 4950(a): the minutes, or minutes proposed for adoption marked as a draft, of a
# board meeting other than an executive session, are available to members within 30 days.
CA_DRAFT_DAYS = 30
CA_DRAFT_RULE = (
    "Civil Code 4950(a): the minutes, or minutes proposed for adoption that are marked to "
    "indicate draft status, of a board meeting other than an executive session are available "
    "to members within 30 days of the meeting."
)
ADDED_UNDER_WORDS = {
    AddedUnder.EMERGENCY: "an emergency (Civil Code 4930(d)(1))",
    AddedUnder.AROSE_AFTER_AGENDA: (
        "a matter that arose after the agenda was posted (Civil Code 4930(d)(2))"
    ),
    AddedUnder.CONTINUED: (
        "an item continued from a meeting held within 30 days (Civil Code 4930(d)(3))"
    ),
}
ITEM_WORDS = {
    "action": _l("action"),
    "report": _l("report"),
    "special_assessment": _l("special assessment"),
    "use_rule": _l("rule change"),
}
CHOICE_WORDS = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}
APPROVAL_CHOICE_WORDS = {"approve": _l("Approve"), "reject": _l("Reject"), "abstain": _l("Abstain")}
REQUEST_STATUS_WORDS = {
    "pending": _l("pending"),
    "approved": _l("approved"),
    "rejected": _l("rejected"),
    "withdrawn": _l("withdrawn"),
}


def minutes_of(meeting: Meeting) -> MeetingMinutes | None:
    """Return the meeting's minutes row, if any were written."""
    return db.session.scalar(select(MeetingMinutes).where(MeetingMinutes.meeting_id == meeting.id))


def status_of(meeting: Meeting) -> str:
    """Return the minutes' status (``draft`` until written)."""
    row = minutes_of(meeting)
    return row.status if row is not None else MinutesStatus.DRAFT.value


def _names(association_id: int, ids) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def meeting_title(meeting: Meeting, association: Association) -> str:
    """Return e.g. "Board meeting of March 14, 2027"."""
    return _(
        "%(kind)s of %(date)s",
        kind=_(services.KIND_WORDS[meeting.kind]),
        date=long_date(meeting.starts_at, association.time_zone),
    )


# --- the record, as plain values (the draft, the report and the packet read it) ---------


def record(meeting: Meeting, association: Association) -> dict:
    """Return the meeting's record as plain values: attendance and quorum, each agenda item
    with its motions (mover, seconder, each member's vote, result) and the approval it
    carries (decided here, or online and reported: consents, actions without a meeting)."""
    offices = services.board_offices(association.id)
    people = set(offices) | {a.user_id for a in meeting.attendance}
    for motion in meeting.motions:
        people |= {motion.moved_by_id, motion.seconded_by_id, *motion.eligible_ids}
        people |= {v.user_id for v in motion.votes}
    approvals_by_id = {}
    approval_ids = [i.approval_id for i in meeting.agenda if i.approval_id]
    if approval_ids:
        for request in db.session.scalars(
            select(ApprovalRequest).where(ApprovalRequest.id.in_(approval_ids))
        ):
            approvals_by_id[request.id] = request
            people |= {v.voter_id for v in request.votes}
    names = _names(association.id, people)
    attendance = {a.user_id: a.present for a in meeting.attendance}
    board = sorted(offices, key=lambda uid: names.get(uid, ""))

    def person(uid: int) -> str:
        office = offices.get(uid)
        name = names.get(uid, _("member %(id)d", id=uid))
        return f"{name} ({office.replace('_', ' ')})" if office else name

    def motion_values(motion) -> dict:
        cast = {v.user_id: v.choice for v in motion.votes}
        present = {uid for uid, here in attendance.items() if here}
        recused = sorted(
            (uid for uid in present if uid in offices and uid not in motion.eligible_ids),
            key=lambda uid: names.get(uid, ""),
        )
        votes = [
            {
                "name": names.get(uid, "?"),
                "choice": cast.get(uid),
                "label": _(CHOICE_WORDS[cast[uid]]) if uid in cast else _("did not vote"),
            }
            for uid in sorted(motion.eligible_ids, key=lambda uid: names.get(uid, ""))
        ]
        counts = {c.value: sum(1 for v in motion.votes if v.choice == c) for c in MotionChoice}
        return {
            "id": motion.id,
            "text": motion.text,
            "moved_by": names.get(motion.moved_by_id, "?"),
            "seconded_by": names.get(motion.seconded_by_id, "?"),
            "votes": votes,
            "recused": [names.get(uid, "?") for uid in recused],
            "result": motion.result,
            "yes": counts["yes"],
            "no": counts["no"],
            "abstain": counts["abstain"],
            "eligible": motion.eligible_count,
        }

    items = []
    for number, item in enumerate(meeting.agenda, start=1):
        request = approvals_by_id.get(item.approval_id) if item.approval_id else None
        decided_here = request is not None and request.meeting_id == meeting.id
        approval = None
        if request is not None:
            approval = {
                "id": request.id,
                "title": request.title,
                "status": request.status,
                "status_label": _(REQUEST_STATUS_WORDS.get(request.status, request.status)),
                "emergency": bool(request.emergency),
                "decided_here": decided_here,
                "online": request.venue == "online" or bool(request.emergency),
                "decided_on": long_date(request.decided_at, association.time_zone)
                if request.decided_at
                else "",
                "votes": [
                    {
                        "name": names.get(v.voter_id, "?"),
                        "label": _(APPROVAL_CHOICE_WORDS.get(v.choice, v.choice)),
                    }
                    for v in sorted(request.votes, key=lambda v: names.get(v.voter_id, ""))
                ],
            }
        items.append(
            {
                "number": number,
                "title": item.title,
                "kind": item.kind,
                "kind_label": _(ITEM_WORDS.get(item.kind, item.kind)),
                "executive_topic": _(EXECUTIVE_TOPICS[item.executive_topic])
                if item.executive_topic in EXECUTIVE_TOPICS
                else "",
                "added_under": _(ADDED_UNDER_WORDS[item.added_under]) if item.added_under else "",
                "approval": approval,
                "motions": [
                    motion_values(m) for m in meeting.motions if m.agenda_item_id == item.id
                ],
            }
        )
    return {
        "title": meeting_title(meeting, association),
        "kind": meeting.kind,
        "kind_label": _(services.KIND_WORDS[meeting.kind]),
        "when": long_datetime(meeting.starts_at, association.time_zone),
        "location": meeting.location,
        "video_url": meeting.video_url,
        "status": meeting.status,
        "purpose": meeting.purpose,
        "emergency": meeting.emergency,
        "emergency_reason": meeting.emergency_reason,
        "called_by": [person(uid) for uid in meeting.called_by or []],
        "adjourned_at": long_datetime(meeting.adjourned_at, association.time_zone)
        if meeting.adjourned_at
        else "",
        "present": [person(uid) for uid in board if attendance.get(uid) is True],
        "absent": [person(uid) for uid in board if attendance.get(uid) is False],
        "unrecorded": [person(uid) for uid in board if uid not in attendance],
        "seated": len(offices),
        "quorum_present": services.quorum_present(meeting),
        "quorum_needed": services.quorum_needed(association.id),
        "agenda": items,
        "other_motions": [motion_values(m) for m in meeting.motions if m.agenda_item_id is None],
    }


def _motion_markdown(motion: dict) -> list[str]:
    lines = [
        "",
        _(
            "**Motion:** %(text)s — moved by %(mover)s, seconded by %(seconder)s.",
            text=motion["text"],
            mover=motion["moved_by"],
            seconder=motion["seconded_by"],
        ),
        "",
        f"| {_('Director')} | {_('Vote')} |",
        "|---|---|",
    ]
    lines += [f"| {v['name']} | {v['label']} |" for v in motion["votes"]]
    if motion["recused"]:
        lines += ["", _("Recused: %(names)s.", names=", ".join(motion["recused"]))]
    result = {"carried": _("carried"), "failed": _("failed"), "open": _("not decided")}
    lines += [
        "",
        _(
            "**Result:** %(result)s (%(yes)d yes, %(no)d no, %(abstain)d abstaining, of "
            "%(n)d eligible present).",
            result=result[motion["result"]],
            yes=motion["yes"],
            no=motion["no"],
            abstain=motion["abstain"],
            n=motion["eligible"],
        ),
    ]
    return lines


def draft_from_record(meeting: Meeting, association: Association) -> str:
    """Return minutes drafted from the record, as Markdown for the secretary to edit."""
    values = record(meeting, association)
    lines = [
        f"# {_('Minutes')}: {values['title']}",
        "",
        f"{association.name}",
        "",
        _("**When:** %(when)s", when=values["when"]) + "  ",
    ]
    if values["location"]:
        lines.append(_("**Where:** %(place)s", place=values["location"]) + "  ")
    if values["video_url"]:
        lines.append(_("**Video:** <%(url)s>", url=values["video_url"]) + "  ")
    if values["emergency"]:
        lines.append(
            _(
                "**Emergency meeting**, called by %(callers)s: %(reason)s",
                callers=", ".join(values["called_by"]) or _("the board"),
                reason=values["emergency_reason"] or "—",
            )
        )
    lines += ["", f"## {_('Attendance')}", ""]
    lines.append(_("Present: %(names)s.", names=", ".join(values["present"]) or _("nobody")))
    if values["absent"]:
        lines.append("")
        lines.append(_("Absent: %(names)s.", names=", ".join(values["absent"])))
    if values["unrecorded"]:
        lines.append("")
        lines.append(_("Not recorded: %(names)s.", names=", ".join(values["unrecorded"])))
    lines.append("")
    counts = {
        "n": len(values["present"]),
        "seated": values["seated"],
        "needed": values["quorum_needed"],
    }
    lines.append(
        _(
            "A quorum was present (%(n)d of %(seated)d seated directors; %(needed)d needed).",
            **counts,
        )
        if values["quorum_present"]
        else _(
            "No quorum was present (%(n)d of %(seated)d seated directors; %(needed)d needed).",
            **counts,
        )
    )
    lines += ["", f"## {_('Agenda')}"]
    if not values["agenda"]:
        lines += ["", _("Nothing was on the agenda.")]
    for item in values["agenda"]:
        lines += ["", f"### {item['number']}. {item['title']} ({item['kind_label']})"]
        if item["executive_topic"]:
            lines += ["", _("Executive session: %(topic)s.", topic=item["executive_topic"])]
        if item["added_under"]:
            lines += [
                "",
                _("Added after the agenda was posted, as %(why)s.", why=item["added_under"]),
            ]
        approval = item["approval"]
        if approval is not None and not approval["decided_here"]:
            how = (
                _("by unanimous written consent in an emergency")
                if approval["emergency"]
                else _("without a meeting")
                if approval["online"]
                else _("elsewhere")
            )
            votes = ", ".join(f"{v['name']}: {v['label']}" for v in approval["votes"])
            lines += [
                "",
                _(
                    "Request #%(id)d, “%(title)s”, was %(status)s %(how)s%(on)s.",
                    id=approval["id"],
                    title=approval["title"],
                    status=approval["status_label"],
                    how=how,
                    on=_(" on %(date)s", date=approval["decided_on"])
                    if approval["decided_on"]
                    else "",
                )
                + (f" {_('Votes')}: {votes}." if votes else ""),
            ]
        elif approval is not None:
            lines += [
                "",
                _(
                    "This item decides request #%(id)d, “%(title)s” (%(status)s).",
                    id=approval["id"],
                    title=approval["title"],
                    status=approval["status_label"],
                ),
            ]
        for motion in item["motions"]:
            lines += _motion_markdown(motion)
        if not item["motions"] and item["kind"] != "report" and approval is None:
            lines += ["", _("No motion was made.")]
    if values["other_motions"]:
        lines += ["", f"## {_('Other motions')}"]
        for motion in values["other_motions"]:
            lines += _motion_markdown(motion)
    lines += ["", f"## {_('Adjournment')}", ""]
    lines.append(
        _("The meeting was adjourned at %(when)s.", when=values["adjourned_at"])
        if values["adjourned_at"]
        else _("The meeting has not been adjourned yet.")
    )
    return "\n".join(lines) + "\n"


# --- writing and submitting ------------------------------------------------------------------


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


# --- the subject kind -----------------------------------------------------------------------


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
