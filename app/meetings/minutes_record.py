"""A meeting's record as plain values, which the minutes' draft, the report and the packet
read: attendance and quorum, each agenda item with its motions and votes, and the approval
it carries."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.approvals.models import ApprovalRequest, choice_words
from app.associations.models import Association
from app.auth.models import User, office_words
from app.core.formatting import long_date, long_datetime
from app.extensions import db
from app.meetings import scheduling
from app.meetings.board import board_offices, quorum_needed, quorum_present
from app.meetings.models import AddedUnder, Meeting, MotionChoice, motion_choice_words
from app.meetings.profiles import EXECUTIVE_TOPICS

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
REQUEST_STATUS_WORDS = {
    "pending": _l("pending"),
    "approved": _l("approved"),
    "rejected": _l("rejected"),
    "withdrawn": _l("withdrawn"),
}


def _names(association_id: int, ids) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())


def meeting_title(meeting: Meeting, association: Association) -> str:
    """Return e.g. "Board meeting of March 14, 2027"."""
    return _(
        "%(kind)s of %(date)s",
        kind=_(scheduling.KIND_WORDS[meeting.kind]),
        date=long_date(meeting.starts_at, association.time_zone),
    )


def record(meeting: Meeting, association: Association) -> dict:
    """Return the meeting's record as plain values: attendance and quorum, each agenda item
    with its motions (mover, seconder, each member's vote, result) and the approval it
    carries (decided here, or online and reported: consents, actions without a meeting)."""
    offices = board_offices(association.id)
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
        return f"{name} ({office_words(office)})" if office else name

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
                "label": motion_choice_words(cast[uid]) if uid in cast else _("did not vote"),
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
                "status_label": str(REQUEST_STATUS_WORDS.get(request.status, request.status)),
                "emergency": bool(request.emergency),
                "decided_here": decided_here,
                "online": request.venue == "online" or bool(request.emergency),
                "decided_on": long_date(request.decided_at, association.time_zone)
                if request.decided_at
                else "",
                "votes": [
                    {
                        "name": names.get(v.voter_id, "?"),
                        "label": choice_words(v.choice),
                    }
                    for v in sorted(request.votes, key=lambda v: names.get(v.voter_id, ""))
                ],
            }
        items.append(
            {
                "number": number,
                "title": item.title,
                "kind": item.kind,
                "kind_label": str(ITEM_WORDS.get(item.kind, item.kind)),
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
        "kind_label": _(scheduling.KIND_WORDS[meeting.kind]),
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
        "quorum_present": quorum_present(meeting),
        "quorum_needed": quorum_needed(association.id),
        "agenda": items,
        "other_motions": [motion_values(m) for m in meeting.motions if m.agenda_item_id is None],
    }
